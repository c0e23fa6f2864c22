package clusterfirewall

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// ClusterRanges are the ranges of one cluster that the package cannot
// say: with Shared VPC the subnetwork, and so its primary and secondary
// ranges, belong to the host project and are often managed elsewhere.
type ClusterRanges struct {
	// Cluster is the ContainerCluster's name; optional when the package
	// has one cluster.
	Cluster string `json:"cluster,omitempty"`
	// NodeRange is the subnetwork's primary range, in the CIDR notation
	// the subnetwork holds it in (fnconfig.CIDR: no bare address).
	NodeRange fnconfig.CIDR `json:"nodeRange,omitempty"`
	// PodRange and ServiceRange are the cluster's secondary ranges.
	PodRange     fnconfig.CIDR `json:"podRange,omitempty"`
	ServiceRange fnconfig.CIDR `json:"serviceRange,omitempty"`
	// ControlPlaneRange is where the control plane reaches the nodes from
	// when the package cannot say: the primary range of a Private Service
	// Connect endpoint subnetwork outside the package.
	ControlPlaneRange fnconfig.CIDR `json:"controlPlaneRange,omitempty"`
}

func (c *ClusterFirewall) checkClusterRanges(src fnconfig.Source, res *results.Collector) {
	seen := map[string]int{}
	for i, r := range c.ClusterRanges {
		field := fnconfig.Index("clusterRanges", i)
		if j, dup := seen[r.Cluster]; dup {
			src.Error(res, field+".cluster", "clusterRanges[%d] already gives the ranges of cluster %q", j, r.Cluster)
		}
		seen[r.Cluster] = i
		if r.Cluster == "" && len(c.ClusterRanges) > 1 {
			src.Error(res, field+".cluster", "name the cluster: with several entries each must say whose ranges they are")
		}
		for _, f := range []struct {
			key string
			r   fnconfig.CIDR
		}{{"nodeRange", r.NodeRange}, {"podRange", r.PodRange}, {"serviceRange", r.ServiceRange}, {"controlPlaneRange", r.ControlPlaneRange}} {
			if f.r.IsSet() && !isIPv4Range(f.r.Prefix) {
				src.Error(res, field+"."+f.key, "%q is not an IPv4 CIDR range without host bits, such as 10.4.0.0/14", f.r.Text)
			}
		}
	}
}

// isIPv4Range reports whether p is a range a cluster's node, pod or
// Service range can be: IPv4, without host bits.
func isIPv4Range(p netip.Prefix) bool {
	return p.IsValid() && p.Addr().Is4() && p.Masked() == p
}

// configuredRanges returns the config's entry for the cluster, if any.
func configuredRanges(cfg *ClusterFirewall, c *facts.Cluster, clusters int) (ClusterRanges, int, bool) {
	i := slices.IndexFunc(cfg.ClusterRanges, func(r ClusterRanges) bool {
		return r.Cluster == c.Name() || (r.Cluster == "" && clusters == 1)
	})
	if i < 0 {
		return ClusterRanges{}, -1, false
	}
	return cfg.ClusterRanges[i], i, true
}

// controlPlaneRange is the source of the control-plane rules: where the
// control plane's traffic to the nodes comes from in the cluster's model
// (facts.Cluster.ControlPlane: the /28 for peering, the endpoint
// subnetwork's primary range for Private Service Connect), else what
// clusterRanges gives: controlPlaneRange, or, for a PSC endpoint in a node
// subnetwork outside the package, the nodeRange.
func controlPlaneRange(in krmfn.Input[ClusterFirewall], pkg *facts.Package, c *facts.Cluster) netip.Prefix {
	cp := c.ControlPlane()
	cfg, index, hasCfg := configuredRanges(in.Config, c, len(pkg.Clusters))
	key := fnconfig.Index("clusterRanges", max(index, 0)) + ".controlPlaneRange"
	configured := cfg.ControlPlaneRange
	inNodeSubnet := cp.Model == gcp.PSCControlPlane && !cp.EndpointSubnetworkRef.IsSet()
	switch {
	case cp.Source.IsValid() && hasCfg && configured.IsSet() && configured.Prefix != cp.Source:
		in.Source.Error(in.Results, key, "the control plane of ContainerCluster %s reaches the nodes from %s in the package, not %s: remove controlPlaneRange from the config (the package already says)",
			c.Name(), cp.SourceWhat(), configured.Text)
	case cp.Source.IsValid():
		return cp.Source
	case cp.IsPrivate() && hasCfg && configured.IsSet():
		return configured.Prefix
	case inNodeSubnet && hasCfg && cfg.NodeRange.IsSet():
		return cfg.NodeRange.Prefix // the PSC endpoint is in the node subnetwork
	default:
		in.Results.Error(c.Object, controlPlaneField(cp), "%s", unknownControlPlane(c, cp))
	}
	return netip.Prefix{}
}

// controlPlaneField is the cluster field that would tell the source.
func controlPlaneField(cp facts.ControlPlane) string {
	switch {
	case cp.EndpointSubnetworkRef.IsSet():
		return facts.EndpointSubnetworkField
	case cp.Model == gcp.PSCControlPlane:
		return "spec.subnetworkRef"
	}
	return facts.MasterCIDRField
}

// unknownControlPlane says why the source of the control-plane rules is
// unknown, and what would tell it.
func unknownControlPlane(c *facts.Cluster, cp facts.ControlPlane) string {
	why := cp.SourceUnknown(c)
	switch {
	case cp.Model == "":
		return fmt.Sprintf("%s (it gives the control plane a /28, or Private Service Connect with controlPlane: psc), so the firewall cannot let the control plane through to the nodes", why)
	case cp.Model == gcp.PeeringControlPlane:
		return fmt.Sprintf("%s, so the firewall cannot let the control plane through to the nodes: give it a /28 (private-cluster's masterIpv4CidrBlock)", why)
	case cp.EndpointSubnetworkRef.IsSet():
		return fmt.Sprintf("%s, and the control plane reaches the nodes from that subnetwork's range: render the subnetwork's package together with this one, or give its primary range as clusterRanges[].controlPlaneRange in %s's config", why, Name)
	}
	return fmt.Sprintf("%s, and the control plane reaches the nodes from that subnetwork's range: render the subnetwork's package together with this one, or give its primary range as clusterRanges[].nodeRange (or controlPlaneRange) in %s's config", why, Name)
}

// rangeSource is one of the three ranges a cluster's intra-cluster allow
// needs, with what the package says of it and what the config gives.
type rangeSource struct {
	what       string // "node", "pod", "Service"
	key        string // clusterRanges field
	fromPkg    netip.Prefix
	configured fnconfig.CIDR
	field      string // the cluster field the message points at
	// unknownWhy says why the package does not know the range.
	unknownWhy string
}

// intraRanges are the node, pod and Service ranges. Each must be known:
// with all egress denied, a missing one cuts the cluster in pieces. The
// package says them when it has the cluster's subnetwork (Shared VPC
// hosts included, when rendered together) and range names or CIDR blocks;
// clusterRanges in the config says what it cannot.
func intraRanges(in krmfn.Input[ClusterFirewall], pkg *facts.Package, c *facts.Cluster) []netip.Prefix {
	cfg, index, hasCfg := configuredRanges(in.Config, c, len(pkg.Clusters))
	var out []netip.Prefix
	for _, r := range rangeSources(c, cfg) {
		key := fnconfig.Index("clusterRanges", max(index, 0)) + "." + r.key
		switch {
		case r.fromPkg.IsValid() && r.configured.IsSet() && r.configured.Prefix != r.fromPkg.Masked():
			in.Source.Error(in.Results, key, "ContainerCluster %s's %s range is %s in the package, not %s: remove %s from the config (the package already says)", c.Name(), r.what, r.fromPkg, r.configured.Text, r.key)
		case r.fromPkg.IsValid():
			out = append(out, r.fromPkg.Masked())
		case hasCfg && r.configured.IsSet():
			out = append(out, r.configured.Prefix)
		case c.SubnetworkUnreadable:
			// its subnetwork's own error says why
		default:
			in.Results.Error(c.Object, r.field, "the %s range of ContainerCluster %s is unknown: %s", r.what, c.Name(), r.unknownWhy)
		}
	}
	slices.SortFunc(out, netip.Prefix.Compare)
	return slices.Compact(out)
}

func rangeSources(c *facts.Cluster, cfg ClusterRanges) []rangeSource {
	var node netip.Prefix
	if s := c.Subnetwork; s != nil && s.Primary.IsValid() {
		node = s.Primary
	}
	pods, _ := c.PodRange()
	services, _ := c.ServiceRange()
	ip := c.Spec.IpAllocationPolicy
	var podName, serviceName *string
	if ip != nil {
		podName, serviceName = ip.ClusterSecondaryRangeName, ip.ServicesSecondaryRangeName
	}
	return []rangeSource{
		{what: "node", key: "nodeRange", fromPkg: node, configured: cfg.NodeRange, field: "spec.subnetworkRef", unknownWhy: unknownNodeRange(c)},
		{what: "pod", key: "podRange", fromPkg: pods, configured: cfg.PodRange, field: "spec.ipAllocationPolicy.clusterSecondaryRangeName",
			unknownWhy: unknownSecondary(c, podName, "clusterSecondaryRangeName", "clusterIpv4CidrBlock", "podRange")},
		{what: "Service", key: "serviceRange", fromPkg: services, configured: cfg.ServiceRange, field: "spec.ipAllocationPolicy.servicesSecondaryRangeName",
			unknownWhy: unknownSecondary(c, serviceName, "servicesSecondaryRangeName", "servicesIpv4CidrBlock", "serviceRange")},
	}
}

// unknownNodeRange says why the package does not know the node range,
// and what to do about it.
func unknownNodeRange(c *facts.Cluster) string {
	switch r := c.Spec.SubnetworkRef; {
	case c.Subnetwork != nil:
		return fmt.Sprintf("ComputeSubnetwork %s has no spec.ipCidrRange", c.Subnetwork.Object.GetName())
	case r != nil && r.External != "":
		return fmt.Sprintf("its subnetwork %s is outside the package (a Shared VPC host's): render the host's package together with this one, or give the subnetwork's primary range as clusterRanges[].nodeRange in %s's config", r.External, Name)
	case r != nil:
		return fmt.Sprintf("its ComputeSubnetwork %s is not in the package: add it, or give its primary range as clusterRanges[].nodeRange in %s's config", r.Name, Name)
	}
	return fmt.Sprintf("the cluster names no subnetwork: set spec.subnetworkRef to a ComputeSubnetwork of the package, or give the node range as clusterRanges[].nodeRange in %s's config", Name)
}

// unknownSecondary says why a pod or Service range is unknown: a range
// name that no subnetwork of the package resolves, or nothing set at all
// (which private-cluster fills in).
func unknownSecondary(c *facts.Cluster, name *string, nameField, cidrField, key string) string {
	switch {
	case name != nil && c.Subnetwork != nil:
		return fmt.Sprintf("ComputeSubnetwork %s has no secondary range %q (it has %s): name one of its ranges in spec.ipAllocationPolicy.%s, or add it to the subnetwork",
			c.Subnetwork.Object.GetName(), *name, results.ListOrNone(c.Subnetwork.RangeNames()), nameField)
	case name != nil || (c.Subnetwork == nil && c.Spec.SubnetworkRef != nil && c.Spec.SubnetworkRef.External != ""):
		what := "a secondary range"
		if name != nil {
			what = fmt.Sprintf("secondary range %q", *name)
		}
		return fmt.Sprintf("the cluster uses %s of a subnetwork outside the package: render the subnetwork's package (the Shared VPC host's) together with this one, or give the range as clusterRanges[].%s in %s's config",
			what, key, Name)
	}
	return fmt.Sprintf("spec.ipAllocationPolicy names no %s and no %s: run private-cluster first (it names the subnetwork's range or sets the CIDR block of a GKE-managed one), or give the range as clusterRanges[].%s in %s's config",
		nameField, cidrField, key, Name)
}
