// Package clusterfirewall is the cluster-firewall generator: for every
// ContainerCluster of the package it generates the ComputeFirewall rules
// that fence its nodes (deny all egress, then allow the Google API VIP, the
// control plane, admission webhooks, load balancer health checks, traffic
// within the cluster and IAP SSH to a bastion), and can turn VPC Flow Logs
// on for the subnetworks of the nodes. What it needs (networks,
// ranges, master CIDR, node tag, webhook and load balancer ports) it reads
// from the package; the config only says what the package cannot.
package clusterfirewall

import (
	_ "embed"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// Name is the function's name, as in its image and binary.
const Name = "cluster-firewall"

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
	return krmfn.Generator[ClusterFirewall]{Name: Name, Kind: Kind, Defaults: defaults, Plan: plan}.Processor()
}

func plan(run *krmfn.Run[ClusterFirewall]) krmfn.Plan {
	in, pkg := run.Input, run.Package()
	if len(pkg.Clusters) == 0 {
		if !in.Results.HasErrors() {
			in.Results.Info(nil, "", "no ContainerCluster in the package: no firewall rules to generate")
		}
		return krmfn.Plan{} // prunes what an earlier run made
	}
	if in.Config.NodeTag != "" && len(pkg.Clusters) > 1 {
		in.Source.Error(in.Results, "nodeTag",
			"one nodeTag for %d clusters would aim each cluster's rules at the other's nodes too: leave nodeTag unset and tag each cluster's nodes <cluster>-node (private-cluster does)",
			len(pkg.Clusters))
	}
	ports := discoverPorts(in, pkg)
	var desired []*fn.KubeObject
	logs := &subnetLogs{}
	for _, c := range sortedClusters(pkg.Clusters) {
		if t, ok := planCluster(in, pkg, c); ok {
			desired = append(desired, t.build(in, ports)...)
			logs.add(in, c)
		}
	}
	// The subnetworks are the user's: they are edited once the rules are
	// in place, never generated (krmfn.Plan.Finish).
	return krmfn.Plan{Desired: desired, Finish: func(fn.KubeObjects) { logs.apply(in.Results) }}
}

// sortedClusters orders clusters by namespace and name, so the generated
// rules come out in the same order whatever the order of the files.
func sortedClusters(cs []*facts.Cluster) []*facts.Cluster {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b *facts.Cluster) int {
		if c := strings.Compare(a.Object.GetNamespace(), b.Object.GetNamespace()); c != 0 {
			return c
		}
		return strings.Compare(a.Name(), b.Name())
	})
	return out
}
