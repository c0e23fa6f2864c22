package facts

import (
	"fmt"
	"net/netip"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// AuthorizedNetwork is one entry of a cluster's master authorized
// networks, read.
type AuthorizedNetwork struct {
	Field  string       // spec.masterAuthorizedNetworksConfig.cidrBlocks[i].cidrBlock
	Text   string       // as written
	Prefix netip.Prefix // as written, host bits included
}

// AuthorizedNetworks reads the cidrBlocks of the cluster's master
// authorized networks in CIDR notation, as GKE takes them (gcp.ParseCIDR,
// through readCIDR): unlike a firewall rule's range there is no
// bare-address form. A block that is not CIDR notation is an error result
// and left out; host bits are kept as written, for the caller to judge.
// Nil when the cluster has no master authorized networks config.
func (c *Cluster) AuthorizedNetworks(res *results.Collector) []AuthorizedNetwork {
	man := c.Spec.MasterAuthorizedNetworksConfig
	if man == nil {
		return nil
	}
	var out []AuthorizedNetwork
	for i, b := range man.CidrBlocks {
		field := fmt.Sprintf("spec.masterAuthorizedNetworksConfig.cidrBlocks[%d].cidrBlock", i)
		if p, ok := readCIDR(c.Object, field, b.CidrBlock, "203.0.113.0/24", res); ok {
			out = append(out, AuthorizedNetwork{Field: field, Text: b.CidrBlock, Prefix: p})
		}
	}
	return out
}
