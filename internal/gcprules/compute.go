package gcprules

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// computeName checks the object's name in GCP (spec.resourceID when set,
// else metadata.name, Config Connector's rule) against Compute Engine's
// resource name format: 1 to 63 characters, RFC 1035
// (https://cloud.google.com/compute/docs/naming-resources#resource-name-format).
func computeName(obj *fn.KubeObject, v *violations) {
	field, name := "metadata.name", obj.GetName()
	if id, found, _ := obj.NestedString("spec", "resourceID"); found {
		field, name = "spec.resourceID", id
	}
	if !gcp.IsResourceName(name) {
		v.add(field, "%q is not a name GCP takes for a %s: %s", name, obj.GetKind(), gcp.ResourceNameRule)
	}
}

// priority checks a priority on the 0 to 65535 scale firewall rules and
// routes share (gcp.CheckPriority).
func priority(obj *fn.KubeObject, v *violations) {
	p, found, err := obj.NestedInt64("spec", "priority")
	switch {
	case err != nil:
		v.add("spec.priority", "spec.priority must be a whole number from %d to %d", gcp.MinPriority, gcp.MaxPriority)
	case found:
		if err := gcp.CheckPriority(p); err != nil {
			v.add("spec.priority", "%v", err)
		}
	}
}

// Both CRDs state the range: ComputeFirewall "an integer between 0 and
// 65535, both inclusive", ComputeRoute "Valid range is 0 through 65535"
// (Config Connector v1.154.1, config/crds/resources).
var (
	firewallPriority = priority
	routePriority    = priority
)

// firewallPorts checks every port of spec.allow[].ports and
// spec.deny[].ports: a port or a range from 0 to 65535
// (gcp.ParsePortRange).
func firewallPorts(obj *fn.KubeObject, v *violations) {
	for _, list := range []string{"allow", "deny"} {
		entries, _, _ := obj.NestedSlice("spec", list)
		for i, e := range entries {
			ports, _, err := e.NestedStringSlice("ports")
			field := "spec." + list + "[" + strconv.Itoa(i) + "].ports"
			if err != nil {
				v.add(field, "%s must be a list of ports as strings, such as [\"443\", \"8000-8100\"]", field)
				continue
			}
			for j, p := range ports {
				if _, err := gcp.ParsePortRange(p, gcp.MinPort); err != nil {
					v.unreadable(field+"["+strconv.Itoa(j)+"]", "%v", err)
				}
			}
		}
	}
}

// firewallRanges checks spec.sourceRanges and spec.destinationRanges: each
// a range or an address (gcp.ParseRange), and all of one address family:
// "A firewall rule can contain either IPv4 or IPv6 ranges, but not both"
// (https://cloud.google.com/firewall/docs/using-firewalls).
func firewallRanges(obj *fn.KubeObject, v *violations) {
	var first netip.Prefix
	var firstField string
	for _, list := range []string{"sourceRanges", "destinationRanges"} {
		ranges, _, err := obj.NestedStringSlice("spec", list)
		if err != nil {
			v.add("spec."+list, "spec.%s must be a list of ranges as strings", list)
			continue
		}
		for i, r := range ranges {
			field := "spec." + list + "[" + strconv.Itoa(i) + "]"
			p, err := gcp.ParseRange(r)
			if err != nil {
				v.unreadable(field, "%v", err)
				continue
			}
			if !first.IsValid() {
				first, firstField = p, field
			} else if p.Addr().Is4() != first.Addr().Is4() {
				v.add(field, "%s is %s but %s is %s: a firewall rule holds IPv4 or IPv6 ranges, not both; write one rule for each family",
					field, family(p), firstField, family(first))
			}
		}
	}
}

func family(p netip.Prefix) string {
	if p.Addr().Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// routeRange checks spec.destRange: a range in CIDR notation.
func routeRange(obj *fn.KubeObject, v *violations) {
	r, found, err := obj.NestedString("spec", "destRange")
	if err != nil || found && !validCIDR(r) {
		v.add("spec.destRange", "spec.destRange %q is not a range in CIDR notation such as 199.36.153.4/30", r)
	}
}

func validCIDR(s string) bool {
	_, ok := gcp.ParseCIDR(s)
	return ok
}

// Network tags follow the resource name format
// (https://cloud.google.com/vpc/docs/add-remove-network-tags,
// "Requirements for network tags"; gcp.CheckNetworkTag).
func firewallTags(obj *fn.KubeObject, v *violations) {
	tags(obj, v, "spec", "sourceTags")
	tags(obj, v, "spec", "targetTags")
}

func routeTags(obj *fn.KubeObject, v *violations)    { tags(obj, v, "spec", "tags") }
func instanceTags(obj *fn.KubeObject, v *violations) { tags(obj, v, "spec", "tags") }
func nodePoolTags(obj *fn.KubeObject, v *violations) { tags(obj, v, "spec", "nodeConfig", "tags") }

func tags(obj *fn.KubeObject, v *violations, fields ...string) {
	field := strings.Join(fields, ".")
	list, _, err := obj.NestedStringSlice(fields...)
	if err != nil {
		v.add(field, "%s must be a list of network tags as strings", field)
		return
	}
	for i, t := range list {
		if err := gcp.CheckNetworkTag(t); err != nil {
			v.add(field+"["+strconv.Itoa(i)+"]", "%v", err)
		}
	}
}
