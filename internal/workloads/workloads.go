// Package workloads is lockdown's one table of the built-in Kubernetes
// kinds that carry a pod spec, and where each keeps it. image-mirror and
// lint find images there (internal/images), the pod-security functions
// check and label those templates (internal/pssconfig), and the facts
// of the package find the pods a Service selects there (internal/facts):
// reading one table keeps them from disagreeing about which kinds run
// pods. Custom resources are not here; each function's config adds those.
package workloads

import "strings"

// Workload is a built-in kind that carries a pod spec.
type Workload struct {
	// Group is the API group, "" for the core group.
	Group string
	// Version is set for the core group only: that group has no name, so
	// its apiVersion is the bare version ("v1"), which is what names it.
	// Other groups are matched by group whatever their version.
	Version string
	Kind    string
	// SpecPath is the dotted path of the PodSpec, e.g. spec.template.spec.
	SpecPath string
	// ServiceBackend says that the facts look in this kind for the pods a
	// Service selects, to resolve a named targetPort. Those are the kinds
	// that run the long-lived servers of a Kubeflow install: Pods and the
	// apps controllers. Jobs and CronJobs run to completion, a PodTemplate
	// runs nothing, and ReplicationController is superseded by ReplicaSet.
	ServiceBackend bool
}

// builtin is kept unexported so that no caller can change the table the
// other packages read; Builtin hands out copies.
var builtin = []Workload{
	{Version: "v1", Kind: "Pod", SpecPath: "spec", ServiceBackend: true},
	{Version: "v1", Kind: "ReplicationController", SpecPath: "spec.template.spec"},
	{Version: "v1", Kind: "PodTemplate", SpecPath: "template.spec"},
	{Group: "apps", Kind: "Deployment", SpecPath: "spec.template.spec", ServiceBackend: true},
	{Group: "apps", Kind: "StatefulSet", SpecPath: "spec.template.spec", ServiceBackend: true},
	{Group: "apps", Kind: "DaemonSet", SpecPath: "spec.template.spec", ServiceBackend: true},
	{Group: "apps", Kind: "ReplicaSet", SpecPath: "spec.template.spec", ServiceBackend: true},
	{Group: "batch", Kind: "Job", SpecPath: "spec.template.spec"},
	{Group: "batch", Kind: "CronJob", SpecPath: "spec.jobTemplate.spec.template.spec"},
}

// Builtin returns the table, in a fixed order.
func Builtin() []Workload {
	return append([]Workload(nil), builtin...)
}

// Lookup returns the row of the group and kind; any version of the group
// matches, as the API server serves a kind the same in each.
func Lookup(group, kind string) (Workload, bool) {
	for _, w := range builtin {
		if w.Group == group && w.Kind == kind {
			return w, true
		}
	}
	return Workload{}, false
}

// MetadataPath is where the workload keeps its pod template's metadata:
// the labels its pods get, which a Service's selector matches, and the
// annotations pod security reads.
func (w Workload) MetadataPath() string {
	return MetadataBeside(w.SpecPath)
}

// MetadataBeside returns the path of the pod metadata that goes with the
// pod spec at specPath, or "" when there is none. A pod template, and a
// Pod itself, keeps metadata next to spec, so spec.template.spec has
// spec.template.metadata and a Pod's spec has the object's metadata. It
// also serves the pod spec paths that configs give for custom resources.
func MetadataBeside(specPath string) string {
	if specPath == "spec" {
		return "metadata"
	}
	if parent, ok := strings.CutSuffix(specPath, ".spec"); ok {
		return parent + ".metadata"
	}
	return ""
}
