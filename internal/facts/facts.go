// Package facts reads what lockdown's functions need to know from the package
// itself: the clusters and their node pools, the networks and subnetworks
// with their ranges, how each control plane is reached and where its
// traffic to the nodes comes from (controlplane.go), node tags, project
// ids, and (webhooks.go) the ports the control plane must reach for
// admission webhooks. Every
// function reads the package through this one place so they all see the
// same facts, and users never have to tell a function what the package
// already says.
package facts

import (
	"fmt"
	"iter"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	container "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/container/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Config Connector kinds the facts are built from.
const (
	KindCluster    = "ContainerCluster"
	KindNodePool   = "ContainerNodePool"
	KindNetwork    = "ComputeNetwork"
	KindSubnetwork = "ComputeSubnetwork"

	// ProjectIDAnnotation names the GCP project of a Config Connector object,
	// on the object itself or on its Namespace.
	ProjectIDAnnotation = kcc.ProjectIDAnnotation
)

// Key identifies an object of the package by kind, namespace and name.
type Key struct{ Kind, Namespace, Name string }

// Ref is a Config Connector resource reference: either to an object by
// name (and namespace), or to something outside the package (External).
type Ref struct {
	Name, Namespace, External string
}

// IsSet tells whether the reference says anything at all.
func (r Ref) IsSet() bool { return r.Name != "" || r.External != "" }

// String renders the reference for messages.
func (r Ref) String() string {
	if r.External != "" {
		return "external " + r.External
	}
	if r.Namespace != "" {
		return r.Namespace + "/" + r.Name
	}
	return r.Name
}

// Network is a ComputeNetwork of the package.
type Network struct {
	Object *fn.KubeObject
	Spec   compute.ComputeNetworkSpec
}

// DeletesDefaultRoutes tells whether GCP's default route to the internet
// is deleted when the network is created.
func (n *Network) DeletesDefaultRoutes() bool {
	return n.Spec.DeleteDefaultRoutesOnCreate != nil && *n.Spec.DeleteDefaultRoutesOnCreate
}

// NamedRange is a subnetwork's secondary range.
type NamedRange struct {
	Name   string
	Prefix netip.Prefix
	// Field is the range's field path in the subnetwork.
	Field string
}

// Subnetwork is a ComputeSubnetwork of the package with its ranges parsed.
type Subnetwork struct {
	Object    *fn.KubeObject
	Spec      compute.ComputeSubnetworkSpec
	Network   *Network // nil when the network is not in the package
	Primary   netip.Prefix
	Secondary []NamedRange
}

// Range returns the secondary range called name.
func (s *Subnetwork) Range(name string) (NamedRange, bool) {
	for _, r := range s.Secondary {
		if r.Name == name {
			return r, true
		}
	}
	return NamedRange{}, false
}

// RangeNames lists the secondary range names in declaration order.
func (s *Subnetwork) RangeNames() []string {
	names := make([]string, len(s.Secondary))
	for i, r := range s.Secondary {
		names[i] = r.Name
	}
	return names
}

// IsDualStack tells whether the subnetwork carries IPv6 as well.
func (s *Subnetwork) IsDualStack() bool {
	return s.Spec.StackType != nil && *s.Spec.StackType == "IPV4_IPV6"
}

// Cluster is a ContainerCluster of the package with what it refers to.
type Cluster struct {
	Object     *fn.KubeObject
	Spec       container.ContainerClusterSpec
	ProjectID  string      // "" when neither the object nor its Namespace says
	NetworkRef Ref         // as written, or derived from the subnetwork
	Network    *Network    // nil when outside the package
	Subnetwork *Subnetwork // nil when outside the package
	// SubnetworkUnreadable says the subnetwork is in the package but
	// could not be read (an error result names its field): what depends
	// on it is unknown, and already reported.
	SubnetworkUnreadable bool
	// EndpointSubnetwork is the subnetwork of the control plane's Private
	// Service Connect endpoint (privateEndpointSubnetworkRef); nil when
	// the cluster names none or it is outside the package. ControlPlane
	// says what it means.
	EndpointSubnetwork *Subnetwork
	NodePools          []*NodePool
	// NetworkProject is the project the cluster's network belongs to, and
	// so its firewall rules, routes and NAT: with Shared VPC the host
	// project, not the cluster's. "" when the package cannot say.
	NetworkProject string
}

// Name is the cluster's object name.
func (c *Cluster) Name() string { return c.Object.GetName() }

// NetworkObjectRef refers to the cluster's network as the cluster does,
// from the cluster's namespace, where the rules and routes lockdown
// generates for it go: by name (a ComputeNetwork of the package, or one
// Config Connector manages beside it), or by its external reference.
// false when the cluster names no network.
func (c *Cluster) NetworkObjectRef() (kccref.ResourceRef, bool) {
	r := c.NetworkRef
	switch {
	case r.External != "":
		return kccref.ResourceRef{External: r.External}, true
	case r.Name == "":
		return kccref.ResourceRef{}, false
	}
	ref := kcc.Ref(r.Name)
	if r.Namespace != "" && r.Namespace != c.Object.GetNamespace() {
		ref.Namespace = r.Namespace
	}
	return ref, true
}

// MasterCIDR returns the control plane /28 the cluster declares (the
// peering model); ControlPlane says how the control plane is reached in
// every model, and where its traffic to the nodes comes from.
func (c *Cluster) MasterCIDR() (netip.Prefix, bool) {
	if pcc := c.Spec.PrivateClusterConfig; pcc != nil {
		return cidrBlock(pcc.MasterIpv4CidrBlock)
	}
	return netip.Prefix{}, false
}

// NodeTags returns the network tags that every node of the cluster carries:
// the tags common to every place GKE takes node tags from. Those are the
// default node pool's spec.nodeConfig.tags, each ContainerNodePool's
// nodeConfig.tags, and spec.nodePoolAutoConfig.networkTags.tags, which GKE
// applies to "all auto-provisioned node pools in autopilot clusters and
// node auto-provisioning enabled clusters" (GKE API reference,
// NodePoolAutoConfig, https://googleapis.dev/dotnet/Google.Apis.Container.v1/latest/api/Google.Apis.Container.v1.Data.NodePoolAutoConfig.html).
// An Autopilot cluster has no other nodes; with node auto-provisioning on
// (clusterAutoscaling.enabled), the pools GKE creates carry only those.
func (c *Cluster) NodeTags() []string {
	var sets [][]string
	if c.IsAutopilot() || c.AutoProvisionsNodes() {
		sets = append(sets, c.AutoProvisionedNodeTags())
	}
	if !c.IsAutopilot() {
		sets = append(sets, c.declaredNodeTagSets()...)
	}
	return commonTags(sets)
}

// DeclaredNodeTags are the tags common to the nodes the package declares:
// the default node pool's (when spec.nodeConfig is there) and every
// ContainerNodePool's; nil when it declares none.
func (c *Cluster) DeclaredNodeTags() []string {
	return commonTags(c.declaredNodeTagSets())
}

func (c *Cluster) declaredNodeTagSets() [][]string {
	var sets [][]string
	if c.Spec.NodeConfig != nil {
		sets = append(sets, c.Spec.NodeConfig.Tags)
	}
	for _, p := range c.NodePools {
		var tags []string
		if p.Spec.NodeConfig != nil {
			tags = p.Spec.NodeConfig.Tags
		}
		sets = append(sets, tags)
	}
	return sets
}

// commonTags are the tags in every set, sorted; nil for no sets.
func commonTags(sets [][]string) []string {
	if len(sets) == 0 {
		return nil
	}
	common := slices.Clone(sets[0])
	for _, s := range sets[1:] {
		common = slices.DeleteFunc(common, func(t string) bool { return !slices.Contains(s, t) })
	}
	slices.Sort(common)
	return slices.Compact(common)
}

// AutoProvisionedNodeTags are the tags of the nodes GKE provisions itself.
func (c *Cluster) AutoProvisionedNodeTags() []string {
	if a := c.Spec.NodePoolAutoConfig; a != nil && a.NetworkTags != nil {
		return a.NetworkTags.Tags
	}
	return nil
}

// IsAutopilot tells whether GKE manages the cluster's nodes (Autopilot).
func (c *Cluster) IsAutopilot() bool {
	return c.Spec.EnableAutopilot != nil && *c.Spec.EnableAutopilot
}

// AutoProvisionsNodes tells whether node auto-provisioning is on, so GKE
// creates node pools of its own beside the package's.
func (c *Cluster) AutoProvisionsNodes() bool {
	a := c.Spec.ClusterAutoscaling
	return !c.IsAutopilot() && a != nil && a.Enabled != nil && *a.Enabled
}

// NodePool is a ContainerNodePool of the package.
type NodePool struct {
	Object  *fn.KubeObject
	Spec    container.ContainerNodePoolSpec
	Cluster *Cluster // nil when its cluster is not in the package
}

// Package holds the facts of one ResourceList.
type Package struct {
	Items       fn.KubeObjects
	Clusters    []*Cluster
	NodePools   []*NodePool
	Networks    []*Network
	Subnetworks []*Subnetwork
	Routes      []*Route

	namespaces  map[string]*fn.KubeObject
	networks    map[Key]*Network
	subnetworks map[Key]*Subnetwork
	// unreadable are the subnetworks of the package that could not be
	// read (an error result says why), so that a cluster on one is not
	// also told its subnetwork is missing.
	unreadable map[Key]bool
	clusters   map[Key]*Cluster

	// lazy holds the facts read on demand (lazy.go).
	lazy onDemand
}

// Read gathers the facts of items. Objects that cannot be read as their
// Config Connector type are reported as errors and left out of the facts.
func Read(items fn.KubeObjects, res *results.Collector) *Package {
	p := &Package{
		Items:       items,
		namespaces:  map[string]*fn.KubeObject{},
		networks:    map[Key]*Network{},
		subnetworks: map[Key]*Subnetwork{},
		clusters:    map[Key]*Cluster{},
		lazy:        onDemand{res: res},
	}
	for _, obj := range items {
		p.index(obj, res)
	}
	for _, s := range p.Subnetworks {
		s.Network = p.networks[refKey(KindNetwork, s.Object, refOf(&s.Spec.NetworkRef))]
	}
	for _, r := range p.Routes {
		r.Network = p.networks[refKey(KindNetwork, r.Object, refOf(&r.Spec.NetworkRef))]
	}
	for _, c := range p.Clusters {
		p.linkCluster(c)
	}
	for _, np := range p.NodePools {
		np.Cluster = p.clusters[refKey(KindCluster, np.Object, refOf(&np.Spec.ClusterRef))]
		if np.Cluster != nil {
			np.Cluster.NodePools = append(np.Cluster.NodePools, np)
		}
	}
	return p
}

func (p *Package) index(obj *fn.KubeObject, res *results.Collector) {
	kind := obj.GetKind()
	switch {
	case kind == "Namespace" && obj.GetAPIVersion() == "v1":
		p.namespaces[obj.GetName()] = obj
	case !isKCC(obj):
		return
	case kind == KindCluster:
		c := &Cluster{Object: obj}
		if decode(obj, &c.Spec, res) {
			p.Clusters = append(p.Clusters, c)
			p.clusters[keyOf(obj)] = c
		}
	case kind == KindNodePool:
		np := &NodePool{Object: obj}
		if decode(obj, &np.Spec, res) {
			p.NodePools = append(p.NodePools, np)
		}
	case kind == KindNetwork:
		n := &Network{Object: obj}
		if decode(obj, &n.Spec, res) {
			p.Networks = append(p.Networks, n)
			p.networks[keyOf(obj)] = n
		}
	case kind == KindRoute:
		p.readRoute(obj, res)
	case kind == KindSubnetwork:
		s := &Subnetwork{Object: obj}
		if decode(obj, &s.Spec, res) && s.parseRanges(res) {
			p.Subnetworks = append(p.Subnetworks, s)
			p.subnetworks[keyOf(obj)] = s
		} else {
			if p.unreadable == nil {
				p.unreadable = map[Key]bool{}
			}
			p.unreadable[keyOf(obj)] = true
		}
	}
}

func (p *Package) linkCluster(c *Cluster) {
	c.ProjectID = p.ProjectID(c.Object)
	if r := c.Spec.SubnetworkRef; r != nil {
		if r.External != "" {
			// A Shared VPC host's subnetwork, rendered in the same package.
			c.Subnetwork = p.subnetworkByExternal(r.External)
		} else {
			key := refKey(KindSubnetwork, c.Object, refOf(r))
			c.Subnetwork, c.SubnetworkUnreadable = p.subnetworks[key], p.unreadable[key]
		}
	}
	p.linkEndpointSubnetwork(c)
	switch {
	case c.Spec.NetworkRef != nil:
		c.NetworkRef = refOf(c.Spec.NetworkRef)
		if c.NetworkRef.Namespace == "" && c.NetworkRef.External == "" {
			c.NetworkRef.Namespace = c.Object.GetNamespace()
		}
		if c.NetworkRef.External != "" {
			c.Network = p.networkByExternal(c.NetworkRef.External)
		} else {
			c.Network = p.networks[refKey(KindNetwork, c.Object, c.NetworkRef)]
		}
	case c.Subnetwork != nil:
		// The subnetwork's ref is relative to the subnetwork's namespace,
		// which need not be the cluster's: say which one it is.
		c.NetworkRef = refOf(&c.Subnetwork.Spec.NetworkRef)
		if c.NetworkRef.Namespace == "" && c.NetworkRef.External == "" {
			c.NetworkRef.Namespace = c.Subnetwork.Object.GetNamespace()
		}
		c.Network = c.Subnetwork.Network
	}
	switch {
	case c.Network != nil:
		c.NetworkProject = p.ProjectID(c.Network.Object)
	case c.NetworkRef.External != "":
		c.NetworkProject = ParseExternal(c.NetworkRef.External).Project
	default:
		c.NetworkProject = c.ProjectID
	}
}

// SubnetworksOn returns the package's subnetworks on the cluster's network.
func (p *Package) SubnetworksOn(c *Cluster) []*Subnetwork {
	id := c.NetworkID()
	var out []*Subnetwork
	for _, s := range p.Subnetworks {
		if s == c.Subnetwork || (id != "" && s.NetworkID() == id) {
			out = append(out, s)
		}
	}
	return out
}

// SameNetwork tells whether two clusters are on the same VPC network, as far
// as the package can tell: the same NetworkID, however each refers to it.
func SameNetwork(a, b *Cluster) bool {
	return a.NetworkID() != "" && a.NetworkID() == b.NetworkID()
}

// ProjectID returns the GCP project of obj: its own project-id annotation,
// else the one on its Namespace in the package, else "".
func (p *Package) ProjectID(obj *fn.KubeObject) string {
	if id := obj.GetAnnotation(ProjectIDAnnotation); id != "" {
		return id
	}
	if ns, ok := p.namespaces[obj.GetNamespace()]; ok && obj.GetNamespace() != "" {
		return ns.GetAnnotation(ProjectIDAnnotation)
	}
	return ""
}

func (s *Subnetwork) parseRanges(res *results.Collector) bool {
	ok := true
	if s.Spec.IpCidrRange != nil {
		s.Primary, ok = readSubnetRange(s.Object, "spec.ipCidrRange", *s.Spec.IpCidrRange, "10.0.0.0/20", res)
	}
	ok = s.checkRangeNames(res) && ok
	for i, r := range s.Spec.SecondaryIpRange {
		field := "spec.secondaryIpRange[" + strconv.Itoa(i) + "].ipCidrRange"
		if r.IpCidrRange == nil {
			continue // a reserved internal range: its addresses are not in the package
		}
		p, read := readSubnetRange(s.Object, field, *r.IpCidrRange, "10.4.0.0/14", res)
		if !read {
			ok = false
			continue
		}
		s.Secondary = append(s.Secondary, NamedRange{Name: r.RangeName, Prefix: p, Field: field})
	}
	return ok
}

// readCIDR reads a range the package writes in CIDR notation
// (gcp.ParseCIDR: subnetwork ranges, a route's destination) and records an
// error at field when text is none; example is a range such a field holds,
// for the message.
func readCIDR(obj *fn.KubeObject, field, text, example string, res *results.Collector) (netip.Prefix, bool) {
	p, ok := gcp.ParseCIDR(text)
	if !ok {
		res.Error(obj, field, "%q is not a CIDR range such as %s", text, example)
	}
	return p, ok
}

// checkRangeNames holds the subnetwork's secondary range names to
// Config Connector's rule ("The name must be 1-63 characters long, and
// comply with RFC1035. The name must be unique within the subnetwork":
// ComputeSubnetwork spec.secondaryIpRange[].rangeName, v1.154.1), at the
// range's own field, so that a cluster naming the range is not blamed
// for it.
func (s *Subnetwork) checkRangeNames(res *results.Collector) bool {
	ok := true
	seen := map[string]int{}
	for i, r := range s.Spec.SecondaryIpRange {
		field := "spec.secondaryIpRange[" + strconv.Itoa(i) + "].rangeName"
		if j, dup := seen[r.RangeName]; dup {
			res.Error(s.Object, field, "secondary range name %q is used twice (also spec.secondaryIpRange[%d]): the names of a subnetwork's ranges are unique; rename one", r.RangeName, j)
			ok = false
			continue
		}
		seen[r.RangeName] = i
		if !gcp.IsResourceName(r.RangeName) {
			res.Error(s.Object, field, "secondary range name %q is not one GCP takes: %s", r.RangeName, gcp.ResourceNameRule)
			ok = false
		}
	}
	return ok
}

// readSubnetRange reads a subnetwork's primary or secondary range, which
// is IPv4 only: Config Connector's ComputeSubnetwork schema says "Only
// IPv4 is supported" of both spec.ipCidrRange and
// spec.secondaryIpRange[].ipCidrRange (config/crds/resources, v1.154.1);
// a dual-stack subnetwork's IPv6 range is spec.stackType and GCP's to
// assign. An IPv6 range here would otherwise put IPv6 sources into rules
// made for the IPv4 ranges, which GCP refuses ("A firewall rule can
// contain either IPv4 or IPv6 ranges, but not both",
// https://cloud.google.com/firewall/docs/using-firewalls).
func readSubnetRange(obj *fn.KubeObject, field, text, example string, res *results.Collector) (netip.Prefix, bool) {
	p, ok := readCIDR(obj, field, text, example, res)
	if ok && !p.Addr().Is4() {
		res.Error(obj, field, "%s is an IPv6 range, but a subnetwork's ranges in %s are IPv4 only (such as %s): for IPv6 set spec.stackType: IPV4_IPV6 and GCP assigns the subnetwork an IPv6 range", text, field, example)
		return netip.Prefix{}, false
	}
	return p, ok
}

func decode(obj *fn.KubeObject, spec any, res *results.Collector) bool {
	sub, found, err := obj.NestedSubObject("spec")
	if err != nil {
		res.Error(obj, "spec", "spec must be an object: %v", err)
		return false
	}
	if !found {
		return true
	}
	if err := sub.As(spec); err != nil {
		res.Error(obj, "spec", "not a valid %s: %v", obj.GetKind(), err)
		return false
	}
	return true
}

// specsOf yields each Config Connector object of kind among items, in
// order, with its spec decoded (decode): the readers of the facts that
// Read does not index. One that cannot be read as its kind is an error
// result and left out.
func specsOf[S any](items fn.KubeObjects, kind string, res *results.Collector) iter.Seq2[*fn.KubeObject, S] {
	return func(yield func(*fn.KubeObject, S) bool) {
		for _, obj := range items {
			if obj.GetKind() != kind || !isKCC(obj) {
				continue
			}
			var spec S
			if decode(obj, &spec, res) && !yield(obj, spec) {
				return
			}
		}
	}
}

func isKCC(obj *fn.KubeObject) bool { return kcc.IsConfigConnector(obj) }

func keyOf(obj *fn.KubeObject) Key {
	return Key{Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
}

// refKey is the key a reference from obj points at; an external reference
// points at nothing in the package.
func refKey(kind string, from *fn.KubeObject, r Ref) Key {
	if r.External != "" || r.Name == "" {
		return Key{}
	}
	ns := r.Namespace
	if ns == "" {
		ns = from.GetNamespace()
	}
	return Key{Kind: kind, Namespace: ns, Name: r.Name}
}

func refOf(r *kccref.ResourceRef) Ref {
	return Ref{Name: r.Name, Namespace: r.Namespace, External: r.External}
}

// Region is the cluster's region: its subnetwork's, else the one its
// location names (a zone such as us-central1-a is in us-central1).
func (c *Cluster) Region() string {
	if region, _ := c.SubnetworkRegion(); region != "" {
		return region
	}
	if region := RegionOf(c.Spec.Location); region != "" {
		return region
	}
	return c.Spec.Location
}

// PodRange returns the cluster's pod range: the subnetwork's secondary
// range its ipAllocationPolicy names, or the CIDR block it gives.
func (c *Cluster) PodRange() (netip.Prefix, bool) {
	if ip := c.Spec.IpAllocationPolicy; ip != nil {
		return c.secondaryRange(ip.ClusterSecondaryRangeName, c.PodCIDRBlock)
	}
	return netip.Prefix{}, false
}

// ServiceRange returns the cluster's Service range, found like PodRange.
func (c *Cluster) ServiceRange() (netip.Prefix, bool) {
	if ip := c.Spec.IpAllocationPolicy; ip != nil {
		return c.secondaryRange(ip.ServicesSecondaryRangeName, c.ServiceCIDRBlock)
	}
	return netip.Prefix{}, false
}

// PodCIDRBlock returns the pod range the cluster's ipAllocationPolicy
// gives in CIDR notation (clusterIpv4CidrBlock), for GKE to create, whether
// or not it also names a secondary range.
func (c *Cluster) PodCIDRBlock() (netip.Prefix, bool) {
	if ip := c.Spec.IpAllocationPolicy; ip != nil {
		return cidrBlock(ip.ClusterIpv4CidrBlock)
	}
	return netip.Prefix{}, false
}

// ServiceCIDRBlock returns the Service range the cluster's
// ipAllocationPolicy gives in CIDR notation (servicesIpv4CidrBlock), like
// PodCIDRBlock.
func (c *Cluster) ServiceCIDRBlock() (netip.Prefix, bool) {
	if ip := c.Spec.IpAllocationPolicy; ip != nil {
		return cidrBlock(ip.ServicesIpv4CidrBlock)
	}
	return netip.Prefix{}, false
}

// secondaryRange is the subnetwork's range called name, else the CIDR
// block that block reads.
func (c *Cluster) secondaryRange(name *string, block func() (netip.Prefix, bool)) (netip.Prefix, bool) {
	if name != nil && c.Subnetwork != nil {
		if r, ok := c.Subnetwork.Range(*name); ok {
			return r.Prefix, true
		}
	}
	return block()
}

// cidrBlock reads a range field of a cluster (gcp.ParseCIDR); false when
// it is unset or not in CIDR notation.
func cidrBlock(text *string) (netip.Prefix, bool) {
	if text == nil {
		return netip.Prefix{}, false
	}
	return gcp.ParseCIDR(*text)
}

// NodeTag returns the network tag that firewall rules for the cluster's
// nodes should target: "<name>-node" (what private-cluster gives every
// node) when all nodes carry it, else the only tag they all share. It
// fails when the nodes share no tag, or several and none is "<name>-node".
func (c *Cluster) NodeTag() (string, error) {
	tags := c.NodeTags()
	want := gcp.NodeTag(c.Name())
	switch {
	case slices.Contains(tags, want):
		return want, nil
	case len(tags) == 1:
		return tags[0], nil
	case len(tags) == 0:
		return "", fmt.Errorf("the nodes of ContainerCluster %s share no network tag: run private-cluster first (it tags them %s), or tag every node pool alike", c.Name(), want)
	}
	return "", fmt.Errorf("the nodes of ContainerCluster %s share several network tags (%s) and none is %s: run private-cluster first (it adds %s to every node pool)",
		c.Name(), strings.Join(tags, ", "), want, want)
}
