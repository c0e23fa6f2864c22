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

	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// Name is the function's name, as in its image and binary.
const Name = "cloud-nat"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Metadata is the function's entry in the kpt function catalog's format
// (image, description, tags, example packages), shown by --doc.
//
//go:embed metadata.yaml
var Metadata []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Generator[CloudNAT]{
		Name:     Name,
		Kind:     Kind,
		Defaults: func() CloudNAT { return CloudNAT{} },
		Plan:     plan,
	}.Processor()
}

func plan(run *krmfn.Run[CloudNAT]) krmfn.Plan {
	pkg := run.Package()
	if len(pkg.Clusters) == 0 {
		if !run.Results.HasErrors() {
			run.Results.Info(nil, "", "no ContainerCluster in the package: nothing to generate")
		}
		return krmfn.Plan{} // whatever an earlier run generated is no longer needed
	}
	p := newPlanner(run.Input, pkg, run.Owner)
	var desired []*fn.KubeObject
	for _, n := range p.networks() {
		desired = append(desired, p.generate(n)...)
	}
	return krmfn.Plan{Desired: desired, Finish: func(fn.KubeObjects) { p.reportNotes() }}
}
