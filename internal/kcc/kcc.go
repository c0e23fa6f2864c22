// Package kcc builds new Config Connector objects from the typed structs of
// Config Connector's generated client, so that a generated object can only
// carry fields its CRD has. The JSON form of those structs is noisy
// (`status: {}`, `metadata.creationTimestamp: null`, empty lists), so New
// strips what carries no meaning before the object enters the package.
package kcc

import (
	"encoding/json"
	"fmt"
	"strings"

	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// New converts a typed Config Connector object (for example a
// *computev1beta1.ComputeFirewall with TypeMeta, ObjectMeta and Spec set)
// into a KubeObject with its status and empty values removed. Fields come
// out in the conventional order: apiVersion, kind, metadata, spec.
func New(typed any) (*fn.KubeObject, error) {
	raw, err := json.Marshal(typed)
	if err != nil {
		return nil, fmt.Errorf("cannot encode %T: %w", typed, err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("cannot encode %T: %w", typed, err)
	}
	delete(m, "status")
	pruned, _ := prune(m).(map[string]any)
	if pruned["apiVersion"] == nil || pruned["kind"] == nil {
		return nil, fmt.Errorf("%T has no apiVersion or kind: set its TypeMeta", typed)
	}
	return fn.NewFromTypedObject(pruned)
}

// prune drops nulls, empty strings, empty maps and empty lists, bottom up,
// and returns nil when nothing is left. Zero numbers and false stay: in
// Config Connector specs they are meaningful (priority 0, enabled: false).
func prune(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if v == "" {
			return nil
		}
	case map[string]any:
		for k, item := range v {
			if p := prune(item); p == nil {
				delete(v, k)
			} else {
				v[k] = p
			}
		}
		if len(v) == 0 {
			return nil
		}
	case []any:
		out := v[:0]
		for _, item := range v {
			if p := prune(item); p != nil {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}

// ObjectMeta names a generated object and places it beside the object it
// was derived from: the same namespace and, when that object names one,
// the same GCP project (cnrm.cloud.google.com/project-id), so Config
// Connector creates it where the cluster or network lives.
func ObjectMeta(name string, like *fn.KubeObject) metav1.ObjectMeta {
	meta := metav1.ObjectMeta{Name: name}
	if like == nil {
		return meta
	}
	meta.Namespace = like.GetNamespace()
	if project := like.GetAnnotation(ProjectIDAnnotation); project != "" {
		meta.Annotations = map[string]string{ProjectIDAnnotation: project}
	}
	return meta
}

// ProjectIDAnnotation names the GCP project of a Config Connector object.
const ProjectIDAnnotation = "cnrm.cloud.google.com/project-id"

// groupSuffix ends every Config Connector API group
// (compute.cnrm.cloud.google.com, container.cnrm.cloud.google.com, ...).
const groupSuffix = ".cnrm.cloud.google.com"

// IsGroup tells whether group is one of Config Connector's.
func IsGroup(group string) bool { return strings.HasSuffix(group, groupSuffix) }

// IsConfigConnector tells whether obj is a Config Connector object.
func IsConfigConnector(obj *fn.KubeObject) bool {
	group, _ := fn.ParseGroupVersion(obj.GetAPIVersion())
	return IsGroup(group)
}

// GCPName is the name obj has in GCP: spec.resourceID when set, else
// metadata.name (Config Connector's rule for every resource).
func GCPName(obj *fn.KubeObject) string {
	if id, _, _ := obj.NestedString("spec", "resourceID"); id != "" {
		return id
	}
	return obj.GetName()
}

// TypeMeta is the apiVersion and kind of a Config Connector kind.
func TypeMeta(group, version, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: group + ".cnrm.cloud.google.com/" + version, Kind: kind}
}

// Ref refers to another object of the package by name, in the namespace of
// the referring object (Config Connector's default).
func Ref(name string) kccref.ResourceRef { return kccref.ResourceRef{Name: name} }

// Ptr returns a pointer to v, for the typed structs' optional fields.
func Ptr[T any](v T) *T { return &v }

// Build is New for generators: a typed struct that cannot be encoded is a
// bug in the function, not in the user's package, and is reported as such;
// Build then returns nil.
func Build(res *results.Collector, typed any) *fn.KubeObject {
	obj, err := New(typed)
	if err != nil {
		res.Error(nil, "", "cannot build a generated object: %v; this is a bug, please report it", err)
		return nil
	}
	return obj
}
