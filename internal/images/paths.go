// Package images finds the image fields of a package and says which
// registries private GKE nodes can pull from. image-mirror rewrites the
// images the nodes cannot reach and lint reports them; both read the
// package through this one place, so they always agree on which fields
// hold images and which registries are reachable.
package images

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/workloads"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// Path is an image field of a kind: path is dotted, with [] after a list,
// for example spec.containers[].image.
type Path struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	Path  string `json:"path"`
}

// Field is one image field found in an object.
type Field struct {
	Path string     // field path, e.g. spec.template.spec.containers[0].image
	Node *yaml.Node // the scalar holding the image
}

type kindKey struct{ group, kind string }

type segment struct {
	name string
	list bool
}

var segmentPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+(\[\])?$`)

// builtinPaths are the image fields lockdown knows: every container list
// of the pod spec of each workload kind in internal/workloads (the table
// the pod-security functions read too, so both see the same pods), and
// the custom resources of the Kubeflow install that name images outside
// a pod template.
func builtinPaths() map[kindKey][]string {
	m := map[kindKey][]string{}
	for _, w := range workloads.Builtin() {
		k := kindKey{w.Group, w.Kind}
		for _, list := range []string{"containers", "initContainers", "ephemeralContainers"} {
			m[k] = append(m[k], w.SpecPath+"."+list+"[].image")
		}
	}
	for _, k := range []string{"ClusterServingRuntime", "ServingRuntime"} {
		m[kindKey{"serving.kserve.io", k}] = []string{"spec.containers[].image", "spec.workerSpec.containers[].image"}
	}
	m[kindKey{"serving.kserve.io", "ClusterStorageContainer"}] = []string{"spec.container.image"}
	m[kindKey{"caching.internal.knative.dev", "Image"}] = []string{"spec.image"}
	return m
}

// CheckPath says what is wrong with an image field path, or "".
func CheckPath(p string) string {
	_, problem := parsePath(p)
	return problem
}

// parsePath splits spec.containers[].image into its segments.
func parsePath(p string) ([]segment, string) {
	if p == "" {
		return nil, "empty path: give the image field, for example spec.containers[].image"
	}
	var out []segment
	for _, s := range strings.Split(p, ".") {
		if !segmentPattern.MatchString(s) {
			return nil, fmt.Sprintf("%q is not a field path such as spec.containers[].image: segment %q", p, s)
		}
		name, list := strings.CutSuffix(s, "[]")
		out = append(out, segment{name: name, list: list})
	}
	return out, ""
}

// Table maps each kind to the parsed paths of its image fields.
type Table map[kindKey][][]segment

// NewTable returns the built-in image fields with extra added. Paths that
// do not parse are left out: the function's config check reports them.
func NewTable(extra []Path) Table {
	t := Table{}
	for k, paths := range builtinPaths() {
		for _, p := range paths {
			segs, _ := parsePath(p)
			t[k] = append(t[k], segs)
		}
	}
	for _, p := range extra {
		segs, problem := parsePath(p.Path)
		if problem != "" {
			continue
		}
		k := kindKey{p.Group, p.Kind}
		t[k] = append(t[k], segs)
	}
	return t
}

// Knows tells whether objects of the group and kind have image fields.
func (t Table) Knows(group, kind string) bool {
	_, known := t[kindKey{group, kind}]
	return known
}

// Fields returns the image fields of root, an object of the given group
// and kind, and the problems of fields that are not strings.
func (t Table) Fields(group, kind string, root *yaml.Node) (found []Field, problems []Field) {
	for _, segs := range t[kindKey{group, kind}] {
		walk(root, segs, "", func(f Field) {
			if f.Node.Kind != yaml.ScalarNode {
				problems = append(problems, f)
				return
			}
			if f.Node.Tag == yaml.NodeTagNull {
				return
			}
			found = append(found, f)
		})
	}
	return found, problems
}

// FieldsOf returns the image fields of obj, and the problems of fields
// that are not strings; nothing for a kind without image fields.
func (t Table) FieldsOf(obj *fn.KubeObject) (found []Field, problems []Field) {
	group, kind := GroupKind(obj)
	if !t.Knows(group, kind) {
		return nil, nil
	}
	_ = yamledit.Edit(obj, func(root *yaml.Node) error {
		found, problems = t.Fields(group, kind, root)
		return nil
	})
	return found, problems
}

func walk(n *yaml.Node, segs []segment, field string, visit func(Field)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	s := segs[0]
	var v *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == s.name {
			v = n.Content[i+1]
			break
		}
	}
	if v == nil {
		return
	}
	field = joinField(field, s.name)
	if !s.list {
		if len(segs) == 1 {
			visit(Field{Path: field, Node: v})
			return
		}
		walk(v, segs[1:], field, visit)
		return
	}
	if v.Kind != yaml.SequenceNode {
		return
	}
	for i, item := range v.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		if len(segs) == 1 {
			visit(Field{Path: f, Node: item})
			continue
		}
		walk(item, segs[1:], f, visit)
	}
}

func joinField(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// GroupKind returns the API group (empty for the core group) and the kind
// of obj, as the table is keyed.
func GroupKind(obj *fn.KubeObject) (string, string) {
	group, _ := fn.ParseGroupVersion(obj.GetAPIVersion())
	return strings.TrimSpace(group), obj.GetKind()
}
