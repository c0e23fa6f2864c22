package clusterfirewall

import (
	"errors"
	"slices"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "ClusterFirewall"

// Default priorities. GCP applies the rule with the smaller number first.
// The deny sits at 65534: below every rule anybody else writes (GKE's own
// rules and the Console's default are 1000, GCP's default priority), yet
// above GCP's implied allow-egress rule at 65535, the last priority, which
// a rule must beat with a smaller number (gcp.MaxPriority).
const (
	DefaultDenyPriority  = gcp.MaxPriority - 1
	DefaultAllowPriority = gcp.DefaultPriority
)

// Directions of a firewall rule.
const (
	Ingress = "INGRESS"
	Egress  = "EGRESS"
)

// ClusterFirewall is the function config (spec of kind ClusterFirewall, or
// the same keys in a ConfigMap's data).
type ClusterFirewall struct {
	// DenyPriority is the priority of the deny-all egress rules.
	DenyPriority int `json:"denyPriority,omitempty"`
	// AllowPriority is the priority of every generated allow; it must be a
	// smaller number than DenyPriority.
	AllowPriority int `json:"allowPriority,omitempty"`
	// ExtraWebhookPorts are opened from the control plane to the nodes
	// beside the webhook ports found in the package.
	ExtraWebhookPorts fnconfig.Ports `json:"extraWebhookPorts,omitempty"`
	// HealthCheckPorts replace the ports found on load-balanced Services.
	HealthCheckPorts fnconfig.Ports `json:"healthCheckPorts,omitempty"`
	// IAPTag is the network tag IAP may reach on tcp 22; default <cluster>-bastion.
	IAPTag string `json:"iapTag,omitempty"`
	// Logging turns firewall logging on for every generated rule.
	Logging bool `json:"logging,omitempty"`
	// FlowLogs turns VPC Flow Logs on for the nodes' subnetworks.
	FlowLogs FlowLogs `json:"flowLogs,omitempty"`
	// NodeTag is the network tag of the nodes, when the package cannot say.
	NodeTag string `json:"nodeTag,omitempty"`
	// ExtraAllows are further allow rules for the nodes.
	ExtraAllows []ExtraAllow `json:"extraAllows,omitempty"`
	// ClusterRanges give the node, pod and Service ranges of clusters
	// whose subnetwork is not in the package (a Shared VPC host's).
	ClusterRanges []ClusterRanges `json:"clusterRanges,omitempty"`
}

// ExtraAllow is one more allow rule for a cluster's nodes: from the ranges
// (INGRESS) or to them (EGRESS).
type ExtraAllow struct {
	Name      string           `json:"name"`
	Direction string           `json:"direction"`
	Ranges    []fnconfig.Range `json:"ranges"`
	Protocol  string           `json:"protocol"`
	Ports     fnconfig.Ports   `json:"ports,omitempty"`
	// Priority overrides allowPriority for this rule.
	Priority *int `json:"priority,omitempty"`
}

// defaults is the config the user's settings are applied on.
func defaults() ClusterFirewall {
	return ClusterFirewall{DenyPriority: DefaultDenyPriority, AllowPriority: DefaultAllowPriority}
}

// Validate checks every field before anything runs.
func (c *ClusterFirewall) Validate(src fnconfig.Source, res *results.Collector) {
	checkPriority(src, res, "denyPriority", c.DenyPriority)
	if checkPriority(src, res, "allowPriority", c.AllowPriority) {
		c.checkWinsOverDeny(src, res, "allowPriority", c.AllowPriority)
	}
	fnconfig.CheckValues(src, res, "extraWebhookPorts", c.ExtraWebhookPorts)
	fnconfig.CheckValues(src, res, "healthCheckPorts", c.HealthCheckPorts)
	checkTag(src, res, "iapTag", c.IAPTag)
	checkTag(src, res, "nodeTag", c.NodeTag)
	names := map[string]int{}
	for i, e := range c.ExtraAllows {
		field := fnconfig.Index("extraAllows", i)
		if j, dup := names[e.Name]; dup && e.Name != "" {
			src.Error(res, field+".name", "%q is already the name of extraAllows[%d]: each extra allow needs its own name", e.Name, j)
		}
		names[e.Name] = i
		c.checkExtra(src, res, field, e)
	}
	c.checkClusterRanges(src, res)
	c.FlowLogs.validate(src, res)
}

func checkPriority(src fnconfig.Source, res *results.Collector, field string, p int) bool {
	return src.Check(res, field, gcp.CheckPriority(int64(p)))
}

// checkWinsOverDeny wants an allow priority that beats the deny: GCP
// applies the smaller number first and lets the deny win a tie.
func (c *ClusterFirewall) checkWinsOverDeny(src fnconfig.Source, res *results.Collector, field string, p int) {
	if p >= c.DenyPriority {
		src.Error(res, field, "priority %d would lose to the deny-all egress rule at denyPriority %d: GCP applies the smaller number first and lets the deny win a tie; use a number below %d",
			p, c.DenyPriority, c.DenyPriority)
	}
}

func checkTag(src fnconfig.Source, res *results.Collector, field, tag string) {
	if tag != "" {
		src.Check(res, field, gcp.CheckNetworkTag(tag))
	}
}

func (c *ClusterFirewall) checkExtra(src fnconfig.Source, res *results.Collector, field string, e ExtraAllow) {
	// The rule is named <cluster>-extra-<name>: keep room for the cluster.
	if !gcp.IsResourceName(e.Name) || len(e.Name) > 30 {
		src.Error(res, field+".name", "%q: give a name of lower-case letters, digits and hyphens, starting with a letter, at most 30 characters (the rule is named <cluster>-extra-<name>)", e.Name)
	}
	if e.Direction != Ingress && e.Direction != Egress {
		src.Error(res, field+".direction", "%q: use %s (from the ranges to the nodes) or %s (from the nodes to the ranges)", e.Direction, Ingress, Egress)
	}
	checkRanges(src, res, field+".ranges", e.Ranges)
	if e.Direction == Egress && slices.ContainsFunc(e.Ranges, isWholeInternet) {
		res.Warning(src.Object, src.Field(field+".ranges"), "allows egress to the whole internet, which undoes the deny-all egress rule: list the destinations instead")
	}
	checkProtocol(src, res, field, e)
	if e.Priority != nil && checkPriority(src, res, field+".priority", *e.Priority) && e.Direction == Egress {
		c.checkWinsOverDeny(src, res, field+".priority", *e.Priority)
	}
}

// checkRanges reports what is wrong with an extra allow's ranges, as
// parsed for the firewall rule they go into (fnconfig.Range).
func checkRanges(src fnconfig.Source, res *results.Collector, field string, ranges []fnconfig.Range) {
	if len(ranges) == 0 {
		src.Error(res, field, "give at least one CIDR range, such as 10.0.0.0/8, or a single address")
	}
	families := map[bool]bool{}
	for i, r := range ranges {
		src.CheckValue(res, fnconfig.Index(field, i), &r)
		p := r.Prefix
		if hostBits := (*gcp.HostBitsError)(nil); errors.As(r.Err(), &hostBits) {
			p = hostBits.Prefix // still IPv4 or IPv6, for the mix check
		}
		if p.IsValid() {
			families[p.Addr().Is4()] = true
		}
	}
	if len(families) > 1 {
		src.Error(res, field, "mixes IPv4 and IPv6 ranges, which one GCP firewall rule cannot hold: split it into two extra allows")
	}
}

func isWholeInternet(r fnconfig.Range) bool {
	return r.Err() == nil && r.Prefix.Bits() == 0
}

func checkProtocol(src fnconfig.Source, res *results.Collector, field string, e ExtraAllow) {
	proto := e.Protocol
	_, err := gcp.FirewallProtocol(proto)
	src.Check(res, field+".protocol", err)
	if len(e.Ports) > 0 && proto != "tcp" && proto != "udp" && proto != "sctp" {
		src.Error(res, field+".ports", "ports only apply to tcp, udp and sctp, not %q: remove them or change the protocol", proto)
	}
	fnconfig.CheckValues(src, res, field+".ports", e.Ports)
}
