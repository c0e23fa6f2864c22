package crdschema

import (
	"strings"
	"testing"
)

const clusterPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-host-path
spec:
  rules:
  - name: disallow-host-path
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      failureAction: Enforce
      podSecurity:
        level: baseline
        version: v1.29
        exclude:
        - controlName: Host Namespaces
        - controlName: Capabilities
          images:
          - '*'
`

// TestKyverno loads Kyverno's CRDs from the module cache and wants a
// podSecurity ClusterPolicy accepted, and each kind of mistake the
// generator could make refused with its field path.
func TestKyverno(t *testing.T) {
	set, err := Kyverno()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d Kyverno group/version/kinds", set.Len())
	if problems := set.Validate(parse(t, clusterPolicy)); len(problems) > 0 {
		t.Fatalf("a valid ClusterPolicy is refused: %v", problems)
	}
	for _, tc := range []struct{ name, from, to, want string }{
		{"unknown field", "      failureAction: Enforce", "      failureAction: Enforce\n      failureActions: Enforce", "unknown field spec.rules[0].validate.failureActions"},
		{"version the CRD lacks", "version: v1.29", "version: v1.30", "spec.rules[0].validate.podSecurity.version: Unsupported value: \"v1.30\""},
		{"control name", "controlName: Host Namespaces", "controlName: Host Network", "spec.rules[0].validate.podSecurity.exclude[0].controlName: Unsupported value"},
		{"failure action", "failureAction: Enforce", "failureAction: Deny", "spec.rules[0].validate.failureAction: Unsupported value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems := set.Validate(parse(t, strings.Replace(clusterPolicy, tc.from, tc.to, 1)))
			if !strings.Contains(strings.Join(problems, "\n"), tc.want) {
				t.Errorf("want a problem containing %q, got %v", tc.want, problems)
			}
		})
	}
}
