package gcp

import (
	"fmt"
	"regexp"
)

// MaxAccessContextNameLength is the longest name of an access level, and
// the longest vpc-sc gives a service perimeter: "The access_level
// component must begin with a letter, followed by alphanumeric characters
// or _. Its maximum length is 50 characters."
// https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.accessLevels
// (field name). A perimeter's name takes the same characters:
// https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.servicePerimeters
// (field name).
const MaxAccessContextNameLength = 50

// The shapes Access Context Manager (VPC Service Controls) gives names
// and values.
var (
	// accessContextName is an access level's or a service perimeter's
	// name: a letter, then letters, digits and underscores.
	accessContextName = regexp.MustCompile(fmt.Sprintf(`^[A-Za-z][A-Za-z0-9_]{0,%d}$`, MaxAccessContextNameLength-1))
	// serviceName is how VPC Service Controls names a service it can
	// restrict: NAME.googleapis.com, such as storage.googleapis.com.
	// https://cloud.google.com/vpc-service-controls/docs/supported-products
	serviceName = regexp.MustCompile(`^[a-z][a-z0-9-]*\.googleapis\.com$`)
	// regionCode is a region of an access level's condition: "Must be
	// valid ISO 3166-1 alpha-2 codes", two capital letters.
	// https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.accessLevels
	// (Condition, field regions).
	regionCode = regexp.MustCompile(`^[A-Z]{2}$`)
)

// IsAccessContextName reports whether s is a valid access level or
// service perimeter name.
func IsAccessContextName(s string) bool { return accessContextName.MatchString(s) }

// IsServiceName reports whether s names a service as VPC Service Controls
// restricts it.
func IsServiceName(s string) bool { return serviceName.MatchString(s) }

// IsRegionCode reports whether s is a region code an access level takes.
func IsRegionCode(s string) bool { return regionCode.MatchString(s) }
