package privatecluster

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "PrivateCluster"

// DefaultMasterCIDR is the control plane range used when neither the
// config nor the cluster names one.
const DefaultMasterCIDR = "172.16.0.32/28"

// Control plane models the config can ask for (gcp.ControlPlaneModel).
const (
	Peering = string(gcp.PeeringControlPlane)
	PSC     = string(gcp.PSCControlPlane)
)

// Network policy providers.
const (
	DataplaneV2 = "dataplane-v2"
	Calico      = "calico"
)

// PrivateCluster is the function config (spec of kind PrivateCluster, or
// the same keys in a ConfigMap's data). An unset field keeps what the
// cluster already says, or the default when it says nothing.
type PrivateCluster struct {
	// Clusters limits the function to the ContainerClusters so named.
	Clusters []string `json:"clusters,omitempty"`
	// MasterIPv4CIDRBlock is the control plane's /28 in a private range.
	// GKE takes it, the pod and Service ranges and the authorized networks
	// in CIDR notation only (fnconfig.CIDR); what it asks of each beyond
	// the notation (a /28, a private range, no host bits) Validate checks
	// on Prefix, in words that fit the field.
	MasterIPv4CIDRBlock fnconfig.CIDR `json:"masterIpv4CidrBlock,omitempty"`
	// ControlPlane is how the control plane joins the cluster's VPC:
	// peering (a /28, masterIpv4CidrBlock) or psc (Private Service
	// Connect, no /28). Unset keeps the cluster's model, else peering.
	ControlPlane string `json:"controlPlane,omitempty"`
	// PrivateEndpointSubnetwork is the subnetwork of the PSC endpoint: a
	// ComputeSubnetwork of the package (by name, in the cluster's
	// namespace) or projects/<p>/regions/<r>/subnetworks/<s>. It implies
	// controlPlane psc; unset, the endpoint is in the node subnetwork.
	PrivateEndpointSubnetwork string `json:"privateEndpointSubnetwork,omitempty"`
	// DNSEndpoint allows user traffic over the DNS-based endpoint
	// (dnsEndpointConfig.allowExternalTraffic), guarded by IAM and VPC
	// Service Controls.
	DNSEndpoint *bool `json:"dnsEndpoint,omitempty"`
	// IPEndpoints turns the IP-based endpoints on or off
	// (ipEndpointsConfig.enabled); off, only the DNS endpoint answers.
	IPEndpoints *bool `json:"ipEndpoints,omitempty"`
	// EnablePrivateEndpoint removes the control plane's public endpoint.
	EnablePrivateEndpoint *bool `json:"enablePrivateEndpoint,omitempty"`
	// MasterGlobalAccess lets other regions reach the private endpoint.
	MasterGlobalAccess *bool `json:"masterGlobalAccess,omitempty"`
	// MasterAuthorizedNetworks may reach the control plane.
	MasterAuthorizedNetworks *AuthorizedNetworks `json:"masterAuthorizedNetworks,omitempty"`
	// AllowPublicAuthorizedNetworks permits public ranges of /8 or wider.
	AllowPublicAuthorizedNetworks bool `json:"allowPublicAuthorizedNetworks,omitempty"`
	// ClusterSecondaryRangeName and ServicesSecondaryRangeName name the
	// subnetwork's secondary ranges for pods and Services.
	ClusterSecondaryRangeName  string `json:"clusterSecondaryRangeName,omitempty"`
	ServicesSecondaryRangeName string `json:"servicesSecondaryRangeName,omitempty"`
	// ClusterIPv4CIDRBlock and ServicesIPv4CIDRBlock are the pod and
	// Service ranges GKE creates when the subnetwork has no secondary
	// ranges to name; default the first free /14 and /20 in 10.0.0.0/8.
	ClusterIPv4CIDRBlock  fnconfig.CIDR `json:"clusterIpv4CidrBlock,omitempty"`
	ServicesIPv4CIDRBlock fnconfig.CIDR `json:"servicesIpv4CidrBlock,omitempty"`
	// NetworkPolicyProvider is dataplane-v2 (the default) or calico.
	NetworkPolicyProvider string `json:"networkPolicyProvider,omitempty"`
	// NodeTag is the network tag the firewall targets; default <cluster>-node.
	NodeTag string `json:"nodeTag,omitempty"`
}

// AuthorizedNetwork is one range allowed to reach the control plane.
type AuthorizedNetwork struct {
	DisplayName string        `json:"displayName"`
	CIDRBlock   fnconfig.CIDR `json:"cidrBlock"`
}

// AuthorizedNetworks is the list of authorized networks. In a ConfigMap it
// is written "name=cidr,name=cidr".
type AuthorizedNetworks []AuthorizedNetwork

var _ fnconfig.ConfigMapValue = &AuthorizedNetworks{}

// SetFromConfigMap reads the form "office=203.0.113.0/24,vpn=10.8.0.0/16".
func (a *AuthorizedNetworks) SetFromConfigMap(text string) error {
	list := AuthorizedNetworks{}
	for _, p := range fnconfig.SplitPairs(text) {
		if !p.Found {
			return fmt.Errorf("entry %q: expected name=cidr, for example office=203.0.113.0/24", p.Entry)
		}
		block := fnconfig.CIDR{Scalar: fnconfig.Scalar{Text: p.Value}} // Load parses it
		list = append(list, AuthorizedNetwork{DisplayName: p.Key, CIDRBlock: block})
	}
	*a = list
	return nil
}

// Validate checks every field before anything runs.
func (c *PrivateCluster) Validate(src fnconfig.Source, res *results.Collector) {
	for i, name := range c.Clusters {
		if name == "" {
			src.Error(res, fnconfig.Index("clusters", i), "empty cluster name")
		}
	}
	if c.MasterIPv4CIDRBlock.IsSet() {
		if problem := masterProblem(c.MasterIPv4CIDRBlock); problem != "" {
			src.Error(res, "masterIpv4CidrBlock", "%s", problem)
		}
	}
	c.validateControlPlane(src, res)
	c.validateAuthorizedNetworks(src, res)
	if (c.ClusterSecondaryRangeName == "") != (c.ServicesSecondaryRangeName == "") {
		src.Error(res, "clusterSecondaryRangeName", "set both clusterSecondaryRangeName and servicesSecondaryRangeName, or neither")
	}
	c.validateManagedRanges(src, res)
	switch c.NetworkPolicyProvider {
	case "", DataplaneV2, Calico:
	default:
		src.Error(res, "networkPolicyProvider", "unknown provider %q: use %s or %s", c.NetworkPolicyProvider, DataplaneV2, Calico)
	}
	if c.NodeTag != "" {
		src.Check(res, "nodeTag", gcp.CheckNetworkTag(c.NodeTag))
	}
}

// wantsPSC tells whether the config asks for Private Service Connect.
func (c *PrivateCluster) wantsPSC() bool {
	return c.ControlPlane == PSC || c.PrivateEndpointSubnetwork != ""
}

// wantsPeering tells whether the config asks for a /28 (VPC peering).
func (c *PrivateCluster) wantsPeering() bool {
	return c.ControlPlane == Peering || c.MasterIPv4CIDRBlock.IsSet()
}

// validateControlPlane refuses settings that contradict each other: a /28
// with PSC (GKE's own module never writes masterIpv4CidrBlock beside
// private_endpoint_subnetwork: gcp.ControlPlaneModel), and IP endpoint
// settings with the IP endpoints off, where they "won't be used" (the CRD
// on ipEndpointsConfig.enabled).
func (c *PrivateCluster) validateControlPlane(src fnconfig.Source, res *results.Collector) {
	switch c.ControlPlane {
	case "", Peering, PSC:
	default:
		src.Error(res, "controlPlane", "unknown control plane model %q: use %s (a /28, VPC peering) or %s (Private Service Connect, no /28)", c.ControlPlane, Peering, PSC)
	}
	// With controlPlane: peering beside privateEndpointSubnetwork, the
	// subnetwork is what is wrong (below), not the /28.
	if c.wantsPSC() && c.ControlPlane != Peering && c.MasterIPv4CIDRBlock.IsSet() {
		src.Error(res, "masterIpv4CidrBlock", "a Private Service Connect control plane takes no /28: remove masterIpv4CidrBlock, or set controlPlane: %s without privateEndpointSubnetwork", Peering)
	}
	if c.ControlPlane == Peering && c.PrivateEndpointSubnetwork != "" {
		src.Error(res, "privateEndpointSubnetwork", "privateEndpointSubnetwork is the subnetwork of a Private Service Connect endpoint: remove it, or set controlPlane: %s", PSC)
	}
	if s := c.PrivateEndpointSubnetwork; s != "" && !isSubnetworkRef(s) {
		src.Error(res, "privateEndpointSubnetwork", "%q is neither a ComputeSubnetwork name nor projects/<project>/regions/<region>/subnetworks/<name>", s)
	}
	if c.IPEndpoints == nil || *c.IPEndpoints {
		return
	}
	if c.DNSEndpoint != nil && !*c.DNSEndpoint {
		src.Error(res, "ipEndpoints", "with ipEndpoints: false and dnsEndpoint: false no user traffic reaches the control plane (kubectl included): set dnsEndpoint: true, or keep the IP endpoints")
	}
	for _, f := range []struct {
		key string
		set bool
	}{{"enablePrivateEndpoint", c.EnablePrivateEndpoint != nil}, {"masterGlobalAccess", c.MasterGlobalAccess != nil}, {"masterAuthorizedNetworks", c.MasterAuthorizedNetworks != nil}} {
		if f.set {
			src.Error(res, f.key, "%s applies to the IP endpoints, which ipEndpoints: false turns off (GKE does not use it then): remove it, or set ipEndpoints: true", f.key)
		}
	}
}

// isSubnetworkRef tells whether s names a subnetwork: a resource name, or
// the external form Config Connector takes for privateEndpointSubnetworkRef
// ("projects/{{projectID}}/regions/{{region}}/subnetworks/{{subnetworkID}}",
// the CRD).
func isSubnetworkRef(s string) bool {
	if !strings.Contains(s, "/") {
		return gcp.IsResourceName(s)
	}
	parts := strings.Split(s, "/")
	return len(parts) == 6 && parts[0] == "projects" && parts[2] == "regions" && parts[4] == "subnetworks" &&
		parts[1] != "" && parts[3] != "" && gcp.IsResourceName(parts[5])
}

// validateAuthorizedNetworks checks the config's authorized networks; a
// public one that allowPublicAuthorizedNetworks lets through is a warning.
func (c *PrivateCluster) validateAuthorizedNetworks(src fnconfig.Source, res *results.Collector) {
	if c.MasterAuthorizedNetworks == nil {
		return
	}
	for i, n := range *c.MasterAuthorizedNetworks {
		field := fnconfig.Index("masterAuthorizedNetworks", i)
		if n.DisplayName == "" {
			src.Error(res, field+".displayName", "give the network a name so operators know what it is")
		}
		if problem := checkAuthorizedCIDR(n.CIDRBlock, c.AllowPublicAuthorizedNetworks); problem != "" {
			src.Error(res, field+".cidrBlock", "%s", problem)
		} else if problem := checkAuthorizedCIDR(n.CIDRBlock, false); problem != "" {
			res.Warning(src.Object, src.Field(field+".cidrBlock"), "allowed by allowPublicAuthorizedNetworks, but the control plane is open to the internet: %s", n.CIDRBlock)
		}
	}
}

// validateManagedRanges checks the CIDR blocks of GKE-managed ranges: an
// IPv4 CIDR without host bits in an RFC 1918 range (the CRD's rule for
// clusterIpv4CidrBlock and servicesIpv4CidrBlock), not overlapping each
// other or the control plane range.
func (c *PrivateCluster) validateManagedRanges(src fnconfig.Source, res *results.Collector) {
	var valid []netip.Prefix
	for _, f := range []struct {
		key  string
		cidr fnconfig.CIDR
	}{{"clusterIpv4CidrBlock", c.ClusterIPv4CIDRBlock}, {"servicesIpv4CidrBlock", c.ServicesIPv4CIDRBlock}} {
		if !f.cidr.IsSet() {
			continue
		}
		p := f.cidr.Prefix
		switch {
		case !p.IsValid() || !p.Addr().Is4():
			src.Error(res, f.key, "%q is not an IPv4 CIDR range such as 10.4.0.0/14", f.cidr)
		case p.Masked() != p:
			src.Error(res, f.key, "%s", hostBitsProblem(f.cidr))
		case !gcp.IsPrivateIPv4(p):
			src.Error(res, f.key, "%s is not in a private range (%s), which GKE requires for pod and Service ranges", f.cidr, privateRanges())
		default:
			for _, v := range valid {
				if v.Overlaps(p) {
					src.Error(res, f.key, "%s overlaps clusterIpv4CidrBlock %s: pods and Services need separate ranges", p, v)
				}
			}
			if m := c.MasterIPv4CIDRBlock.Prefix; m.IsValid() && m.Overlaps(p) {
				src.Error(res, f.key, "%s overlaps masterIpv4CidrBlock %s", p, m)
			}
			valid = append(valid, p)
		}
	}
}

// masterProblem says what GKE would refuse in a control plane range, or "".
func masterProblem(c fnconfig.CIDR) string {
	p := c.Prefix
	switch {
	case !p.IsValid():
		return fmt.Sprintf("%q is not a CIDR range: write it like %s", c, DefaultMasterCIDR)
	case !p.Addr().Is4():
		return fmt.Sprintf("%s is IPv6: the control plane range must be IPv4", c)
	case p.Bits() != 28:
		return fmt.Sprintf("%s is a /%d: GKE needs exactly a /28 for the control plane, for example %s", c, p.Bits(), DefaultMasterCIDR)
	case p.Masked() != p:
		return hostBitsProblem(c)
	case !gcp.IsPrivateIPv4(p):
		return fmt.Sprintf("%s is not in a private range (%s)", c, privateRanges())
	}
	return ""
}

// checkAuthorizedCIDR checks one master authorized network. A public range
// of /8 or wider (0.0.0.0/0 above all) opens the control plane to the
// internet and is refused unless explicitly allowed.
func checkAuthorizedCIDR(c fnconfig.CIDR, allowPublic bool) string {
	p := c.Prefix
	switch {
	case !p.IsValid():
		return fmt.Sprintf("%q is not a CIDR range such as 203.0.113.0/24", c)
	case p.Masked() != p:
		return hostBitsProblem(c)
	case !allowPublic && gcp.OpensControlPlane(p):
		return fmt.Sprintf("%s opens the control plane to a public /%d: list the operators' ranges instead, or set allowPublicAuthorizedNetworks: true if you really mean it", c, p.Bits())
	}
	return ""
}

// hostBitsProblem refuses a range with host bits set. GKE's fields take a
// range, never one address, so the fix to suggest is the range alone
// (gcp.HostBitsError also offers the address, which a firewall rule takes).
func hostBitsProblem(c fnconfig.CIDR) string {
	return fmt.Sprintf("%s has host bits set: did you mean %s?", c, c.Prefix.Masked())
}

// privateRanges lists the RFC 1918 ranges, for messages.
func privateRanges() string {
	names := make([]string, len(gcp.PrivateIPv4Ranges))
	for i, r := range gcp.PrivateIPv4Ranges {
		names[i] = r.String()
	}
	return strings.Join(names, ", ")
}
