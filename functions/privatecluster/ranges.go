package privatecluster

import (
	"net/netip"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Sizes of the GKE-managed ranges private-cluster asks for when the
// subnetwork has no secondary ranges and the config names no CIDR. The
// pod range is the /14 in 10.0.0.0/8 that the ContainerCluster CRD
// describes for clusterIpv4Cidr ("specify a /14 block in 10.0.0.0/8").
// The Service /20 (4,096 Services) is lockdown's choice.
const (
	defaultPodBits     = 14
	defaultServiceBits = 20
)

// managedRangeSpace is where chosen ranges come from: the CRD's
// clusterIpv4CidrBlock and servicesIpv4CidrBlock take ranges "from the
// RFC-1918 private networks".
var managedRangeSpace = netip.MustParsePrefix("10.0.0.0/8")

// planRanges decides the pod and Service ranges of a VPC-native cluster,
// so that cluster-firewall always knows them: range names from the config,
// else the cluster's own (checked against its subnetwork), else names from
// the subnetwork when they leave no doubt, else CIDR blocks of ranges GKE
// creates and manages. A doubt is an error, never a guess.
func (p *planner) planRanges(pl *plan) {
	c := pl.cluster
	if p.cfg.ClusterSecondaryRangeName != "" {
		pl.podRange, pl.serviceRange = p.cfg.ClusterSecondaryRangeName, p.cfg.ServicesSecondaryRangeName
		p.checkConfigRangeNames(c, pl)
		return
	}
	if ip := c.Spec.IpAllocationPolicy; ip != nil && (ip.ClusterSecondaryRangeName != nil || ip.ClusterIpv4CidrBlock != nil) {
		p.checkClusterRangeNames(c)
		if ip.ServicesSecondaryRangeName == nil && ip.ServicesIpv4CidrBlock == nil {
			p.planManagedRanges(pl, false, true)
		}
		return // the cluster already says; keep it
	}
	if sub := c.Subnetwork; sub != nil && len(sub.Secondary) > 0 {
		pods, services := rangesByName(sub)
		if len(pods) != 1 || len(services) != 1 {
			p.res.Error(c.Object, "spec.ipAllocationPolicy",
				"cannot tell which secondary ranges of %s are for pods and for Services (it has %s): set clusterSecondaryRangeName and servicesSecondaryRangeName in the config",
				results.Describe(sub.Object), results.ListOrNone(sub.RangeNames()))
			return
		}
		pl.podRange, pl.serviceRange = pods[0], services[0]
		return
	}
	p.planManagedRanges(pl, true, true)
}

// checkConfigRangeNames checks the config's range names against the
// cluster's subnetwork, when the package has it.
func (p *planner) checkConfigRangeNames(c *facts.Cluster, pl *plan) {
	sub := c.Subnetwork
	if sub == nil {
		return
	}
	for _, f := range [][2]string{{"clusterSecondaryRangeName", pl.podRange}, {"servicesSecondaryRangeName", pl.serviceRange}} {
		if _, ok := sub.Range(f[1]); !ok {
			p.src.Error(p.res, f[0], "%s has no secondary range %q; it has %s", results.Describe(sub.Object), f[1], results.ListOrNone(sub.RangeNames()))
		}
	}
}

// checkClusterRangeNames refuses range names on the cluster that its
// subnetwork in the package does not have: GKE would refuse the cluster.
func (p *planner) checkClusterRangeNames(c *facts.Cluster) {
	sub, ip := c.Subnetwork, c.Spec.IpAllocationPolicy
	if sub == nil {
		return
	}
	for _, f := range []struct {
		field string
		name  *string
	}{
		{"spec.ipAllocationPolicy.clusterSecondaryRangeName", ip.ClusterSecondaryRangeName},
		{"spec.ipAllocationPolicy.servicesSecondaryRangeName", ip.ServicesSecondaryRangeName},
	} {
		if f.name == nil {
			continue
		}
		if _, ok := sub.Range(*f.name); !ok {
			p.res.Error(c.Object, f.field, "the cluster uses secondary range %q, which %s does not have (it has %s): name one of its ranges, or add %q to its spec.secondaryIpRange",
				*f.name, results.Describe(sub.Object), results.ListOrNone(sub.RangeNames()), *f.name)
		}
	}
}

// planManagedRanges gives a cluster whose subnetwork has no secondary
// ranges the CIDR blocks of ranges GKE creates for it ("Alternatively,
// cluster_ipv4_cidr_block can be used to automatically create a
// GKE-managed one", the CRD on clusterSecondaryRangeName): the config's,
// else the first free blocks on the network. Written as CIDRs rather than
// left to GKE, so the firewall knows them.
func (p *planner) planManagedRanges(pl *plan, pods, services bool) {
	c := pl.cluster
	if c.Subnetwork == nil && c.Spec.SubnetworkRef != nil && c.Spec.SubnetworkRef.External != "" {
		p.res.Error(c.Object, "spec.ipAllocationPolicy",
			"ContainerCluster %s is on a subnetwork outside the package (%s), a Shared VPC host's, and names none of its secondary ranges: lockdown does not ask GKE to create ranges in another project's subnetwork; set spec.ipAllocationPolicy.clusterSecondaryRangeName and servicesSecondaryRangeName to the host subnetwork's ranges, or render the host's package together with this one",
			c.Name(), c.Spec.SubnetworkRef.External)
		return
	}
	taken := append(prefixesOf(p.rangesOnNetwork(c)), p.claimedOn(c)...)
	taken = append(taken, pl.masterCIDR)
	for _, other := range p.pkg.Clusters {
		if master, ok := other.MasterCIDR(); ok && other != c && facts.SameNetwork(other, c) {
			taken = append(taken, master)
		}
	}
	if pods {
		pl.podCIDR = p.chooseRange(c, "clusterIpv4CidrBlock", p.cfg.ClusterIPv4CIDRBlock, defaultPodBits, taken)
		taken = append(taken, pl.podCIDR)
	}
	if services {
		pl.serviceCIDR = p.chooseRange(c, "servicesIpv4CidrBlock", p.cfg.ServicesIPv4CIDRBlock, defaultServiceBits, taken)
	}
}

// chooseRange takes the configured CIDR (checked against what the network
// already uses) or the first free block of the default size.
func (p *planner) chooseRange(c *facts.Cluster, key string, configured fnconfig.CIDR, bits int, taken []netip.Prefix) netip.Prefix {
	if configured.IsSet() {
		want := configured.Prefix
		for _, t := range taken {
			if t.IsValid() && t.Overlaps(want) {
				p.src.Error(p.res, key, "%s overlaps %s, already used on the network of ContainerCluster %s: choose a range that overlaps no node, pod, Service or control plane range", want, t, c.Name())
				return netip.Prefix{}
			}
		}
		return want
	}
	free, ok := gcp.FreeIPv4Prefix(managedRangeSpace, bits, taken)
	if !ok {
		p.src.Error(p.res, key, "no free /%d is left in %s on the network of ContainerCluster %s: set %s to a free range", bits, managedRangeSpace, c.Name(), key)
	}
	return free
}

// claimedOn returns the ranges earlier plans of this run chose on the
// cluster's network, so two clusters never get the same blocks.
func (p *planner) claimedOn(c *facts.Cluster) []netip.Prefix {
	var out []netip.Prefix
	for _, other := range p.planned {
		if facts.SameNetwork(other.cluster, c) {
			out = append(out, other.podCIDR, other.serviceCIDR, other.masterCIDR)
		}
	}
	return out
}

// rangesByName sorts a subnetwork's secondary ranges by what their names
// say: "pods"/"cluster" ranges and "services"/"svc" ranges.
func rangesByName(sub *facts.Subnetwork) (pods, services []string) {
	for _, r := range sub.Secondary {
		name := strings.ToLower(r.Name)
		isPods := strings.Contains(name, "pod") || strings.Contains(name, "cluster")
		isServices := strings.Contains(name, "service") || strings.Contains(name, "svc")
		switch {
		case isPods && !isServices:
			pods = append(pods, r.Name)
		case isServices && !isPods:
			services = append(services, r.Name)
		}
	}
	return pods, services
}
