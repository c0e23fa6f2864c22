package lint

import (
	"net/netip"
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// defaultRoutes enforces the rule private-google-access and cloud-nat
// build their routes by: on a network, every route to a Google API VIP has
// a lower priority number than every route to the internet (0.0.0.0/0, or
// ::/0 for the VIP's IPv6 range), GCP's own default route included unless
// the network deletes it. GCP already sends VIP traffic to the more
// specific /30 whatever the priorities; keeping the internet routes behind
// it means they never look like they compete, and a later change to the
// VIP route's range cannot hand Google API traffic to the internet route.
func defaultRoutes(l *linter) {
	for _, vip := range l.pkg.Routes {
		v, isVIP := gcp.IsVIPRange(vip.Dest)
		id := vip.NetworkID()
		if !isVIP || id == "" {
			continue
		}
		defaults := l.pkg.DefaultRoutesOnNetwork(id)
		if vip.Dest.Addr().Is6() {
			defaults = l.pkg.DefaultIPv6RoutesOnNetwork(id)
		}
		for _, d := range defaults {
			if d.Priority <= vip.Priority {
				l.reportDefaultRoute(vip, v, d, id)
			}
		}
	}
}

func (l *linter) reportDefaultRoute(vip *facts.Route, v gcp.VIP, d *facts.Route, id facts.NetworkID) {
	if d.Object == nil {
		l.error(vip.Object, "spec.priority",
			"this route to %s (%s) has priority %d, which does not beat GCP's default route to %s (priority %d) on network %s: give it a number below %d (private-google-access picks %d), or set deleteDefaultRoutesOnCreate: true on the network",
			v.Host, vip.Dest, vip.Priority, d.Dest, d.Priority, id.Name(), d.Priority, d.Priority-1)
		return
	}
	l.error(d.Object, "spec.priority",
		"this route to %s at priority %d does not lose to %s, the route to %s (%s) at priority %d on network %s: give it a number above %d (cloud-nat picks the larger of 1000 and the VIP route's priority plus one), or give the VIP route a smaller one",
		d.Dest, d.Priority, results.Describe(vip.Object), v.Host, vip.Dest, vip.Priority, id.Name(), vip.Priority)
}

// vipRoutes reports private clusters whose nodes cannot reach Google APIs:
// DNS sends googleapis.com to a VIP that no route leads to through the
// default internet gateway, or the network deleted its default route and
// nothing replaces it. With private DNS the VIP must be routed; without it
// the nodes use Google's public addresses, reached only through a route to
// the internet (outside the VIP, which a warning says).
func vipRoutes(l *linter) {
	for _, c := range l.privateClusters() {
		id := c.NetworkID()
		if id == "" {
			continue
		}
		if vips := l.googleAPIsVIPs(id); len(vips) > 0 {
			for _, v := range vips {
				l.checkVIPRouted(c, id, v)
			}
			continue
		}
		if n := l.pkg.NetworkByID(id); n != nil && n.DeletesDefaultRoutes() {
			l.checkPublicGoogleAPIs(c, n)
		}
	}
}

// checkVIPRouted reports a VIP that DNS sends the nodes to but no route
// carries to Google: the best route for its range (the longest prefix,
// then the lowest priority number) must go to the default internet gateway.
func (l *linter) checkVIPRouted(c *facts.Cluster, id facts.NetworkID, v gcp.VIP) {
	best, viaGateway := l.bestRoute(c, id, v.IPv4)
	switch {
	case best == nil:
		subject, field := l.networkSubject(c)
		l.error(subject, field,
			"private nodes cannot reach Google APIs: DNS sends googleapis.com to %s (%s) on network %s, where the nodes of %s are, but no route leads there, as the network deletes its default route: run private-google-access (it adds the route), or add a ComputeRoute to %s via %s",
			v.Host, v.IPv4, id.Name(), results.Describe(c.Object), v.IPv4, gcp.DefaultInternetGateway)
	case !viaGateway:
		hop, field := nextHop(best)
		l.error(best.Object, field,
			"private nodes cannot reach Google APIs: DNS sends googleapis.com to %s (%s) on network %s, where the nodes of %s are, and this route takes that traffic to %s instead of the default internet gateway: run private-google-access (its route to the /30 is more specific), or add a ComputeRoute to %s via %s",
			v.Host, v.IPv4, id.Name(), results.Describe(c.Object), hop, v.IPv4, gcp.DefaultInternetGateway)
	}
}

// checkPublicGoogleAPIs looks at a network without private DNS for Google
// APIs that deletes its default route: the nodes need a route to Google's
// public addresses, and should have the VIP instead.
func (l *linter) checkPublicGoogleAPIs(c *facts.Cluster, n *facts.Network) {
	_, internet := l.bestRoute(c, n.ID(), everywhere)
	vipRouted := slices.ContainsFunc(gcp.VIPs, func(v gcp.VIP) bool { _, ok := l.bestRoute(c, n.ID(), v.IPv4); return ok })
	switch {
	case internet:
		l.warning(n.Object, "spec.deleteDefaultRoutesOnCreate",
			"the nodes of %s reach Google APIs at their public addresses, through the route to the internet, outside the Google API VIP that VPC Service Controls and the deny-all egress expect: run private-google-access (private DNS for googleapis.com and the route to the VIP)",
			results.Describe(c.Object))
	case vipRouted:
		l.error(n.Object, "spec.deleteDefaultRoutesOnCreate",
			"private nodes cannot reach Google APIs: network %s routes the Google API VIP, but no private DNS zone for googleapis.com sends the nodes of %s there, and the network deletes the default route to Google's public addresses: run private-google-access (it adds the zones)",
			n.ID().Name(), results.Describe(c.Object))
	default:
		l.error(n.Object, "spec.deleteDefaultRoutesOnCreate",
			"private nodes cannot reach Google APIs: network %s deletes its default route and has no route to the Google API VIP (%s or %s) for the nodes of %s: run private-google-access (it adds the route and the private DNS zones)",
			n.ID().Name(), gcp.RestrictedVIP.IPv4, gcp.PrivateVIP.IPv4, results.Describe(c.Object))
	}
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
// nodes (no tags, or a tag they all carry) and hold dest, the most specific,
// then the lowest priority number; GCP's own default route when the
// network keeps it. It also says whether that route leads to the default
// internet gateway. nil when no route holds dest.
func (l *linter) bestRoute(c *facts.Cluster, id facts.NetworkID, dest netip.Prefix) (*facts.Route, bool) {
	candidates := slices.Clone(l.pkg.RoutesOnNetwork(id))
	if n := l.pkg.NetworkByID(id); n == nil || !n.DeletesDefaultRoutes() {
		candidates = append(candidates, &facts.Route{Dest: netip.MustParsePrefix("0.0.0.0/0"), Priority: gcp.DefaultRoutePriority})
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
	return best, best.Object == nil || deref(best.Spec.NextHopGateway) == gcp.DefaultInternetGateway
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
// googleapis.com visible from the network resolve to: A and AAAA records
// with a VIP's addresses, CNAMEs to a VIP's host name.
func (l *linter) googleAPIsVIPs(id facts.NetworkID) []gcp.VIP {
	var out []gcp.VIP
	add := func(v gcp.VIP) {
		if !slices.ContainsFunc(out, func(o gcp.VIP) bool { return o.Mode == v.Mode }) {
			out = append(out, v)
		}
	}
	for _, r := range l.records() {
		if r.Zone == nil || r.Zone.DNSName != "googleapis.com" || !r.Zone.VisibleFrom(id) {
			continue
		}
		for _, v := range recordVIPs(r) {
			add(v)
		}
	}
	slices.SortFunc(out, func(a, b gcp.VIP) int { return compareMode(a.Mode, b.Mode) })
	return out
}

// recordVIPs returns the VIPs a record set resolves its name to.
func recordVIPs(r *facts.RecordSet) []gcp.VIP {
	var out []gcp.VIP
	for _, data := range r.Spec.Rrdatas {
		var v gcp.VIP
		var ok bool
		switch r.Spec.Type {
		case "A", "AAAA":
			if a, err := netip.ParseAddr(data); err == nil {
				v, ok = gcp.VIPOf(a)
			}
		case "CNAME":
			v, ok = gcp.VIPOfHost(data)
		}
		if ok && !slices.ContainsFunc(out, func(o gcp.VIP) bool { return o.Mode == v.Mode }) {
			out = append(out, v)
		}
	}
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
