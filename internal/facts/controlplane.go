package facts

import (
	"fmt"
	"net/netip"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Fields of a ContainerCluster that say how its control plane is reached.
const (
	MasterCIDRField         = "spec.privateClusterConfig.masterIpv4CidrBlock"
	EndpointSubnetworkField = "spec.privateClusterConfig.privateEndpointSubnetworkRef"
	DNSEndpointField        = "spec.controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic"
	IPEndpointsField        = "spec.controlPlaneEndpointsConfig.ipEndpointsConfig.enabled"
)

// ControlPlane is how a cluster's control plane is reached, and where its
// traffic to the nodes comes from, as the package says it. Every function
// reads it here so that private-cluster, cluster-firewall, lint and
// bastion agree.
type ControlPlane struct {
	// Model is peering or PSC (gcp.ControlPlaneModel); "" when the cluster
	// has no private nodes and names neither a /28 nor an endpoint
	// subnetwork (private-cluster has not run).
	Model gcp.ControlPlaneModel
	// Source is the range the control plane reaches the nodes from, so the
	// source of the firewall's control-plane rules: invalid when the
	// package cannot say (SourceUnknown says why).
	Source netip.Prefix
	// SourceObject and SourceField are where Source was read.
	SourceObject *fn.KubeObject
	SourceField  string
	// EndpointSubnetworkRef is privateEndpointSubnetworkRef as written;
	// EndpointSubnetwork is that subnetwork when it is in the package.
	EndpointSubnetworkRef Ref
	EndpointSubnetwork    *Subnetwork
	// Conflict: the cluster gives both a /28 and an endpoint subnetwork,
	// which GKE's own module never writes together.
	Conflict bool
	// DNSEndpoint: user traffic may use the DNS-based endpoint
	// (dnsEndpointConfig.allowExternalTraffic: true), which IAM and VPC
	// Service Controls guard (gcp.DNSEndpointDomain).
	DNSEndpoint bool
	// IPEndpoints: the IP-based endpoints answer (ipEndpointsConfig.enabled
	// is not false). Off, authorized networks, enablePrivateEndpoint and
	// master global access "won't be used" (the CRD on ipEndpointsConfig).
	IPEndpoints bool
	// PublicIPEndpoint: the IP endpoints answer on a public address too
	// (enablePrivateEndpoint is not true).
	PublicIPEndpoint bool
}

// IsPrivate tells whether the control plane reaches the nodes over the
// VPC (peering or PSC), through the firewall.
func (cp ControlPlane) IsPrivate() bool { return cp.Model != "" }

// SourceWhat describes Source for messages: which range it is, and of what.
func (cp ControlPlane) SourceWhat() string {
	switch {
	case cp.Model == gcp.PeeringControlPlane:
		return fmt.Sprintf("the control plane range %s (%s)", cp.Source, MasterCIDRField)
	case cp.EndpointSubnetwork != nil:
		return fmt.Sprintf("the primary range %s of the private endpoint subnetwork %s", cp.Source, results.Describe(cp.SourceObject))
	}
	return fmt.Sprintf("the primary range %s of the node subnetwork %s, which holds the Private Service Connect endpoint", cp.Source, results.Describe(cp.SourceObject))
}

// SourceUnknown says why Source is invalid, and what would tell it; ""
// when it is known.
func (cp ControlPlane) SourceUnknown(c *Cluster) string {
	switch {
	case cp.Source.IsValid():
		return ""
	case cp.Model == "":
		return fmt.Sprintf("ContainerCluster %s has no private nodes and no control plane range: run private-cluster first", c.Name())
	case cp.Model == gcp.PeeringControlPlane:
		return fmt.Sprintf("ContainerCluster %s has no IPv4 control plane range in %s", c.Name(), MasterCIDRField)
	case cp.EndpointSubnetworkRef.IsSet() && cp.EndpointSubnetwork == nil:
		return fmt.Sprintf("the control plane of ContainerCluster %s uses Private Service Connect in the subnetwork %s, which is not in the package", c.Name(), cp.EndpointSubnetworkRef)
	case cp.EndpointSubnetwork != nil:
		return fmt.Sprintf("the private endpoint subnetwork %s of ContainerCluster %s has no spec.ipCidrRange", results.Describe(cp.EndpointSubnetwork.Object), c.Name())
	case c.Subnetwork == nil:
		return fmt.Sprintf("the control plane of ContainerCluster %s uses Private Service Connect in the node subnetwork, which is not in the package", c.Name())
	}
	return fmt.Sprintf("the node subnetwork %s of ContainerCluster %s, which holds its Private Service Connect endpoint, has no spec.ipCidrRange", results.Describe(c.Subnetwork.Object), c.Name())
}

// ControlPlane reads how the cluster's control plane is reached (the
// rule of gcp.ControlPlaneModel): a /28 is peering, an endpoint subnetwork
// or private nodes without a /28 is Private Service Connect.
func (c *Cluster) ControlPlane() ControlPlane {
	cp := ControlPlane{IPEndpoints: true, PublicIPEndpoint: true}
	pcc := c.Spec.PrivateClusterConfig
	if cpe := c.Spec.ControlPlaneEndpointsConfig; cpe != nil {
		if d := cpe.DnsEndpointConfig; d != nil && d.AllowExternalTraffic != nil {
			cp.DNSEndpoint = *d.AllowExternalTraffic
		}
		if ip := cpe.IpEndpointsConfig; ip != nil && ip.Enabled != nil {
			cp.IPEndpoints = *ip.Enabled
		}
	}
	if pcc == nil {
		cp.PublicIPEndpoint = cp.IPEndpoints
		return cp
	}
	cp.PublicIPEndpoint = cp.IPEndpoints && (pcc.EnablePrivateEndpoint == nil || !*pcc.EnablePrivateEndpoint)
	if r := pcc.PrivateEndpointSubnetworkRef; r != nil {
		cp.EndpointSubnetworkRef = refOf(r)
		cp.EndpointSubnetwork = c.EndpointSubnetwork
	}
	hasMaster := pcc.MasterIpv4CidrBlock != nil
	cp.Conflict = hasMaster && cp.EndpointSubnetworkRef.IsSet()
	switch {
	case cp.EndpointSubnetworkRef.IsSet():
		cp.Model = gcp.PSCControlPlane
		cp.setSource(cp.EndpointSubnetwork)
	case hasMaster:
		cp.Model = gcp.PeeringControlPlane
		if master, ok := c.MasterCIDR(); ok && master.Addr().Is4() {
			cp.Source, cp.SourceObject, cp.SourceField = master.Masked(), c.Object, MasterCIDRField
		}
	case pcc.EnablePrivateNodes != nil && *pcc.EnablePrivateNodes:
		cp.Model = gcp.PSCControlPlane
		cp.setSource(c.Subnetwork)
	}
	return cp
}

// setSource takes the primary range of the subnetwork that holds the PSC
// endpoint, when the package has it.
func (cp *ControlPlane) setSource(s *Subnetwork) {
	if s != nil && s.Primary.IsValid() && s.Primary.Addr().Is4() {
		cp.Source, cp.SourceObject, cp.SourceField = s.Primary.Masked(), s.Object, "spec.ipCidrRange"
	}
}

// linkEndpointSubnetwork finds the private endpoint subnetwork the cluster
// names, by name or (a Shared VPC host's, rendered alongside) by external.
func (p *Package) linkEndpointSubnetwork(c *Cluster) {
	pcc := c.Spec.PrivateClusterConfig
	if pcc == nil || pcc.PrivateEndpointSubnetworkRef == nil {
		return
	}
	r := refOf(pcc.PrivateEndpointSubnetworkRef)
	if r.External != "" {
		c.EndpointSubnetwork = p.subnetworkByExternal(r.External)
		return
	}
	c.EndpointSubnetwork = p.subnetworks[refKey(KindSubnetwork, c.Object, r)]
}

// SubnetworkNamed returns the package's ComputeSubnetwork called name in
// namespace, if any.
func (p *Package) SubnetworkNamed(namespace, name string) *Subnetwork {
	return p.subnetworks[Key{Kind: KindSubnetwork, Namespace: namespace, Name: name}]
}

// SubnetworkByExternal returns the package's ComputeSubnetwork that an
// external reference ("projects/p/regions/r/subnetworks/s") names, if any.
func (p *Package) SubnetworkByExternal(ref string) *Subnetwork {
	return p.subnetworkByExternal(ref)
}
