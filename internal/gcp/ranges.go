package gcp

import (
	"net/netip"
	"strings"
)

// CoreHealthCheckRanges are the ranges the health checks of every current
// Google Cloud load balancer come from (the first two of
// HealthCheckRanges; the other two serve only legacy network load
// balancers). Nodes that do not let both in have no healthy backend.
var CoreHealthCheckRanges = []netip.Prefix{
	netip.MustParsePrefix("130.211.0.0/22"),
	netip.MustParsePrefix("35.191.0.0/16"),
}

// PrivateIPv4Ranges are the private IPv4 ranges of RFC 1918.
var PrivateIPv4Ranges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// IsPrivateIPv4 tells whether all of p lies within one RFC 1918 range.
func IsPrivateIPv4(p netip.Prefix) bool {
	for _, r := range PrivateIPv4Ranges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// WidestAuthorizedNetworkBits is the shortest prefix length a public
// master authorized network may have: a public range of /8 or wider
// (0.0.0.0/0 above all) opens the control plane to the internet.
// private-cluster refuses such ranges unless told otherwise; lint applies
// the same rule to what the package ends up with.
const WidestAuthorizedNetworkBits = 8

// OpensControlPlane tells whether a master authorized network opens the
// control plane to the internet: a public IPv4 range of
// WidestAuthorizedNetworkBits or wider.
func OpensControlPlane(p netip.Prefix) bool {
	return p.Addr().Is4() && p.Bits() <= WidestAuthorizedNetworkBits && !IsPrivateIPv4(p)
}

// VIPs are both Google API VIPs, restricted first.
var VIPs = []VIP{RestrictedVIP, PrivateVIP}

// VIPOf returns the VIP whose IPv4 or IPv6 range holds addr.
func VIPOf(addr netip.Addr) (VIP, bool) {
	for _, v := range VIPs {
		if v.IPv4.Contains(addr) || v.IPv6.Contains(addr) {
			return v, true
		}
	}
	return VIP{}, false
}

// VIPOfHost returns the VIP a host name (with or without the final dot,
// in any case) names: restricted.googleapis.com or private.googleapis.com.
func VIPOfHost(host string) (VIP, bool) {
	for _, v := range VIPs {
		if strings.EqualFold(strings.TrimSuffix(host, "."), v.Host) {
			return v, true
		}
	}
	return VIP{}, false
}

// IsVIPRange tells whether p is exactly the IPv4 or IPv6 range of a VIP,
// the destination of a route to it.
func IsVIPRange(p netip.Prefix) (VIP, bool) {
	for _, v := range VIPs {
		if p == v.IPv4 || p == v.IPv6 {
			return v, true
		}
	}
	return VIP{}, false
}
