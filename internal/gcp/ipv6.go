package gcp

import "net/netip"

// IPv6Records returns the addresses that AAAA records for the VIP carry.
//
// Google's "Configure Private Google Access" page gives the IPv6 range of
// each VIP (2600:2d00:0002:1000::/64 for restricted.googleapis.com,
// 2600:2d00:0002:2000::/64 for private.googleapis.com; newer revisions of
// the page write the same ranges as /56) and, in the DNS column of its
// network-configuration table, tells you to point IPv6 traffic at one
// address: 2600:2d00:0002:1000:: for restricted.googleapis.com and
// 2600:2d00:0002:2000:: for private.googleapis.com. Unlike IPv4, where the
// A records list all four addresses of the /30, the AAAA record carries
// that single documented address, the first of the range; a /64 has far
// too many addresses to list, and no others are documented.
func (v VIP) IPv6Records() []netip.Addr {
	switch v.Mode {
	case RestrictedVIP.Mode:
		return []netip.Addr{netip.MustParseAddr("2600:2d00:0002:1000::")}
	case PrivateVIP.Mode:
		return []netip.Addr{netip.MustParseAddr("2600:2d00:0002:2000::")}
	}
	return nil
}
