package bastion

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// plan is the bastion of one cluster, worked out and checked before
// anything is generated or edited.
type plan struct {
	cluster     *facts.Cluster
	names       names
	region      string
	zone        string
	machineType string
	address     netip.Addr
	subnetwork  facts.Ref
	rangeText   string // the subnetwork's primary range for messages, "" when unknown
	tag         string
	account     string // the user's service account; "" to generate one
	fence       fence
	operators   []string // IAM members, as the config lists them
}

// planner holds what the plan is checked against.
type planner struct {
	cfg   *Bastion
	src   fnconfig.Source
	pkg   *facts.Package
	res   *results.Collector
	owner owned.Owner
}

// selectCluster returns the cluster the bastion serves, or nil with an
// error recorded; nil without an error when the package has no cluster.
func (p *planner) selectCluster() *facts.Cluster {
	clusters := p.pkg.Clusters
	if p.cfg.Cluster == "" {
		switch len(clusters) {
		case 0:
			return nil
		case 1:
			return clusters[0]
		}
		p.src.Error(p.res, "cluster", "the package has %d ContainerClusters (%s): set cluster to the one the bastion serves",
			len(clusters), results.ListOrNone(clusterKeys(clusters)))
		return nil
	}
	ns, name := splitClusterKey(p.cfg.Cluster)
	var found []*facts.Cluster
	for _, c := range clusters {
		if c.Name() == name && (ns == "" || c.Object.GetNamespace() == ns) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 1:
		return found[0]
	case 0:
		p.src.Error(p.res, "cluster", "no ContainerCluster %q in the package; it has %s", p.cfg.Cluster, results.ListOrNone(clusterKeys(clusters)))
	default:
		p.src.Error(p.res, "cluster", "%d ContainerClusters are named %q (%s): write cluster as namespace/name",
			len(found), name, results.ListOrNone(clusterKeys(found)))
	}
	return nil
}

func (p *planner) plan(c *facts.Cluster) *plan {
	pl := &plan{
		cluster:     c,
		names:       namesFor(c.Name()),
		machineType: p.cfg.MachineType,
		tag:         p.cfg.Tag,
		account:     p.cfg.ServiceAccount,
	}
	if pl.machineType == "" {
		pl.machineType = DefaultMachineType
	}
	if pl.tag == "" {
		// cluster-firewall's iapTag defaults to the same tag: both come
		// from gcp.BastionTag, which shortens a long cluster name. A name
		// GCP would refuse (a leading digit, a dot) cluster-firewall
		// refuses too, so bastion asks for a tag rather than mend it.
		pl.tag = gcp.BastionTag(c.Name())
		if (gcp.Namer{Lead: gcp.ClusterLead}).Sanitize(c.Name()) != c.Name() {
			p.res.Error(c.Object, "metadata.name",
				"the default IAP tag %q is not a valid network tag (%s): set tag in the bastion config, and the same value as cluster-firewall's iapTag",
				c.Name()+"-"+instanceSuffix, gcp.ResourceNameRule)
		}
	}
	if !p.planSubnetwork(pl) {
		return pl
	}
	p.planZone(pl)
	p.planAddress(pl)
	p.planFence(pl)
	p.planOperators(pl)
	return pl
}

// planOperators takes the operators of the config. Their tunnel role is
// granted on the project, so the project id must be known.
func (p *planner) planOperators(pl *plan) {
	for _, o := range p.cfg.Operators {
		pl.operators = append(pl.operators, o.Member)
	}
	if len(pl.operators) > 0 && pl.cluster.ProjectID == "" {
		p.res.Error(pl.cluster.Object, "metadata.annotations",
			"operators are granted the IAP tunnel role on the project, and the project of ContainerCluster %s is unknown: set the %s annotation on the cluster or its Namespace",
			pl.cluster.Name(), kcc.ProjectIDAnnotation)
	}
}

// planSubnetwork finds where the instance goes: the cluster's subnetwork
// and its region. An external subnetwork (for example a Shared VPC host's)
// works too, but its range is unknown, so the address must be given.
func (p *planner) planSubnetwork(pl *plan) bool {
	c := pl.cluster
	r := c.Spec.SubnetworkRef
	if r == nil || (r.Name == "" && r.External == "") {
		p.res.Error(c.Object, "spec.subnetworkRef",
			"the cluster names no subnetwork, so the bastion has nowhere to go: set spec.subnetworkRef to the ComputeSubnetwork of the nodes")
		return false
	}
	pl.subnetwork = facts.Ref{Name: r.Name, Namespace: r.Namespace, External: r.External}
	if s := c.Subnetwork; s != nil {
		return p.packageSubnetwork(pl, s)
	}
	pl.region = c.Region()
	switch {
	case !p.cfg.InternalAddress.IsSet():
		p.src.Error(p.res, "internalAddress",
			"the subnetwork %s of ContainerCluster %s is not in the package, so bastion cannot choose an address from its range: set internalAddress to a free address of that range, or add the ComputeSubnetwork to the package",
			pl.subnetwork, c.Name())
	case !facts.IsRegion(pl.region):
		p.res.Error(c.Object, "spec.location",
			"cannot tell the cluster's region from location %q, and its subnetwork %s is not in the package: set spec.location to a region or zone such as us-central1",
			c.Spec.Location, pl.subnetwork)
	default:
		p.res.Warning(p.src.Object, p.src.Field("internalAddress"),
			"the subnetwork %s is not in the package: bastion cannot check that %s is inside its range (the region, %s, comes from the cluster's location)",
			pl.subnetwork, p.cfg.InternalAddress, pl.region)
		return true
	}
	return false
}

// packageSubnetwork takes the region and range of a subnetwork that the
// package declares.
func (p *planner) packageSubnetwork(pl *plan, s *facts.Subnetwork) bool {
	pl.region = s.Spec.Region
	switch {
	case !s.Primary.IsValid():
		p.res.Error(s.Object, "spec.ipCidrRange", "the subnetwork has no primary range, so the bastion has no address: set spec.ipCidrRange")
	case !s.Primary.Addr().Is4():
		p.res.Error(s.Object, "spec.ipCidrRange", "%s is not an IPv4 range: a subnetwork's primary range is IPv4", s.Primary)
	case !facts.IsRegion(pl.region):
		p.res.Error(s.Object, "spec.region", "%q is not a region such as us-central1", pl.region)
	default:
		pl.rangeText = fmt.Sprintf("%s of %s", s.Primary, results.Describe(s.Object))
		return true
	}
	return false
}

// planZone picks the zone: the config's (which must be in the region),
// else the cluster's own zone, else the first of its node locations, else
// the region's first zone.
func (p *planner) planZone(pl *plan) {
	if z := p.cfg.Zone; z != "" {
		if facts.RegionOf(z) != pl.region {
			p.src.Error(p.res, "zone", "zone %s is in region %s, but the subnetwork %s of ContainerCluster %s is in %s: use a zone of %s, such as %s",
				z, facts.RegionOf(z), pl.subnetwork, pl.cluster.Name(), pl.region, pl.region, firstZone(pl.region))
		}
		pl.zone = z
		return
	}
	candidates := append([]string{pl.cluster.Spec.Location}, sorted(pl.cluster.Spec.NodeLocations)...)
	for _, z := range candidates {
		if facts.IsZone(z) && facts.RegionOf(z) == pl.region {
			pl.zone = z
			return
		}
	}
	pl.zone = firstZone(pl.region)
}

// regionsWithoutZoneA are the regions whose zones start at b.
var regionsWithoutZoneA = []string{"europe-west1", "us-east1"}

// firstZone is the region's first zone: <region>-a, or -b where GCP has
// no zone a.
func firstZone(region string) string {
	if slices.Contains(regionsWithoutZoneA, region) {
		return region + "-b"
	}
	return region + "-a"
}

// planAddress picks the internal address: the config's, checked against
// the subnetwork's primary range, else the range's last usable address
// that no other ComputeAddress of the package holds. Ephemeral addresses
// are handed out from the bottom of a range, so the top is where a static
// one is least likely to be taken already.
func (p *planner) planAddress(pl *plan) {
	taken := p.takenAddresses(pl)
	if p.cfg.InternalAddress.IsSet() {
		pl.address = p.cfg.InternalAddress.Addr
		if pl.rangeText != "" {
			p.checkAddress(pl, pl.address, taken)
		}
		return
	}
	primary := pl.cluster.Subnetwork.Primary.Masked()
	first, last, ok := gcp.UsableIPv4Range(primary)
	if !ok {
		p.noUsableAddress(pl, primary)
		return
	}
	for a := last; ; a = a.Prev() {
		if _, used := taken[a]; !used {
			pl.address = a
			return
		}
		if a == first {
			break
		}
	}
	p.src.Error(p.res, "internalAddress", "every usable address of %s is held by a ComputeAddress of the package: set internalAddress to a free one", pl.rangeText)
}

func (p *planner) checkAddress(pl *plan, a netip.Addr, taken map[netip.Addr]*fn.KubeObject) {
	primary := pl.cluster.Subnetwork.Primary.Masked()
	first, last, ok := gcp.UsableIPv4Range(primary)
	switch {
	case !ok:
		p.noUsableAddress(pl, primary)
	case !primary.Contains(a):
		p.src.Error(p.res, "internalAddress", "%s is outside the primary range %s: choose an address from %s to %s",
			a, pl.rangeText, first, last)
	case a.Less(first) || last.Less(a):
		p.src.Error(p.res, "internalAddress", "%s is reserved by GCP, which keeps the first two and the last two addresses of %s: choose one from %s to %s",
			a, pl.rangeText, first, last)
	case taken[a] != nil:
		p.src.Error(p.res, "internalAddress", "%s is already held by %s: choose another address of %s",
			a, results.Describe(taken[a]), primary)
	}
}

// noUsableAddress refuses a primary range too small for an instance
// (gcp.UsableIPv4Range).
func (p *planner) noUsableAddress(pl *plan, primary netip.Prefix) {
	p.res.Error(pl.cluster.Subnetwork.Object, "spec.ipCidrRange", "%s has no usable address (GCP reserves the first two and the last two): a subnetwork needs at least a /%d",
		primary, gcp.MaxSubnetIPv4Bits)
}

// takenAddresses are the internal addresses that other ComputeAddresses
// of the package reserve in the bastion's subnetwork; this function's own
// are about to be replaced, so they do not count.
func (p *planner) takenAddresses(pl *plan) map[netip.Addr]*fn.KubeObject {
	taken := map[netip.Addr]*fn.KubeObject{}
	for _, obj := range p.pkg.Items {
		if obj.GetKind() != kindAddress || !strings.HasPrefix(obj.GetAPIVersion(), "compute.cnrm.cloud.google.com/") ||
			p.owner.Owns(obj) {
			continue
		}
		typ, _, _ := obj.NestedString("spec", "addressType")
		text, _, _ := obj.NestedString("spec", "address")
		a, err := netip.ParseAddr(text)
		if err == nil && typ == "INTERNAL" && sameSubnetwork(obj, pl) {
			taken[a] = obj
		}
	}
	return taken
}

// sameSubnetwork tells whether a ComputeAddress is in the bastion's
// subnetwork, comparing references as Config Connector resolves them.
func sameSubnetwork(obj *fn.KubeObject, pl *plan) bool {
	name, _, _ := obj.NestedString("spec", "subnetworkRef", "name")
	ns, _, _ := obj.NestedString("spec", "subnetworkRef", "namespace")
	external, _, _ := obj.NestedString("spec", "subnetworkRef", "external")
	if external != "" || pl.subnetwork.External != "" {
		return external == pl.subnetwork.External
	}
	return name == pl.subnetwork.Name && namespaceOr(ns, obj) == namespaceOr(pl.subnetwork.Namespace, pl.cluster.Object)
}

// namespaceOr is a reference's namespace: its own, else the referrer's.
func namespaceOr(ns string, from *fn.KubeObject) string {
	if ns != "" {
		return ns
	}
	return from.GetNamespace()
}

func sorted(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}

// clusterKeys are the clusters' keys, for messages that list them.
func clusterKeys(cs []*facts.Cluster) []string {
	objs := make([]*fn.KubeObject, len(cs))
	for i, c := range cs {
		objs[i] = c.Object
	}
	return results.Keys(objs)
}
