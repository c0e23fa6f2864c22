// Package cloudnat is the cloud-nat generator: it gives every VPC network
// and region that the package's clusters use a Cloud Router and a Cloud NAT
// gateway (with static addresses when asked), the route to the internet
// that NAT needs when the network deleted its default route, and the
// egress allows for the outside destinations the user lists: VPC firewall
// rules for CIDR ranges and a network firewall policy for host names.
//
// Priorities are read from the package, not asked for: the allows beat the
// deny-all egress rules they find, and the internet route loses to the
// route to the Google API VIP.
package cloudnat

import (
	_ "embed"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/owned"
)

// Name is the function's name, as in its image and binary.
const Name = "cloud-nat"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Processor[CloudNAT]{
		Kind:     Kind,
		Defaults: func() CloudNAT { return CloudNAT{} },
		Run:      run,
	}
}

func run(in krmfn.Input[CloudNAT]) fn.KubeObjects {
	owner := owned.OwnerOf(Name, in.Source.Object)
	pkg := facts.Read(in.Items, in.Results)
	if len(pkg.Clusters) == 0 {
		if !in.Results.HasErrors() {
			in.Results.Info(nil, "", "no ContainerCluster in the package: nothing to generate")
		}
		// Whatever an earlier run generated is no longer needed.
		return owned.Reconcile(in.Items, owner, nil, in.Results)
	}
	p := newPlanner(in, pkg, owner)
	var desired []*fn.KubeObject
	for _, n := range p.networks() {
		desired = append(desired, p.generate(n)...)
	}
	if in.Results.HasErrors() {
		return in.Items
	}
	out := owned.Reconcile(in.Items, owner, desired, in.Results)
	if !in.Results.HasErrors() {
		p.reportNotes()
	}
	return out
}
