// Package owned keeps track of the objects a generator made. Each generated
// object carries an owner annotation naming the function and the config
// object that produced it, and a stable file path. On every run a generator
// hands its complete desired set to Reconcile, which replaces what the owner
// made before, prunes what it no longer makes, and refuses to overwrite an
// object that somebody else owns.
package owned

import (
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// Annotation marks a generated object with its owner.
const Annotation = "fn.lockdown.dev/owner"

// Annotations a generated object must never inherit from the inputs it was
// derived from: they belong to the file the input came from.
var fileAnnotations = []string{
	fn.PathAnnotation, fn.IndexAnnotation,
	results.LegacyPathAnnotation, results.LegacyIndexAnnotation,
	fn.IDAnnotation, legacyIDAnnotation,
	fn.KptLocalConfig,
}

// legacyIDAnnotation is the id older orchestrators give an input object,
// as fn.IDAnnotation is kpt v1's. The SDK has no constant for it (kyaml's
// kioutil has one, deprecated).
const legacyIDAnnotation = "config.k8s.io/id"

// Owner identifies one generator run: the function and its config object.
// Two steps of the same function with different configs own different
// objects and do not prune each other's.
type Owner struct {
	Function   string // e.g. "cluster-firewall"
	ConfigKind string // e.g. "ClusterFirewall" or "ConfigMap"; "" without config
	ConfigName string

	// How the owner writes its objects (not part of its identity):
	// Files names the file of a kind under <function>/ ("plan.yaml")
	// instead of <kind>_<name>.yaml, and LocalConfig marks every generated
	// object local-config, for objects kpt writes but never applies.
	Files       map[string]string
	LocalConfig bool
}

// OwnerOf builds the owner for function run with config (which may be empty).
// kpt's empty placeholder ConfigMap (what `kpt fn eval` passes without
// arguments) is no config, as for fnconfig.Load.
func OwnerOf(function string, config *fn.KubeObject) Owner {
	o := Owner{Function: function}
	if config != nil && !config.IsEmpty() && !fn.EmptyFunctionConfig(config) {
		o.ConfigKind, o.ConfigName = config.GetKind(), config.GetName()
	}
	return o
}

// String is the annotation value: "cluster-firewall/ClusterFirewall/default".
func (o Owner) String() string {
	if o.ConfigKind == "" {
		return o.Function
	}
	return o.Function + "/" + o.ConfigKind + "/" + o.ConfigName
}

// EvalConfigName is the name kpt gives the ConfigMap it makes of the
// arguments of `kpt fn eval -- key=value`. Objects such a one-off run
// made are adopted by every run of the same function (Owns): the first
// try of a function is often imperative and the Kptfile's step comes
// after, and its enabled: false or a changed cluster must remove what the
// try made instead of leaving it beside the new objects.
const EvalConfigName = "function-input"

// Owns tells whether obj is this owner's: its owner annotation names this
// owner, or a one-off `kpt fn eval` run of the same function
// (EvalConfigName).
func (o Owner) Owns(obj *fn.KubeObject) bool {
	theirs := obj.GetAnnotation(Annotation)
	return theirs == o.String() || theirs == o.Function+"/ConfigMap/"+EvalConfigName
}

// sameFunction tells whether an owner annotation value names this owner's
// function under any config.
func (o Owner) sameFunction(annotation string) bool {
	return annotation == o.Function || strings.HasPrefix(annotation, o.Function+"/")
}

// Path is the stable file a generated object is written to, relative to the
// package: "<function>/<kind>_<name>.yaml" in lower case, or the file Files
// names for its kind.
func (o Owner) Path(obj *fn.KubeObject) string {
	if file, ok := o.Files[obj.GetKind()]; ok {
		return o.Function + "/" + file
	}
	name := obj.GetName()
	if ns := obj.GetNamespace(); ns != "" {
		name = ns + "_" + name
	}
	return o.Function + "/" + strings.ToLower(obj.GetKind()) + "_" + name + ".yaml"
}

// Reconcile returns items with the owner's previously generated objects
// replaced by desired, and those it no longer generates pruned. Changes are
// reported as info results. If a desired object would overwrite an object
// the owner does not own, it records an error naming both files and returns
// items untouched.
func Reconcile(items fn.KubeObjects, owner Owner, desired []*fn.KubeObject, res *results.Collector) fn.KubeObjects {
	for _, obj := range desired {
		if err := owner.mark(obj); err != nil {
			res.Error(obj, "", "cannot mark generated object: %v", err)
		}
	}
	if !checkConflicts(items, owner, desired, res) || !checkCopies(items, owner, res) {
		return items
	}
	wanted := map[string]*fn.KubeObject{}
	for _, obj := range desired {
		wanted[Identity(obj)] = obj
	}
	out := make(fn.KubeObjects, 0, len(items)+len(desired))
	for _, obj := range items {
		_, still := wanted[Identity(obj)]
		switch theirs := obj.GetAnnotation(Annotation); {
		case owner.Owns(obj):
			if !still {
				res.Info(obj, "", "pruned: %s no longer generates it", owner)
			}
		case still && owner.sameFunction(theirs):
			// taken over (reported by checkConflicts): replaced below
		default:
			out = append(out, obj)
		}
	}
	for _, obj := range desired {
		out = append(out, obj)
	}
	return out
}

// checkConflicts reports every desired object that has the identity of an
// object in items owned by someone else.
func checkConflicts(items fn.KubeObjects, owner Owner, desired []*fn.KubeObject, res *results.Collector) bool {
	existing := map[string]*fn.KubeObject{}
	for _, obj := range items {
		existing[Identity(obj)] = obj
	}
	ok := true
	generated := map[string]bool{}
	for _, obj := range desired {
		if generated[Identity(obj)] {
			res.Error(obj, "metadata.name", "%s would generate %s twice: this is a bug in %s, please report it",
				owner.Function, results.Name(obj), owner.Function)
			ok = false
		}
		generated[Identity(obj)] = true
	}
	for _, obj := range desired {
		other, found := existing[Identity(obj)]
		if !found || other.GetAnnotation(Annotation) == owner.String() {
			continue
		}
		if theirs := other.GetAnnotation(Annotation); owner.sameFunction(theirs) {
			// The same function under another config, such as a first run
			// with `kpt fn eval -- key=value` and now the Kptfile's config:
			// the object is the function's to regenerate.
			res.Info(other, "", "%s takes over %s from %s", owner, results.Name(obj), theirs)
			continue
		}
		ok = false
		whose := "written by hand"
		if o := other.GetAnnotation(Annotation); o != "" {
			whose = "generated by " + o
		}
		res.Error(other, "metadata.name",
			"%s would generate %s at %s, but the package already has one in %s (%s) that it does not own: rename or remove that one",
			owner.Function, results.Name(obj), owner.Path(obj), fileOrUnknown(other), whose)
	}
	return ok
}

// checkCopies refuses to prune or replace an object that carries this
// owner's annotation but is not where the owner writes it: an object the
// owner made is always in its own file (Path), so one in another file is
// a user's copy of it (a generated rule copied and edited by hand), and
// pruning it would delete the user's work with no more than an info
// result. An object with no file annotation (an input kpt did not place)
// cannot be told apart and is taken as the owner's.
func checkCopies(items fn.KubeObjects, owner Owner, res *results.Collector) bool {
	ok := true
	for _, obj := range items {
		theirs := obj.GetAnnotation(Annotation)
		if theirs == "" || !owner.sameFunction(theirs) {
			continue
		}
		if file := results.FilePath(obj); file != "" && file != owner.Path(obj) {
			ok = false
			res.Error(obj, "metadata.annotations["+Annotation+"]",
				"%s carries %s's owner annotation (%s) but is in %s, not in %s where %s writes it: if it is a copy made by hand, remove the annotation so that it is yours; if %s should own it, move it back to %s",
				results.Name(obj), owner.Function, theirs, file, owner.Path(obj), owner.Function, owner.Function, owner.Path(obj))
		}
	}
	return ok
}

// mark sets the owner and path annotations on a generated object and drops
// any annotation that ties it to an input's file.
func (o Owner) mark(obj *fn.KubeObject) error {
	for _, a := range fileAnnotations {
		if err := obj.RemoveAnnotation(a); err != nil {
			return err
		}
	}
	path := o.Path(obj)
	for _, kv := range [][2]string{
		{Annotation, o.String()},
		{fn.PathAnnotation, path},
		{results.LegacyPathAnnotation, path},
		{fn.IndexAnnotation, "0"},
		{results.LegacyIndexAnnotation, "0"},
	} {
		if err := obj.SetAnnotation(kv[0], kv[1]); err != nil {
			return err
		}
	}
	if o.LocalConfig {
		// The annotation keeps the object out of `kpt live apply`.
		return obj.SetAnnotation(fn.KptLocalConfig, localConfigTrue)
	}
	return nil
}

// localConfigTrue is the one value of the local-config annotation that
// lockdown takes as local-config, and the one it writes.
const localConfigTrue = "true"

// IsLocalConfig reports whether obj is local-config to lockdown: its
// config.kubernetes.io/local-config annotation is exactly "true". kpt
// documents "true" and "false" as the annotation's values
// (https://kpt.dev/reference/annotations/local-config/); on any other
// value ("yes", "TRUE", a setter not yet applied) tools disagree: kpt live
// apply skips the object, as fn.IsLocalConfig (every value but "false")
// says, while another applier may apply it. So it is not fn.IsLocalConfig:
// lockdown takes such an object as applied, since labelling or fencing a
// Namespace that is never applied is harmless, and leaving one that is
// applied unlabelled or unfenced is not. pod-security (Namespace labels)
// and network-policy (fences) both ask this, so that both skip the same
// objects.
func IsLocalConfig(obj *fn.KubeObject) bool {
	return obj.GetAnnotation(fn.KptLocalConfig) == localConfigTrue
}

// Identity is what makes two objects the same object to the API server:
// group, kind, namespace and name.
func Identity(obj *fn.KubeObject) string {
	group, _ := fn.ParseGroupVersion(obj.GetAPIVersion())
	return strings.Join([]string{group, obj.GetKind(), obj.GetNamespace(), obj.GetName()}, "|")
}

func fileOrUnknown(obj *fn.KubeObject) string {
	if p := results.FilePath(obj); p != "" {
		return p
	}
	return "an unnamed file"
}
