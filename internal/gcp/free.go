package gcp

import "net/netip"

// FreeIPv4Prefix returns the first /bits block inside within that overlaps
// none of taken, walking the blocks in address order so the same package
// always gets the same answer. ok is false when every block is taken.
func FreeIPv4Prefix(within netip.Prefix, bits int, taken []netip.Prefix) (free netip.Prefix, ok bool) {
	within = within.Masked()
	if !within.Addr().Is4() || bits < within.Bits() || bits > 32 {
		return netip.Prefix{}, false
	}
	for c, more := netip.PrefixFrom(within.Addr(), bits), true; more && within.Contains(c.Addr()); c, more = NextPrefix(c) {
		if !overlapsAny(c, taken) {
			return c, true
		}
	}
	return netip.Prefix{}, false
}

func overlapsAny(p netip.Prefix, taken []netip.Prefix) bool {
	for _, t := range taken {
		if t.IsValid() && t.Overlaps(p) {
			return true
		}
	}
	return false
}
