package lint

import (
	"net/netip"
	"slices"

	"github.com/lockdown-krm/lockdown/internal/facts"
)

// allNodeTags are the network tags any node of the cluster carries: its
// default node config's and every node pool's.
func allNodeTags(c *facts.Cluster) []string {
	var tags []string
	if c.Spec.NodeConfig != nil {
		tags = append(tags, c.Spec.NodeConfig.Tags...)
	}
	for _, p := range c.NodePools {
		if p.Spec.NodeConfig != nil {
			tags = append(tags, p.Spec.NodeConfig.Tags...)
		}
	}
	slices.Sort(tags)
	return slices.Compact(tags)
}

// mayApplyToNodes tells whether an allow counts for every node of the
// cluster: it targets every instance, a tag all nodes carry, or service
// accounts, which the package cannot match to nodes, so lint gives the
// rule the benefit of the doubt rather than report what may work.
func (r *rule) mayApplyToNodes(c *facts.Cluster) bool {
	if r.allTargets() || len(r.targetAccounts) > 0 {
		return true
	}
	common := c.NodeTags()
	return slices.ContainsFunc(r.targetTags, func(t string) bool { return slices.Contains(common, t) })
}

// surelyAppliesToNodes tells whether a deny certainly applies to some
// nodes of the cluster: it targets every instance or a tag a node carries.
func (r *rule) surelyAppliesToNodes(c *facts.Cluster) bool {
	if r.allTargets() {
		return true
	}
	tags := allNodeTags(c)
	return slices.ContainsFunc(r.targetTags, func(t string) bool { return slices.Contains(tags, t) })
}

// ingressVerdict is what the firewall does with one kind of packet to the
// nodes: the first rule GCP evaluates among those that match it.
type ingressVerdict struct {
	allow *rule // the allow evaluated first; nil when none matches
	deny  *rule // the deny evaluated first; nil when none matches
}

// reaches tells whether the packet gets through: an allow matches and is
// evaluated before every matching deny (a deny wins a tie).
func (v ingressVerdict) reaches() bool {
	return v.allow != nil && (v.deny == nil || v.allow.fw.Priority < v.deny.fw.Priority)
}

// ingressTCP works out what happens to TCP packets from every address of
// src to port on the cluster's nodes. An allow counts only when it lets in
// all of src; a deny counts when it blocks any of it.
func (l *linter) ingressTCP(c *facts.Cluster, src netip.Prefix, port int) ingressVerdict {
	var v ingressVerdict
	for _, r := range l.rules() {
		if !r.ingress || r.fw.NetworkID() != c.NetworkID() || !r.matchesTCP(port) {
			continue
		}
		switch {
		case r.allow && containsRange(r.ranges, src) && r.mayApplyToNodes(c):
			v.allow = first(v.allow, r)
		case !r.allow && overlapsRange(r.ranges, src) && r.surelyAppliesToNodes(c):
			v.deny = first(v.deny, r)
		}
	}
	return v
}

// first returns whichever rule GCP evaluates first.
func first(current, r *rule) *rule {
	if current == nil || r.fw.Priority < current.fw.Priority {
		return r
	}
	return current
}

// hasIngressAllow tells whether some INGRESS allow on the cluster's network
// lets TCP from all of src in to its nodes, on any port.
func (l *linter) hasIngressAllow(c *facts.Cluster, src netip.Prefix) bool {
	return slices.ContainsFunc(l.rules(), func(r *rule) bool {
		return r.allow && r.ingress && r.fw.NetworkID() == c.NetworkID() && r.matchesAnyTCP() &&
			containsRange(r.ranges, src) && r.mayApplyToNodes(c)
	})
}
