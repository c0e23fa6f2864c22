package clusterfirewall

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "ClusterFirewall"

// Default priorities. GCP applies the rule with the smaller number first.
// The deny sits at 65534: below every rule anybody else writes (GKE's own
// rules and the Console's default are 1000), yet above GCP's implied
// allow-egress rule at 65535, which a rule must beat with a smaller number.
const (
	DefaultDenyPriority  = 65534
	DefaultAllowPriority = 1000
	maxPriority          = 65535
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
	ExtraWebhookPorts Ports `json:"extraWebhookPorts,omitempty"`
	// HealthCheckPorts replace the ports found on load-balanced Services.
	HealthCheckPorts Ports `json:"healthCheckPorts,omitempty"`
	// IAPTag is the network tag IAP may reach on tcp 22; default <cluster>-bastion.
	IAPTag string `json:"iapTag,omitempty"`
	// Logging turns firewall logging on for every generated rule.
	Logging bool `json:"logging,omitempty"`
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
	Name      string   `json:"name"`
	Direction string   `json:"direction"`
	Ranges    []string `json:"ranges"`
	Protocol  string   `json:"protocol"`
	Ports     Ports    `json:"ports,omitempty"`
	// Priority overrides allowPriority for this rule.
	Priority *int `json:"priority,omitempty"`
}

// defaults is the config the user's settings are applied on.
func defaults() ClusterFirewall {
	return ClusterFirewall{DenyPriority: DefaultDenyPriority, AllowPriority: DefaultAllowPriority}
}

// Port is a port ("443") or a range ("8000-8100"). The typed config may
// write a port as a number.
type Port string

// UnmarshalJSON takes a number or a string.
func (p *Port) UnmarshalJSON(data []byte) error {
	var n json.Number
	if err := json.Unmarshal(data, &n); err == nil {
		*p = Port(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("expected a port such as 443 or a range such as 8000-8100")
	}
	*p = Port(s)
	return nil
}

// Ports is a list of ports; in a ConfigMap it is written "443,8000-8100".
type Ports []Port

var _ fnconfig.ConfigMapValue = &Ports{}

// SetFromConfigMap reads the comma-separated form.
func (p *Ports) SetFromConfigMap(text string) error {
	list := Ports{}
	for _, s := range fnconfig.SplitList(text) {
		list = append(list, Port(s))
	}
	*p = list
	return nil
}

// portRange is a parsed Port.
type portRange struct{ lo, hi int }

func (r portRange) String() string {
	if r.lo == r.hi {
		return strconv.Itoa(r.lo)
	}
	return fmt.Sprintf("%d-%d", r.lo, r.hi)
}

// parse reads a port or range and says what is wrong with it.
func (p Port) parse() (portRange, string) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(string(p)), "-")
	if !isRange {
		hi = lo
	}
	a, errA := strconv.Atoi(strings.TrimSpace(lo))
	b, errB := strconv.Atoi(strings.TrimSpace(hi))
	switch {
	case errA != nil || errB != nil:
		return portRange{}, fmt.Sprintf("%q is not a port such as 443 or a range such as 8000-8100", string(p))
	case a < 1 || b > 65535 || a > 65535 || b < 1:
		return portRange{}, fmt.Sprintf("%q is out of range: ports are 1 to 65535", string(p))
	case a > b:
		return portRange{}, fmt.Sprintf("%q starts after it ends: write %d-%d", string(p), b, a)
	}
	return portRange{a, b}, ""
}

var gceName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// Validate checks every field before anything runs.
func (c *ClusterFirewall) Validate(src fnconfig.Source, res *results.Collector) {
	checkPriority(src, res, "denyPriority", c.DenyPriority)
	if checkPriority(src, res, "allowPriority", c.AllowPriority) {
		c.checkWinsOverDeny(src, res, "allowPriority", c.AllowPriority)
	}
	checkPorts(src, res, "extraWebhookPorts", c.ExtraWebhookPorts)
	checkPorts(src, res, "healthCheckPorts", c.HealthCheckPorts)
	checkTag(src, res, "iapTag", c.IAPTag)
	checkTag(src, res, "nodeTag", c.NodeTag)
	names := map[string]int{}
	for i, e := range c.ExtraAllows {
		field := fmt.Sprintf("extraAllows[%d]", i)
		if j, dup := names[e.Name]; dup && e.Name != "" {
			src.Error(res, field+".name", "%q is already the name of extraAllows[%d]: each extra allow needs its own name", e.Name, j)
		}
		names[e.Name] = i
		c.checkExtra(src, res, field, e)
	}
	c.checkClusterRanges(src, res)
}

func checkPriority(src fnconfig.Source, res *results.Collector, field string, p int) bool {
	if p < 0 || p > maxPriority {
		src.Error(res, field, "priority %d is out of range: GCP takes 0 to %d", p, maxPriority)
		return false
	}
	return true
}

// checkWinsOverDeny wants an allow priority that beats the deny: GCP
// applies the smaller number first and lets the deny win a tie.
func (c *ClusterFirewall) checkWinsOverDeny(src fnconfig.Source, res *results.Collector, field string, p int) {
	if p >= c.DenyPriority {
		src.Error(res, field, "priority %d would lose to the deny-all egress rule at denyPriority %d: GCP applies the smaller number first and lets the deny win a tie; use a number below %d",
			p, c.DenyPriority, c.DenyPriority)
	}
}

func checkPorts(src fnconfig.Source, res *results.Collector, field string, ports Ports) {
	for i, p := range ports {
		if _, problem := p.parse(); problem != "" {
			src.Error(res, fmt.Sprintf("%s[%d]", field, i), "%s", problem)
		}
	}
}

func checkTag(src fnconfig.Source, res *results.Collector, field, tag string) {
	if tag != "" && !gceName.MatchString(tag) {
		src.Error(res, field, "%q is not a valid network tag: lower-case letters, digits and hyphens, starting with a letter, at most 63 characters", tag)
	}
}

// protocols are the protocol names GCP firewall rules take; a number
// 0-255 is accepted too.
var protocols = []string{"all", "ah", "esp", "icmp", "ipip", "sctp", "tcp", "udp"}

func (c *ClusterFirewall) checkExtra(src fnconfig.Source, res *results.Collector, field string, e ExtraAllow) {
	// The rule is named <cluster>-extra-<name>: keep room for the cluster.
	if !gceName.MatchString(e.Name) || len(e.Name) > 30 {
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

// checkRanges checks an extra allow's ranges as the firewall rule they go
// into takes them (gcp.ParseRange: CIDR ranges or single addresses).
func checkRanges(src fnconfig.Source, res *results.Collector, field string, ranges []string) {
	if len(ranges) == 0 {
		src.Error(res, field, "give at least one CIDR range, such as 10.0.0.0/8, or a single address")
	}
	families := map[bool]bool{}
	for i, r := range ranges {
		p, err := gcp.ParseRange(strings.TrimSpace(r))
		if err != nil {
			src.Error(res, fmt.Sprintf("%s[%d]", field, i), "%v", err)
		}
		if hostBits := (*gcp.HostBitsError)(nil); errors.As(err, &hostBits) {
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

func isWholeInternet(r string) bool {
	p, err := gcp.ParseRange(strings.TrimSpace(r))
	return err == nil && p.Bits() == 0
}

func checkProtocol(src fnconfig.Source, res *results.Collector, field string, e ExtraAllow) {
	proto := e.Protocol
	if n, err := strconv.Atoi(proto); err == nil {
		if n < 0 || n > 255 {
			src.Error(res, field+".protocol", "protocol number %d is out of range 0-255", n)
		}
	} else if !slices.Contains(protocols, proto) {
		src.Error(res, field+".protocol", "%q: use one of %s, or an IP protocol number", proto, strings.Join(protocols, ", "))
	}
	if len(e.Ports) > 0 && proto != "tcp" && proto != "udp" && proto != "sctp" {
		src.Error(res, field+".ports", "ports only apply to tcp, udp and sctp, not %q: remove them or change the protocol", proto)
	}
	checkPorts(src, res, field+".ports", e.Ports)
}
