package privatecluster

import (
	"fmt"
	"net/netip"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// plan is what one cluster should look like. It is worked out, and checked,
// for every cluster before any object is touched, so that an error in one
// cluster leaves the whole package unchanged.
type plan struct {
	cluster *facts.Cluster
	// model is Peering (masterCIDR is written) or PSC (no /28).
	model        string
	masterCIDR   netip.Prefix
	masterOrigin string // where masterCIDR came from, for messages
	// endpointSubnet is the PSC endpoint subnetwork to write; nil leaves
	// the cluster's (or none: the endpoint is in the node subnetwork).
	endpointSubnet *endpointRef
	// dnsEndpoint and ipEndpoints are written when set; ipEndpointsOn is
	// whether the IP endpoints answer once the plan is applied, and so
	// whether their settings (private endpoint, global access, authorized
	// networks) mean anything.
	dnsEndpoint, ipEndpoints *bool
	ipEndpointsOn            bool
	privateEndpoint          *bool
	globalAccess             *bool
	authorized               *AuthorizedNetworks // nil keeps what the cluster has
	podRange                 string              // "" leaves ipAllocationPolicy's names alone
	serviceRange             string
	// podCIDR and serviceCIDR, when valid, are written as the CIDR blocks
	// of GKE-managed ranges (the subnetwork has no secondary ranges to name).
	podCIDR, serviceCIDR netip.Prefix
	provider             string
	workloadPool         string // "" when the project id is unknown
	// keepIdentityNamespace: Workload Identity is on through the older
	// identityNamespace field, which is left as the user wrote it.
	keepIdentityNamespace bool
	nodeTag               string
}

// planner holds what every cluster's plan is checked against.
type planner struct {
	cfg *PrivateCluster
	src fnconfig.Source
	pkg *facts.Package
	res *results.Collector
	// planned are the plans made so far in this run, in order.
	planned []*plan
}

func (p *planner) plan(c *facts.Cluster) *plan {
	pl := &plan{
		cluster:         c,
		privateEndpoint: p.cfg.EnablePrivateEndpoint,
		globalAccess:    p.cfg.MasterGlobalAccess,
		authorized:      p.cfg.MasterAuthorizedNetworks,
	}
	p.checkMode(c)
	p.checkLocations(c)
	p.planControlPlane(pl)
	if pl.privateEndpoint == nil && !hasPrivateEndpointSetting(c) && pl.ipEndpointsOn {
		no := false
		pl.privateEndpoint = &no
	}
	if pl.ipEndpointsOn {
		p.checkExistingAuthorizedNetworks(c)
	}
	p.planRanges(pl)
	pl.provider = p.planProvider(c)
	pl.nodeTag = p.planNodeTag(c)
	switch wi := c.Spec.WorkloadIdentityConfig; {
	case wi != nil && wi.IdentityNamespace != nil && wi.WorkloadPool == nil:
		// The deprecated field that workloadPool supersedes: Workload
		// Identity is on already, and writing workloadPool beside it would
		// only change how it is spelled.
		pl.workloadPool = *wi.IdentityNamespace
		pl.keepIdentityNamespace = true
	case c.ProjectID != "":
		pl.workloadPool = c.ProjectID + ".svc.id.goog"
	case wi == nil || wi.WorkloadPool == nil:
		p.res.Warning(c.Object, "spec.workloadIdentityConfig.workloadPool",
			"the project id is unknown, so Workload Identity is not enabled: set the %s annotation on the cluster or its Namespace",
			facts.ProjectIDAnnotation)
	}
	return pl
}

func hasPrivateEndpointSetting(c *facts.Cluster) bool {
	return c.Spec.PrivateClusterConfig != nil && c.Spec.PrivateClusterConfig.EnablePrivateEndpoint != nil
}

// planMasterCIDR picks the control plane range (config, else the cluster's
// own, else the default) and checks it against every range it can find.
func (p *planner) planMasterCIDR(pl *plan) {
	c := pl.cluster
	const clusterField = "spec.privateClusterConfig.masterIpv4CidrBlock"
	master, report := p.cfg.MasterIPv4CIDRBlock, func(format string, args ...any) { p.src.Error(p.res, "masterIpv4CidrBlock", format, args...) }
	switch {
	case master.IsSet():
		pl.masterOrigin = "set by the config's " + p.src.Field("masterIpv4CidrBlock")
	case c.Spec.PrivateClusterConfig != nil && c.Spec.PrivateClusterConfig.MasterIpv4CidrBlock != nil:
		master = fnconfig.ValueOf[fnconfig.CIDR](*c.Spec.PrivateClusterConfig.MasterIpv4CidrBlock) // judged as the config's is
		pl.masterOrigin = "set on the cluster"
		report = func(format string, args ...any) { p.res.Error(c.Object, clusterField, format, args...) }
	default:
		master = fnconfig.ValueOf[fnconfig.CIDR](DefaultMasterCIDR)
		pl.masterOrigin = "the default"
		report = func(format string, args ...any) {
			p.res.Error(c.Object, clusterField, format+" (this is the default range: set masterIpv4CidrBlock in the config or on the cluster)", args...)
		}
	}
	if problem := masterProblem(master); problem != "" {
		report("%s", problem)
		return
	}
	prefix := master.Prefix
	pl.masterCIDR = prefix
	taken := p.rangesOnNetwork(c)
	for _, r := range taken {
		if r.prefix.Overlaps(prefix) {
			report("control plane range %s of %s overlaps %s; choose a /28 that overlaps no node, pod or service range, for example %s",
				prefix, results.Describe(c.Object), r.what, freeMasterRange(taken))
			return
		}
	}
}

// namedPrefix is a range found in the package, with words for messages.
type namedPrefix struct {
	prefix netip.Prefix
	what   string
}

// rangesOnNetwork returns the node, pod and service ranges the package
// declares on the cluster's network.
func (p *planner) rangesOnNetwork(c *facts.Cluster) []namedPrefix {
	var out []namedPrefix
	for _, s := range p.pkg.SubnetworksOn(c) {
		if s.Primary.IsValid() {
			out = append(out, namedPrefix{s.Primary, fmt.Sprintf("the node range %s of %s", s.Primary, results.Describe(s.Object))})
		}
		for _, r := range s.Secondary {
			out = append(out, namedPrefix{r.Prefix, fmt.Sprintf("the secondary range %s (%s) of %s", r.Name, r.Prefix, results.Describe(s.Object))})
		}
	}
	for _, other := range p.pkg.Clusters {
		if other != c && !facts.SameNetwork(other, c) {
			continue
		}
		whose := "the cluster's"
		if other != c {
			whose = results.Describe(other.Object) + "'s"
		}
		for _, block := range []func() (netip.Prefix, bool){other.PodCIDRBlock, other.ServiceCIDRBlock} {
			if pr, ok := block(); ok {
				out = append(out, namedPrefix{pr, fmt.Sprintf("%s ipAllocationPolicy range %s", whose, pr)})
			}
		}
	}
	return out
}

// masterSuggestionSpace is where freeMasterRange looks: the RFC 1918 range
// (gcp.PrivateIPv4Ranges) that holds DefaultMasterCIDR.
var masterSuggestionSpace = netip.MustParsePrefix("172.16.0.0/12")

// freeMasterRange suggests the first /28 in masterSuggestionSpace that
// overlaps nothing taken, so the error can say what would work.
func freeMasterRange(taken []namedPrefix) netip.Prefix {
	free, _ := gcp.FreeIPv4Prefix(masterSuggestionSpace, 28, prefixesOf(taken))
	return free
}

func prefixesOf(named []namedPrefix) []netip.Prefix {
	out := make([]netip.Prefix, len(named))
	for i, n := range named {
		out[i] = n.prefix
	}
	return out
}

// checkExistingAuthorizedNetworks refuses a cluster whose own authorized
// networks open the control plane to the internet, when the config does
// not replace them. facts reads them, and reports a block that is not in
// CIDR notation; the rest are judged as the config's are.
func (p *planner) checkExistingAuthorizedNetworks(c *facts.Cluster) {
	if p.cfg.MasterAuthorizedNetworks != nil {
		return
	}
	for _, n := range c.AuthorizedNetworks(p.res) {
		block := fnconfig.CIDR{Scalar: fnconfig.Scalar{Text: n.Text}, Prefix: n.Prefix} // as facts read it
		if problem := checkAuthorizedCIDR(block, p.cfg.AllowPublicAuthorizedNetworks); problem != "" {
			p.res.Error(c.Object, n.Field, "%s", problem)
		}
	}
}

// planProvider picks the network policy enforcement: the config's, else
// Calico when the cluster already runs it, else Dataplane V2.
func (p *planner) planProvider(c *facts.Cluster) string {
	if p.cfg.NetworkPolicyProvider != "" {
		return p.cfg.NetworkPolicyProvider
	}
	if np := c.Spec.NetworkPolicy; np != nil && np.Enabled && (c.Spec.DatapathProvider == nil || *c.Spec.DatapathProvider != "ADVANCED_DATAPATH") {
		return Calico
	}
	return DataplaneV2
}

// checkMasterRangesAcrossClusters refuses two clusters on one network whose
// control plane ranges overlap: GKE peers each control plane into the VPC.
func (p *planner) checkMasterRangesAcrossClusters(plans []*plan) {
	for i, a := range plans {
		for _, b := range plans[i+1:] {
			if !a.masterCIDR.IsValid() || !b.masterCIDR.IsValid() || !facts.SameNetwork(a.cluster, b.cluster) {
				continue
			}
			if a.masterCIDR.Overlaps(b.masterCIDR) {
				p.res.Error(b.cluster.Object, "spec.privateClusterConfig.masterIpv4CidrBlock",
					"control plane range %s (%s) overlaps %s (%s) of %s on the same network: give each cluster its own /28 in spec.privateClusterConfig.masterIpv4CidrBlock, and leave masterIpv4CidrBlock out of the config",
					b.masterCIDR, b.masterOrigin, a.masterCIDR, a.masterOrigin, results.Describe(a.cluster.Object))
			}
		}
	}
}
