package gcp

import "net/netip"

// ParseCIDR reads a range that a GKE or VPC field holds in CIDR notation
// and in no other form: a cluster's control plane, pod and Service ranges
// and its master authorized networks ("The IP range in CIDR notation",
// "Must be specified in CIDR notation": the Config Connector
// ContainerCluster reference,
// https://cloud.google.com/config-connector/docs/reference/resource-docs/container/containercluster,
// fields privateClusterConfig.masterIpv4CidrBlock,
// ipAllocationPolicy.clusterIpv4CidrBlock and
// masterAuthorizedNetworksConfig.cidrBlocks[].cidrBlock), a subnetwork's
// primary and secondary ranges, a route's destination. Unlike a firewall
// rule's range (ParseRange), such a field has no bare-address form, so an
// address without a prefix length is refused.
//
// A range with host bits set (10.1.2.3/8) is read as written, not refused:
// whether that is an error, and which fix to suggest, depends on the field,
// so the caller says it (Prefix.Masked is the range). When s is not a
// range in CIDR notation, ok is false and p is the invalid Prefix{}.
func ParseCIDR(s string) (p netip.Prefix, ok bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return p, true
}
