package clusterfirewall

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// Rule name suffixes, after "<cluster>-".
const (
	denyEgress         = "deny-all-egress"
	allowVIP           = "allow-vip-egress"
	allowMasterEgress  = "allow-master-egress"
	allowMasterIngress = "allow-master-ingress"
	allowHealthChecks  = "allow-health-checks"
	allowIntraCluster  = "allow-intra-cluster-egress"
	allowIAPSSH        = "allow-iap-ssh"
	ipv6Suffix         = "-ipv6"
	extraPrefix        = "extra-"
)

// rule is one firewall rule before it becomes a ComputeFirewall.
type rule struct {
	suffix      string
	description string
	direction   string
	deny        bool
	priority    int
	ranges      []netip.Prefix // sources for INGRESS, destinations for EGRESS
	tag         string
	protocol    string
	ports       []string
}

// rules lists the cluster's rules in a fixed order: the deny, the allows,
// their IPv6 twins for a dual-stack cluster, then the extra allows.
func (p *clusterPlan) rules(cfg *ClusterFirewall, ports packagePorts) []rule {
	name := p.c.Name()
	out := []rule{
		p.deny(cfg, denyEgress, "0.0.0.0/0", "Deny all egress from the nodes of cluster %s; the allows of %s win over it on priority."),
		p.allow(cfg, allowVIP, Egress, vipRanges(p.vips, false), "tcp", []string{strconv.Itoa(gcp.VIPPort)},
			"Allow the nodes of cluster %s to reach Google APIs through %s.", name, vipHosts(p.vips)),
		// The ports Google's own deny-all-egress setup opens to the
		// control plane (gcp.ControlPlaneEgressPorts, where the sources are).
		p.allow(cfg, allowMasterEgress, Egress, []netip.Prefix{p.master}, "tcp", portsOf(gcp.ControlPlaneEgressPorts),
			"Allow the nodes of cluster %s to reach its control plane.", name),
		p.allow(cfg, allowMasterIngress, Ingress, []netip.Prefix{p.master}, "tcp", ports.master,
			"Allow the control plane of cluster %s to reach the kubelet and the admission webhooks on its nodes.", name),
		p.allow(cfg, allowHealthChecks, Ingress, gcp.HealthCheckRanges, "tcp", ports.health,
			"Allow Google Cloud health checks and proxy load balancers to reach the load-balanced Services of cluster %s.", name),
		p.allow(cfg, allowIntraCluster, Egress, p.intra, "all", nil,
			"Allow traffic between the nodes, pods and Services of cluster %s.", name),
	}
	iap := p.allow(cfg, allowIAPSSH, Ingress, []netip.Prefix{gcp.IAPRange}, "tcp", []string{"22"},
		"Allow SSH through Identity-Aware Proxy to the bastion of cluster %s.", name)
	iap.tag = iapTag(cfg, name) // the bastion, not the nodes
	out = append(out, iap)
	if p.ipv6Intra.IsValid() {
		out = append(out, p.ipv6Rules(cfg)...)
	}
	for _, e := range cfg.ExtraAllows {
		out = append(out, p.extraRule(cfg, e))
	}
	return out
}

// ipv6Rules fence a dual-stack cluster's IPv6: one GCP rule holds IPv4 or
// IPv6 ranges, never both, so each egress rule gets an IPv6 twin.
func (p *clusterPlan) ipv6Rules(cfg *ClusterFirewall) []rule {
	name := p.c.Name()
	return []rule{
		p.deny(cfg, denyEgress+ipv6Suffix, "::/0", "Deny all IPv6 egress from the nodes of cluster %s; the allows of %s win over it on priority."),
		p.allow(cfg, allowVIP+ipv6Suffix, Egress, vipRanges(p.vips, true), "tcp", []string{strconv.Itoa(gcp.VIPPort)},
			"Allow the nodes of cluster %s to reach Google APIs over IPv6 through %s.", name, vipHosts(p.vips)),
		p.allow(cfg, allowIntraCluster+ipv6Suffix, Egress, []netip.Prefix{p.ipv6Intra}, "all", nil,
			"Allow IPv6 traffic within the network of cluster %s.", name),
	}
}

// deny is a deny-all egress rule to dest; desc takes the cluster and function names.
func (p *clusterPlan) deny(cfg *ClusterFirewall, suffix, dest, desc string) rule {
	return rule{suffix: suffix, direction: Egress, deny: true, priority: cfg.DenyPriority, tag: p.nodeTag, protocol: "all",
		ranges: []netip.Prefix{netip.MustParsePrefix(dest)}, description: fmt.Sprintf(desc, p.c.Name(), Name)}
}

// allow is an allow rule for the nodes at allowPriority.
func (p *clusterPlan) allow(cfg *ClusterFirewall, suffix, dir string, ranges []netip.Prefix, proto string, ports []string, desc string, args ...any) rule {
	return rule{suffix: suffix, direction: dir, priority: cfg.AllowPriority, ranges: ranges, tag: p.nodeTag,
		protocol: proto, ports: ports, description: fmt.Sprintf(desc, args...)}
}

// extraRule is an extra allow of the config for the cluster's nodes.
func (p *clusterPlan) extraRule(cfg *ClusterFirewall, e ExtraAllow) rule {
	r := p.allow(cfg, extraPrefix+e.Name, e.Direction, nil, e.Protocol, nil, "Extra allow %s from the config of %s.", e.Name, Name)
	if e.Priority != nil {
		r.priority = *e.Priority
	}
	for _, c := range e.Ranges {
		r.ranges = append(r.ranges, c.Prefix)
	}
	if len(e.Ports) > 0 {
		r.ports = normalize(e.Ports.Ranges())
	}
	return r
}

func iapTag(cfg *ClusterFirewall, cluster string) string {
	if cfg.IAPTag != "" {
		return cfg.IAPTag
	}
	return gcp.BastionTag(cluster) // as bastion's default tag
}

func vipRanges(vips []gcp.VIP, ipv6 bool) []netip.Prefix {
	out := make([]netip.Prefix, len(vips))
	for i, v := range vips {
		out[i] = v.IPv4
		if ipv6 {
			out[i] = v.IPv6
		}
	}
	return out
}

func vipHosts(vips []gcp.VIP) string {
	hosts := make([]string, len(vips))
	for i, v := range vips {
		hosts[i] = v.Host
	}
	return strings.Join(hosts, " and ")
}

func portsOf(ports []int32) []string {
	return normalize(rangesOf(ports))
}

// ruleName is "<cluster>-<suffix>" as a valid GCP name: when it would
// exceed 63 characters the suffix stays whole and the cluster's name is cut
// and followed by a hash of it, so the name stays unique and stable
// (gcp.ClusterName).
func ruleName(cluster, suffix string) string {
	return gcp.ClusterName(cluster, suffix)
}

// build turns the cluster's rules into ComputeFirewalls.
func (p *clusterPlan) build(in krmfn.Input[ClusterFirewall], ports packagePorts) []*fn.KubeObject {
	var out []*fn.KubeObject
	for _, r := range p.rules(in.Config, ports) {
		if obj := kcc.Build(in.Results, p.firewall(r, in.Config.Logging)); obj != nil {
			out = append(out, obj)
		}
	}
	return out
}

func (p *clusterPlan) firewall(r rule, logging bool) *compute.ComputeFirewall {
	spec := compute.ComputeFirewallSpec{
		Description: kcc.Ptr(r.description),
		Direction:   kcc.Ptr(r.direction),
		NetworkRef:  p.network,
		Priority:    kcc.Ptr(int64(r.priority)),
		TargetTags:  []string{r.tag},
	}
	ranges := make([]string, len(r.ranges))
	for i, prefix := range r.ranges {
		ranges[i] = prefix.String()
	}
	if r.direction == Ingress {
		spec.SourceRanges = ranges
	} else {
		spec.DestinationRanges = ranges
	}
	if r.deny {
		spec.Deny = []compute.FirewallDeny{{Protocol: r.protocol, Ports: r.ports}}
	} else {
		spec.Allow = []compute.FirewallAllow{{Protocol: r.protocol, Ports: r.ports}}
	}
	if logging {
		spec.LogConfig = &compute.FirewallLogConfig{Metadata: "INCLUDE_ALL_METADATA"}
	}
	return &compute.ComputeFirewall{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeFirewall"),
		ObjectMeta: p.meta(ruleName(p.c.Name(), r.suffix)),
		Spec:       spec,
	}
}

// meta names a rule and puts it in the cluster's namespace and in its
// network's project: a VPC firewall rule is made in the project that owns
// its network, which with Shared VPC is the host project, not the
// cluster's. Google's blueprints catalog does the same: the rules of
// networking/firewall/common-rules take the project-id setter of the
// networking/network package whose network they name.
func (p *clusterPlan) meta(name string) metav1.ObjectMeta {
	m := kcc.ObjectMeta(name, p.c.Object)
	if project := p.c.NetworkProject; project != "" && project != p.c.ProjectID {
		m.Annotations = map[string]string{kcc.ProjectIDAnnotation: project}
	}
	return m
}
