package bastion

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// The bastion's egress fence: a deny-all egress rule on its tag and the
// allows for what it needs. What it does not need a rule for:
//
//   - IAP TCP forwarding is ingress from gcp.IAPRange (cluster-firewall's
//     IAP rule); VPC firewall rules are stateful, so the replies go out
//     without an egress allow: "Specifications" of
//     https://cloud.google.com/firewall/docs/firewalls (read 2026-12-02).
//   - The metadata server (169.254.169.254: DNS, the instance's
//     credentials, OS Login's user lookups from the guest) is always
//     allowed, whatever the rules say: "Always allowed traffic", same page.
//   - OS Login's API (oslogin.googleapis.com), Cloud Logging and Cloud
//     Monitoring are Google APIs, reached through the VIP allow.
//   - The DNS-based control plane endpoint "resolves to an endpoint that is
//     reachable through any network that can reach Google Cloud APIs":
//     "DNS-based endpoint" of
//     https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation
//     (read 2026-12-02), so the VIP allow serves it too.
//
// The instance has IPv4 only (its network interface sets no stackType, so
// IPV4_ONLY), so the fence is IPv4 only.

// Rule name suffixes, after "<cluster>-".
const (
	denyEgressSuffix  = "bastion-deny-all-egress"
	allowMasterSuffix = "bastion-allow-master-egress"
	allowVIPSuffix    = "bastion-allow-vip-egress"
)

// denyPriority is the bastion's deny-all egress priority: the last one
// before GCP's implied allow-egress rule at gcp.MaxPriority, which it must
// beat, and cluster-firewall's default denyPriority for the nodes.
const denyPriority = gcp.MaxPriority - 1

// anywhere is the destination of the deny-all egress rule.
var anywhere = netip.MustParsePrefix("0.0.0.0/0")

// fence is what the bastion's egress rules are made of.
type fence struct {
	network kccref.ResourceRef
	project string       // the network's project when it is not the cluster's
	master  netip.Prefix // the IP-based endpoint's range; invalid when it has none
	dns     bool         // the DNS-based endpoint takes user traffic
	vips    []gcp.VIP
	// allowPriority beats every deny-all egress rule that may apply to the
	// bastion (gcp.DefaultPriority unless one is at that or below).
	allowPriority int64
	allowWhy      string
}

// planFence works out the bastion's egress rules, recording an error for
// what the package does not say.
func (p *planner) planFence(pl *plan) {
	c := pl.cluster
	f := &pl.fence
	f.network = p.networkRef(c)
	if project := c.NetworkProject; project != "" && project != c.ProjectID {
		f.project = project
	}
	// The bastion reaches the control plane's private IP endpoint where
	// the control plane's own traffic comes from (facts.ControlPlane: the
	// /28 with VPC peering, the endpoint's subnetwork with Private Service
	// Connect), or the DNS-based endpoint through the VIP.
	cp := c.ControlPlane()
	f.dns = cp.DNSEndpoint
	if cp.IPEndpoints && cp.Source.IsValid() && cp.Source.Addr().Is4() {
		f.master = cp.Source.Masked()
	}
	if !f.master.IsValid() && !f.dns {
		why := "its IP endpoints are off (" + facts.IPEndpointsField + ": false)"
		if cp.IPEndpoints {
			why = cp.SourceUnknown(c)
		}
		p.res.Warning(c.Object, facts.DNSEndpointField,
			"the bastion's egress is fenced, and it cannot reach the control plane of ContainerCluster %s: no DNS-based endpoint takes user traffic (%s is not true), and %s; or set %s: true (private-cluster's dnsEndpoint: true)",
			c.Name(), facts.DNSEndpointField, why, facts.DNSEndpointField)
	}
	f.vips = p.vipsFor(c, pl.tag)
	f.allowPriority, f.allowWhy = p.allowPriority(c, pl.tag)
}

// networkRef refers to the cluster's network as the cluster does, from
// the cluster's namespace, where the rules go.
func (p *planner) networkRef(c *facts.Cluster) kccref.ResourceRef {
	ref, ok := c.NetworkObjectRef()
	if !ok {
		p.res.Error(c.Object, "spec.networkRef",
			"the bastion's egress rules must name the network, and ContainerCluster %s names none: set spec.networkRef, or spec.subnetworkRef to a ComputeSubnetwork of the package", c.Name())
	}
	return ref
}

// vipsFor follows the package as cluster-firewall does for the nodes: the
// Google API VIPs a ComputeRoute of the cluster's network leads the
// bastion to (untagged, or tagged with its tag), else the restricted VIP,
// the one that works inside VPC Service Controls.
func (p *planner) vipsFor(c *facts.Cluster, tag string) []gcp.VIP {
	id := c.NetworkID()
	var out []gcp.VIP
	for _, v := range gcp.VIPs {
		if id != "" && slices.ContainsFunc(p.pkg.Routes, func(r *facts.Route) bool {
			return r.NetworkID() == id && r.Dest == v.IPv4 && (len(r.Spec.Tags) == 0 || slices.Contains(r.Spec.Tags, tag))
		}) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		out = []gcp.VIP{gcp.RestrictedVIP}
	}
	return out
}

// allowPriority is the priority of the bastion's allows: GCP's default,
// unless a deny-all egress rule of the package that may apply to the
// bastion is evaluated at that number or before (lower numbers first, and
// a deny wins a tie), then one less than the strongest such rule.
func (p *planner) allowPriority(c *facts.Cluster, tag string) (int64, string) {
	var deny *facts.Firewall
	for _, f := range p.pkg.Firewalls() {
		if p.owner.Owns(f.Object) || !f.DeniesAllEgress() ||
			f.NetworkID() != c.NetworkID() || !f.MayApplyTo(tag) {
			continue
		}
		if deny == nil || f.Priority < deny.Priority {
			deny = f
		}
	}
	switch {
	case deny == nil || deny.Priority > gcp.DefaultPriority:
		return gcp.DefaultPriority, "GCP's default: no other deny-all egress rule of the package that applies to the bastion comes before it"
	case deny.Priority <= gcp.MinPriority:
		p.res.Error(deny.Object, "spec.priority",
			"this deny-all egress rule applies to the bastion (tag %s) at priority %d, so no allow can win over it: give it a larger number, such as %d",
			tag, deny.Priority, denyPriority)
		return 0, ""
	}
	return deny.Priority - 1, fmt.Sprintf("wins over the deny-all egress rule %s at priority %d", results.Describe(deny.Object), deny.Priority)
}

// firewalls are the bastion's egress rules: the deny, then the allows.
func (g *generator) firewalls(pl *plan) {
	f := &pl.fence
	c := pl.cluster.Name()
	g.firewall(pl, denyEgressSuffix, firewallSpec{
		description: fmt.Sprintf("Deny all egress from the bastion of cluster %s; its allows win over it on priority.", c),
		priority:    denyPriority,
		deny:        true,
		protocol:    "all",
		ranges:      []netip.Prefix{anywhere},
	})
	if f.master.IsValid() {
		g.firewall(pl, allowMasterSuffix, firewallSpec{
			description: fmt.Sprintf("Allow the bastion of cluster %s to reach the Kubernetes API on the control plane's private endpoint.", c),
			priority:    f.allowPriority,
			protocol:    "tcp",
			ports:       []string{strconv.Itoa(gcp.ControlPlaneAPIPort)},
			ranges:      []netip.Prefix{f.master},
		})
	}
	var ranges []netip.Prefix
	var hosts []string
	for _, v := range f.vips {
		ranges = append(ranges, v.IPv4)
		hosts = append(hosts, v.Host)
	}
	what := "OS Login, Cloud Logging and Cloud Monitoring"
	if f.dns {
		what = "OS Login, Cloud Logging, Cloud Monitoring and the control plane's DNS-based endpoint"
	}
	g.firewall(pl, allowVIPSuffix, firewallSpec{
		description: fmt.Sprintf("Allow the bastion of cluster %s to reach Google APIs (%s) through %s.", c, what, joinWords(hosts)),
		priority:    f.allowPriority,
		protocol:    "tcp",
		ports:       []string{strconv.Itoa(gcp.VIPPort)},
		ranges:      ranges,
	})
}

type firewallSpec struct {
	description string
	priority    int64
	deny        bool
	protocol    string
	ports       []string
	ranges      []netip.Prefix // destinations
}

func (g *generator) firewall(pl *plan, suffix string, r firewallSpec) {
	spec := compute.ComputeFirewallSpec{
		Description: kcc.Ptr(r.description),
		Direction:   kcc.Ptr("EGRESS"),
		NetworkRef:  pl.fence.network,
		Priority:    kcc.Ptr(r.priority),
		TargetTags:  []string{pl.tag},
	}
	for _, d := range r.ranges {
		spec.DestinationRanges = append(spec.DestinationRanges, d.String())
	}
	if r.deny {
		spec.Deny = []compute.FirewallDeny{{Protocol: r.protocol, Ports: r.ports}}
	} else {
		spec.Allow = []compute.FirewallAllow{{Protocol: r.protocol, Ports: r.ports}}
	}
	g.add(&compute.ComputeFirewall{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", kindFirewall),
		ObjectMeta: firewallMeta(pl, gcp.ClusterName(pl.cluster.Name(), suffix)),
		Spec:       spec,
	})
}

// firewallMeta puts a rule in the cluster's namespace and in its
// network's project: a VPC firewall rule belongs to the project of its
// network, which with Shared VPC is the host project.
func firewallMeta(pl *plan, name string) metav1.ObjectMeta {
	m := kcc.ObjectMeta(name, pl.cluster.Object)
	if pl.fence.project != "" {
		m.Annotations = map[string]string{kcc.ProjectIDAnnotation: pl.fence.project}
	}
	return m
}

func joinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return fmt.Sprintf("%s and %s", words[0], words[1])
}
