package privategoogleaccess

import (
	"fmt"
	"slices"
	"strings"

	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// network is one VPC network that the package's clusters use, and what
// the function generates for it. It is worked out, and checked, for every
// network before anything is generated.
type network struct {
	id       facts.NetworkID
	clusters []*facts.Cluster
	// like is the object whose namespace and project the generated
	// objects take: the ComputeNetwork, or the first cluster when the
	// network is outside the package.
	like *fn.KubeObject
	// ref is how the generated objects refer to the network.
	ref kccref.ResourceRef
	// networkProject, when set, is the project of a network outside the
	// package, the host project its external reference names (Shared
	// VPC). The routes belong in it, as a route lives in its network's
	// project, and so does the DNS server policy (inNetworkProject).
	networkProject string
	// userPolicy is the package's own DNSPolicy of the network, when
	// queryLogging finds one: GCP allows one server policy per network,
	// so logging is turned on there instead of in a policy of ours.
	userPolicy *dnsPolicy
	// base starts the name of every generated object.
	base      string
	dualStack bool
	priority  route // to the VIP's IPv4 range
	priority6 route // to its IPv6 range, when dualStack
}

// String names the network for messages: its name, or the full external
// reference (two Shared VPC hosts may both call theirs "vpc").
func (n *network) String() string {
	if n.id.IsExternal() {
		return n.ref.External
	}
	return n.id.Name()
}

// route is a chosen priority and the default route it has to beat.
type route struct {
	priority int32
	beats    *facts.Route // the lowest-numbered default route
}

// planner holds what every network's plan is checked against.
type planner struct {
	cfg   *PrivateGoogleAccess
	src   fnconfig.Source
	pkg   *facts.Package
	res   *results.Collector
	vip   gcp.VIP
	owner owned.Owner
}

// networks groups the clusters by network, in a stable order.
func (p *planner) networks() []*network {
	var nets []*network
	byID := map[facts.NetworkID]*network{}
	for _, c := range p.pkg.Clusters {
		id := c.NetworkID()
		if id == "" {
			p.res.Error(c.Object, "spec.networkRef",
				"%s names no network, so its nodes would land on the project's default network: set spec.networkRef, or a spec.subnetworkRef to a ComputeSubnetwork of the package",
				results.Describe(c.Object))
			continue
		}
		n, seen := byID[id]
		if !seen {
			n = p.newNetwork(id, c)
			byID[id] = n
			nets = append(nets, n)
		}
		n.clusters = append(n.clusters, c)
	}
	slices.SortFunc(nets, func(a, b *network) int { return strings.Compare(string(a.id), string(b.id)) })
	fitBases(nets, longestSuffix(p.cfg.Domains, p.vip))
	return nets
}

func (p *planner) newNetwork(id facts.NetworkID, first *facts.Cluster) *network {
	n := &network{id: id, like: first.Object}
	switch {
	case first.Network != nil:
		n.like = first.Network.Object
		n.ref = kcc.Ref(first.Network.Object.GetName())
	case id.IsExternal():
		n.ref = kccref.ResourceRef{External: first.NetworkRef.External}
		n.networkProject = facts.ParseExternal(n.ref.External).Project
	default:
		n.ref = kcc.Ref(first.NetworkRef.Name)
		if ns := first.NetworkRef.Namespace; ns != first.Object.GetNamespace() {
			n.ref.Namespace = ns
		}
	}
	n.base = namer.Sanitize(id.Name())
	for _, s := range p.pkg.Subnetworks {
		n.dualStack = n.dualStack || (s.IsDualStack() && s.NetworkID() == id)
	}
	n.priority = p.routePriority(n, p.pkg.DefaultRoutesFor(first), "0.0.0.0/0")
	if n.dualStack {
		n.priority6 = p.routePriority(n, p.pkg.DefaultIPv6RoutesFor(first), "::/0")
	}
	return n
}

// routePriority picks the priority of a route to the VIP: the config's,
// which must beat every default route of the network, else one below the
// lowest-numbered default route (999 beside GCP's own at 1000). GCP picks
// the most specific route first, so the VIP's /30 wins over 0.0.0.0/0 on
// its prefix alone; the priority still decides against any later route to
// the VIP's range itself, and it is what reviewers and lint check.
func (p *planner) routePriority(n *network, defaults []*facts.Route, dest string) route {
	lowest := &facts.Route{Priority: gcp.DefaultRoutePriority} // when the network has none
	for i, r := range defaults {
		if i == 0 || r.Priority < lowest.Priority {
			lowest = r
		}
	}
	cfg := p.cfg.RoutePriority
	switch {
	case lowest.Priority == gcp.MinPriority:
		p.res.Error(lowest.Object, "spec.priority",
			"%s has priority %d, so no route to %s can beat it: give it a higher number, such as %d",
			describeRoute(lowest, n, dest), gcp.MinPriority, p.vip.Host, gcp.DefaultRoutePriority)
	case cfg == nil:
		return route{priority: lowest.Priority - 1, beats: lowest}
	case *cfg >= int64(lowest.Priority):
		p.src.Error(p.res, "routePriority",
			"routePriority %d does not beat %s at priority %d on network %s: a route to the VIP must have a lower number; use at most %d, or leave routePriority unset",
			*cfg, describeRoute(lowest, n, dest), lowest.Priority, n, lowest.Priority-1)
	default:
		return route{priority: int32(*cfg), beats: lowest}
	}
	return route{beats: lowest}
}

// describeRoute names a default route for messages; GCP's own has no object.
func describeRoute(r *facts.Route, n *network, dest string) string {
	if r.Object != nil {
		return results.Describe(r.Object)
	}
	if dest == "::/0" {
		return "GCP's default route to ::/0 (made with a dual-stack subnetwork)"
	}
	if n.like.GetKind() != facts.KindNetwork {
		return fmt.Sprintf("GCP's default route to %s (assumed: network %s is not in the package)", dest, n)
	}
	return fmt.Sprintf("GCP's default route to %s (set deleteDefaultRoutesOnCreate: true on ComputeNetwork %s to drop it)", dest, n)
}

// checkZones refuses a domain that already has a private zone visible from
// the network: Cloud DNS allows one zone per name and network. A zone with
// the very name of a generated one is left to owned.Reconcile, which says
// whether it may be replaced.
func (p *planner) checkZones(nets []*network, zones []*facts.ManagedZone) {
	for _, n := range nets {
		for _, d := range p.cfg.Domains {
			want := zoneName(n, d)
			for _, z := range zones {
				if z.DNSName != d || !z.VisibleFrom(n.id) || p.owner.Owns(z.Object) {
					continue
				}
				if z.Object.GetName() == want && z.Object.GetNamespace() == n.like.GetNamespace() {
					continue
				}
				p.res.Error(z.Object, "spec.dnsName",
					"%s is already a private zone for %s visible from network %s, and Cloud DNS refuses a second one, which %s would generate as %s: remove this zone, or leave %s out of the config's %s",
					results.Describe(z.Object), d, n, Name, want, d, p.src.Field("domains"))
			}
		}
	}
}

// checkPrivateGoogleAccess warns about a cluster's subnetwork that does not
// enable Private Google Access: without it, nodes that have no external
// address cannot reach the VIP at all, whatever DNS says.
func (p *planner) checkPrivateGoogleAccess(nets []*network) {
	warned := map[*facts.Subnetwork]bool{}
	for _, n := range nets {
		for _, c := range n.clusters {
			s := c.Subnetwork
			if s == nil || warned[s] || (s.Spec.PrivateIpGoogleAccess != nil && *s.Spec.PrivateIpGoogleAccess) {
				continue
			}
			warned[s] = true
			p.res.Warning(s.Object, "spec.privateIpGoogleAccess",
				"Private Google Access is off, so the private nodes of %s cannot reach %s: set spec.privateIpGoogleAccess: true",
				results.Describe(c.Object), p.vip.Host)
		}
	}
}

// fitBases makes the name prefixes of the networks usable: a network whose
// name would collide with another's in one namespace (two external networks
// of the same name in different projects), or leave too little room for
// the longest name generated from it, gets a shortened prefix ending in a
// hash of its full identity. Every object of one network shares the prefix,
// so the names stay readable side by side.
func fitBases(nets []*network, longestSuffix int) {
	room := gcp.MaxNameLength - len("-") - longestSuffix
	if room < minBase {
		room = gcp.MaxNameLength // gceName shortens each name instead
	}
	count := map[string]int{}
	key := func(n *network) string { return n.like.GetNamespace() + "/" + n.base }
	for _, n := range nets {
		count[key(n)]++
	}
	for _, n := range nets {
		if count[key(n)] > 1 || len(n.base) > room {
			n.base = gcp.WithHash(n.base, string(n.id), room)
		}
	}
}

// longestSuffix is the length of the longest part that follows a network's
// prefix in a generated name: a record set's, the IPv6 route's or the DNS
// policy's.
func longestSuffix(domains []string, vip gcp.VIP) int {
	longest := max(len(vip.Mode+"-vip-ipv6"), len(vip.Host+"-aaaa"), len(policySuffix))
	for _, d := range domains {
		if gcp.ShapeFor(d).Wildcard() {
			longest = max(longest, len(d+"-cname"))
		}
		longest = max(longest, len(d+"-aaaa"))
	}
	return longest
}

// minBase is the shortest prefix worth keeping: one of fewer characters
// would say too little about its network.
const minBase = 16

// namer makes the names of zones, record sets and routes: lower case
// letters, digits and hyphens, starting with a letter ("n-" in front of a
// network name that does not), at most 63 characters.
var namer = gcp.Namer{Lead: "n-"}

// gceName joins a network's prefix and the parts that follow it into a name
// GCP accepts for a zone, record set or route. A name too long keeps the
// parts whole, and the prefix is cut and followed by a hash of it, so that
// two long names stay apart; fitBases makes that rare, by shortening every
// prefix that would leave too little room.
func gceName(base string, parts ...string) string {
	return namer.Name(base, parts...)
}
