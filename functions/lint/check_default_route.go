package lint

import (
	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// defaultRoutes is the default-route check. It enforces the rule
// private-google-access and cloud-nat build their routes by: on a
// network, every route to a Google API VIP has a lower priority number
// than every route to the internet (0.0.0.0/0, or ::/0 for the VIP's IPv6
// range), GCP's own default route included unless the network deletes
// it. GCP already sends VIP traffic to the more specific /30 whatever the
// priorities; keeping the internet routes behind it means they never look
// like they compete, and a later change to the VIP route's range cannot
// hand Google API traffic to the internet route, out of the fence. The
// user gives the internet route a larger number or the VIP route a
// smaller one.
func defaultRoutes(l *linter) []finding {
	var out []finding
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
				out = append(out, defaultRouteAhead(vip, v, d, id))
			}
		}
	}
	return out
}

// defaultRouteAhead is the finding for a route to the internet d that
// does not lose to the route to the VIP: on the VIP route when d is GCP's
// own (not in the package), else on d.
func defaultRouteAhead(vip *facts.Route, v gcp.VIP, d *facts.Route, id facts.NetworkID) finding {
	if d.Object == nil {
		return errorAt(vip.Object, "spec.priority",
			"this route to %s (%s) has priority %d, which does not beat GCP's default route to %s (priority %d) on network %s: give it a number below %d (private-google-access picks %d), or set deleteDefaultRoutesOnCreate: true on the network",
			v.Host, vip.Dest, vip.Priority, d.Dest, d.Priority, id.Name(), d.Priority, d.Priority-1)
	}
	return errorAt(d.Object, "spec.priority",
		"this route to %s at priority %d does not lose to %s, the route to %s (%s) at priority %d on network %s: give it a number above %d (cloud-nat picks the larger of 1000 and the VIP route's priority plus one), or give the VIP route a smaller one",
		d.Dest, d.Priority, results.Describe(vip.Object), v.Host, vip.Dest, vip.Priority, id.Name(), vip.Priority)
}
