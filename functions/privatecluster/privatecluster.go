// Package privatecluster is the private-cluster mutator: it makes every
// ContainerCluster of the package (or the ones the config names) a private,
// VPC-native cluster with authorized networks, network policy enforcement,
// Workload Identity and shielded nodes, and tags its nodes for the firewall.
// It edits the user's objects field by field, so comments, setter markers
// and field order survive, and a second run changes nothing.
package privatecluster

import (
	_ "embed"
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Name is the function's name, as in its image and binary.
const Name = "private-cluster"

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
	return krmfn.Processor[PrivateCluster]{
		Kind:     Kind,
		Defaults: func() PrivateCluster { return PrivateCluster{} },
		Run:      run,
	}
}

func run(in krmfn.Input[PrivateCluster]) fn.KubeObjects {
	pkg := facts.Read(in.Items, in.Results)
	clusters := selectClusters(in, pkg)
	if len(clusters) == 0 {
		if !in.Results.HasErrors() {
			in.Results.Info(nil, "", "no ContainerCluster in the package: nothing to do")
		}
		return in.Items
	}
	for _, problem := range pkg.UnattachedNodePools() {
		in.Results.Error(problem.Object, problem.Field, "%s", problem.Message)
	}
	p := &planner{cfg: in.Config, src: in.Source, pkg: pkg, res: in.Results}
	plans := make([]*plan, len(clusters))
	for i, c := range clusters {
		plans[i] = p.plan(c)
		p.planned = append(p.planned, plans[i])
	}
	p.checkMasterRangesAcrossClusters(plans)
	if in.Config.NodeTag != "" && len(plans) > 1 {
		in.Source.Error(in.Results, "nodeTag",
			"one nodeTag for %d clusters would let each cluster's firewall rules reach the other's nodes: leave nodeTag unset (each cluster gets <name>-node) or name one cluster in clusters",
			len(plans))
	}
	if in.Results.HasErrors() {
		return in.Items // nothing is touched when anything is wrong
	}
	for _, pl := range plans {
		apply(pl, in.Results)
	}
	return in.Items
}

// selectClusters returns the clusters the config names, or all of them.
func selectClusters(in krmfn.Input[PrivateCluster], pkg *facts.Package) []*facts.Cluster {
	if len(in.Config.Clusters) == 0 {
		return pkg.Clusters
	}
	var out []*facts.Cluster
	for i, name := range in.Config.Clusters {
		idx := slices.IndexFunc(pkg.Clusters, func(c *facts.Cluster) bool { return c.Name() == name })
		if idx < 0 {
			in.Source.Error(in.Results, fnconfig.Index("clusters", i), "no ContainerCluster named %q in the package; it has %s",
				name, clusterNames(pkg.Clusters))
			continue
		}
		out = append(out, pkg.Clusters[idx])
	}
	return out
}

func clusterNames(cs []*facts.Cluster) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name()
	}
	return results.ListOrNone(names)
}
