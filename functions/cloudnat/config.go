package cloudnat

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "CloudNAT"

// NAT IP allocation options (ComputeRouterNAT spec.natIpAllocateOption).
const (
	AutoOnly   = "AUTO_ONLY"
	ManualOnly = "MANUAL_ONLY"
)

// Values of the subnetworks switch.
const (
	// SubnetworksAll translates every range of every subnetwork of the
	// network in the region (ALL_SUBNETWORKS_ALL_IP_RANGES).
	SubnetworksAll = "all"
	// SubnetworksClusters translates only the clusters' subnetworks, all of
	// their ranges (LIST_OF_SUBNETWORKS with ALL_IP_RANGES).
	SubnetworksClusters = "clusters"
)

// Limits and defaults this function enforces; the README says where each
// comes from. The egress allows take GCP's default priority
// (gcp.DefaultPriority) when the package has no deny-all egress rule to
// beat, and the internet route the priority of the default route it
// stands in for (gcp.DefaultRoutePriority) when the package has no VIP
// route to lose to.
const (
	// FQDNRulePriority is the priority of the allowedHosts rule inside its
	// own network firewall policy, where it is the only rule.
	FQDNRulePriority = 1000
	// MaxStaticAddresses is Cloud NAT's limit of NAT IP addresses per gateway.
	MaxStaticAddresses = 300
	// MaxHosts is GCP's limit of FQDNs in one firewall policy rule.
	MaxHosts = 100
)

var logFilters = []string{"ALL", "ERRORS_ONLY", "TRANSLATIONS_ONLY"}

// CloudNAT is the function config (spec of kind CloudNAT, or the same keys
// in a ConfigMap's data). Everything else is read from the package.
type CloudNAT struct {
	// NatIPAllocateOption is AUTO_ONLY (the default: Google allocates the
	// NAT addresses) or MANUAL_ONLY (static addresses this function makes).
	NatIPAllocateOption string `json:"natIpAllocateOption,omitempty"`
	// StaticAddressCount is how many static external addresses each NAT
	// gets with MANUAL_ONLY.
	StaticAddressCount *int `json:"staticAddressCount,omitempty"`
	// Subnetworks is "all" (the default) or "clusters".
	Subnetworks string `json:"subnetworks,omitempty"`
	// LogFilter turns NAT logging on: ERRORS_ONLY, TRANSLATIONS_ONLY or ALL.
	LogFilter string `json:"logFilter,omitempty"`
	// MinPortsPerVM and MaxPortsPerVM size each node's share of NAT ports;
	// MaxPortsPerVM needs dynamic port allocation.
	MinPortsPerVM *int64 `json:"minPortsPerVm,omitempty"`
	MaxPortsPerVM *int64 `json:"maxPortsPerVm,omitempty"`
	// EndpointIndependentMapping and DynamicPortAllocation switch the NAT
	// features of those names; they exclude each other.
	EndpointIndependentMapping *bool `json:"endpointIndependentMapping,omitempty"`
	DynamicPortAllocation      *bool `json:"dynamicPortAllocation,omitempty"`
	// AllowedCIDRs are outside ranges the clusters' nodes may reach, read
	// as the firewall rule they go into takes them (fnconfig.Range).
	AllowedCIDRs []fnconfig.Range `json:"allowedCidrs,omitempty"`
	// AllowedHosts are outside host names the nodes may reach.
	AllowedHosts []string `json:"allowedHosts,omitempty"`
	// IAPKeys lets the nodes reach the host of Identity-Aware Proxy's
	// signing keys (gcp.IAPKeysHost) on 443: Istio downloads them to
	// check the JWT of every request that comes through IAP.
	IAPKeys bool `json:"iapKeys,omitempty"`
	// AllowedPorts are the TCP ports of both allows; default 443.
	AllowedPorts fnconfig.Ports `json:"allowedPorts,omitempty"`
	// AllowPriority overrides the priority of the allowedCidrs rules,
	// which by default is derived from the deny-all egress rules.
	AllowPriority *int64 `json:"allowPriority,omitempty"`
	// InternetRoutePriority overrides the priority of the route to the
	// internet, which by default is derived from the route to the VIP.
	InternetRoutePriority *int64 `json:"internetRoutePriority,omitempty"`
}

// allocateOption is the NAT IP allocation with its default.
func (c *CloudNAT) allocateOption() string {
	if c.NatIPAllocateOption == "" {
		return AutoOnly
	}
	return c.NatIPAllocateOption
}

func (c *CloudNAT) dynamicPorts() bool {
	return c.DynamicPortAllocation != nil && *c.DynamicPortAllocation
}

// ports are the allowed TCP ports with their default, as firewall rules
// write them.
func (c *CloudNAT) ports() []string {
	if c.AllowedPorts == nil {
		return []string{"443"}
	}
	out := make([]string, len(c.AllowedPorts))
	for i, r := range c.AllowedPorts.Ranges() {
		out[i] = r.String()
	}
	return out
}

// cidrs are the allowed ranges, deduplicated and sorted; valid after Validate.
func (c *CloudNAT) cidrs() []string {
	var out []netip.Prefix
	for _, r := range c.AllowedCIDRs {
		if r.Err() == nil {
			out = append(out, r.Prefix)
		}
	}
	slices.SortFunc(out, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	out = slices.Compact(out)
	s := make([]string, len(out))
	for i, p := range out {
		s[i] = p.String()
	}
	return s
}

// hosts are the allowed host names in lower case, deduplicated and
// sorted, IAP's keys host among them with iapKeys.
func (c *CloudNAT) hosts() []string {
	out := make([]string, 0, len(c.AllowedHosts)+1)
	for _, h := range c.AllowedHosts {
		out = append(out, normalizeHost(h))
	}
	if c.IAPKeys {
		out = append(out, gcp.IAPKeysHost)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Validate checks every field before anything runs.
func (c *CloudNAT) Validate(src fnconfig.Source, res *results.Collector) {
	c.validateAllocation(src, res)
	if !slices.Contains([]string{"", SubnetworksAll, SubnetworksClusters}, c.Subnetworks) {
		src.Error(res, "subnetworks", "unknown value %q: use %s (every subnetwork of the network in the region) or %s (only the clusters' subnetworks)",
			c.Subnetworks, SubnetworksAll, SubnetworksClusters)
	}
	if c.LogFilter != "" && !slices.Contains(logFilters, c.LogFilter) {
		src.Error(res, "logFilter", "unknown log filter %q: use %s, or leave it unset for no NAT logging", c.LogFilter, strings.Join(logFilters, ", "))
	}
	c.validatePorts(src, res)
	for i, r := range c.AllowedCIDRs {
		if problem := checkCIDR(r); problem != "" {
			src.Error(res, fnconfig.Index("allowedCidrs", i), "%s", problem)
		}
	}
	c.validateHosts(src, res)
	fnconfig.CheckValues(src, res, "allowedPorts", c.AllowedPorts)
	if c.AllowedPorts != nil && len(c.AllowedPorts) == 0 {
		src.Error(res, "allowedPorts", "list at least one TCP port or range, such as 443 or 8000-8100; leave allowedPorts unset for 443")
	}
	checkPriority(src, res, "allowPriority", c.AllowPriority)
	checkPriority(src, res, "internetRoutePriority", c.InternetRoutePriority)
}

func (c *CloudNAT) validateAllocation(src fnconfig.Source, res *results.Collector) {
	switch c.NatIPAllocateOption {
	case "", AutoOnly:
		if c.StaticAddressCount != nil {
			src.Error(res, "staticAddressCount", "static addresses need natIpAllocateOption: %s; with %s Google allocates the NAT addresses itself: set natIpAllocateOption to %s, or remove staticAddressCount",
				ManualOnly, AutoOnly, ManualOnly)
		}
	case ManualOnly:
		n := c.StaticAddressCount
		switch {
		case n == nil:
			src.Error(res, "staticAddressCount", "natIpAllocateOption %s needs staticAddressCount: how many static external addresses (1 to %d) each NAT gets", ManualOnly, MaxStaticAddresses)
		case *n < 1 || *n > MaxStaticAddresses:
			src.Error(res, "staticAddressCount", "%d is out of range: give 1 to %d static addresses per NAT", *n, MaxStaticAddresses)
		}
	default:
		src.Error(res, "natIpAllocateOption", "unknown option %q: use %s (Google allocates the addresses) or %s (static addresses, with staticAddressCount)",
			c.NatIPAllocateOption, AutoOnly, ManualOnly)
	}
}

// validatePorts checks the NAT port settings against what Cloud NAT takes
// (the ComputeRouterNAT field docs): with dynamic port allocation both
// bounds are powers of two, min from 32 and max up to 65536 and above min,
// and endpoint-independent mapping must be off; without it a VM gets a
// fixed number of ports from 2 to 65536.
func (c *CloudNAT) validatePorts(src fnconfig.Source, res *results.Collector) {
	dynamic := c.dynamicPorts()
	if dynamic && c.EndpointIndependentMapping != nil && *c.EndpointIndependentMapping {
		src.Error(res, "endpointIndependentMapping", "endpoint-independent mapping cannot be on with dynamic port allocation: set one of endpointIndependentMapping and dynamicPortAllocation to false")
	}
	if lo := c.MinPortsPerVM; lo != nil {
		switch {
		case dynamic && (*lo < 32 || *lo > 32768 || !powerOfTwo(*lo)):
			src.Error(res, "minPortsPerVm", "%d: with dynamic port allocation minPortsPerVm must be a power of two from 32 to 32768", *lo)
		case !dynamic && (*lo < 2 || *lo > 65536):
			src.Error(res, "minPortsPerVm", "%d: minPortsPerVm must be from 2 to 65536", *lo)
		}
	}
	hi := c.MaxPortsPerVM
	if hi == nil {
		return
	}
	lo := int64(32) // Cloud NAT's minimum with dynamic allocation
	if c.MinPortsPerVM != nil {
		lo = *c.MinPortsPerVM
	}
	switch {
	case !dynamic:
		src.Error(res, "maxPortsPerVm", "maxPortsPerVm needs dynamic port allocation: set dynamicPortAllocation: true, or remove maxPortsPerVm")
	case *hi < 64 || *hi > 65536 || !powerOfTwo(*hi):
		src.Error(res, "maxPortsPerVm", "%d: maxPortsPerVm must be a power of two from 64 to 65536", *hi)
	case *hi <= lo:
		src.Error(res, "maxPortsPerVm", "%d: maxPortsPerVm must be greater than minPortsPerVm (%d)", *hi, lo)
	}
}

func (c *CloudNAT) validateHosts(src fnconfig.Source, res *results.Collector) {
	for i, h := range c.AllowedHosts {
		if problem := checkHost(h); problem != "" {
			src.Error(res, fnconfig.Index("allowedHosts", i), "%s", problem)
		}
	}
	if n := len(c.hosts()); n > MaxHosts {
		src.Error(res, "allowedHosts", "%d hosts: a firewall policy rule takes at most %d", n, MaxHosts)
	}
	if c.IAPKeys && !c.allowsPort(443) {
		src.Error(res, "iapKeys", "IAP's keys are served on https (%s): add 443 to allowedPorts, which the allowedHosts rule takes, or leave allowedPorts unset", gcp.IAPKeysURL)
	}
}

// allowsPort tells whether the allowed TCP ports hold port.
func (c *CloudNAT) allowsPort(port int) bool {
	if c.AllowedPorts == nil {
		return true
	}
	want := gcp.PortRange{First: port, Last: port}
	return slices.ContainsFunc(c.AllowedPorts.Ranges(), func(r gcp.PortRange) bool { return r.Contains(want) })
}

func powerOfTwo(n int64) bool { return n > 0 && n&(n-1) == 0 }

func checkPriority(src fnconfig.Source, res *results.Collector, field string, p *int64) {
	if p != nil {
		src.Check(res, field, gcp.CheckPriority(*p))
	}
}

// checkCIDR checks an allowed destination range, parsed as the firewall
// rule it goes into takes it (fnconfig.Range).
func checkCIDR(r fnconfig.Range) string {
	p := r.Prefix
	switch {
	case r.Err() != nil:
		return r.Err().Error()
	case !p.Addr().Is4():
		return fmt.Sprintf("%s is IPv6: Cloud NAT translates IPv4 only, list IPv4 ranges", r.Text)
	case p.Bits() == 0:
		return fmt.Sprintf("%s allows the whole internet and undoes the deny-all egress rule: list the ranges the nodes need", r.Text)
	}
	return ""
}

func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// checkHost checks an allowed host name. Cloud NGFW's FQDN objects take
// plain DNS names only (gcp.CheckDNSName, on the name in lower case): no
// wildcards, no URLs, no addresses, which go in allowedCidrs.
func checkHost(raw string) string {
	h := normalizeHost(raw)
	switch {
	case h == "":
		return "empty host name"
	case strings.Contains(h, "*"):
		return fmt.Sprintf("%q: firewall policy FQDN rules take no wildcards: list each host, such as github.com and codeload.github.com", raw)
	case strings.Contains(h, "://") || strings.ContainsAny(h, "/:"):
		return fmt.Sprintf("%q is not a host name: give the name alone, such as github.com (the ports are allowedPorts)", raw)
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return fmt.Sprintf("%q is an address, not a host name: put it in allowedCidrs as %s/32", raw, h)
	}
	if err := gcp.CheckDNSName(h); err != nil {
		return err.Error()
	}
	return ""
}
