package gcp

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The shapes GCP and Kubernetes give names. Every function checks a name
// against these, so that two functions never disagree on what is valid.
var (
	// resourceName is a Compute Engine resource name (network, subnetwork,
	// firewall rule, route, router, address, instance) and a network tag:
	// 1 to 63 characters, a lower-case letter first, then lower-case
	// letters, digits and hyphens, not ending with a hyphen (RFC 1035).
	// https://cloud.google.com/compute/docs/naming-resources#resource-name-format
	// (network tags: https://cloud.google.com/vpc/docs/add-remove-network-tags,
	// "Requirements for network tags").
	resourceName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	// dnsLabel is one label of a DNS name and a Kubernetes namespace name:
	// 1 to 63 lower-case letters, digits and hyphens, starting and ending
	// with a letter or digit (RFC 1123).
	// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// IsResourceName reports whether s is a valid Compute Engine resource name.
func IsResourceName(s string) bool { return resourceName.MatchString(s) }

// IsNetworkTag reports whether s is a valid network tag: the same rule as a
// resource name.
func IsNetworkTag(s string) bool { return resourceName.MatchString(s) }

// IsDNSLabel reports whether s is one RFC 1123 label: a label of a host
// name, a Kubernetes namespace.
func IsDNSLabel(s string) bool { return dnsLabel.MatchString(s) }

// ResourceNameRule says in words what IsResourceName checks, for messages.
const ResourceNameRule = "lower-case letters, digits and hyphens, starting with a letter, at most 63 characters"

// CheckNetworkTag says why tag is not a network tag (IsNetworkTag), in
// the words of ResourceNameRule, or nil: every function that takes a tag
// in its config refuses it with this one message.
func CheckNetworkTag(tag string) error {
	if IsNetworkTag(tag) {
		return nil
	}
	return fmt.Errorf("%q is not a valid network tag: %s", tag, ResourceNameRule)
}

// NodeTag is the network tag lockdown gives a cluster's nodes when the
// config names none: private-cluster puts it on the nodes and
// cluster-firewall's rules target it, so both compute it here. Beside
// BastionTag (names.go), the tag of the cluster's bastion.
func NodeTag(cluster string) string { return cluster + "-node" }

// Firewall rule priorities: 0 is evaluated first, 65535 last; a rule with
// no priority gets 1000. The implied rules (allow egress, deny ingress) sit
// at 65535, below everything.
// https://cloud.google.com/firewall/docs/firewalls#priority_order_for_firewall_rules
// Routes use the same 0 to 65535 scale, lower winning:
// https://cloud.google.com/vpc/docs/routes#routeselection
const (
	MinPriority     = 0
	MaxPriority     = 65535
	DefaultPriority = 1000
)

// CheckPriority says why p is not a priority of a firewall rule or a
// route (the scale above, which both share), or nil: one message for every
// priority a config sets.
func CheckPriority(p int64) error {
	if p < MinPriority || p > MaxPriority {
		return fmt.Errorf("priority %d is out of range: GCP priorities go from %d (first) to %d (last)", p, MinPriority, MaxPriority)
	}
	return nil
}

// Port numbers as VPC firewall rules take them: a port or a range "a-b"
// from 0 to 65535. The default network's own default-allow-internal rule
// allows tcp:0-65535, so 0 is a port a rule may name.
// https://cloud.google.com/firewall/docs/firewalls#more_rules_default_vpc
const (
	MinPort = 0
	MaxPort = 65535
)

// PortRange is an inclusive range of ports; a single port has First == Last.
type PortRange struct{ First, Last int }

// String is the form a firewall rule takes: "443" or "8000-8100".
func (r PortRange) String() string {
	if r.First == r.Last {
		return strconv.Itoa(r.First)
	}
	return fmt.Sprintf("%d-%d", r.First, r.Last)
}

// Contains reports whether every port of o is in r.
func (r PortRange) Contains(o PortRange) bool { return r.First <= o.First && o.Last <= r.Last }

// AllPorts is the range a rule without ports covers.
var AllPorts = PortRange{MinPort, MaxPort}

// ParsePortRange reads "443" or "8000-8100" (blanks around the numbers
// allowed) with both ends from min to MaxPort and the first not after the
// last. min is MinPort for what a firewall rule may say, 1 for a port a
// server listens on.
func ParsePortRange(s string, min int) (PortRange, error) {
	a, b, isRange := strings.Cut(s, "-")
	first, errA := strconv.Atoi(strings.TrimSpace(a))
	last, errB := first, error(nil)
	if isRange {
		last, errB = strconv.Atoi(strings.TrimSpace(b))
	}
	switch {
	case errA != nil || errB != nil:
		return PortRange{}, fmt.Errorf("%q is not a port such as 443 or a range such as 8000-8100", s)
	case first < min || last > MaxPort || first > MaxPort || last < min:
		return PortRange{}, fmt.Errorf("%q is out of range: ports are %d to %d", s, min, MaxPort)
	case first > last:
		return PortRange{}, fmt.Errorf("%q starts after it ends: write %d-%d", s, last, first)
	}
	return PortRange{first, last}, nil
}

// MinServerPort is the lowest port a server listens on, the min that
// cluster-firewall and cloud-nat give ParsePortRange for the ports they
// open: port 0 is reserved for TCP and UDP and no service is reached on
// it, though a firewall rule may name it (MinPort).
// https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml
// (port 0, "Reserved").
const MinServerPort = 1
