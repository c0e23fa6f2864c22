package podsecurity

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"

	"github.com/lockdown-krm/lockdown/internal/pssconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/testing/crdschema"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// TestGoldensAgainstKyvernoCRD validates every ClusterPolicy of the goldens
// against the ClusterPolicy CRD of Kyverno crdschema.KyvernoVersion,
// strictly: an unknown field, a version or control name outside the
// CRD's enums, a missing field fails.
func TestGoldensAgainstKyvernoCRD(t *testing.T) {
	if KyvernoVersion != crdschema.KyvernoVersion {
		t.Fatalf("the policies are written for Kyverno %s but validated against %s", KyvernoVersion, crdschema.KyvernoVersion)
	}
	checked := fntest.CheckGoldensAgainstKyvernoCRDs(t, "testdata")
	t.Logf("%d ClusterPolicies validated", checked)
	written := 0
	goldens, _ := filepath.Glob(filepath.Join("testdata", "*", fntest.ExpectedFile))
	for _, file := range goldens {
		if strings.HasPrefix(filepath.Base(filepath.Dir(file)), "error-") {
			continue // the package as given, refused: not checked (fntest.CheckGoldensAgainstCRDs)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		written += len(regexp.MustCompile(`(?m)^kind: ClusterPolicy$`).FindAll(data, -1))
	}
	if checked != written || checked == 0 {
		t.Errorf("%d ClusterPolicies validated, but the goldens hold %d", checked, written)
	}
}

// kyvernoMapping is what Kyverno's own source (pkg/pss/utils/mapping.go
// of the pinned release, read from the module cache) says about the
// controls of its podSecurity subrule.
type kyvernoMapping struct {
	podLevel, containerLevel, restrictedNames []string
	idsOf                                     map[string][]string // control name -> pod-security-admission check IDs
}

func readKyvernoMapping(t *testing.T) kyvernoMapping {
	t.Helper()
	dir, err := crdschema.KyvernoModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "pkg", "pss", "utils", "mapping.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := kyvernoMapping{idsOf: map[string][]string{}}
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || len(spec.Values) != 1 {
			return true
		}
		lit, ok := spec.Values[0].(*ast.CompositeLit)
		if !ok {
			return true
		}
		switch spec.Names[0].Name {
		case "PSS_pod_level_control":
			m.podLevel = stringList(t, lit)
		case "PSS_container_level_control":
			m.containerLevel = stringList(t, lit)
		case "PSS_restricted_control_names":
			m.restrictedNames = stringList(t, lit)
		case "PSS_control_name_to_ids":
			for _, elt := range lit.Elts {
				kv := elt.(*ast.KeyValueExpr)
				m.idsOf[unquote(t, kv.Key)] = stringList(t, kv.Value.(*ast.CompositeLit))
			}
		}
		return true
	})
	if len(m.podLevel) == 0 || len(m.containerLevel) == 0 || len(m.restrictedNames) == 0 || len(m.idsOf) == 0 {
		t.Fatalf("%s no longer declares the control lists this test reads", file)
	}
	return m
}

func stringList(t *testing.T, lit *ast.CompositeLit) []string {
	var out []string
	for _, e := range lit.Elts {
		out = append(out, unquote(t, e))
	}
	return out
}

func unquote(t *testing.T, e ast.Expr) string {
	s, err := strconv.Unquote(e.(*ast.BasicLit).Value)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// namesAt are Kyverno's control names at level: all of them at
// restricted; at baseline those its policy validation allows there.
func (m kyvernoMapping) namesAt(level psaapi.Level) []string {
	var out []string
	for name := range m.idsOf {
		if level == psaapi.LevelBaseline && !m.allowedAtBaseline(name) {
			continue
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// allowedAtBaseline is Kyverno's Rule.ValidatePSaControlNames: the
// restricted control names are refused at baseline, but Seccomp and
// Capabilities, which have a baseline check too.
func (m kyvernoMapping) allowedAtBaseline(name string) bool {
	return !slices.Contains(m.restrictedNames, name) || name == "Seccomp" || name == "Capabilities"
}

// TestPoliciesFollowKyvernoRules builds the policies of both levels and
// checks each against the rules of Kyverno's own source: its control
// name exists, its exclusions name every other control of its level once
// per scope (with images exactly for container-level controls, as
// PodSecurityStandard.Validate wants), and no restricted control appears
// in a baseline rule.
func TestPoliciesFollowKyvernoRules(t *testing.T) {
	m := readKyvernoMapping(t)
	for _, level := range []psaapi.Level{psaapi.LevelBaseline, psaapi.LevelRestricted} {
		cfg := pssconfig.Defaults()
		cfg.Level = string(level)
		var res results.Collector
		objs := policies(&cfg, "latest", &res)
		if res.HasErrors() {
			t.Fatal(res.Results())
		}
		var names []string
		for _, obj := range objs {
			var cp clusterPolicy
			if err := json.Unmarshal([]byte(mustJSON(t, obj.String())), &cp); err != nil {
				t.Fatal(err)
			}
			names = append(names, cp.Metadata.Name)
			checkPolicy(t, m, cp)
		}
		want := []string{"disallow-capabilities", "disallow-host-namespaces", "disallow-host-path", "disallow-host-ports",
			"disallow-host-process", "disallow-privileged-containers", "disallow-proc-mount", "disallow-selinux",
			"restrict-apparmor-profiles", "restrict-seccomp", "restrict-sysctls"}
		if level == psaapi.LevelRestricted {
			want = append(want, "disallow-capabilities-strict", "disallow-privilege-escalation", "require-run-as-nonroot",
				"require-run-as-non-root-user", "restrict-seccomp-strict", "restrict-volume-types")
		}
		slices.Sort(names)
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("%s: policies %v, want %v", level, names, want)
		}
	}
}

func checkPolicy(t *testing.T, m kyvernoMapping, cp clusterPolicy) {
	t.Helper()
	if len(cp.Spec.Rules) != 1 {
		t.Fatalf("%s: %d rules", cp.Metadata.Name, len(cp.Spec.Rules))
	}
	ps := cp.Spec.Rules[0].Validate.PodSecurity
	own := controlOf(t, cp.Metadata.Name)
	if _, known := m.idsOf[own.Name]; !known {
		t.Errorf("%s: Kyverno has no control %q", cp.Metadata.Name, own.Name)
	}
	if ps.Level != string(own.Level) {
		t.Errorf("%s: level %s, want %s", cp.Metadata.Name, ps.Level, own.Level)
	}
	scopes := map[string][]bool{} // control name -> has images, per entry
	for _, e := range ps.Exclude {
		images := len(e.Images) > 0
		switch {
		case slices.Contains(m.containerLevel, e.ControlName) && !images:
			t.Errorf("%s: container-level control %q excluded without images", cp.Metadata.Name, e.ControlName)
		case slices.Contains(m.podLevel, e.ControlName) && images:
			t.Errorf("%s: pod-level control %q excluded with images", cp.Metadata.Name, e.ControlName)
		}
		if ps.Level == string(psaapi.LevelBaseline) && !m.allowedAtBaseline(e.ControlName) {
			t.Errorf("%s: restricted control %q in a baseline rule", cp.Metadata.Name, e.ControlName)
		}
		if images && !slices.Equal(e.Images, []string{"*"}) {
			t.Errorf("%s: %q excluded for images %v only, not every container", cp.Metadata.Name, e.ControlName, e.Images)
		}
		scopes[e.ControlName] = append(scopes[e.ControlName], images)
	}
	for _, name := range m.namesAt(psaapi.Level(ps.Level)) {
		got := scopes[name]
		var want []bool
		switch {
		case name == own.Name:
		case slices.Contains(m.podLevel, name):
			want = []bool{false}
		case slices.Contains(m.containerLevel, name):
			want = []bool{true}
		default: // pod and container level: both entries
			want = []bool{false, true}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: control %q excluded with images %v, want %v", cp.Metadata.Name, name, got, want)
		}
		delete(scopes, name)
	}
	for name := range scopes {
		t.Errorf("%s: excludes %q, which is not a control of level %s", cp.Metadata.Name, name, ps.Level)
	}
}

func controlOf(t *testing.T, policy string) control {
	t.Helper()
	i := slices.IndexFunc(controls, func(c control) bool { return c.Policy == policy })
	if i < 0 {
		t.Fatalf("no control for policy %s", policy)
	}
	return controls[i]
}

// TestEveryCheckHasAPolicy wants every check of pod-security-admission
// (the checks pod-security-check runs) enforced by a generated policy at
// the check's level, through Kyverno's mapping of control names to check
// IDs, except the checks that came after the pod-security-admission
// Kyverno bundles, which its podSecurity subrule cannot evaluate.
func TestEveryCheckHasAPolicy(t *testing.T) {
	m := readKyvernoMapping(t)
	bundled := kyvernoBundledMinor(t)
	for _, c := range policy.DefaultChecks() {
		var covered []string
		for _, ctl := range controlsOf(c.Level) {
			if slices.Contains(m.idsOf[ctl.Name], string(c.ID)) && psaapi.CompareLevels(c.Level, ctl.Level) <= 0 {
				covered = append(covered, ctl.Policy)
			}
		}
		newer := c.Versions[0].MinimumVersion.Minor() > bundled
		switch {
		case len(covered) > 0:
			t.Logf("%s (%s): %v", c.ID, c.Level, covered)
		case newer:
			t.Logf("%s (%s, since v1.%d): not in Kyverno's bundled pod-security-admission (v0.%d): no policy, a documented difference",
				c.ID, c.Level, c.Versions[0].MinimumVersion.Minor(), bundled)
		default:
			t.Errorf("check %s (%s) has no policy", c.ID, c.Level)
		}
	}
}

// kyvernoBundledMinor is the minor version of k8s.io/pod-security-admission
// in Kyverno's go.mod (v0.33.1 for Kyverno 1.15: the standard of
// Kubernetes 1.33).
func kyvernoBundledMinor(t *testing.T) int {
	t.Helper()
	dir, err := crdschema.KyvernoModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	match := regexp.MustCompile(`(?m)^\s*k8s\.io/pod-security-admission v0\.(\d+)\.`).FindSubmatch(data)
	if match == nil {
		t.Fatal("Kyverno's go.mod requires no k8s.io/pod-security-admission")
	}
	minor, _ := strconv.Atoi(string(match[1]))
	return minor
}

func mustJSON(t *testing.T, y string) string {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}
