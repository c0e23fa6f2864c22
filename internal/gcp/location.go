package gcp

import (
	"regexp"
	"strings"
)

// GCP names a region "<continent>-<area><number>" (us-central1,
// europe-west4, northamerica-northeast1) and a zone "<region>-<letter>"
// (us-central1-a): https://cloud.google.com/compute/docs/regions-zones.
// These are the shapes; KnownRegion and KnownZone (zones.go) say whether
// Google lists the name.
var (
	regionName = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
	zoneName   = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`)
)

// IsRegionName tells whether s has the shape of a region's name.
func IsRegionName(s string) bool { return regionName.MatchString(s) }

// IsZoneName tells whether s has the shape of a zone's name.
func IsZoneName(s string) bool { return zoneName.MatchString(s) }

// RegionOfLocation is the region a location names: a zone's region, or
// the region itself; "" when location is neither.
func RegionOfLocation(location string) string {
	switch {
	case IsZoneName(location):
		return location[:strings.LastIndex(location, "-")]
	case IsRegionName(location):
		return location
	}
	return ""
}
