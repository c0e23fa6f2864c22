package gcprules

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/kcc"
)

// scopes are the Compute kinds whose GCP names must not repeat, and the
// field that scopes them: "" for a kind whose names are unique in the
// project. Compute Engine resource names are unique within their project
// and scope (https://cloud.google.com/compute/docs/regions-zones/global-regional-zonal-resources:
// a VM may not take the name of another VM of the project in another
// zone); networks, firewall rules and routes are global. Regional kinds are
// scoped by region here, which flags only the certain conflicts.
var scopes = map[string][]string{
	"ComputeNetwork":    nil,
	"ComputeFirewall":   nil,
	"ComputeRoute":      nil,
	"ComputeInstance":   nil,
	"ComputeSubnetwork": {"spec", "region"},
	"ComputeRouter":     {"spec", "region"},
}

// Duplicate is two objects of the package that would be one GCP resource.
type Duplicate struct {
	First, Second *fn.KubeObject
	Name, Project string
}

// Duplicates finds the objects of items that share a kind, a project, a
// scope and a GCP name (spec.resourceID, else metadata.name) while being
// different objects to the API server (in different namespaces): Config
// Connector would make them fight over one GCP resource. The project is
// the object's project-id annotation, else its Namespace's in items
// (https://cloud.google.com/config-connector/docs/how-to/organizing-resources/project-scoped-resources);
// an object whose project cannot be read so is compared only with the
// objects of its own namespace, as lockdown cannot tell where it goes.
// only, when set, limits the findings to pairs where one of the two is in
// it.
func Duplicates(items fn.KubeObjects, only func(*fn.KubeObject) bool) []Duplicate {
	nsProject := map[string]string{}
	for _, obj := range items {
		if obj.GetKind() == "Namespace" && obj.GetAPIVersion() == "v1" {
			nsProject[obj.GetName()] = obj.GetAnnotation(kcc.ProjectIDAnnotation)
		}
	}
	seen := map[[4]string]*fn.KubeObject{}
	var out []Duplicate
	for _, obj := range items {
		scope, checked := scopes[obj.GetKind()]
		if !checked || !kcc.IsConfigConnector(obj) {
			continue
		}
		project := obj.GetAnnotation(kcc.ProjectIDAnnotation)
		if project == "" {
			project = nsProject[obj.GetNamespace()]
		}
		key := [4]string{obj.GetKind(), project, "", kcc.GCPName(obj)}
		if project == "" {
			key[1] = "namespace:" + obj.GetNamespace()
		}
		if scope != nil {
			key[2], _, _ = obj.NestedString(scope...)
		}
		first, dup := seen[key]
		if !dup {
			seen[key] = obj
			continue
		}
		if first.GetNamespace() == obj.GetNamespace() {
			continue // the same object twice: owned.Reconcile's and kpt's concern
		}
		if only == nil || only(first) || only(obj) {
			out = append(out, Duplicate{First: first, Second: obj, Name: key[3], Project: project})
		}
	}
	return out
}
