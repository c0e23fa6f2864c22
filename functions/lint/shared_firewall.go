package lint

import (
	"net/netip"
	"slices"

	"github.com/lockdown-krm/lockdown/internal/facts"
)

// What the package's firewall lets through, as shadowed-allow, webhook-port
// and health-check judge it. The rules are GCP's (facts.FirewallRule);
// how much benefit of the doubt a rule gets where the package cannot tell
// (service accounts, tags on some nodes only) is lint's, here.

// everywhere is 0.0.0.0/0: what a rule with no source matches, and where
// a route to the internet leads.
var everywhere = netip.MustParsePrefix("0.0.0.0/0")

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
func mayApplyToNodes(r *facts.FirewallRule, c *facts.Cluster) bool {
	if r.AllTargets() || len(r.TargetAccounts) > 0 {
		return true
	}
	common := c.NodeTags()
	return slices.ContainsFunc(r.TargetTags, func(t string) bool { return slices.Contains(common, t) })
}

// surelyAppliesToNodes tells whether a deny certainly applies to some
// nodes of the cluster: it targets every instance or a tag a node carries.
func surelyAppliesToNodes(r *facts.FirewallRule, c *facts.Cluster) bool {
	if r.AllTargets() {
		return true
	}
	tags := allNodeTags(c)
	return slices.ContainsFunc(r.TargetTags, func(t string) bool { return slices.Contains(tags, t) })
}

// ingressVerdict is what the firewall does with one kind of packet to the
// nodes: the first rule GCP evaluates among those that match it.
type ingressVerdict struct {
	allow *facts.FirewallRule // the allow evaluated first; nil when none matches
	deny  *facts.FirewallRule // the deny evaluated first; nil when none matches
}

// reaches tells whether the packet gets through: an allow matches and is
// evaluated before every matching deny (a deny wins a tie: "DENY rules
// take precedence over ALLOW rules having equal priority",
// https://cloud.google.com/compute/docs/reference/rest/v1/firewalls).
func (v ingressVerdict) reaches() bool {
	return v.allow != nil && (v.deny == nil || v.allow.Firewall.Priority < v.deny.Firewall.Priority)
}

// ingressTCP works out what happens to TCP packets from every address of
// src to port on the cluster's nodes. An allow counts only when it lets in
// all of src; a deny counts when it blocks any of it.
func (l *linter) ingressTCP(c *facts.Cluster, src netip.Prefix, port int) ingressVerdict {
	return l.tcpVerdict(c, true, src, port)
}

// egressTCP is ingressTCP's mirror: what the VPC firewall does with TCP
// from the nodes to every address of dest on port.
func (l *linter) egressTCP(c *facts.Cluster, dest netip.Prefix, port int) ingressVerdict {
	return l.tcpVerdict(c, false, dest, port)
}

// tcpVerdict reads the network's VPC rules in one direction for TCP
// between the nodes and every address of peer on port.
func (l *linter) tcpVerdict(c *facts.Cluster, ingress bool, peer netip.Prefix, port int) ingressVerdict {
	var v ingressVerdict
	for _, r := range l.rules() {
		if r.Ingress != ingress || r.Firewall.NetworkID() != c.NetworkID() || !r.MatchesTCP(port) {
			continue
		}
		switch {
		case r.Allow && containsRange(r.Ranges, peer) && mayApplyToNodes(r, c):
			v.allow = first(v.allow, r)
		case !r.Allow && overlapsRange(r.Ranges, peer) && surelyAppliesToNodes(r, c):
			v.deny = first(v.deny, r)
		}
	}
	return v
}

// first returns whichever rule GCP evaluates first.
func first(current, r *facts.FirewallRule) *facts.FirewallRule {
	if current == nil || r.Firewall.Priority < current.Firewall.Priority {
		return r
	}
	return current
}

// hasIngressAllow tells whether some INGRESS allow on the cluster's network
// lets TCP from all of src in to its nodes, on any port.
func (l *linter) hasIngressAllow(c *facts.Cluster, src netip.Prefix) bool {
	return slices.ContainsFunc(l.rules(), func(r *facts.FirewallRule) bool {
		return r.Allow && r.Ingress && r.Firewall.NetworkID() == c.NetworkID() && r.MatchesAnyTCP() &&
			containsRange(r.Ranges, src) && mayApplyToNodes(r, c)
	})
}

// containsRange tells whether one of ranges holds all of p.
func containsRange(ranges []netip.Prefix, p netip.Prefix) bool {
	return slices.ContainsFunc(ranges, func(r netip.Prefix) bool { return r.Bits() <= p.Bits() && r.Contains(p.Addr()) })
}

// overlapsRange tells whether one of ranges shares an address with p.
func overlapsRange(ranges []netip.Prefix, p netip.Prefix) bool {
	return slices.ContainsFunc(ranges, func(r netip.Prefix) bool { return r.Overlaps(p) })
}
