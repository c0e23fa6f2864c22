package facts

import "github.com/lockdown-krm/lockdown/internal/results"

// Lazy is a value read the first time it is asked for, then kept. The
// package's facts are read this way (most functions need only some of
// them, and reading one twice would report each broken object twice), and
// so is what a function derives from them.
type Lazy[T any] struct {
	done  bool
	value T
}

// Get returns the value, reading it on the first call.
func (z *Lazy[T]) Get(read func() T) T {
	if !z.done {
		z.value, z.done = read(), true
	}
	return z.value
}

// loadBalancing is what LoadBalancedServices reads, kept together.
type loadBalancing struct {
	services []LoadBalanced
	problems []PortProblem
}

// facts read on demand; see the accessors below.
type onDemand struct {
	res          *results.Collector
	firewalls    Lazy[[]*Firewall]
	associations Lazy[[]*FirewallPolicyAssociation]
	fqdnAllows   Lazy[[]*FQDNAllow]
	routerNATs   Lazy[[]*RouterNAT]
	zones        Lazy[[]*ManagedZone]
	records      Lazy[[]*RecordSet]
	perimeters   Lazy[[]*ServicePerimeter]
	webhooks     Lazy[[]Webhook]
	balancing    Lazy[loadBalancing]
}

// Firewalls are the package's VPC firewall rules (readFirewalls).
func (p *Package) Firewalls() []*Firewall {
	return p.lazy.firewalls.Get(func() []*Firewall { return p.readFirewalls(p.lazy.res) })
}

// FirewallPolicyAssociations are the package's firewall policy
// associations (readFirewallPolicyAssociations).
func (p *Package) FirewallPolicyAssociations() []*FirewallPolicyAssociation {
	return p.lazy.associations.Get(func() []*FirewallPolicyAssociation { return p.readFirewallPolicyAssociations(p.lazy.res) })
}

// FQDNAllows are the package's firewall policy rules that let nodes out
// to host names (readFQDNAllows).
func (p *Package) FQDNAllows() []*FQDNAllow {
	return p.lazy.fqdnAllows.Get(func() []*FQDNAllow { return p.readFQDNAllows(p.lazy.res) })
}

// RouterNATs are the package's Cloud NAT gateways with their routers
// (readRouterNATs).
func (p *Package) RouterNATs() []*RouterNAT {
	return p.lazy.routerNATs.Get(func() []*RouterNAT { return p.readRouterNATs(p.lazy.res) })
}

// ManagedZones are the package's DNSManagedZones.
func (p *Package) ManagedZones() []*ManagedZone {
	return p.lazy.zones.Get(func() []*ManagedZone { return ManagedZones(p.Items, p.lazy.res) })
}

// RecordSets are the package's DNSRecordSets, linked to its zones.
func (p *Package) RecordSets() []*RecordSet {
	return p.lazy.records.Get(func() []*RecordSet { return RecordSets(p.Items, p.ManagedZones(), p.lazy.res) })
}

// ServicePerimeters are the package's VPC Service Controls perimeters
// (readServicePerimeters).
func (p *Package) ServicePerimeters() []*ServicePerimeter {
	return p.lazy.perimeters.Get(func() []*ServicePerimeter { return p.readServicePerimeters(p.lazy.res) })
}

// Webhooks are the package's admission webhooks that call a Service.
func (p *Package) Webhooks() []Webhook {
	return p.lazy.webhooks.Get(func() []Webhook { return Webhooks(p.Items, p.lazy.res) })
}

// LoadBalanced are the Services Google Cloud load balancers reach, and
// the ports that could not be resolved.
func (p *Package) LoadBalanced() ([]LoadBalanced, []PortProblem) {
	b := p.lazy.balancing.Get(func() loadBalancing {
		services, problems := LoadBalancedServices(p.Items, p.lazy.res)
		return loadBalancing{services, problems}
	})
	return b.services, b.problems
}
