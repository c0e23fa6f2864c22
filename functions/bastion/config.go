package bastion

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
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
	InternalAddress string `json:"internalAddress,omitempty"`
	// Tag is the network tag cluster-firewall's IAP rule targets; default
	// <cluster>-bastion, the default of cluster-firewall's iapTag.
	Tag string `json:"tag,omitempty"`
	// ServiceAccount the instance runs as, instead of the generated one:
	// the name of an IAMServiceAccount object, or an e-mail address.
	ServiceAccount string `json:"serviceAccount,omitempty"`
}

// IsEnabled says whether the config asks for a bastion.
func (c *Bastion) IsEnabled() bool { return c.Enabled == nil || *c.Enabled }

var (
	gceName     = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	machineName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)
	k8sName     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)
	saEmail     = regexp.MustCompile(`^[a-z0-9][-a-z0-9._]*@[a-z0-9][-a-z0-9.]*\.[a-z]+$`)
)

// Validate checks every field's form before anything runs; what depends
// on the package (the zone's region, the address's range) is checked by
// the run.
func (c *Bastion) Validate(src fnconfig.Source, res *results.Collector) {
	if c.Cluster != "" {
		if ns, name := splitClusterKey(c.Cluster); !k8sName.MatchString(name) || (ns != "" && !k8sName.MatchString(ns)) {
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
	if c.InternalAddress != "" {
		if _, problem := parseAddress(c.InternalAddress); problem != "" {
			src.Error(res, "internalAddress", "%s", problem)
		}
	}
	if c.Tag != "" && !gceName.MatchString(c.Tag) {
		src.Error(res, "tag", "%q is not a valid network tag: lower-case letters, digits and hyphens, starting with a letter, at most 63 characters", c.Tag)
	}
	c.validateServiceAccount(src, res)
}

func (c *Bastion) validateServiceAccount(src fnconfig.Source, res *results.Collector) {
	sa := c.ServiceAccount
	switch {
	case sa == "":
	case strings.Contains(sa, "@") && !saEmail.MatchString(sa):
		src.Error(res, "serviceAccount", "%q is not a service account e-mail such as ops@my-project.iam.gserviceaccount.com", sa)
	case strings.HasSuffix(sa, "-compute@developer.gserviceaccount.com"):
		res.Warning(src.Object, src.Field("serviceAccount"),
			"%s is the Compute Engine default service account, which often holds the Editor role: give the bastion an account of its own, or leave serviceAccount unset to get one with only log and metric writing", sa)
	case !strings.Contains(sa, "@") && !k8sName.MatchString(sa):
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

// parseAddress reads the internal address: one IPv4 address, no prefix.
func parseAddress(s string) (netip.Addr, string) {
	if strings.Contains(s, "/") {
		return netip.Addr{}, "\"" + s + "\" is a range: give the bastion's single address, such as 10.0.0.10"
	}
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return a, "\"" + s + "\" is not an IPv4 address such as 10.0.0.10"
	case !a.Is4():
		return a, s + " is not an IPv4 address: GCP gives instances their internal address from the subnetwork's IPv4 range"
	}
	return a, ""
}

// splitClusterKey splits "namespace/name" (or just "name").
func splitClusterKey(key string) (namespace, name string) {
	if ns, n, found := strings.Cut(key, "/"); found {
		return ns, n
	}
	return "", key
}
