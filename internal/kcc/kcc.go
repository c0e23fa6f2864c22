// Package kcc builds new Config Connector objects from the typed structs of
// Config Connector's generated client, so that a generated object can only
// carry fields its CRD has. The JSON form of those structs is noisy
// (`status: {}`, `metadata.creationTimestamp: null`, empty lists), so New
// strips what carries no meaning before the object enters the package.
package kcc

import (
	"encoding/json"
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
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
