package lint

import (
	"net/netip"
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// vipRoutes is the vip-route check. It catches private clusters whose
// nodes cannot reach Google APIs at all: DNS sends googleapis.com to a VIP
// that no route leads to through the default internet gateway, or the
// network deleted its default route and nothing replaces it. With private
// DNS the VIP must be routed; without it the nodes use Google's public
// addresses, reached only through a route to the internet (outside the
// VIP, which a warning says). The user runs private-google-access, which
// adds the route to the VIP and the private DNS zones.
func vipRoutes(l *linter) []finding {
	var out []finding
	for _, c := range l.privateClusters() {
		id := c.NetworkID()
		if id == "" {
			continue
		}
		if vips := l.googleAPIsVIPs(id); len(vips) > 0 {
			for _, v := range vips {
				out = append(out, l.vipUnrouted(c, id, v)...)
			}
			continue
		}
		if n := l.pkg.NetworkByID(id); n != nil && n.DeletesDefaultRoutes() {
			out = append(out, l.publicGoogleAPIs(c, n))
		}
	}
	return out
}

// vipUnrouted reports a VIP that DNS sends the nodes to but no route
// carries to Google: the best route for its range (the longest prefix,
// then the lowest priority number) must go to the default internet
// gateway.
func (l *linter) vipUnrouted(c *facts.Cluster, id facts.NetworkID, v gcp.VIP) []finding {
	best, viaGateway := l.bestRoute(c, id, v.IPv4)
	switch {
	case best == nil:
		subject, field := l.networkSubject(c)
		return []finding{errorAt(subject, field,
			"private nodes cannot reach Google APIs: DNS sends googleapis.com to %s (%s) on network %s, where the nodes of %s are, but no route leads there, as the network deletes its default route: run private-google-access (it adds the route), or add a ComputeRoute to %s via %s",
			v.Host, v.IPv4, id.Name(), results.Describe(c.Object), v.IPv4, gcp.DefaultInternetGateway)}
	case !viaGateway:
		hop, field := nextHop(best)
		return []finding{errorAt(best.Object, field,
			"private nodes cannot reach Google APIs: DNS sends googleapis.com to %s (%s) on network %s, where the nodes of %s are, and this route takes that traffic to %s instead of the default internet gateway: run private-google-access (its route to the /30 is more specific), or add a ComputeRoute to %s via %s",
			v.Host, v.IPv4, id.Name(), results.Describe(c.Object), hop, v.IPv4, gcp.DefaultInternetGateway)}
	}
	return nil
}

// publicGoogleAPIs looks at a network without private DNS for Google APIs
// that deletes its default route: the nodes need a route to Google's
// public addresses, and should have the VIP instead.
func (l *linter) publicGoogleAPIs(c *facts.Cluster, n *facts.Network) finding {
	_, internet := l.bestRoute(c, n.ID(), everywhere)
	vipRouted := slices.ContainsFunc(gcp.VIPs, func(v gcp.VIP) bool { _, ok := l.bestRoute(c, n.ID(), v.IPv4); return ok })
	switch {
	case internet:
		return warningAt(n.Object, "spec.deleteDefaultRoutesOnCreate",
			"the nodes of %s reach Google APIs at their public addresses, through the route to the internet, outside the Google API VIP that VPC Service Controls and the deny-all egress expect: run private-google-access (private DNS for googleapis.com and the route to the VIP)",
			results.Describe(c.Object))
	case vipRouted:
		return errorAt(n.Object, "spec.deleteDefaultRoutesOnCreate",
			"private nodes cannot reach Google APIs: network %s routes the Google API VIP, but no private DNS zone for googleapis.com sends the nodes of %s there, and the network deletes the default route to Google's public addresses: run private-google-access (it adds the zones)",
			n.ID().Name(), results.Describe(c.Object))
	}
	return errorAt(n.Object, "spec.deleteDefaultRoutesOnCreate",
		"private nodes cannot reach Google APIs: network %s deletes its default route and has no route to the Google API VIP (%s or %s) for the nodes of %s: run private-google-access (it adds the route and the private DNS zones)",
		n.ID().Name(), gcp.RestrictedVIP.IPv4, gcp.PrivateVIP.IPv4, results.Describe(c.Object))
}

// networkSubject is the object and field a finding about a network that
// lost its default route goes on: the ComputeNetwork when it is in the
// package, else the cluster's reference to it.
func (l *linter) networkSubject(c *facts.Cluster) (*fn.KubeObject, string) {
	if n := l.pkg.NetworkByID(c.NetworkID()); n != nil {
		return n.Object, "spec.deleteDefaultRoutesOnCreate"
	}
	return c.Object, "spec.networkRef"
}

// bestRoute returns the route GCP picks for traffic from the cluster's
// nodes to all of dest: among the routes on the network that apply to the
// nodes (no tags, or a tag they all carry) and hold dest, the most
// specific, then the lowest priority number. GCP's own default route is
// among them unless the network deletes it (facts.DefaultRoutesOnNetwork
// says when). It also says whether that route leads to the default
// internet gateway. nil when no route holds dest.
func (l *linter) bestRoute(c *facts.Cluster, id facts.NetworkID, dest netip.Prefix) (*facts.Route, bool) {
	candidates := slices.Clone(l.pkg.RoutesOnNetwork(id))
	for _, d := range l.pkg.DefaultRoutesOnNetwork(id) {
		if d.Object == nil { // GCP's own, not the package's (those are above)
			candidates = append(candidates, d)
		}
	}
	tags := c.NodeTags()
	var best *facts.Route
	for _, r := range candidates {
		if r.Dest.Bits() > dest.Bits() || !r.Dest.Contains(dest.Addr()) {
			continue
		}
		if r.Object != nil && len(r.Spec.Tags) > 0 && !slices.ContainsFunc(r.Spec.Tags, func(t string) bool { return slices.Contains(tags, t) }) {
			continue
		}
		if best == nil || r.Dest.Bits() > best.Dest.Bits() || (r.Dest.Bits() == best.Dest.Bits() && r.Priority < best.Priority) {
			best = r
		}
	}
	if best == nil {
		return nil, false
	}
	return best, best.Object == nil || (best.Spec.NextHopGateway != nil && *best.Spec.NextHopGateway == gcp.DefaultInternetGateway)
}

// nextHop says where a route leads, for messages, and its field.
func nextHop(r *facts.Route) (string, string) {
	s := r.Spec
	switch {
	case s.NextHopGateway != nil:
		return "gateway " + *s.NextHopGateway, "spec.nextHopGateway"
	case s.NextHopIp != nil:
		return "the address " + *s.NextHopIp, "spec.nextHopIp"
	case s.NextHopInstanceRef != nil:
		return "instance " + refName(s.NextHopInstanceRef.Name, s.NextHopInstanceRef.External), "spec.nextHopInstanceRef"
	case s.NextHopILBRef != nil:
		return "internal load balancer " + refName(s.NextHopILBRef.Name, s.NextHopILBRef.External), "spec.nextHopILBRef"
	case s.NextHopVPNTunnelRef != nil:
		return "VPN tunnel " + refName(s.NextHopVPNTunnelRef.Name, s.NextHopVPNTunnelRef.External), "spec.nextHopVPNTunnelRef"
	}
	return "another next hop", "spec"
}

func refName(name, external string) string {
	if external != "" {
		return external
	}
	return name
}

// googleAPIsVIPs returns the VIPs that the private zones for
// googleapis.com visible from the network resolve to (facts.RecordSet's
// VIPs), the restricted VIP first.
func (l *linter) googleAPIsVIPs(id facts.NetworkID) []gcp.VIP {
	var out []gcp.VIP
	for _, r := range l.pkg.RecordSets() {
		if r.Zone == nil || r.Zone.DNSName != "googleapis.com" || !r.Zone.VisibleFrom(id) {
			continue
		}
		for _, v := range r.VIPs() {
			if !slices.ContainsFunc(out, func(o gcp.VIP) bool { return o.Mode == v.Mode }) {
				out = append(out, v)
			}
		}
	}
	slices.SortFunc(out, func(a, b gcp.VIP) int { return compareMode(a.Mode, b.Mode) })
	return out
}

// compareMode orders the restricted VIP first.
func compareMode(a, b string) int {
	rank := func(m string) int {
		if m == gcp.RestrictedVIP.Mode {
			return 0
		}
		return 1
	}
	return rank(a) - rank(b)
}
