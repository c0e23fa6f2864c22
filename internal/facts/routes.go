package facts

import (
	"net/netip"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// KindRoute is Config Connector's kind for a VPC route.
const KindRoute = "ComputeRoute"

// Route is a ComputeRoute of the package.
type Route struct {
	Object   *fn.KubeObject
	Spec     compute.ComputeRouteSpec
	Dest     netip.Prefix
	Priority int32    // GCP's default, 1000, when unset
	Network  *Network // nil when outside the package
}

// readRoute adds a route to the facts; Read calls it.
func (p *Package) readRoute(obj *fn.KubeObject, res *results.Collector) {
	r := &Route{Object: obj, Priority: gcp.DefaultRoutePriority}
	if !decode(obj, &r.Spec, res) {
		return
	}
	dest, ok := readCIDR(obj, "spec.destRange", r.Spec.DestRange, "0.0.0.0/0", res)
	if !ok {
		return
	}
	r.Dest = dest
	if r.Spec.Priority != nil {
		r.Priority = *r.Spec.Priority
	}
	p.Routes = append(p.Routes, r)
}

// DefaultRoutesOn returns the routes to 0.0.0.0/0 that the network has:
// those in the package, and GCP's own (priority 1000, returned as nil
// Object) unless the network deletes it on creation. An external network
// is assumed to keep GCP's route.
func (p *Package) DefaultRoutesOn(n *Network) []*Route {
	var out []*Route
	for _, r := range p.Routes {
		if r.Network == n && r.Dest.Bits() == 0 && r.Dest.Addr().Is4() {
			out = append(out, r)
		}
	}
	if n == nil || !n.DeletesDefaultRoutes() {
		out = append(out, &Route{Dest: netip.MustParsePrefix("0.0.0.0/0"), Priority: gcp.DefaultRoutePriority})
	}
	return out
}
