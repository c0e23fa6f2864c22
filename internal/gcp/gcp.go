// Package gcp holds the fixed facts of Google Cloud networking that
// lockdown's functions build on: the Google API VIPs, the ranges Google's
// health checkers and IAP connect from, and names GCP gives its own things.
// They are documented by Google and the same for every project.
package gcp

import "net/netip"

// VIP is one of the two ranges through which private nodes reach Google
// APIs without internet access.
type VIP struct {
	Mode string       // "restricted" or "private"
	Host string       // the DNS name that resolves to it
	IPv4 netip.Prefix // four addresses
	IPv6 netip.Prefix
}

// The Google API VIPs. restricted.googleapis.com serves only the APIs that
// VPC Service Controls supports, and is the one to use inside a perimeter.
var (
	RestrictedVIP = VIP{
		Mode: "restricted",
		Host: "restricted.googleapis.com",
		IPv4: netip.MustParsePrefix("199.36.153.4/30"),
		IPv6: netip.MustParsePrefix("2600:2d00:2:1000::/64"),
	}
	PrivateVIP = VIP{
		Mode: "private",
		Host: "private.googleapis.com",
		IPv4: netip.MustParsePrefix("199.36.153.8/30"),
		IPv6: netip.MustParsePrefix("2600:2d00:2:2000::/64"),
	}
)

// VIPFor returns the VIP of a mode, and whether the mode is known.
func VIPFor(mode string) (VIP, bool) {
	switch mode {
	case RestrictedVIP.Mode:
		return RestrictedVIP, true
	case PrivateVIP.Mode:
		return PrivateVIP, true
	}
	return VIP{}, false
}

// Addresses lists the addresses of a prefix in order (for DNS A records).
func Addresses(p netip.Prefix) []netip.Addr {
	var out []netip.Addr
	for a := p.Masked().Addr(); p.Contains(a); a = a.Next() {
		out = append(out, a)
		if len(out) == 256 {
			break // a guard: VIP ranges have four
		}
	}
	return out
}

// HealthCheckRanges are where Google Cloud load balancer health checks
// come from; the last two are the legacy network load balancer ranges.
var HealthCheckRanges = []netip.Prefix{
	netip.MustParsePrefix("130.211.0.0/22"),
	netip.MustParsePrefix("35.191.0.0/16"),
	netip.MustParsePrefix("209.85.152.0/22"),
	netip.MustParsePrefix("209.85.204.0/22"),
}

// IAPRange is where Identity-Aware Proxy TCP forwarding connects from.
var IAPRange = netip.MustParsePrefix("35.235.240.0/20")

// DefaultInternetGateway is the next hop of routes to the internet.
const DefaultInternetGateway = "default-internet-gateway"

// DefaultRoutePriority is the priority of the route to 0.0.0.0/0 that GCP
// creates with a network, unless deleteDefaultRoutesOnCreate is set.
const DefaultRoutePriority = 1000
