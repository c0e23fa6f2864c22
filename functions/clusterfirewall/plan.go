package clusterfirewall

import (
	"net/netip"
	"slices"

	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// ulaRange is where GCP takes a network's internal IPv6 /48 from when the
// network does not choose one (internalIpv6Range).
var ulaRange = netip.MustParsePrefix("fd20::/20")

// dualStack is the stack type of a dual-stack subnetwork or cluster.
const dualStack = "IPV4_IPV6"

// clusterPlan is what the rules of one cluster are made from.
type clusterPlan struct {
	c       *facts.Cluster
	nodeTag string
	// master is where the control plane reaches the nodes from (and the
	// nodes reach it at): facts.ControlPlane's Source, or the config's.
	master  netip.Prefix
	network kccref.ResourceRef
	intra   []netip.Prefix // node, pod and Service ranges
	vips    []gcp.VIP
	// ipv6Intra is the network's internal IPv6 range; invalid when the
	// cluster is IPv4 only.
	ipv6Intra netip.Prefix
}

// planCluster reads what the cluster's rules need, recording an error for
// each thing the package does not say.
func planCluster(in krmfn.Input[ClusterFirewall], pkg *facts.Package, c *facts.Cluster) (*clusterPlan, bool) {
	p := &clusterPlan{c: c}
	if !gcp.IsResourceName(c.Name()) {
		in.Results.Error(c.Object, "metadata.name",
			"%q cannot start the names of GCP firewall rules: a cluster name is lower-case letters, digits and hyphens, starting with a letter", c.Name())
	}
	p.nodeTag = nodeTag(in, c)
	p.vips = p.vipsFor(pkg)
	p.master = controlPlaneRange(in, pkg, c)
	p.network = networkRef(in, c)
	p.intra = intraRanges(in, pkg, c)
	if isDualStack(c) {
		p.ipv6Intra = ipv6Range(in, c)
	}
	p.warnNoRouteToVIP(in, pkg)
	// After an error nothing is generated, so there is no point in building.
	return p, !in.Results.HasErrors()
}

// nodeTag is the tag the rules target: the config's, else the package's.
func nodeTag(in krmfn.Input[ClusterFirewall], c *facts.Cluster) string {
	if in.Config.NodeTag != "" {
		return in.Config.NodeTag
	}
	tag, err := c.NodeTag()
	if err != nil {
		in.Results.Error(c.Object, "spec.nodeConfig.tags", "%v; or set nodeTag in %s's config", err, Name)
	}
	return tag
}

// networkRef refers to the cluster's network as the cluster does: by name
// (a ComputeNetwork of the package, or one Config Connector manages beside
// it), or by its external reference.
func networkRef(in krmfn.Input[ClusterFirewall], c *facts.Cluster) kccref.ResourceRef {
	ref, ok := c.NetworkObjectRef()
	if !ok {
		in.Results.Error(c.Object, "spec.networkRef",
			"ContainerCluster %s names no network, so its firewall rules have nowhere to go: set spec.networkRef, or spec.subnetworkRef to a ComputeSubnetwork of the package", c.Name())
	}
	return ref
}

func isDualStack(c *facts.Cluster) bool {
	if c.Subnetwork != nil && c.Subnetwork.IsDualStack() {
		return true
	}
	ip := c.Spec.IpAllocationPolicy
	return ip != nil && ip.StackType != nil && *ip.StackType == dualStack
}

// ipv6Range is the internal IPv6 range of the cluster's network: the one
// the network declares, else GCP's ULA space it is taken from. A subnetwork
// with external IPv6 gets its range only when created, so its traffic
// between nodes is denied until the user allows it: a warning says so.
func ipv6Range(in krmfn.Input[ClusterFirewall], c *facts.Cluster) netip.Prefix {
	if s := c.Subnetwork; s != nil && s.Spec.Ipv6AccessType != nil && *s.Spec.Ipv6AccessType == "EXTERNAL" {
		in.Results.Warning(s.Object, "spec.ipv6AccessType",
			"the nodes and pods of ContainerCluster %s get external IPv6 addresses, assigned when the subnetwork is created, and the deny-all IPv6 egress blocks IPv6 between them: add an EGRESS extra allow for the subnetwork's status.externalIpv6Prefix, or use ipv6AccessType INTERNAL",
			c.Name())
	}
	if n := c.Network; n != nil && n.Spec.InternalIpv6Range != nil {
		if p, err := netip.ParsePrefix(*n.Spec.InternalIpv6Range); err == nil && p.Addr().Is6() {
			return p.Masked()
		}
	}
	return ulaRange
}

// vipsFor follows the package: the Google API VIPs a ComputeRoute of the
// cluster's network leads to (private-google-access adds that route), else
// the restricted VIP, the one that works inside VPC Service Controls.
func (p *clusterPlan) vipsFor(pkg *facts.Package) []gcp.VIP {
	var out []gcp.VIP
	for _, v := range []gcp.VIP{gcp.RestrictedVIP, gcp.PrivateVIP} {
		if p.routed(pkg, v.IPv4, false) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		out = []gcp.VIP{gcp.RestrictedVIP}
	}
	return out
}

// routed tells whether a route of the package serves the cluster's nodes
// (on its network; untagged, or tagged with the node tag) and covers all
// of dest. A default route counts only when withDefault is set.
func (p *clusterPlan) routed(pkg *facts.Package, dest netip.Prefix, withDefault bool) bool {
	id := p.c.NetworkID()
	return id != "" && slices.ContainsFunc(pkg.Routes, func(r *facts.Route) bool {
		return r.NetworkID() == id && (withDefault || r.Dest.Bits() > 0) &&
			r.Dest.Bits() <= dest.Bits() && r.Dest.Contains(dest.Addr()) &&
			(len(r.Spec.Tags) == 0 || slices.Contains(r.Spec.Tags, p.nodeTag))
	})
}

// warnNoRouteToVIP warns when the rules allow the VIP but no route leads
// there: the network deleted GCP's default route and nothing replaced it.
func (p *clusterPlan) warnNoRouteToVIP(in krmfn.Input[ClusterFirewall], pkg *facts.Package) {
	c := p.c
	if c.Network == nil || !c.Network.DeletesDefaultRoutes() {
		return
	}
	for _, v := range p.vips {
		if !p.routed(pkg, v.IPv4, true) {
			in.Results.Warning(c.Network.Object, "spec.deleteDefaultRoutesOnCreate",
				"the nodes of ContainerCluster %s may reach %s (%s) through the firewall, but this network deletes its default route and no ComputeRoute in the package leads there for them: run private-google-access (it adds the route), or add a ComputeRoute to %s via %s",
				c.Name(), v.Host, v.IPv4, v.IPv4, gcp.DefaultInternetGateway)
		}
	}
}
