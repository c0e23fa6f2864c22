// Package gcprules holds GCP's rules for the Config Connector objects of a
// package: what GCP would refuse (a port above 65535, a firewall rule with
// IPv4 and IPv6 ranges, a priority off the scale, a name or network tag
// GCP does not take, a location that is no region or zone, two objects
// with one GCP name in one project). Every generator checks what it is
// about to write against them (krmfn.Generator), so that a bad input
// becomes an error and never an object GCP refuses after apply; lint
// applies the same rules to the objects a user wrote.
//
// Each rule cites where GCP states it. The functions' own checks of their
// inputs come first and name the input field; these rules are the last
// line, one place that every function shares.
package gcprules

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/kcc"
)

// Violation is one rule an object breaks, at a field of that object.
type Violation struct {
	Field   string
	Message string
	// Warning marks a violation that may be the table's age rather than
	// the object's fault (a region newer than the table): reported, not
	// refused.
	Warning bool
	// Unreadable marks a value that is not a port or a range at all:
	// readers that parse the field (lint's firewall reader) report it
	// already, and skip it here.
	Unreadable bool
}

// rule checks one kind's objects.
type rule func(obj *fn.KubeObject, v *violations)

// kinds maps a Config Connector kind to its rules. Only Config
// Connector's groups are checked: a kind of the same name elsewhere is
// not GCP's.
var kinds = map[string][]rule{
	"ComputeFirewall":   {computeName, firewallPriority, firewallPorts, firewallRanges, firewallTags},
	"ComputeRoute":      {computeName, routePriority, routeRange, routeTags},
	"ComputeNetwork":    {computeName},
	"ComputeSubnetwork": {computeName, regionField("spec", "region")},
	"ComputeRouter":     {computeName, regionField("spec", "region")},
	"ComputeRouterNAT":  {computeName, regionField("spec", "region")},
	"ComputeAddress":    {computeName, optionalRegion},
	"ComputeInstance":   {computeName, zoneField("spec", "zone"), instanceTags},
	"ContainerCluster":  {clusterLocation, nodeLocations},
	"ContainerNodePool": {clusterLocation, nodeLocations, nodePoolTags},
}

// Check returns the rules obj breaks, in field order of the rules.
func Check(obj *fn.KubeObject) []Violation {
	rules, ok := kinds[obj.GetKind()]
	if !ok || !kcc.IsConfigConnector(obj) {
		return nil
	}
	var v violations
	for _, r := range rules {
		r(obj, &v)
	}
	return v.list
}

type violations struct{ list []Violation }

func (v *violations) add(field, format string, args ...any) {
	v.list = append(v.list, Violation{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *violations) unreadable(field, format string, args ...any) {
	v.list = append(v.list, Violation{Field: field, Message: fmt.Sprintf(format, args...), Unreadable: true})
}

func (v *violations) warn(field, format string, args ...any) {
	v.list = append(v.list, Violation{Field: field, Message: fmt.Sprintf(format, args...), Warning: true})
}
