package privatecluster

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// plan is what one cluster should look like. It is worked out, and checked,
// for every cluster before any object is touched, so that an error in one
// cluster leaves the whole package unchanged.
type plan struct {
	cluster         *facts.Cluster
	autopilot       bool
	masterCIDR      netip.Prefix
	masterOrigin    string // where masterCIDR came from, for messages
	privateEndpoint *bool
	globalAccess    *bool
	authorized      *AuthorizedNetworks // nil keeps what the cluster has
	podRange        string              // "" leaves ipAllocationPolicy's names alone
	serviceRange    string
	provider        string
	workloadPool    string // "" when the project id is unknown
	nodeTag         string
}

// planner holds what every cluster's plan is checked against.
type planner struct {
	cfg *PrivateCluster
	src fnconfig.Source
	pkg *facts.Package
	res *results.Collector
}

func (p *planner) plan(c *facts.Cluster) *plan {
	pl := &plan{
		cluster:         c,
		autopilot:       c.Spec.EnableAutopilot != nil && *c.Spec.EnableAutopilot,
		privateEndpoint: p.cfg.EnablePrivateEndpoint,
		globalAccess:    p.cfg.MasterGlobalAccess,
		authorized:      p.cfg.MasterAuthorizedNetworks,
	}
	if pl.privateEndpoint == nil && !hasPrivateEndpointSetting(c) {
		no := false
		pl.privateEndpoint = &no
	}
	p.planMasterCIDR(pl)
	p.checkExistingAuthorizedNetworks(c)
	p.planRanges(pl)
	pl.provider = p.planProvider(c)
	pl.nodeTag = p.cfg.NodeTag
	if pl.nodeTag == "" {
		pl.nodeTag = c.Name() + "-node"
	}
	if c.ProjectID != "" {
		pl.workloadPool = c.ProjectID + ".svc.id.goog"
	} else if c.Spec.WorkloadIdentityConfig == nil || c.Spec.WorkloadIdentityConfig.WorkloadPool == nil {
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
	value, report := DefaultMasterCIDR, func(format string, args ...any) { p.src.Error(p.res, "masterIpv4CidrBlock", format, args...) }
	switch {
	case p.cfg.MasterIPv4CIDRBlock != "":
		value = p.cfg.MasterIPv4CIDRBlock
		pl.masterOrigin = "set by the config's " + p.src.Field("masterIpv4CidrBlock")
	case c.Spec.PrivateClusterConfig != nil && c.Spec.PrivateClusterConfig.MasterIpv4CidrBlock != nil:
		value = *c.Spec.PrivateClusterConfig.MasterIpv4CidrBlock
		pl.masterOrigin = "set on the cluster"
		report = func(format string, args ...any) { p.res.Error(c.Object, clusterField, format, args...) }
	default:
		pl.masterOrigin = "the default"
		report = func(format string, args ...any) {
			p.res.Error(c.Object, clusterField, format+" (this is the default range: set masterIpv4CidrBlock in the config or on the cluster)", args...)
		}
	}
	prefix, problem := parseMasterCIDR(value)
	if problem != "" {
		report("%s", problem)
		return
	}
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
	if ip := c.Spec.IpAllocationPolicy; ip != nil {
		for _, s := range []*string{ip.ClusterIpv4CidrBlock, ip.ServicesIpv4CidrBlock} {
			if s == nil {
				continue
			}
			if pr, err := netip.ParsePrefix(*s); err == nil {
				out = append(out, namedPrefix{pr, fmt.Sprintf("the cluster's ipAllocationPolicy range %s", pr)})
			}
		}
	}
	return out
}

// freeMasterRange suggests the first /28 in 172.16.0.0/12 that overlaps
// nothing taken, so the error can say what would work.
func freeMasterRange(taken []namedPrefix) netip.Prefix {
	candidate := netip.MustParsePrefix(DefaultMasterCIDR)
	for i := 0; i < 1<<16; i++ {
		if !slices.ContainsFunc(taken, func(t namedPrefix) bool { return t.prefix.Overlaps(candidate) }) {
			return candidate
		}
		next := candidate.Addr().As4()
		n := uint32(next[0])<<24 | uint32(next[1])<<16 | uint32(next[2])<<8 | uint32(next[3])
		n += 16
		candidate = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), 28)
	}
	return candidate
}

// checkExistingAuthorizedNetworks refuses a cluster whose own authorized
// networks open the control plane to the internet, when the config does
// not replace them.
func (p *planner) checkExistingAuthorizedNetworks(c *facts.Cluster) {
	man := c.Spec.MasterAuthorizedNetworksConfig
	if p.cfg.MasterAuthorizedNetworks != nil || man == nil {
		return
	}
	for i, b := range man.CidrBlocks {
		if problem := checkAuthorizedCIDR(b.CidrBlock, p.cfg.AllowPublicAuthorizedNetworks); problem != "" {
			p.res.Error(c.Object, fmt.Sprintf("spec.masterAuthorizedNetworksConfig.cidrBlocks[%d].cidrBlock", i), "%s", problem)
		}
	}
}

// planRanges decides the secondary range names of a VPC-native cluster:
// from the config, else from the cluster, else from the subnetwork when it
// leaves no doubt. A doubt is an error, never a guess.
func (p *planner) planRanges(pl *plan) {
	c := pl.cluster
	sub := c.Subnetwork
	if p.cfg.ClusterSecondaryRangeName != "" {
		pl.podRange, pl.serviceRange = p.cfg.ClusterSecondaryRangeName, p.cfg.ServicesSecondaryRangeName
		if sub != nil {
			for _, f := range [][2]string{{"clusterSecondaryRangeName", pl.podRange}, {"servicesSecondaryRangeName", pl.serviceRange}} {
				field, name := f[0], f[1]
				if _, ok := sub.Range(name); !ok {
					p.src.Error(p.res, field, "%s has no secondary range %q; it has %s", results.Describe(sub.Object), name, listOrNone(sub.RangeNames()))
				}
			}
		}
		return
	}
	if ip := c.Spec.IpAllocationPolicy; ip != nil && (ip.ClusterSecondaryRangeName != nil || ip.ClusterIpv4CidrBlock != nil) {
		return // the cluster already says; keep it
	}
	if sub == nil || len(sub.Secondary) == 0 {
		return // GKE allocates the ranges itself
	}
	pods, services := rangesByName(sub)
	if len(pods) != 1 || len(services) != 1 {
		p.res.Error(c.Object, "spec.ipAllocationPolicy",
			"cannot tell which secondary ranges of %s are for pods and for Services (it has %s): set clusterSecondaryRangeName and servicesSecondaryRangeName in the config",
			results.Describe(sub.Object), listOrNone(sub.RangeNames()))
		return
	}
	pl.podRange, pl.serviceRange = pods[0], services[0]
}

// rangesByName sorts a subnetwork's secondary ranges by what their names
// say: "pods"/"cluster" ranges and "services"/"svc" ranges.
func rangesByName(sub *facts.Subnetwork) (pods, services []string) {
	for _, r := range sub.Secondary {
		name := strings.ToLower(r.Name)
		isPods := strings.Contains(name, "pod") || strings.Contains(name, "cluster")
		isServices := strings.Contains(name, "service") || strings.Contains(name, "svc")
		switch {
		case isPods && !isServices:
			pods = append(pods, r.Name)
		case isServices && !isPods:
			services = append(services, r.Name)
		}
	}
	return pods, services
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

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
