package intake

import (
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// References between Config Connector objects ("networkRef: {name: x}")
// are what the functions follow to learn a cluster's network, subnetwork
// and project. A reference that names both a resource in the package and
// an external one, or an external one that is empty or not in the form
// its kind takes, would be followed to the wrong place (or nowhere) by
// one function and refused by Config Connector later; so every function
// refuses it here, at the field.
//
// Config Connector's CRDs give every resource reference the schema
// "oneOf: [{required: [name], not: {required: [external]}},
// {required: [external], not: {anyOf: [{required: [name]}, {required:
// [namespace]}]}}]" (for one, ContainerCluster spec.networkRef,
// config/crds/resources of v1.154.1); the API server's own check of
// oneOf is not applied when lockdown renders, so it is applied here.

// externalForms are the forms Config Connector takes in
// networkRef.external and subnetworkRef.external, besides a bare name
// ("Allowed value: The `name` field of a `ComputeNetwork` resource", some
// kinds' CRDs) and a self link (https://www.googleapis.com/compute/v1/...,
// "The `selfLink` field", others): "projects/{{projectID}}/global/networks/{{networkID}}"
// and "projects/{{projectID}}/regions/{{region}}/subnetworks/{{subnetworkID}}"
// (the CRDs' descriptions of the fields, v1.154.1).
var externalForms = map[string]*regexp.Regexp{
	"networkRef":    regexp.MustCompile(`^(https://(www|compute)\.googleapis\.com/compute/(v1|beta)/)?projects/[^/]+/global/networks/[^/]+$`),
	"subnetworkRef": regexp.MustCompile(`^(https://(www|compute)\.googleapis\.com/compute/(v1|beta)/)?projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$`),
}

var externalExample = map[string]string{
	"networkRef":    "projects/PROJECT_ID/global/networks/NETWORK",
	"subnetworkRef": "projects/PROJECT_ID/regions/REGION/subnetworks/SUBNETWORK",
}

// checkRefs walks a Config Connector object's spec for references.
func (w *shapeWalker) checkRefs(root *yaml.Node) {
	spec := yamledit.Lookup(root, "spec")
	if spec == nil {
		return
	}
	w.path.pushKey("spec")
	w.walkRefs(spec)
	w.path.pop()
}

func (w *shapeWalker) walkRefs(n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			w.path.pushKey(key)
			switch {
			case strings.HasSuffix(key, "Ref") && value.Kind == yaml.MappingNode:
				w.checkRef(key, value)
			case strings.HasSuffix(key, "Refs") && value.Kind == yaml.SequenceNode:
				for j, item := range value.Content {
					if item.Kind == yaml.MappingNode {
						w.path.pushIndex(j)
						w.checkRef(strings.TrimSuffix(key, "s"), item)
						w.path.pop()
					}
				}
			default:
				w.walkRefs(value)
			}
			w.path.pop()
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			w.path.pushIndex(i)
			w.walkRefs(c)
			w.path.pop()
		}
	}
}

// checkRef checks one reference, at the walk's path.
func (w *shapeWalker) checkRef(key string, ref *yaml.Node) {
	external, hasExternal := scalarField(ref, "external")
	name, hasName := scalarField(ref, "name")
	path := w.path.String()
	switch {
	case hasExternal && hasName:
		w.problems = append(w.problems, problem{field: path, message: fmt.Sprintf(
			"%s has both name %q and external %q: a reference names an object of the package (name) or a resource outside it (external), not both; Config Connector refuses it; keep one", path, name, external)})
	case hasExternal && strings.TrimSpace(external) == "":
		w.problems = append(w.problems, problem{field: path + ".external", message: fmt.Sprintf(
			"%s.external is empty: it names no resource; write the resource's path%s, or name an object of the package with name", path, exampleFor(key))})
	case hasExternal:
		w.checkExternalForm(key, path, external)
	}
}

// checkExternalForm checks the external form of the references whose
// forms are known (externalForms): a bare name that is a GCP name, or the
// full path.
func (w *shapeWalker) checkExternalForm(key, path, external string) {
	form, known := externalForms[key]
	if !known || form.MatchString(external) || !strings.Contains(external, "/") && gcp.IsResourceName(external) {
		return
	}
	w.problems = append(w.problems, problem{field: path + ".external", message: fmt.Sprintf(
		"%s.external %q is not a form Config Connector takes: write %s (or the bare name of the resource, in the object's own project)", path, external, externalExample[key])})
}

func exampleFor(key string) string {
	if ex, ok := externalExample[key]; ok {
		return " (" + ex + ")"
	}
	return ""
}

// scalarField is a scalar field of a mapping and whether it is there.
func scalarField(n *yaml.Node, key string) (string, bool) {
	v := yamledit.Lookup(n, key)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() == yaml.NodeTagNull {
		return "", false
	}
	return v.Value, true
}
