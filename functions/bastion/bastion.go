// Package bastion is the bastion generator: for the package's
// ContainerCluster (or the one the config names) it generates a small
// Shielded VM without an external address, reached through IAP TCP
// forwarding and OS Login, with a static internal address known at render
// time and a service account that can only write logs and metrics. Its
// egress is fenced (deny all, allow the control plane and the Google API
// VIP), and the operators the config lists get the IAP tunnel and OS
// Login roles to reach it. It then adds that address to the cluster's
// master authorized networks,
// editing the cluster in place so that comments and setter markers
// survive. A second run changes nothing.
package bastion

import (
	_ "embed"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/owned"
)

// Name is the function's name, as in its image and binary.
const Name = "bastion"

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
	return krmfn.Generator[Bastion]{
		Name:     Name,
		Kind:     Kind,
		Defaults: func() Bastion { return Bastion{} },
		Plan:     planBastion,
	}.Processor()
}

func planBastion(run *krmfn.Run[Bastion]) krmfn.Plan {
	if !run.Config.IsEnabled() {
		return disable(run)
	}
	pkg := run.Package()
	p := &planner{cfg: run.Config, src: run.Source, pkg: pkg, res: run.Results, owner: run.Owner}
	c := p.selectCluster()
	if c == nil {
		if !run.Results.HasErrors() {
			run.Results.Info(nil, "", "no ContainerCluster in the package: nothing generated")
		}
		return krmfn.Plan{} // a bastion made earlier for a cluster now gone goes too
	}
	pl := p.plan(c)
	if run.Results.HasErrors() {
		return krmfn.Plan{}
	}
	g := &generator{res: run.Results}
	g.bastion(pl)
	return krmfn.Plan{Desired: g.out, Finish: func(fn.KubeObjects) {
		editClusters(pkg, pl, staleInstances(run.Items, run.Owner, pl.names.instance), run.Input)
		summarize(pl, g.out, run.Input)
	}}
}

// disable removes the bastion a config made before it was switched off:
// its objects, and its /32 in every cluster's authorized networks.
func disable(run *krmfn.Run[Bastion]) krmfn.Plan {
	stale := staleInstances(run.Items, run.Owner, "")
	return krmfn.Plan{Finish: func(fn.KubeObjects) {
		if len(stale) > 0 {
			for _, c := range run.Package().Clusters {
				authorize(c.Object, nil, stale, run.Results)
			}
		}
		run.Results.Info(nil, "", "bastion disabled (enabled: false): no bastion generated%s", removedNote(stale))
	}}
}

func removedNote(stale []string) string {
	if len(stale) == 0 {
		return ""
	}
	return "; removed " + strings.Join(stale, ", ") + " and its authorized network"
}

// editClusters puts the bastion's /32 into its cluster's authorized
// networks, and takes out the entries of bastions this config made
// before for any cluster, which it makes no more.
func editClusters(pkg *facts.Package, pl *plan, stale []string, in krmfn.Input[Bastion]) {
	for _, c := range pkg.Clusters {
		var want *entry
		if c == pl.cluster {
			want = &entry{displayName: pl.names.instance, cidrBlock: pl.address.String() + "/32"}
		}
		if want != nil || len(stale) > 0 {
			authorize(c.Object, want, stale, in.Results)
		}
	}
}

// staleInstances names the ComputeInstances this config generated on an
// earlier run that it does not generate now (the cluster was renamed, or
// the config now names another one).
func staleInstances(items fn.KubeObjects, owner owned.Owner, current string) []string {
	var out []string
	for _, obj := range items {
		if obj.GetKind() == kindInstance && owner.Owns(obj) && obj.GetName() != current {
			out = append(out, obj.GetName())
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// summarize says, on the instance, where the bastion is and how to use it.
func summarize(pl *plan, generated []*fn.KubeObject, in krmfn.Input[Bastion]) {
	i := slices.IndexFunc(generated, func(o *fn.KubeObject) bool { return o.GetKind() == kindInstance })
	if i < 0 {
		return
	}
	in.Results.Info(generated[i], "",
		"bastion of ContainerCluster %s in %s at %s (subnetwork %s), network tag %s (cluster-firewall's iapTag must be the same); connect with: gcloud compute ssh %s --zone %s --tunnel-through-iap",
		pl.cluster.Name(), pl.zone, pl.address, pl.subnetwork, pl.tag, pl.names.instance, pl.zone)
	vip := gcp.ClusterName(pl.cluster.Name(), allowVIPSuffix)
	if j := slices.IndexFunc(generated, func(o *fn.KubeObject) bool { return o.GetKind() == kindFirewall && o.GetName() == vip }); j >= 0 {
		in.Results.Info(generated[j], "spec.priority", "priority %d: %s; the bastion's deny-all egress is at %d",
			pl.fence.allowPriority, pl.fence.allowWhy, denyPriority)
	}
}
