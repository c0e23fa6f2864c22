package gcp

import "net/netip"

// MaxSubnetIPv4Bits is the longest prefix a subnetwork's primary IPv4
// range may have: the smallest primary range is a /29, eight addresses of
// which four are reserved.
// https://cloud.google.com/vpc/docs/subnets ("IPv4 subnet ranges").
const MaxSubnetIPv4Bits = 29

// UsableIPv4Range returns the first and last address that a VM may hold in
// a subnetwork's primary IPv4 range. Google reserves four addresses of
// every primary IPv4 range: the first (the network address), the second
// (the default gateway), the second-to-last (for future use) and the last
// (the broadcast address), so the usable ones run from the third to the
// third-to-last.
// https://cloud.google.com/vpc/docs/subnets ("Reserved IP addresses in
// IPv4 subnet ranges"; secondary ranges keep all their addresses, so this
// is for the primary range only).
//
// ok is false for a range no primary range can be: not IPv4, or longer
// than MaxSubnetIPv4Bits, which would leave no usable address.
func UsableIPv4Range(p netip.Prefix) (first, last netip.Addr, ok bool) {
	if !p.IsValid() || !p.Addr().Is4() || p.Bits() > MaxSubnetIPv4Bits {
		return netip.Addr{}, netip.Addr{}, false
	}
	first = p.Masked().Addr().Next().Next()
	last = LastAddr(p).Prev().Prev()
	return first, last, true
}
