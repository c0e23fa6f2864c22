package privatecluster

import (
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// endpointRef is a privateEndpointSubnetworkRef to write: by name (a
// ComputeSubnetwork of the package) or external.
type endpointRef struct{ name, external string }

func endpointRefOf(text string) endpointRef {
	if strings.Contains(text, "/") {
		return endpointRef{external: text}
	}
	return endpointRef{name: text}
}

func (r endpointRef) same(have facts.Ref) bool {
	return r.name == have.Name && r.external == have.External
}

// planControlPlane decides how the control plane is reached: the model
// (peering with its /28, or Private Service Connect), the PSC endpoint's
// subnetwork, and the DNS and IP endpoints. What the cluster already says
// is read through facts.Cluster.ControlPlane, the same reading
// cluster-firewall and lint make.
func (p *planner) planControlPlane(pl *plan) {
	c := pl.cluster
	cp := c.ControlPlane()
	pl.dnsEndpoint, pl.ipEndpoints = p.cfg.DNSEndpoint, p.cfg.IPEndpoints
	pl.ipEndpointsOn = cp.IPEndpoints
	if pl.ipEndpoints != nil {
		pl.ipEndpointsOn = *pl.ipEndpoints
	}
	dnsOn := cp.DNSEndpoint
	if pl.dnsEndpoint != nil {
		dnsOn = *pl.dnsEndpoint
	}
	if !pl.ipEndpointsOn && !dnsOn {
		p.res.Error(c.Object, facts.IPEndpointsField,
			"the IP endpoints of ContainerCluster %s are off and the DNS-based endpoint takes no user traffic, so nothing reaches the control plane (kubectl included): set dnsEndpoint: true in %s's config (or %s: true on the cluster), or turn the IP endpoints back on",
			c.Name(), Name, facts.DNSEndpointField)
	}
	if cp.Conflict {
		p.res.Error(c.Object, facts.EndpointSubnetworkField,
			"ContainerCluster %s gives both a control plane /28 (%s) and a Private Service Connect endpoint subnetwork: a cluster has one or the other, and both fields are immutable; keep the one the cluster was created with and remove the other",
			c.Name(), facts.MasterCIDRField)
	}
	pl.model = p.chooseModel(c, cp)
	switch pl.model {
	case Peering:
		p.planMasterCIDR(pl)
	case PSC:
		p.planEndpointSubnetwork(pl, cp)
	}
}

// chooseModel is the config's model, else the cluster's, else peering
// with the default /28. Both masterIpv4CidrBlock and
// privateEndpointSubnetworkRef are immutable (the ContainerCluster CRD),
// so a cluster that has one is never moved to the other: that would
// replace it, and an existing /28 is never silently dropped.
func (p *planner) chooseModel(c *facts.Cluster, cp facts.ControlPlane) string {
	switch {
	case p.cfg.wantsPSC() && cp.Model == gcp.PeeringControlPlane:
		p.res.Error(c.Object, facts.MasterCIDRField,
			"ContainerCluster %s has the control plane /28 %s (VPC peering), and masterIpv4CidrBlock is immutable: moving it to Private Service Connect would replace the cluster, so lockdown keeps the /28 and does not drop it; leave controlPlane and privateEndpointSubnetwork out of %s's config for this cluster (or name the others in clusters), or create a new cluster without the /28 and move the workloads",
			c.Name(), masterText(c), Name)
		return Peering
	case p.cfg.wantsPeering() && cp.EndpointSubnetworkRef.IsSet():
		p.res.Error(c.Object, facts.EndpointSubnetworkField,
			"the control plane of ContainerCluster %s uses Private Service Connect in the subnetwork %s, and privateEndpointSubnetworkRef is immutable: lockdown does not give it a /28; remove controlPlane: %s and masterIpv4CidrBlock from %s's config for this cluster",
			c.Name(), cp.EndpointSubnetworkRef, Peering, Name)
		return PSC
	case p.cfg.wantsPeering() && cp.Model == gcp.PSCControlPlane:
		p.res.Warning(c.Object, facts.MasterCIDRField,
			"ContainerCluster %s has private nodes and no /28, so GKE gives its control plane a Private Service Connect endpoint in the node subnetwork; masterIpv4CidrBlock is immutable: if the cluster exists, adding the /28 replaces it",
			c.Name())
		return Peering
	case p.cfg.wantsPSC():
		return PSC
	case p.cfg.wantsPeering():
		return Peering
	case cp.Model != "":
		return string(cp.Model)
	}
	return Peering
}

func masterText(c *facts.Cluster) string {
	if pcc := c.Spec.PrivateClusterConfig; pcc != nil && pcc.MasterIpv4CidrBlock != nil {
		return *pcc.MasterIpv4CidrBlock
	}
	return ""
}

// planEndpointSubnetwork checks the config's PSC endpoint subnetwork: a
// ComputeSubnetwork of the package, or an external one, on the cluster's
// network ("Subnetwork in cluster's network", the CRD), and never another
// than the one the cluster already has (the field is immutable).
func (p *planner) planEndpointSubnetwork(pl *plan, cp facts.ControlPlane) {
	c, text := pl.cluster, p.cfg.PrivateEndpointSubnetwork
	if text == "" {
		return // the cluster's, or the node subnetwork
	}
	want := endpointRefOf(text)
	if cp.EndpointSubnetworkRef.IsSet() && !want.same(cp.EndpointSubnetworkRef) {
		p.src.Error(p.res, "privateEndpointSubnetwork",
			"ContainerCluster %s already has its Private Service Connect endpoint in %s, and privateEndpointSubnetworkRef is immutable: remove privateEndpointSubnetwork from the config, or set it to the cluster's",
			c.Name(), cp.EndpointSubnetworkRef)
		return
	}
	var sub *facts.Subnetwork
	if want.external != "" {
		sub = p.pkg.SubnetworkByExternal(want.external) // nil: outside the package, which is fine
	} else if sub = p.pkg.SubnetworkNamed(c.Object.GetNamespace(), want.name); sub == nil {
		p.src.Error(p.res, "privateEndpointSubnetwork",
			"no ComputeSubnetwork named %q in the namespace of ContainerCluster %s: add it to the package, or give a subnetwork outside it as projects/<project>/regions/<region>/subnetworks/<name>",
			want.name, c.Name())
		return
	}
	if sub != nil && c.NetworkID() != "" && sub.NetworkID() != "" && sub.NetworkID() != c.NetworkID() {
		p.src.Error(p.res, "privateEndpointSubnetwork",
			"%s is not on the network of ContainerCluster %s: the Private Service Connect endpoint must be in a subnetwork of the cluster's network",
			results.Describe(sub.Object), c.Name())
		return
	}
	pl.endpointSubnet = &want
}
