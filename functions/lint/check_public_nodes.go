package lint

import "github.com/lockdown-krm/lockdown/internal/results"

// publicNodes is the public-nodes check. It catches clusters whose nodes
// get external addresses: a ContainerCluster without
// privateClusterConfig.enablePrivateNodes: true, and a ContainerNodePool
// that turns private nodes off for itself. Such nodes reach the internet
// directly, outside the firewall's fence and the Google API VIP, and the
// internet reaches them. The user runs private-cluster (it also sets the
// control plane range), or removes the node pool's override.
func publicNodes(l *linter) []finding {
	var out []finding
	for _, c := range l.pkg.Clusters {
		pcc := c.Spec.PrivateClusterConfig
		if pcc == nil || pcc.EnablePrivateNodes == nil || !*pcc.EnablePrivateNodes {
			out = append(out, errorAt(c.Object, "spec.privateClusterConfig.enablePrivateNodes",
				"the nodes of %s get external addresses and reach the internet directly, outside the firewall's fence and the Google API VIP: set spec.privateClusterConfig.enablePrivateNodes: true (run private-cluster; it also sets the control plane range)",
				results.Describe(c.Object)))
		}
	}
	for _, np := range l.pkg.NodePools {
		nc := np.Spec.NetworkConfig
		if nc != nil && nc.EnablePrivateNodes != nil && !*nc.EnablePrivateNodes {
			out = append(out, errorAt(np.Object, "spec.networkConfig.enablePrivateNodes",
				"the nodes of %s get external addresses although private nodes are what the cluster needs: remove spec.networkConfig.enablePrivateNodes or set it to true",
				results.Describe(np.Object)))
		}
	}
	return out
}
