package facts

import "net/netip"

// NetworkByID returns the package's ComputeNetwork with the id, or nil
// when the network is outside the package.
func (p *Package) NetworkByID(id NetworkID) *Network {
	for _, n := range p.Networks {
		if n.ID() == id {
			return n
		}
	}
	return nil
}

// DefaultRoutesOnNetwork is DefaultRoutesFor for a network named by id
// rather than through a cluster: the package's routes to 0.0.0.0/0 on it,
// and GCP's own (nil Object) unless the network is in the package and
// deletes it on creation.
func (p *Package) DefaultRoutesOnNetwork(id NetworkID) []*Route {
	if n := p.NetworkByID(id); n != nil {
		return p.DefaultRoutesOn(n)
	}
	return append(p.routesTo(id, netip.MustParsePrefix("0.0.0.0/0")), implicitRoute("0.0.0.0/0"))
}

// DefaultIPv6RoutesOnNetwork is DefaultIPv6RoutesFor for a network named
// by id: the package's routes to ::/0 on it and GCP's own.
func (p *Package) DefaultIPv6RoutesOnNetwork(id NetworkID) []*Route {
	return append(p.routesTo(id, netip.MustParsePrefix("::/0")), implicitRoute("::/0"))
}

// RoutesOnNetwork returns the package's routes on the network named by id,
// in package order.
func (p *Package) RoutesOnNetwork(id NetworkID) []*Route {
	var out []*Route
	for _, r := range p.Routes {
		if id != "" && r.NetworkID() == id {
			out = append(out, r)
		}
	}
	return out
}
