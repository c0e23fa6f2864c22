package lint

import (
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// locations reports a cluster, its node pools and its subnetwork that do
// not agree on their region (facts.Cluster.LocationProblems, the rule
// private-cluster applies): GKE refuses such a cluster, and the functions
// that follow the subnetwork's region (cloud-nat, bastion) would build in
// the wrong one.
func locations(l *linter) {
	for _, c := range l.pkg.Clusters {
		for _, p := range c.LocationProblems() {
			l.error(p.Object, p.Field, "%s", p.Message)
		}
	}
}

// autoProvisionedTags reports the nodes GKE provisions itself (every
// Autopilot node; the pools of node auto-provisioning) that miss a network
// tag the package's firewall rules target on the cluster's other nodes:
// the deny-all egress and the control plane's allows would not reach
// them, and nothing else would say so.
func autoProvisionedTags(l *linter) {
	for _, c := range l.pkg.Clusters {
		if !c.IsAutopilot() && !c.AutoProvisionsNodes() {
			continue
		}
		auto := c.AutoProvisionedNodeTags()
		var missing []string
		for _, tag := range fencedTags(c) {
			if !slices.Contains(auto, tag) && l.targeted(c.NetworkID(), tag) {
				missing = append(missing, tag)
			}
		}
		if len(missing) > 0 {
			l.error(c.Object, "spec.nodePoolAutoConfig.networkTags.tags",
				"the nodes GKE provisions for %s do not carry %s, which the package's firewall rules target, so those rules do not fence them: add the tags to spec.nodePoolAutoConfig.networkTags.tags (private-cluster adds its node tag there)",
				results.Describe(c.Object), strings.Join(missing, ", "))
		}
	}
}

// fencedTags are the tags the auto-provisioned nodes must share with the
// rest: on Autopilot, which has no other nodes, private-cluster's
// <cluster>-node; with node auto-provisioning, the tags of the nodes the
// package declares.
func fencedTags(c *facts.Cluster) []string {
	if c.IsAutopilot() {
		return []string{c.Name() + "-node"}
	}
	return c.DeclaredNodeTags()
}

// targeted tells whether a firewall rule of the package on the network
// targets the tag.
func (l *linter) targeted(network facts.NetworkID, tag string) bool {
	return slices.ContainsFunc(l.pkg.Firewalls(), func(f *facts.Firewall) bool {
		return f.NetworkID() == network && slices.Contains(f.Spec.TargetTags, tag)
	})
}
