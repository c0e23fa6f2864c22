package pssconfig

import (
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/workloads"
)

// PodTemplatePath says where a custom resource keeps its pod spec.
type PodTemplatePath struct {
	// APIVersion (group/version) or Group selects the resource with Kind.
	APIVersion string `json:"apiVersion,omitempty"`
	Group      string `json:"group,omitempty"`
	Kind       string `json:"kind"`
	// Path is the dotted path of the pod spec, e.g. spec.template.spec.
	Path string `json:"path"`
}

// BuiltinTemplates says where the workload kinds of Kubernetes keep their
// pod spec: the rows of internal/workloads, the table image-mirror reads
// too. The core kinds are matched by their apiVersion, v1, as a group of
// "" would match any apiVersion; the others by group.
var BuiltinTemplates = builtinTemplates()

func builtinTemplates() []PodTemplatePath {
	var out []PodTemplatePath
	for _, w := range workloads.Builtin() {
		p := PodTemplatePath{Group: w.Group, Kind: w.Kind, Path: w.SpecPath}
		if w.Group == "" {
			p.APIVersion = w.Version
		}
		out = append(out, p)
	}
	return out
}

// Matches tells whether obj is of the resource p describes.
func (p PodTemplatePath) Matches(obj *fn.KubeObject) bool {
	if obj.GetKind() != p.Kind {
		return false
	}
	av := obj.GetAPIVersion()
	switch {
	case p.APIVersion != "":
		return av == p.APIVersion
	case p.Group != "":
		group, _, found := strings.Cut(av, "/")
		return found && group == p.Group
	}
	return true
}

// TemplatePath returns where obj keeps its pod spec: a built-in workload
// kind first, then the custom resources of custom.
func TemplatePath(obj *fn.KubeObject, custom []PodTemplatePath) (PodTemplatePath, bool) {
	match := func(p PodTemplatePath) bool { return p.Matches(obj) }
	if i := slices.IndexFunc(BuiltinTemplates, match); i >= 0 {
		return BuiltinTemplates[i], true
	}
	if i := slices.IndexFunc(custom, match); i >= 0 {
		return custom[i], true
	}
	return PodTemplatePath{}, false
}
