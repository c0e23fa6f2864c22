package cloudnat

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// network is one VPC network the package's clusters use, with the regions
// they are in. Everything generated for it is placed beside it.
type network struct {
	id   facts.NetworkID
	net  *facts.Network // nil when the network is outside the package
	name string         // the network's name, for messages
	stem string         // what generated names start with: name, made unique
	like *fn.KubeObject // generated objects take its namespace and project
	ref  kccref.ResourceRef
	// hostProject is the project an external reference names (a Shared
	// VPC host's), where the NAT and the rules must be made; "" otherwise.
	hostProject string
	clusters    []*facts.Cluster
	regions     []*region
}

type region struct {
	name     string
	clusters []*facts.Cluster
}

// note is an info result about a generated object, reported once the
// object has its file (after owned.Reconcile) and only when the run
// succeeds: it says why the object looks the way it does.
type note struct {
	obj     *fn.KubeObject
	field   string
	message string
}

// planner holds what every network's objects are worked out from.
type planner struct {
	cfg   *CloudNAT
	src   fnconfig.Source
	pkg   *facts.Package
	res   *results.Collector
	owner owned.Owner
	// The package's firewall rules and NATs, without those this owner
	// generated, which are about to be replaced.
	firewalls    []*facts.Firewall
	nats         []*facts.RouterNAT
	associations []*facts.FirewallPolicyAssociation
	notes        []note
}

func newPlanner(in krmfn.Input[CloudNAT], pkg *facts.Package, owner owned.Owner) *planner {
	p := &planner{cfg: in.Config, src: in.Source, pkg: pkg, res: in.Results, owner: owner}
	for _, f := range pkg.Firewalls() {
		if p.theirs(f.Object) {
			p.firewalls = append(p.firewalls, f)
		}
	}
	for _, n := range pkg.RouterNATs() {
		if p.theirs(n.Object) {
			p.nats = append(p.nats, n)
		}
	}
	for _, a := range pkg.FirewallPolicyAssociations() {
		if p.theirs(a.Object) {
			p.associations = append(p.associations, a)
		}
	}
	return p
}

// theirs tells whether obj is not one of this owner's generated objects.
func (p *planner) theirs(obj *fn.KubeObject) bool {
	return !p.owner.Owns(obj)
}

func (p *planner) note(obj *fn.KubeObject, field, format string, args ...any) {
	p.notes = append(p.notes, note{obj, field, fmt.Sprintf(format, args...)})
}

func (p *planner) reportNotes() {
	for _, n := range p.notes {
		p.res.Info(n.obj, n.field, "%s", n.message)
	}
}

// regionUnknown reports a cluster whose region (facts.Cluster.Region)
// is no region, at the field it came from: the subnetwork's region when
// the cluster has one, else the cluster's location.
func (p *planner) regionUnknown(c *facts.Cluster, region string) {
	if from, field := c.SubnetworkRegionSource(); from != nil {
		p.res.Error(from, field, "%q is not a region, so cloud-nat cannot tell where to put the router of %s: set %s to a region such as us-central1", region, results.Describe(c.Object), field)
		return
	}
	p.res.Error(c.Object, "spec.location", "cannot tell the region of %s from its location %q: set spec.location to a region or zone such as us-central1", results.Describe(c.Object), c.Spec.Location)
}

// networks groups the clusters by network and region, in a stable order.
func (p *planner) networks() []*network {
	clusters := slices.Clone(p.pkg.Clusters)
	slices.SortFunc(clusters, func(a, b *facts.Cluster) int {
		return cmp.Or(cmp.Compare(a.Object.GetNamespace(), b.Object.GetNamespace()), cmp.Compare(a.Name(), b.Name()))
	})
	byID := map[facts.NetworkID]*network{}
	var out []*network
	for _, c := range clusters {
		id := c.NetworkID()
		if id == "" {
			p.res.Error(c.Object, "spec.networkRef", "cloud-nat cannot tell which network %s is on: set spec.networkRef, or spec.subnetworkRef to a ComputeSubnetwork of the package", results.Describe(c.Object))
			continue
		}
		r := c.Region()
		if !facts.IsRegion(r) {
			p.regionUnknown(c, r)
			continue
		}
		n := byID[id]
		if n == nil {
			n = newNetwork(id, c)
			byID[id] = n
			out = append(out, n)
		}
		n.add(c, r)
	}
	slices.SortFunc(out, func(a, b *network) int { return cmp.Compare(a.id, b.id) })
	for _, n := range out {
		slices.SortFunc(n.regions, func(a, b *region) int { return cmp.Compare(a.name, b.name) })
	}
	uniqueStems(out)
	return out
}

// uniqueStems gives networks that would share generated names (two
// external networks of one name in different projects, placed in the same
// namespace) stems made unique by a hash of what they are.
func uniqueStems(nets []*network) {
	count := map[string]int{}
	key := func(n *network) string { return n.like.GetNamespace() + "/" + namer.Sanitize(n.name) }
	for _, n := range nets {
		count[key(n)]++
	}
	for _, n := range nets {
		n.stem = n.name
		if count[key(n)] > 1 {
			n.stem = n.name + "-" + gcp.Hash(string(n.id), collisionHashLength)
		}
	}
}

// String names the network for messages: by name, or by the external
// reference that says which project it is in.
func (n *network) String() string {
	if n.ref.External != "" {
		return n.ref.External
	}
	return n.name
}

// objectName is the name of an object generated for the network.
func (n *network) objectName(what ...string) string { return namer.Name(n.stem, what...) }

// clusterStem is what the names generated for a cluster start with: its
// name, or with its namespace when another cluster on the network has the
// same name (their objects all go into the network's namespace).
func (n *network) clusterStem(c *facts.Cluster) string {
	for _, other := range n.clusters {
		if other != c && other.Name() == c.Name() {
			return c.Object.GetNamespace() + "-" + c.Name()
		}
	}
	return c.Name()
}

// newNetwork describes the network of cluster c. Generated objects go
// beside the network when it is in the package (the NAT, routes and
// firewall rules live in the network's project, which with Shared VPC is
// not the cluster's), and beside the first cluster otherwise.
func newNetwork(id facts.NetworkID, c *facts.Cluster) *network {
	n := &network{id: id, net: c.Network, name: id.Name(), like: c.Object}
	if c.Network != nil {
		n.like = c.Network.Object
		n.name = c.Network.Object.GetName()
		n.ref = kcc.Ref(n.name)
		return n
	}
	n.ref = refFrom(c.NetworkRef, c.Object.GetNamespace(), n.like.GetNamespace())
	n.hostProject = facts.ParseExternal(n.ref.External).Project
	return n
}

// meta names a generated object and places it beside the network, in the
// network's project.
func (n *network) meta(name string) metav1.ObjectMeta {
	m := kcc.ObjectMeta(name, n.like)
	if n.hostProject != "" {
		m.Annotations = map[string]string{kcc.ProjectIDAnnotation: n.hostProject}
	}
	return m
}

func (n *network) add(c *facts.Cluster, name string) {
	n.clusters = append(n.clusters, c)
	for _, r := range n.regions {
		if r.name == name {
			r.clusters = append(r.clusters, c)
			return
		}
	}
	n.regions = append(n.regions, &region{name: name, clusters: []*facts.Cluster{c}})
}

// refFrom rewrites a reference made from namespace from so that it works
// from namespace to: Config Connector resolves a reference without a
// namespace in the referring object's own.
func refFrom(r facts.Ref, from, to string) kccref.ResourceRef {
	if r.External != "" {
		return kccref.ResourceRef{External: r.External}
	}
	ns := cmp.Or(r.Namespace, from)
	if ns == to {
		ns = ""
	}
	return kccref.ResourceRef{Name: r.Name, Namespace: ns}
}

// refKey names what a reference points at, for comparing references made
// from different namespaces.
func refKey(r kccref.ResourceRef, from string) string {
	if r.External != "" {
		return "external:" + r.External
	}
	return cmp.Or(r.Namespace, from) + "/" + r.Name
}

// allowPriority is the priority of the allowedCidrs rule for nodes tagged
// tag: the config's, checked against the deny-all egress rules that may
// apply to those nodes, or else one that beats them all (lower numbers win,
// and at equal priority a deny wins over an allow).
func (p *planner) allowPriority(n *network, tag string) (int64, string) {
	deny := p.strongestDenyAll(n, tag)
	if want := p.cfg.AllowPriority; want != nil {
		if deny != nil && *want >= deny.Priority {
			p.src.Error(p.res, "allowPriority", "%d would lose to the deny-all egress rule %s at priority %d (a deny wins at equal priority): use a number below %d, or leave allowPriority unset to derive it",
				*want, results.Describe(deny.Object), deny.Priority, deny.Priority)
		}
		return *want, "set by " + p.src.Field("allowPriority")
	}
	if deny == nil {
		return gcp.DefaultPriority, "GCP's default: the package has no deny-all egress rule for these nodes"
	}
	if deny.Priority <= gcp.MinPriority {
		// The suggestion is the last priority before GCP's implied rules.
		p.res.Error(deny.Object, "spec.priority", "this deny-all egress rule has priority %d, so no allow can win over it: give it a larger number, such as %d",
			deny.Priority, gcp.MaxPriority-1)
		return 0, ""
	}
	prio := min(gcp.DefaultPriority, deny.Priority-1)
	return prio, fmt.Sprintf("wins over the deny-all egress rule %s at priority %d", results.Describe(deny.Object), deny.Priority)
}

// strongestDenyAll returns the deny-all egress rule on the network that may
// apply to nodes tagged tag and is evaluated first, or nil.
func (p *planner) strongestDenyAll(n *network, tag string) *facts.Firewall {
	var best *facts.Firewall
	for _, f := range p.firewalls {
		if !f.DeniesAllEgress() || f.NetworkID() != n.id || !f.MayApplyTo(tag) {
			continue
		}
		if best == nil || f.Priority < best.Priority {
			best = f
		}
	}
	return best
}

// routePriority is the priority of the route to the internet: the
// config's, checked against the routes to the Google API VIPs, or else one
// that loses to all of them (higher numbers lose). Longest-prefix matching
// already sends VIP traffic to the /30, whatever the priorities; keeping
// the internet route behind it as well means the two never look like they
// compete, which is what lint checks.
func (p *planner) routePriority(n *network) (int32, string) {
	vip := p.weakestVIPRoute(n)
	if want := p.cfg.InternetRoutePriority; want != nil {
		if vip != nil && int32(*want) <= vip.Priority {
			p.src.Error(p.res, "internetRoutePriority", "%d does not lose to the route %s to the Google API VIP %s at priority %d: use a number above %d, or leave internetRoutePriority unset to derive it",
				*want, results.Describe(vip.Object), vip.Dest, vip.Priority, vip.Priority)
		}
		return int32(*want), "set by " + p.src.Field("internetRoutePriority")
	}
	if vip == nil {
		p.res.Warning(n.net.Object, "spec.deleteDefaultRoutesOnCreate",
			"network %s deletes its default route and the package has no route to the Google API VIP (%s or %s): cloud-nat adds the route to the internet at priority %d, through which Google APIs are reached at their public addresses, outside the VIP; run private-google-access before cloud-nat (its route to the VIP's /30 is more specific, so it takes the VIP traffic whatever the priorities, and cloud-nat then keeps the internet route behind it)",
			n, gcp.RestrictedVIP.IPv4, gcp.PrivateVIP.IPv4, gcp.DefaultRoutePriority)
		return gcp.DefaultRoutePriority, "GCP's default: the package has no route to the Google API VIP yet"
	}
	if vip.Priority >= gcp.MaxPriority {
		p.res.Error(vip.Object, "spec.priority", "this route to the Google API VIP has priority %d, the last, so the internet route cannot lose to it: give it a smaller number, such as 900", gcp.MaxPriority)
		return 0, ""
	}
	prio := max(gcp.DefaultRoutePriority, vip.Priority+1)
	return prio, fmt.Sprintf("loses to the route %s to the Google API VIP at priority %d", results.Describe(vip.Object), vip.Priority)
}

// weakestVIPRoute returns the route to a Google API VIP on the network with
// the highest priority number, or nil.
func (p *planner) weakestVIPRoute(n *network) *facts.Route {
	var worst *facts.Route
	for _, r := range p.pkg.Routes {
		isVIP := r.Dest == gcp.RestrictedVIP.IPv4 || r.Dest == gcp.PrivateVIP.IPv4
		if !isVIP || !p.theirs(r.Object) || r.NetworkID() != n.id {
			continue
		}
		if worst == nil || r.Priority > worst.Priority {
			worst = r
		}
	}
	return worst
}

// userInternetRoute returns a route to the internet for every VM of the
// network that the package already has, if any. A route with tags serves
// only the VMs so tagged (a bastion, say), not the clusters' nodes.
func (p *planner) userInternetRoute(n *network) *facts.Route {
	for _, r := range p.pkg.Routes {
		gw := r.Spec.NextHopGateway
		if r.Dest.Bits() == 0 && r.Dest.Addr().Is4() && gw != nil && *gw == gcp.DefaultInternetGateway &&
			len(r.Spec.Tags) == 0 && p.theirs(r.Object) && r.NetworkID() == n.id {
			return r
		}
	}
	return nil
}

// checkNATs refuses a NAT that GCP would refuse beside one the package
// already has for the same network and region: a NAT for all subnetworks
// must be the only one there, and two NATs cannot share a subnetwork.
// listed says whether ours lists subnetworks (with keys) or takes all.
func (p *planner) checkNATs(n *network, r *region, listed bool, ours []string) {
	for _, other := range p.nats {
		if other.Network() != n.id || other.Spec.Region != r.name {
			continue
		}
		var problem string
		shared := slices.DeleteFunc(natSubnetworkKeys(other), func(k string) bool { return !slices.Contains(ours, k) })
		switch {
		case strings.HasPrefix(other.Spec.SourceSubnetworkIpRangesToNat, "ALL_SUBNETWORKS"):
			problem = "this NAT serves every subnetwork, and GCP refuses a second NAT beside it: remove it and let cloud-nat make the NAT, or make it LIST_OF_SUBNETWORKS without the clusters' subnetworks and set subnetworks: clusters in cloud-nat's config"
		case !listed:
			problem = "cloud-nat's NAT would serve every subnetwork (subnetworks: all), and GCP refuses it beside this one: set subnetworks: clusters in cloud-nat's config, or remove this NAT"
		case len(shared) > 0:
			problem = fmt.Sprintf("this NAT and cloud-nat's both serve %s, and GCP gives each subnetwork one NAT: take the clusters' subnetworks out of this NAT", describeKeys(shared))
		default:
			continue
		}
		p.res.Error(other.Object, "spec.sourceSubnetworkIpRangesToNat", "network %s already has this Cloud NAT in %s; %s", n, r.name, problem)
	}
}

// describeKeys writes refKeys for messages: "kf-subnet" in the default
// namespace, "ns/kf-subnet" or "external:..." otherwise.
func describeKeys(keys []string) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.TrimPrefix(k, "/")
	}
	return strings.Join(out, ", ")
}

func natSubnetworkKeys(nat *facts.RouterNAT) []string {
	var keys []string
	for _, s := range nat.Spec.Subnetwork {
		keys = append(keys, refKey(s.SubnetworkRef, nat.Object.GetNamespace()))
	}
	return keys
}

// checkEnforcementOrder reports a network whose VPC firewall rules would
// drop the allowedHosts traffic before the network firewall policy sees
// it. GCP evaluates the classic VPC rules first unless the network says
// BEFORE_CLASSIC_FIREWALL (gcp.PolicyBeforeClassicFirewall, cited there),
// so a deny-all egress rule ends the evaluation.
// This is an error, not a warning: the generated policy could then never
// allow anything, and the run would only look like it did what was asked.
// cloud-nat does not flip the setting itself, because it changes the order
// for every policy rule on the network, which is the network owner's call.
func (p *planner) checkEnforcementOrder(n *network) {
	var deny *facts.Firewall
	for _, f := range p.firewalls {
		if f.DeniesAllEgress() && f.NetworkID() == n.id && (deny == nil || f.Priority < deny.Priority) {
			deny = f
		}
	}
	if deny == nil {
		return
	}
	if n.net == nil {
		p.res.Warning(p.src.Object, p.src.Field("allowedHosts"),
			"network %s is outside the package, and %s denies all egress on it: unless the network's networkFirewallPolicyEnforcementOrder is BEFORE_CLASSIC_FIREWALL, that rule drops the traffic to allowedHosts before the firewall policy can allow it",
			n, results.Describe(deny.Object))
		return
	}
	order := n.net.Spec.NetworkFirewallPolicyEnforcementOrder
	if order != nil && *order == gcp.PolicyBeforeClassicFirewall {
		return
	}
	current := "unset (so AFTER_CLASSIC_FIREWALL)"
	if order != nil {
		current = *order
	}
	p.res.Error(n.net.Object, "spec.networkFirewallPolicyEnforcementOrder",
		"networkFirewallPolicyEnforcementOrder is %s: GCP evaluates the VPC firewall rules first, and the deny-all egress rule %s drops the traffic to allowedHosts before the firewall policy %s can allow it: set spec.networkFirewallPolicyEnforcementOrder: BEFORE_CLASSIC_FIREWALL on this network",
		current, results.Describe(deny.Object), n.objectName("egress-fqdn"))
}

// checkAssociations refuses a second global network firewall policy on a
// network: GCP associates at most one with each network.
func (p *planner) checkAssociations(n *network) {
	for _, a := range p.associations {
		if a.Network != n.id {
			continue
		}
		p.res.Error(a.Object, "spec.attachmentTargetRef",
			"network %s already has a network firewall policy associated here, and GCP allows one per network, so cloud-nat cannot attach its own for allowedHosts: add an egress rule with destFqdns to that policy yourself and leave allowedHosts empty, or remove this association",
			n)
	}
}

// projectOf is the GCP project of the network, which a network firewall
// policy must name: the network's (or its Namespace's) project-id
// annotation, the project in an external reference, or the cluster's.
func (p *planner) projectOf(n *network) string {
	switch {
	case n.net != nil:
		return p.pkg.ProjectID(n.net.Object)
	case n.hostProject != "":
		return n.hostProject
	}
	return n.clusters[0].ProjectID
}

// nodeSets lists the node configurations of a cluster (default pool, node
// pools, auto-provisioned pools) with the service account each runs as.
func nodeSets(c *facts.Cluster) []nodeSet {
	var sets []nodeSet
	autopilot := c.Spec.EnableAutopilot != nil && *c.Spec.EnableAutopilot
	if ca := c.Spec.ClusterAutoscaling; autopilot || (ca != nil && ca.Enabled != nil && *ca.Enabled) {
		var sa *kccref.ResourceRef
		if ca != nil && ca.AutoProvisioningDefaults != nil {
			sa = ca.AutoProvisioningDefaults.ServiceAccountRef
		}
		sets = append(sets, nodeSet{c.Object, "spec.clusterAutoscaling.autoProvisioningDefaults.serviceAccountRef", sa})
	}
	if !autopilot && (c.Spec.NodeConfig != nil || len(c.NodePools) == 0) {
		var sa *kccref.ResourceRef
		if c.Spec.NodeConfig != nil {
			sa = c.Spec.NodeConfig.ServiceAccountRef
		}
		sets = append(sets, nodeSet{c.Object, "spec.nodeConfig.serviceAccountRef", sa})
	}
	for _, np := range c.NodePools {
		var sa *kccref.ResourceRef
		if np.Spec.NodeConfig != nil {
			sa = np.Spec.NodeConfig.ServiceAccountRef
		}
		sets = append(sets, nodeSet{np.Object, "spec.nodeConfig.serviceAccountRef", sa})
	}
	return sets
}

type nodeSet struct {
	obj            *fn.KubeObject
	field          string
	serviceAccount *kccref.ResourceRef
}

// fqdnTargets are the service accounts the allowedHosts rule targets.
// Firewall policy rules cannot target network tags (only secure tags and
// service accounts), so the nodes are found by the service accounts they
// run as. When some nodes run as none (the Compute Engine default account,
// whose address the package cannot know), the rule targets every VM on
// the network, and each such node configuration gets a warning.
func (p *planner) fqdnTargets(n *network) []kccref.ResourceRef {
	byKey := map[string]kccref.ResourceRef{}
	complete := true
	for _, c := range n.clusters {
		for _, s := range nodeSets(c) {
			if s.serviceAccount == nil {
				complete = false
				p.res.Warning(s.obj, s.field, "these nodes run as no service account of their own, so the allowedHosts rule %s cannot target them alone (firewall policy rules target service accounts, not network tags): it applies to every VM on network %s; give the nodes a service account to narrow it",
					n.objectName("egress-fqdn"), n)
				continue
			}
			ns := s.obj.GetNamespace()
			ref := refFrom(facts.Ref{Name: s.serviceAccount.Name, Namespace: s.serviceAccount.Namespace, External: s.serviceAccount.External}, ns, n.like.GetNamespace())
			byKey[refKey(*s.serviceAccount, ns)] = ref
		}
	}
	if !complete {
		return nil
	}
	keys := slices.Sorted(maps.Keys(byKey))
	refs := make([]kccref.ResourceRef, len(keys))
	for i, k := range keys {
		refs[i] = byKey[k]
	}
	return refs
}

// reportNodeTag turns a cluster whose nodes share no usable tag into an
// error on the objects that carry the tags.
func (p *planner) reportNodeTag(c *facts.Cluster, err error) {
	if len(c.NodePools) == 0 {
		p.res.Error(c.Object, "spec.nodeConfig.tags", "allowedCidrs needs a network tag to target: %v", err)
		return
	}
	for _, np := range c.NodePools {
		p.res.Error(np.Object, "spec.nodeConfig.tags", "allowedCidrs needs a network tag to target: %v", err)
	}
}

// names lists clusters for messages, with their namespaces when they
// have one.
func names(cs []*facts.Cluster) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name()
		if ns := c.Object.GetNamespace(); ns != "" {
			out[i] = ns + "/" + c.Name()
		}
	}
	return strings.Join(out, ", ")
}
