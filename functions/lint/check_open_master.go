package lint

import (
	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// openMasters is the open-master check. It catches a control plane open
// to the internet, by private-cluster's rule (gcp.OpensControlPlane): a
// master authorized network that is a public range of /8 or wider
// (0.0.0.0/0 above all), or a public endpoint without master authorized
// networks, which answers every address. Private nodes do not help when
// anyone on the internet can reach the cluster's API server. The user
// lists the operators' ranges, or makes the endpoint private. Letting
// every Google Cloud VM in (gcpPublicCidrsAccessEnabled) is a warning.
func openMasters(l *linter) []finding {
	var out []finding
	for _, c := range l.pkg.Clusters {
		out = append(out, openMaster(c, l.res)...)
	}
	return out
}

// openMaster reports how the control plane of c is open. A cidrBlock that
// is not a CIDR range is the reader's error (facts), not a finding.
func openMaster(c *facts.Cluster, res *results.Collector) []finding {
	man := c.Spec.MasterAuthorizedNetworksConfig
	pcc := c.Spec.PrivateClusterConfig
	privateEndpoint := pcc != nil && pcc.EnablePrivateEndpoint != nil && *pcc.EnablePrivateEndpoint
	if man == nil {
		if privateEndpoint {
			return nil
		}
		return []finding{errorAt(c.Object, "spec.masterAuthorizedNetworksConfig",
			"%s has a public control plane endpoint and no master authorized networks, so every address on the internet can reach it: list the operators' ranges under spec.masterAuthorizedNetworksConfig.cidrBlocks (private-cluster's masterAuthorizedNetworks), or set spec.privateClusterConfig.enablePrivateEndpoint: true",
			results.Describe(c.Object))}
	}
	var out []finding
	for _, n := range c.AuthorizedNetworks(res) {
		if gcp.OpensControlPlane(n.Prefix) {
			out = append(out, errorAt(c.Object, n.Field,
				"%s opens the control plane of %s to a public /%d: list the operators' ranges instead (private-cluster refuses public ranges of /%d or wider)",
				n.Text, results.Describe(c.Object), n.Prefix.Bits(), gcp.WidestAuthorizedNetworkBits))
		}
	}
	if man.GcpPublicCidrsAccessEnabled != nil && *man.GcpPublicCidrsAccessEnabled && !privateEndpoint {
		out = append(out, warningAt(c.Object, "spec.masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
			"every Google Cloud VM's public address, anyone's, may reach the control plane of %s: set it to false unless something outside your VPC needs the endpoint",
			results.Describe(c.Object)))
	}
	return out
}
