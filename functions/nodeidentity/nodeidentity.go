// Package nodeidentity is the node-identity generator: it gives the nodes
// of every ContainerCluster of the package a service account of their own
// in place of the Compute Engine default one, which often holds the Editor
// role on the project. The account gets the one role GKE documents for
// nodes, on the cluster's project, and read access to the package's
// Artifact Registry repository (the mirror the private nodes pull from)
// rather than to every repository of the project. Every place GKE takes
// the nodes' account from is pointed at it, editing the cluster and its
// node pools in place so that comments and setter markers survive. An
// account the user gave the nodes is kept, and its broad roles reported.
// A second run changes nothing.
package nodeidentity

import (
	_ "embed"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// Name is the function's name, as in its image and binary.
const Name = "node-identity"

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
	return krmfn.Generator[NodeIdentity]{
		Name:     Name,
		Kind:     Kind,
		Defaults: func() NodeIdentity { return NodeIdentity{} },
		Plan:     planNodeIdentity,
	}.Processor()
}

func planNodeIdentity(run *krmfn.Run[NodeIdentity]) krmfn.Plan {
	pkg := run.Package()
	p := &planner{cfg: run.Config, src: run.Source, pkg: pkg, res: run.Results, iam: facts.ReadIAM(pkg, run.Results)}
	if len(pkg.Clusters) == 0 {
		if !run.Results.HasErrors() {
			run.Results.Info(nil, "", "no ContainerCluster in the package: nothing generated")
		}
		return krmfn.Plan{} // the accounts of clusters now gone go too
	}
	repo := p.repository()
	plans := make([]*plan, len(pkg.Clusters))
	for i, c := range pkg.Clusters {
		plans[i] = p.plan(c)
	}
	p.checkDistinct(plans)
	if run.Results.HasErrors() {
		return krmfn.Plan{}
	}
	g := &generator{res: run.Results}
	for _, pl := range plans {
		if pl.generates() {
			g.account(pl, repo)
		}
	}
	return krmfn.Plan{Desired: g.out, Finish: func(fn.KubeObjects) {
		for _, pl := range plans {
			p.finish(pl, repo)
		}
	}}
}
