package krmfn

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcprules"
	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Generator is the shape every lockdown generator has, written once:
//
//  1. the config is read and validated (Processor);
//  2. Plan reads the package and decides what objects should exist;
//  3. every object it wants is checked against GCP's rules (gcprules):
//     one GCP would refuse is an error, never written;
//  4. if nothing went wrong, the package is reconciled with them: what an
//     earlier run of the same config made and no longer needs is pruned,
//     what it made is updated in place, a user's object of the same name
//     is never overwritten (owned.Reconcile);
//     two objects that would be one GCP resource are an error too;
//  5. if that went well too, the plan's Finish runs: edits to objects the
//     generator does not own (a cluster's authorized networks, an image
//     field) and the summary.
//
// Any error result at any step stops the steps after it, and Processor
// then returns the package as it was.
type Generator[C any] struct {
	// Name is the function's name: it owns what it generates.
	Name string
	// Kind is the typed config kind.
	Kind string
	// Defaults returns the config the user's settings are applied on.
	Defaults func() C
	// Owner, when set, says how the generator owns its output; by default
	// owned.OwnerOf(Name, config).
	Owner func(config *fn.KubeObject) owned.Owner
	// Plan decides the objects that should exist.
	Plan func(run *Run[C]) Plan
}

// Plan is what a generator wants: its objects, and what to do once the
// package holds them.
type Plan struct {
	// Desired are the objects the generator owns after this run; none
	// prunes what earlier runs made.
	Desired []*fn.KubeObject
	// Finish, when set, runs after a reconcile without errors, on the
	// reconciled package.
	Finish func(out fn.KubeObjects)
	// Unchanged leaves the package as it is, neither generating nor
	// pruning: a generator asked only to check (image-mirror's checkOnly).
	Unchanged bool
}

// Run is one generator run: the function's input, its owner and the
// package's facts, read on first use so that a generator that does not
// need them (or stops before) reports nothing about them.
type Run[C any] struct {
	Input[C]
	Owner owned.Owner
	pkg   *facts.Package
}

// Package returns the package's facts, read once.
func (r *Run[C]) Package() *facts.Package {
	if r.pkg == nil {
		r.pkg = facts.Read(r.Items, r.Results)
	}
	return r.pkg
}

// Processor returns the generator ready for fn.AsMain or fn.Run.
func (g Generator[C]) Processor() fn.ResourceListProcessor {
	return Processor[C]{Kind: g.Kind, Defaults: g.Defaults, Run: g.run}
}

func (g Generator[C]) run(in Input[C]) fn.KubeObjects {
	r := &Run[C]{Input: in, Owner: g.owner(in.Source.Object)}
	plan := g.Plan(r)
	if in.Results.HasErrors() || plan.Unchanged {
		return in.Items
	}
	if !checkGenerated(g.Name, plan.Desired, in.Results) {
		return in.Items
	}
	out := owned.Reconcile(in.Items, r.Owner, plan.Desired, in.Results)
	if in.Results.HasErrors() || !checkDuplicates(g.Name, out, plan.Desired, in.Results) {
		return in.Items
	}
	if plan.Finish != nil {
		plan.Finish(out)
	}
	return out
}

func (g Generator[C]) owner(config *fn.KubeObject) owned.Owner {
	if g.Owner != nil {
		return g.Owner(config)
	}
	return owned.OwnerOf(g.Name, config)
}

// checkGenerated holds every object a generator is about to write to
// GCP's rules. A violation here means an input reached the output that
// the function's own checks should have refused, so the message says
// both what is wrong and that the function missed it.
func checkGenerated(function string, desired []*fn.KubeObject, res *results.Collector) bool {
	ok := true
	for _, obj := range desired {
		for _, v := range gcprules.Check(obj) {
			if v.Warning {
				res.Warning(obj, v.Field, "%s", v.Message)
				continue
			}
			ok = false
			res.Error(obj, v.Field, "%s refuses to write %s, which GCP would refuse: %s. It comes from the package or the config: correct the input it is made from (and please report that %s did not name that input)",
				function, results.Describe(obj), v.Message, function)
		}
	}
	return ok
}

// checkDuplicates refuses an output where a generated object and another
// object would be one GCP resource (gcprules.Duplicates), such as the
// firewall rules of two clusters of one name in two namespaces of one
// project.
func checkDuplicates(function string, out fn.KubeObjects, desired []*fn.KubeObject, res *results.Collector) bool {
	generated := map[*fn.KubeObject]bool{}
	for _, obj := range desired {
		generated[obj] = true
	}
	dups := gcprules.Duplicates(out, func(obj *fn.KubeObject) bool { return generated[obj] })
	for _, d := range dups {
		res.Error(d.Second, "metadata.name", "%s would write %s and %s, which are one GCP resource %q in project %s: GCP names are unique in a project; give one of the sources another name",
			function, results.Describe(d.First), results.Describe(d.Second), d.Name, d.Project)
	}
	return len(dups) == 0
}
