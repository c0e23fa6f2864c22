// Package bastion is the bastion generator: for the package's
// ContainerCluster (or the one the config names) it generates a small
// Shielded VM without an external address, reached through IAP TCP
// forwarding and OS Login, with a static internal address known at render
// time and a service account that can only write logs and metrics. It
// then adds that address to the cluster's master authorized networks,
// editing the cluster in place so that comments and setter markers
// survive. A second run changes nothing.
package bastion

import (
	_ "embed"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/owned"
)

// Name is the function's name, as in its image and binary.
const Name = "bastion"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Processor[Bastion]{
		Kind:     Kind,
		Defaults: func() Bastion { return Bastion{} },
		Run:      run,
	}
}

func run(in krmfn.Input[Bastion]) fn.KubeObjects {
	owner := owned.OwnerOf(Name, in.Source.Object)
	if !in.Config.IsEnabled() {
		return disable(in, owner)
	}
	pkg := facts.Read(in.Items, in.Results)
	p := &planner{cfg: in.Config, src: in.Source, pkg: pkg, res: in.Results, owner: owner}
	c := p.selectCluster()
	if c == nil {
		if in.Results.HasErrors() {
			return in.Items
		}
		in.Results.Info(nil, "", "no ContainerCluster in the package: nothing generated")
		// A bastion made earlier for a cluster now gone goes too.
		return owned.Reconcile(in.Items, owner, nil, in.Results)
	}
	pl := p.plan(c)
	if in.Results.HasErrors() {
		return in.Items
	}
	g := &generator{res: in.Results}
	g.bastion(pl)
	out := owned.Reconcile(in.Items, owner, g.out, in.Results)
	if in.Results.HasErrors() {
		return in.Items // nothing is edited when anything is wrong
	}
	editClusters(pkg, pl, staleInstances(in.Items, owner, pl.names.instance), in)
	summarize(pl, g.out, in)
	return out
}

// disable removes the bastion a config made before it was switched off:
// its objects, and its /32 in every cluster's authorized networks.
func disable(in krmfn.Input[Bastion], owner owned.Owner) fn.KubeObjects {
	stale := staleInstances(in.Items, owner, "")
	out := owned.Reconcile(in.Items, owner, nil, in.Results)
	if in.Results.HasErrors() {
		return in.Items
	}
	if len(stale) > 0 {
		for _, c := range facts.Read(in.Items, in.Results).Clusters {
			authorize(c.Object, nil, stale, in.Results)
		}
	}
	in.Results.Info(nil, "", "bastion disabled (enabled: false): no bastion generated%s", removedNote(stale))
	return out
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
		if obj.GetKind() == kindInstance && obj.GetAnnotation(owned.Annotation) == owner.String() && obj.GetName() != current {
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
}
