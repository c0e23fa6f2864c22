package facts

import (
	"net/netip"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// NetworkID names a VPC network the same way however an object refers to
// it, and whether or not the network is in the package: "<namespace>/<name>"
// for a ComputeNetwork referred to by name, "external:<value>" for an
// external reference, "" when the object names no network. Pointers to
// Network only work for networks in the package; generators that serve a
// network outside it (a Shared VPC host's, say) group and match by this.
type NetworkID string

// Name is the network's own name: the object name, or the last segment of
// an external reference such as projects/p/global/networks/<name>.
func (id NetworkID) Name() string {
	s := string(id)
	return s[strings.LastIndex(s, "/")+1:]
}

// IsExternal tells whether the network is named by an external reference.
func (id NetworkID) IsExternal() bool { return strings.HasPrefix(string(id), "external:") }

// networkID resolves a reference made by from; a name without a namespace
// is in from's namespace, as Config Connector resolves it.
func networkID(from *fn.KubeObject, r Ref) NetworkID {
	switch {
	case r.External != "":
		return NetworkID("external:" + r.External)
	case r.Name == "":
		return ""
	}
	ns := r.Namespace
	if ns == "" && from != nil {
		ns = from.GetNamespace()
	}
	return NetworkID(ns + "/" + r.Name)
}

// ID is the network's NetworkID.
func (n *Network) ID() NetworkID {
	return NetworkID(n.Object.GetNamespace() + "/" + n.Object.GetName())
}

// NetworkID is the cluster's network, from its networkRef or else its
// subnetwork's.
func (c *Cluster) NetworkID() NetworkID {
	if c.Network != nil {
		return c.Network.ID()
	}
	return networkID(c.Object, c.NetworkRef)
}

// NetworkID is the subnetwork's network.
func (s *Subnetwork) NetworkID() NetworkID {
	if s.Network != nil {
		return s.Network.ID()
	}
	return networkID(s.Object, refOf(&s.Spec.NetworkRef))
}

// NetworkID is the route's network; "" for GCP's implicit default route.
func (r *Route) NetworkID() NetworkID {
	switch {
	case r.Network != nil:
		return r.Network.ID()
	case r.Object == nil:
		return ""
	}
	return networkID(r.Object, refOf(&r.Spec.NetworkRef))
}

// DefaultIPv6RoutePriority is the priority of the route to ::/0 that GCP
// adds to a network when a subnetwork gets an external IPv6 range.
const DefaultIPv6RoutePriority = gcp.DefaultRoutePriority

// DefaultRoutesFor is DefaultRoutesOnNetwork for the cluster's network:
// one query, whether or not the network is in the package (NetworkID is
// the same either way).
func (p *Package) DefaultRoutesFor(c *Cluster) []*Route {
	return p.DefaultRoutesOnNetwork(c.NetworkID())
}

// DefaultIPv6RoutesFor returns the routes to ::/0 on the cluster's network:
// those in the package and GCP's own at priority 1000. GCP's is always
// assumed: it is added when a dual-stack subnetwork with external IPv6 is
// created, after the network, so deleteDefaultRoutesOnCreate (which deletes
// the IPv4 default route made with the network) does not remove it.
func (p *Package) DefaultIPv6RoutesFor(c *Cluster) []*Route {
	return p.DefaultIPv6RoutesOnNetwork(c.NetworkID())
}

func (p *Package) routesTo(id NetworkID, dest netip.Prefix) []*Route {
	var out []*Route
	for _, r := range p.Routes {
		if id != "" && r.Dest == dest && r.NetworkID() == id {
			out = append(out, r)
		}
	}
	return out
}

func implicitRoute(dest string) *Route {
	return &Route{Dest: netip.MustParsePrefix(dest), Priority: gcp.DefaultRoutePriority}
}
