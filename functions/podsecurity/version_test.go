package podsecurity

import (
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/pssconfig"
)

func TestKyvernoVersion(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"latest", "latest", ""},
		{"v1.19", "v1.19", ""},
		{"v1.25", "v1.25", ""},
		{"v1.29", "v1.29", ""},
		{"v1.30", "v1.29", ""}, // no check changed at v1.30
		{"v1.31", "", "check seLinuxOptions at v1.31"},
		{"v1.33", "", "check sysctls at v1.32"},
		{"v1.40", "", "check sysctls at v1.37"},
		{"v1.18", "", "older than Kyverno's podSecurity accepts"},
	} {
		got, err := kyvernoVersion(parseVersion(t, tc.in))
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want one with %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// parseVersion is text as a loaded config holds it.
func parseVersion(t *testing.T, text string) pssconfig.Version {
	t.Helper()
	v := fnconfig.ValueOf[pssconfig.Version](text)
	if err := v.Err(); err != nil || v.Version.String() != text {
		t.Fatalf("%s: parsed as %s, %v", text, v.Version, err)
	}
	return v
}

// A policy exists at a pinned version only where the standard has its
// control: Kyverno, pinned to v1.21, would still refuse a pod that does
// not drop ALL (capabilities_restricted is from v1.22) and one that runs
// as user 0 (runAsUser is from v1.23). The Kyverno CLI, on policies
// written without this rule, refused such a pod at v1.21 and v1.22.
func TestPoliciesFollowThePinnedVersion(t *testing.T) {
	all := len(controlsOf("restricted"))
	for _, tc := range []struct {
		version string
		missing []string
	}{
		{"v1.19", []string{"disallow-capabilities-strict", "require-run-as-non-root-user"}},
		{"v1.21", []string{"disallow-capabilities-strict", "require-run-as-non-root-user"}},
		{"v1.22", []string{"require-run-as-non-root-user"}},
		{"v1.23", nil},
		{"v1.29", nil},
		{"latest", nil},
	} {
		t.Run(tc.version, func(t *testing.T) {
			in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: team-a}}\n" +
				"functionConfig:\n  apiVersion: fn.lockdown.dev/v1alpha1\n  kind: PodSecurity\n  metadata: {name: pod-security}\n" +
				"  spec: {level: restricted, version: " + tc.version + ", output: kyverno}\n"
			out, err := fn.Run(Processor(), []byte(in))
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			rl, err := fn.ParseResourceList(out)
			if err != nil {
				t.Fatal(err)
			}
			written := map[string]bool{}
			for _, obj := range rl.Items {
				if obj.GetKind() == "ClusterPolicy" {
					written[obj.GetName()] = true
				}
			}
			for _, name := range tc.missing {
				if written[name] {
					t.Errorf("%s is written at %s", name, tc.version)
				}
				if !strings.Contains(string(out), "no "+name+" policy") {
					t.Errorf("no result says why %s is not written", name)
				}
			}
			if len(written) != all-len(tc.missing) {
				t.Errorf("%d policies written, want %d: %v", len(written), all-len(tc.missing), written)
			}
		})
	}
}

// Each control's checks are the ones Kyverno's mapping gives its control
// name, so that existsAt asks about the checks Kyverno evaluates.
func TestControlChecksFollowKyvernoMapping(t *testing.T) {
	m := readKyvernoMapping(t)
	registry := map[policy.CheckID]psaapi.Level{}
	for _, c := range policy.DefaultChecks() {
		registry[c.ID] = c.Level
	}
	for _, c := range controls {
		if len(c.Checks) == 0 {
			t.Errorf("%s names no check", c.Policy)
		}
		for _, id := range c.Checks {
			if !slices.Contains(m.idsOf[c.Name], string(id)) {
				t.Errorf("%s: check %s is not one of Kyverno's %q checks %v", c.Policy, id, c.Name, m.idsOf[c.Name])
			}
			if level, ok := registry[id]; !ok || level != c.Level {
				t.Errorf("%s: check %s is not a %s check of pod-security-admission", c.Policy, id, c.Level)
			}
		}
	}
}
