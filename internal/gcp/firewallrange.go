package gcp

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseRange reads one range of a VPC firewall rule (sourceRanges,
// destinationRanges of a ComputeFirewall), or of a config list that a
// function writes into such a rule (cloud-nat's allowedCidrs,
// cluster-firewall's extraAllows ranges): a CIDR range, or a single
// address, which is the host prefix of its family (/32 for IPv4, /128 for
// IPv6). Every function reads these lists with it, so that one package is
// never accepted by one function and refused by another.
//
// What Google writes: the Compute Engine API reference of the Firewall
// resource, https://cloud.google.com/compute/docs/reference/rest/v1/firewalls
// (fields sourceRanges and destinationRanges), says "These ranges must be
// expressed in CIDR format" and "Both IPv4 and IPv6 are supported". It does
// not say what a bare address means. Config Connector's ComputeFirewall
// takes one (the field is a plain string list), and real packages rely on
// it: Kubeflow v1.2's own privateGKE firewall lists 36 bare addresses as
// destinations. An address can only stand for itself, so it is read as its
// host prefix.
//
// A range with host bits set, such as 10.1.2.3/8, is refused: it is not in
// CIDR format, users report that the API refuses it (for one,
// https://github.com/CartoDB/cartodb/pull/15649; Google's pages say
// nothing of it), and its writer may have meant either the address or the
// whole range. So is anything netip
// cannot read as an address or a prefix, including an IPv6 zone
// (fe80::1%eth0), which no firewall rule can hold. Space around the text is
// not trimmed: a ComputeFirewall holds the text as written, and callers
// that read friendlier config trim it themselves.
func ParseRange(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		return parseHost(s)
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, notARange(s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, &HostBitsError{Prefix: p}
	}
	return p, nil
}

// HostBitsError is ParseRange's error for a range with host bits set. It
// keeps the range as written, for checks that need only its family.
type HostBitsError struct{ Prefix netip.Prefix }

func (e *HostBitsError) Error() string {
	p := e.Prefix
	return fmt.Sprintf("%s has host bits set: did you mean %s (the range) or %s (the address)?",
		p, p.Masked(), netip.PrefixFrom(p.Addr(), p.Addr().BitLen()))
}

// parseHost reads a bare address as its host prefix.
func parseHost(s string) (netip.Prefix, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, notARange(s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func notARange(s string) error {
	return fmt.Errorf("%q is not a range: write a CIDR range such as 10.0.0.0/8, or a single address such as 10.0.0.7", s)
}
