package lint

import (
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// autoProvisionedTags is the auto-provisioned-tags check. It catches the
// nodes GKE provisions itself (every Autopilot node; the pools of node
// auto-provisioning) when they miss a network tag that the package's
// firewall rules target on the cluster's other nodes: the deny-all egress
// and the control plane's allows would not reach them, and nothing else
// would say so. The user adds the tags to
// spec.nodePoolAutoConfig.networkTags.tags (private-cluster adds its node
// tag there).
func autoProvisionedTags(l *linter) []finding {
	var out []finding
	for _, c := range l.pkg.Clusters {
		if !c.IsAutopilot() && !c.AutoProvisionsNodes() {
			continue
		}
		if missing := l.untaggedAutoProvisioned(c); len(missing) > 0 {
			out = append(out, errorAt(c.Object, "spec.nodePoolAutoConfig.networkTags.tags",
				"the nodes GKE provisions for %s do not carry %s, which the package's firewall rules target, so those rules do not fence them: add the tags to spec.nodePoolAutoConfig.networkTags.tags (private-cluster adds its node tag there)",
				results.Describe(c.Object), strings.Join(missing, ", ")))
		}
	}
	return out
}

// untaggedAutoProvisioned are the fenced tags (fencedTags) that the
// cluster's auto-provisioned nodes miss and a firewall rule of the package
// on its network targets.
func (l *linter) untaggedAutoProvisioned(c *facts.Cluster) []string {
	auto := c.AutoProvisionedNodeTags()
	var missing []string
	for _, tag := range fencedTags(c) {
		if !slices.Contains(auto, tag) && l.targeted(c.NetworkID(), tag) {
			missing = append(missing, tag)
		}
	}
	return missing
}

// fencedTags are the tags the auto-provisioned nodes must share with the
// rest: on Autopilot, which has no other nodes, private-cluster's node tag
// (gcp.NodeTag); with node auto-provisioning, the tags of the nodes the
// package declares.
func fencedTags(c *facts.Cluster) []string {
	if c.IsAutopilot() {
		return []string{gcp.NodeTag(c.Name())}
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
