package lint

import (
	"fmt"
	"net/netip"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// openMasters reports control planes open to the internet, by
// private-cluster's rule: a master authorized network that is a public
// range of /8 or wider (0.0.0.0/0 above all), or a public endpoint without
// master authorized networks, which answers every address. Letting every
// Google Cloud VM in (gcpPublicCidrsAccessEnabled) is a warning.
func openMasters(l *linter) {
	for _, c := range l.pkg.Clusters {
		man := c.Spec.MasterAuthorizedNetworksConfig
		pcc := c.Spec.PrivateClusterConfig
		privateEndpoint := pcc != nil && pcc.EnablePrivateEndpoint != nil && *pcc.EnablePrivateEndpoint
		if man == nil {
			if !privateEndpoint {
				l.error(c.Object, "spec.masterAuthorizedNetworksConfig",
					"%s has a public control plane endpoint and no master authorized networks, so every address on the internet can reach it: list the operators' ranges under spec.masterAuthorizedNetworksConfig.cidrBlocks (private-cluster's masterAuthorizedNetworks), or set spec.privateClusterConfig.enablePrivateEndpoint: true",
					results.Describe(c.Object))
			}
			continue
		}
		for i, b := range man.CidrBlocks {
			field := fmt.Sprintf("spec.masterAuthorizedNetworksConfig.cidrBlocks[%d].cidrBlock", i)
			p, err := netip.ParsePrefix(b.CidrBlock)
			switch {
			case err != nil:
				l.res.Error(c.Object, field, "%q is not a CIDR range such as 203.0.113.0/24", b.CidrBlock)
			case gcp.OpensControlPlane(p):
				l.error(c.Object, field,
					"%s opens the control plane of %s to a public /%d: list the operators' ranges instead (private-cluster refuses public ranges of /%d or wider)",
					b.CidrBlock, results.Describe(c.Object), p.Bits(), gcp.WidestAuthorizedNetworkBits)
			}
		}
		if man.GcpPublicCidrsAccessEnabled != nil && *man.GcpPublicCidrsAccessEnabled && !privateEndpoint {
			l.warning(c.Object, "spec.masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
				"every Google Cloud VM's public address, anyone's, may reach the control plane of %s: set it to false unless something outside your VPC needs the endpoint",
				results.Describe(c.Object))
		}
	}
}

// publicNodes reports clusters whose nodes get external addresses: a
// ContainerCluster without privateClusterConfig.enablePrivateNodes: true,
// and a node pool that turns private nodes off for itself.
func publicNodes(l *linter) {
	for _, c := range l.pkg.Clusters {
		pcc := c.Spec.PrivateClusterConfig
		if pcc == nil || pcc.EnablePrivateNodes == nil || !*pcc.EnablePrivateNodes {
			l.error(c.Object, "spec.privateClusterConfig.enablePrivateNodes",
				"the nodes of %s get external addresses and reach the internet directly, outside the firewall's fence and the Google API VIP: set spec.privateClusterConfig.enablePrivateNodes: true (run private-cluster; it also sets the control plane range)",
				results.Describe(c.Object))
		}
	}
	for _, np := range l.pkg.NodePools {
		nc := np.Spec.NetworkConfig
		if nc != nil && nc.EnablePrivateNodes != nil && !*nc.EnablePrivateNodes {
			l.error(np.Object, "spec.networkConfig.enablePrivateNodes",
				"the nodes of %s get external addresses although private nodes are what the cluster needs: remove spec.networkConfig.enablePrivateNodes or set it to true",
				results.Describe(np.Object))
		}
	}
}
