package kcc

import (
	"strings"
	"testing"

	computev1beta1 "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func ptr[T any](v T) *T { return &v }

// firewall is a ComputeFirewall with everything New has to clean up: a
// status, empty strings, empty lists and maps, and meaningful zero values.
func firewall() *computev1beta1.ComputeFirewall {
	return &computev1beta1.ComputeFirewall{
		TypeMeta: metav1.TypeMeta{APIVersion: "compute.cnrm.cloud.google.com/v1beta1", Kind: "ComputeFirewall"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        "deny-all-egress",
			Namespace:   "net",
			Labels:      map[string]string{},                                             // empty map: dropped
			Annotations: map[string]string{"cnrm.cloud.google.com/project-id": "proj-1"}, // kept
		},
		Spec: computev1beta1.ComputeFirewallSpec{
			Deny:              []computev1beta1.FirewallDeny{{Protocol: "all", Ports: []string{}}},
			Allow:             []computev1beta1.FirewallAllow{}, // empty list: dropped
			Description:       ptr(""),                          // empty string: dropped
			Direction:         ptr("EGRESS"),
			Disabled:          ptr(false), // false: kept
			Priority:          ptr(int64(0)),
			DestinationRanges: []string{"0.0.0.0/0"},
			NetworkRef:        kccref.ResourceRef{Name: "vpc", Namespace: ""},
			SourceTags:        []string{"", ""}, // only empty strings: dropped
			TargetTags:        []string{"gke-node", ""},
		},
		Status: computev1beta1.ComputeFirewallStatus{
			ObservedGeneration: ptr(int64(3)),
			SelfLink:           ptr("https://example/selfLink"),
		},
	}
}

func TestNewFirewallYAML(t *testing.T) {
	obj, err := New(firewall())
	if err != nil {
		t.Fatal(err)
	}
	// The SDK writes well-known fields (metadata.name, namespace, priority)
	// first and the rest in alphabetical order.
	want := `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata:
  name: deny-all-egress
  namespace: net
  annotations:
    cnrm.cloud.google.com/project-id: proj-1
spec:
  priority: 0
  deny:
  - protocol: all
  destinationRanges:
  - 0.0.0.0/0
  direction: EGRESS
  disabled: false
  networkRef:
    name: vpc
  targetTags:
  - gke-node
`
	if diff := cmp.Diff(want, obj.String()); diff != "" {
		t.Errorf("New(firewall) (-want +got):\n%s", diff)
	}
}

func TestNewKeepsLargeNumbersIntact(t *testing.T) {
	fw := firewall()
	fw.Spec.Priority = ptr(int64(65535))
	obj, err := New(fw)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := obj.NestedInt64("spec", "priority"); err != nil || got != 65535 {
		t.Errorf("spec.priority = %v (err %v), want 65535", got, err)
	}
	if !strings.Contains(obj.String(), "\n  priority: 65535\n") {
		t.Errorf("priority is not written as a plain integer:\n%s", obj)
	}
}

func TestNewStripsNoise(t *testing.T) {
	obj, err := New(firewall())
	if err != nil {
		t.Fatal(err)
	}
	var whole map[string]any
	if err := obj.As(&whole); err != nil {
		t.Fatal(err)
	}
	for _, path := range [][]string{
		{"status"},
		{"metadata", "creationTimestamp"},
		{"metadata", "labels"},
		{"spec", "allow"},
		{"spec", "description"},
		{"spec", "sourceTags"},
	} {
		if has(t, whole, path...) {
			t.Errorf("%s is still there", strings.Join(path, "."))
		}
	}
	for _, path := range [][]string{
		{"metadata", "annotations"},
		{"spec", "disabled"},
		{"spec", "priority"},
		{"spec", "networkRef", "name"},
	} {
		if !has(t, whole, path...) {
			t.Errorf("%s is gone", strings.Join(path, "."))
		}
	}
	// The typed value round-trips: what New wrote is what the struct said.
	var back computev1beta1.ComputeFirewall
	if err := obj.As(&back); err != nil {
		t.Fatal(err)
	}
	if back.Spec.Disabled == nil || *back.Spec.Disabled {
		t.Errorf("spec.disabled = %v, want false kept", back.Spec.Disabled)
	}
	if back.Spec.Priority == nil || *back.Spec.Priority != 0 {
		t.Errorf("spec.priority = %v, want 0 kept", back.Spec.Priority)
	}
}

func TestNewTopLevelOrder(t *testing.T) {
	obj, err := New(firewall())
	if err != nil {
		t.Fatal(err)
	}
	var top []string
	for _, line := range strings.Split(obj.String(), "\n") {
		if line != "" && line[0] != ' ' && line[0] != '-' {
			key, _, _ := strings.Cut(line, ":")
			top = append(top, key)
		}
	}
	if diff := cmp.Diff([]string{"apiVersion", "kind", "metadata", "spec"}, top); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
}

func TestNewErrors(t *testing.T) {
	noKind := firewall()
	noKind.Kind = ""
	noAPIVersion := firewall()
	noAPIVersion.APIVersion = ""
	for name, typed := range map[string]any{
		"no TypeMeta":    &computev1beta1.ComputeFirewall{ObjectMeta: metav1.ObjectMeta{Name: "x"}},
		"no kind":        noKind,
		"no apiVersion":  noAPIVersion,
		"not encodable":  map[string]any{"apiVersion": "v1", "kind": "X", "bad": make(chan int)},
		"not an object":  []string{"a"},
		"a bare string":  "apiVersion",
		"an empty value": struct{}{},
	} {
		t.Run(name, func(t *testing.T) {
			obj, err := New(typed)
			if err == nil {
				t.Fatalf("New succeeded: %s", obj)
			}
			if obj != nil {
				t.Errorf("New returned an object with its error: %s", obj)
			}
		})
	}
	_, err := New(&computev1beta1.ComputeFirewall{})
	if err == nil || !strings.Contains(err.Error(), "TypeMeta") {
		t.Errorf("error %v does not tell to set TypeMeta", err)
	}
}

func TestPrune(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"empty string", "", nil},
		{"string", "x", "x"},
		{"zero", float64(0), float64(0)},
		{"false", false, false},
		{"empty map", map[string]any{}, nil},
		{"map of empties", map[string]any{"a": "", "b": map[string]any{"c": []any{}}}, nil},
		{"mixed map", map[string]any{"a": "", "b": false, "c": float64(0), "d": "x"},
			map[string]any{"b": false, "c": float64(0), "d": "x"}},
		{"list of empties", []any{"", nil, map[string]any{}}, nil},
		{"list keeps order", []any{"b", "", "a", map[string]any{"k": ""}, map[string]any{"k": "v"}},
			[]any{"b", "a", map[string]any{"k": "v"}}},
		{"nested", map[string]any{"spec": map[string]any{"x": []any{map[string]any{"p": "tcp", "ports": []any{}}}}},
			map[string]any{"spec": map[string]any{"x": []any{map[string]any{"p": "tcp"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, prune(tc.in)); diff != "" {
				t.Errorf("prune (-want +got):\n%s", diff)
			}
		})
	}
}

// has tells whether the field at path exists in m.
func has(t *testing.T, m map[string]any, path ...string) bool {
	t.Helper()
	var v any = m
	for _, key := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = mm[key]; !ok {
			return false
		}
	}
	return true
}
