package gcp

import "net/netip"

// LastAddr returns the last address of p: the broadcast address of an IPv4
// range. net/netip has Addr.Next and Prefix.Masked but nothing for the top
// of a range; this sets the host bits, for IPv4 and IPv6 alike.
func LastAddr(p netip.Prefix) netip.Addr {
	if !p.IsValid() {
		return netip.Addr{}
	}
	first := p.Masked().Addr()
	b := first.As16()
	for bit := 128 - first.BitLen() + p.Bits(); bit < 128; bit++ {
		b[bit/8] |= 0x80 >> (bit % 8)
	}
	last := netip.AddrFrom16(b)
	if first.Is4() {
		return last.Unmap()
	}
	return last
}

// NextPrefix returns the prefix of the same length right after p, such as
// 172.16.0.16/28 after 172.16.0.0/28, and false when p ends its address
// space.
func NextPrefix(p netip.Prefix) (netip.Prefix, bool) {
	next := LastAddr(p).Next()
	if !next.IsValid() {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(next, p.Bits()), true
}
