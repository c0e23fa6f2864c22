package bastion

import (
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// cidrBlocksPath is where a ContainerCluster lists its master authorized
// networks.
var cidrBlocksPath = []string{"spec", "masterAuthorizedNetworksConfig", "cidrBlocks"}

// entry is the bastion's master authorized network. Its displayName is the
// instance's name: that is how a later run finds the entry again to move it
// to a new address, or to remove it when the bastion is gone.
type entry struct{ displayName, cidrBlock string }

// listEditor edits one cluster's cidrBlocks list in place, keeping every
// entry it does not own (and their comments) as they are.
type listEditor struct {
	subject results.Subject
	res     *results.Collector
	list    *yaml.Node
	field   string
}

// authorize makes the cluster's master authorized networks hold want,
// and nothing of what stale names (bastions this config made before,
// which it makes no more).
func authorize(obj *fn.KubeObject, want *entry, stale []string, res *results.Collector) {
	e := &listEditor{subject: results.SubjectOf(obj), res: res, field: strings.Join(cidrBlocksPath, ".")}
	_ = yamledit.Edit(obj, func(root *yaml.Node) error {
		e.list = yamledit.Lookup(root, cidrBlocksPath...)
		if e.list != nil && e.list.Kind != yaml.SequenceNode && e.list.Tag != yaml.NodeTagNull {
			res.Report(fn.Error, e.subject, e.field, "is not a list: write the cluster's authorized networks as a list of {cidrBlock, displayName}")
			return nil
		}
		if e.list == nil || e.list.Kind != yaml.SequenceNode {
			e.list = &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
		}
		if want != nil && yamledit.Lookup(root, cidrBlocksPath[:2]...) == nil {
			res.Report(fn.Warning, e.subject, strings.Join(cidrBlocksPath[:2], "."),
				"the cluster had no master authorized networks: with the bastion's alone, only the bastion and the cluster's own nodes reach the control plane; run private-cluster first, or list the other networks that need it")
		}
		before := len(e.list.Content)
		// A list setter's marker: the parser hangs it on the key or on the
		// value, depending on the list's style.
		marker := yamledit.SetterMarker(root, cidrBlocksPath...)
		changed := e.dropStale(stale)
		if want != nil {
			changed = e.ensure(*want) || changed
		}
		if changed && marker != "" {
			res.Report(fn.Warning, e.subject, e.field, "the list has the setter marker %q: apply-setters will undo this; add the bastion's entry to the setter's value instead", marker)
		}
		e.store(root, changed, before)
		return nil
	})
}

// store puts the edited list back. Setting the node again, even when it
// is the same one, lets yamledit settle its comments for the new shape.
func (e *listEditor) store(root *yaml.Node, changed bool, before int) {
	switch {
	case !changed:
	case len(e.list.Content) == 0:
		yamledit.Remove(root, cidrBlocksPath...)
		if _, err := yamledit.EnsureMapping(root, cidrBlocksPath[:2]...); err != nil {
			e.res.Report(fn.Error, e.subject, e.field, "cannot edit: %v", err)
		}
	default:
		if before == 0 && e.list.Style&yaml.FlowStyle != 0 {
			e.list.Style = 0 // `[]` that gains entries becomes a block list
		}
		if err := yamledit.SetNode(root, e.list, cidrBlocksPath...); err != nil {
			e.res.Report(fn.Error, e.subject, e.field, "cannot edit: %v", err)
		}
	}
}

// ensure adds want unless some entry already authorizes its range. An
// entry of the bastion's name with another range is an address of an
// earlier run: it moves to the new range (keeping its comments) or, when
// another entry covers the range already, goes.
func (e *listEditor) ensure(want entry) bool {
	byRange := slices.IndexFunc(e.list.Content, func(n *yaml.Node) bool { return yamledit.Scalar(n, "cidrBlock") == want.cidrBlock })
	var ours []int
	for i, item := range e.list.Content {
		if i != byRange && yamledit.Scalar(item, "displayName") == want.displayName {
			ours = append(ours, i)
		}
	}
	changed := len(ours) > 0
	if byRange < 0 && len(ours) > 0 {
		e.move(ours[0], want)
		byRange, ours = ours[0], ours[1:]
	}
	for j := len(ours) - 1; j >= 0; j-- { // from the end, so indices hold
		e.remove(ours[j], "the bastion's earlier address")
	}
	if byRange >= 0 {
		return changed
	}
	yamledit.AppendItem(e.list, yamledit.StringMapping("cidrBlock", want.cidrBlock, "displayName", want.displayName))
	e.res.Report(fn.Info, e.subject, e.field, "added %s (%s) so the bastion reaches the control plane", want.cidrBlock, want.displayName)
	return true
}

// move points the entry at index i to want's range.
func (e *listEditor) move(i int, want entry) {
	item := e.list.Content[i]
	old := yamledit.Scalar(item, "cidrBlock")
	path := fnconfig.Index(e.field, i) + ".cidrBlock"
	if marker := yamledit.SetterMarker(item, "cidrBlock"); marker != "" {
		e.res.Report(fn.Warning, e.subject, path, "set to %s, but the field has the setter marker %q: change the setter's value instead, or apply-setters will undo this",
			want.cidrBlock, marker)
	}
	if _, err := yamledit.SetString(item, want.cidrBlock, "cidrBlock"); err != nil {
		e.res.Report(fn.Error, e.subject, path, "cannot edit: %v", err)
		return
	}
	e.res.Report(fn.Info, e.subject, path, "changed from %s to %s: the bastion %s has a new address", old, want.cidrBlock, want.displayName)
}

// dropStale removes the entries of bastions this config no longer makes.
func (e *listEditor) dropStale(stale []string) bool {
	changed := false
	for i := len(e.list.Content) - 1; i >= 0; i-- {
		if slices.Contains(stale, yamledit.Scalar(e.list.Content[i], "displayName")) {
			e.remove(i, "a bastion that is gone")
			changed = true
		}
	}
	return changed
}

func (e *listEditor) remove(i int, what string) {
	item := e.list.Content[i]
	e.res.Report(fn.Info, e.subject, fnconfig.Index(e.field, i), "removed %s (%s): %s",
		yamledit.Scalar(item, "cidrBlock"), yamledit.Scalar(item, "displayName"), what)
	yamledit.DeleteItem(e.list, i)
}
