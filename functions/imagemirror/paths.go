package imagemirror

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// imageField is one image field found in an object.
type imageField struct {
	field string     // field path, e.g. spec.template.spec.containers[0].image
	node  *yaml.Node // the scalar holding the image
}

type kindKey struct{ group, kind string }

// builtinPaths are the image fields lockdown knows: every container list
// of the pod templates of the workload kinds, and the custom resources of
// the Kubeflow install that name images outside a pod template.
func builtinPaths() map[kindKey][]string {
	m := map[kindKey][]string{}
	pod := func(group, kind, prefix string) {
		for _, list := range []string{"containers", "initContainers", "ephemeralContainers"} {
			m[kindKey{group, kind}] = append(m[kindKey{group, kind}], prefix+"."+list+"[].image")
		}
	}
	pod("", "Pod", "spec")
	pod("", "ReplicationController", "spec.template.spec")
	for _, k := range []string{"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"} {
		pod("apps", k, "spec.template.spec")
	}
	pod("batch", "Job", "spec.template.spec")
	pod("batch", "CronJob", "spec.jobTemplate.spec.template.spec")
	for _, k := range []string{"ClusterServingRuntime", "ServingRuntime"} {
		m[kindKey{"serving.kserve.io", k}] = []string{"spec.containers[].image", "spec.workerSpec.containers[].image"}
	}
	m[kindKey{"serving.kserve.io", "ClusterStorageContainer"}] = []string{"spec.container.image"}
	m[kindKey{"caching.internal.knative.dev", "Image"}] = []string{"spec.image"}
	return m
}

// pathTable maps each kind to the parsed paths of its image fields.
type pathTable map[kindKey][][]pathSegment

func newPathTable(extra []ImagePath) pathTable {
	t := pathTable{}
	for k, paths := range builtinPaths() {
		for _, p := range paths {
			segs, _ := parsePath(p)
			t[k] = append(t[k], segs)
		}
	}
	for _, p := range extra {
		segs, problem := parsePath(p.Path)
		if problem != "" {
			continue // reported by Validate
		}
		k := kindKey{p.Group, p.Kind}
		t[k] = append(t[k], segs)
	}
	return t
}

// fields returns the image fields of root, an object of the given group
// and kind, and the problems of fields that are not strings.
func (t pathTable) fields(group, kind string, root *yaml.Node) (found []imageField, problems []imageField) {
	for _, segs := range t[kindKey{group, kind}] {
		walk(root, segs, "", func(f imageField) {
			if f.node.Kind != yaml.ScalarNode {
				problems = append(problems, f)
				return
			}
			if f.node.Tag == yaml.NodeTagNull {
				return
			}
			found = append(found, f)
		})
	}
	return found, problems
}

func walk(n *yaml.Node, segs []pathSegment, field string, visit func(imageField)) {
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
			visit(imageField{field: field, node: v})
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
			visit(imageField{field: f, node: item})
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

func groupKind(obj *fn.KubeObject) (string, string) {
	group, _ := fn.ParseGroupVersion(obj.GetAPIVersion())
	return strings.TrimSpace(group), obj.GetKind()
}
