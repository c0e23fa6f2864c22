package bastion

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "Bastion"

// DefaultMachineType is small on purpose: the bastion only forwards
// kubectl's connections to the control plane.
const DefaultMachineType = "e2-small"

// Bastion is the function config (spec of kind Bastion, or the same keys
// in a ConfigMap's data). Every field is optional: an unset field takes
// what the package says, or the documented default.
type Bastion struct {
	// Enabled switches the bastion on (the default) or off. Off removes
	// what an earlier render made: the instance and its objects, and its
	// entry in the cluster's authorized networks. A blueprint ships it
	// off and drives it with a setter.
	Enabled *bool `json:"enabled,omitempty"`
	// Cluster names the ContainerCluster the bastion serves ("name" or
	// "namespace/name"); it may be left out when the package has one.
	Cluster string `json:"cluster,omitempty"`
	// Zone of the instance, in the region of the cluster's subnetwork.
	Zone string `json:"zone,omitempty"`
	// MachineType of the instance; default e2-small.
	MachineType string `json:"machineType,omitempty"`
	// InternalAddress is the instance's static address in the primary
	// range of the cluster's subnetwork; default its last usable address.
	InternalAddress Address `json:"internalAddress,omitempty"`
	// Tag is the network tag cluster-firewall's IAP rule targets; default
	// <cluster>-bastion, the default of cluster-firewall's iapTag.
	Tag string `json:"tag,omitempty"`
	// ServiceAccount the instance runs as, instead of the generated one:
	// the name of an IAMServiceAccount object, or an e-mail address.
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// Operators are the principals (user:, group: or serviceAccount:)
	// who may reach the bastion: each gets the IAP tunnel role, the OS
	// Login role on the instance, and Service Account User on the
	// instance's account, and nothing more.
	Operators []Operator `json:"operators,omitempty"`
}

// IsEnabled says whether the config asks for a bastion.
func (c *Bastion) IsEnabled() bool { return c.Enabled == nil || *c.Enabled }

// Forms bastion checks before the run to catch a typo early. They are
// bastion's own, not rules Google documents: a machine type is written
// family first (e2-small, n2-standard-2, custom-2-4096), and a service
// account e-mail is name@domain. Compute Engine and IAM judge the names
// themselves.
var (
	machineName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)
	saEmail     = regexp.MustCompile(`^[a-z0-9][-a-z0-9._]*@[a-z0-9][-a-z0-9.]*\.[a-z]+$`)
)

// Validate checks every field's form before anything runs; what depends
// on the package (the zone's region, the address's range) is checked by
// the run.
func (c *Bastion) Validate(src fnconfig.Source, res *results.Collector) {
	if c.Cluster != "" {
		// A ContainerCluster is named by DNS subdomain, its namespace by
		// DNS label (RFC 1123, no dots):
		// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
		if ns, name := splitClusterKey(c.Cluster); !gcp.IsDNSSubdomain(name) || (ns != "" && !gcp.IsDNSLabel(ns)) {
			src.Error(res, "cluster", "%q is not a cluster name: give the ContainerCluster's metadata.name, or namespace/name", c.Cluster)
		}
	}
	if c.Zone != "" {
		if problem := checkZone(c.Zone); problem != "" {
			src.Error(res, "zone", "%s", problem)
		}
	}
	if c.MachineType != "" && !machineName.MatchString(c.MachineType) {
		src.Error(res, "machineType", "%q is not a machine type name: write it like %s or n2-standard-2 (lower case, the family first)",
			c.MachineType, DefaultMachineType)
	}
	if c.InternalAddress.IsSet() {
		src.CheckValue(res, "internalAddress", &c.InternalAddress)
	}
	if c.Tag != "" {
		src.Check(res, "tag", gcp.CheckNetworkTag(c.Tag))
	}
	c.validateServiceAccount(src, res)
	c.validateOperators(src, res)
}

// validateOperators reports each operator that is not a principal, and
// each listed twice, at its place in the list.
func (c *Bastion) validateOperators(src fnconfig.Source, res *results.Collector) {
	fnconfig.CheckValues(src, res, "operators", c.Operators)
	seen := map[string]bool{}
	for i, o := range c.Operators {
		if o.Err() == nil && seen[o.Member] {
			src.Error(res, fnconfig.Index("operators", i), "%s is listed twice: list each operator once", o.Member)
		}
		seen[o.Member] = true
	}
}

func (c *Bastion) validateServiceAccount(src fnconfig.Source, res *results.Collector) {
	sa := c.ServiceAccount
	switch {
	case sa == "":
	case strings.Contains(sa, "@") && !saEmail.MatchString(sa):
		src.Error(res, "serviceAccount", "%q is not a service account e-mail such as ops@my-project.iam.gserviceaccount.com", sa)
	case gcp.IsComputeDefaultServiceAccount(sa):
		res.Warning(src.Object, src.Field("serviceAccount"),
			"%s is the Compute Engine default service account, which often holds the Editor role: give the bastion an account of its own, or leave serviceAccount unset to get one with only log and metric writing", sa)
	case !strings.Contains(sa, "@") && !gcp.IsDNSSubdomain(sa):
		src.Error(res, "serviceAccount", "%q is neither an IAMServiceAccount's metadata.name nor a service account e-mail", sa)
	}
}

// checkZone says what is wrong with the form of a zone name.
func checkZone(zone string) string {
	switch {
	case facts.IsZone(zone):
		return ""
	case facts.IsRegion(zone):
		return "\"" + zone + "\" is a region: name one of its zones, such as " + firstZone(zone)
	}
	return "\"" + zone + "\" is not a zone name such as us-central1-a"
}

// Address is the internal address in the config: one IPv4 address, no
// prefix, the address bastion reserves for the instance. It is bastion's
// own Value: no other function reads an instance's address. Addr is the
// address, read once when the config is loaded, so that the run never
// reads the text again; invalid when Err is set.
type Address struct {
	fnconfig.Scalar
	Addr netip.Addr
}

var _ fnconfig.Value = &Address{}

// Parse implements fnconfig.Value.
func (a *Address) Parse() {
	addr, err := parseAddress(a.Text)
	a.Addr = addr
	a.SetErr(err)
}

// parseAddress reads the internal address: one IPv4 address, no prefix.
func parseAddress(s string) (netip.Addr, error) {
	if strings.Contains(s, "/") {
		return netip.Addr{}, fmt.Errorf("%q is a range: give the bastion's single address, such as 10.0.0.10", s)
	}
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 address such as 10.0.0.10", s)
	case !a.Is4():
		return netip.Addr{}, fmt.Errorf("%s is not an IPv4 address: GCP gives instances their internal address from the subnetwork's IPv4 range", s)
	}
	return a, nil
}

// Operator is one principal of the operators list, as an IAM member
// writes it (gcp.ParsePrincipal). Member is the principal, read once when
// the config is loaded; "" when Err is set.
type Operator struct {
	fnconfig.Scalar
	Member string
}

var _ fnconfig.Value = &Operator{}

// Parse implements fnconfig.Value.
func (o *Operator) Parse() {
	member, err := gcp.ParsePrincipal(o.Text)
	o.Member = member
	o.SetErr(err)
}

// splitClusterKey splits "namespace/name" (or just "name").
func splitClusterKey(key string) (namespace, name string) {
	if ns, n, found := strings.Cut(key, "/"); found {
		return ns, n
	}
	return "", key
}
