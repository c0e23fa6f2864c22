package podsecuritycheck

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// kyvernoCorpus holds Kyverno's pod-security policies with their CLI tests
// (kyverno-test.yaml + resource.yaml), one folder per policy under
// baseline/ and restricted/.
const kyvernoCorpus = "../../../shared/corpus/kyverno-pod-security"

// kyvernoChecks maps each Kyverno pod-security policy (or policy/rule,
// looked up first) to the pod-security-admission check IDs that enforce
// the same control. pod-security-admission has one check,
// capabilities_restricted, for the two rules of disallow-capabilities-strict;
// those rules are told apart by the field our table locates
// (capabilities.add or capabilities.drop).
var kyvernoChecks = map[string][]policy.CheckID{
	"disallow-capabilities-strict/adding-capabilities-strict": {"capabilities_restricted:capabilities.add"},
	"disallow-capabilities-strict/require-drop-all":           {"capabilities_restricted:capabilities.drop"},
	// baseline
	"disallow-capabilities":          {"capabilities_baseline"},
	"disallow-host-namespaces":       {"hostNamespaces"},
	"disallow-host-path":             {"hostPathVolumes"},
	"disallow-host-ports":            {"hostPorts"},
	"disallow-host-ports-range":      {"hostPorts"},
	"disallow-host-process":          {"windowsHostProcess"},
	"disallow-privileged-containers": {"privileged"},
	"disallow-proc-mount":            {"procMount"},
	"disallow-selinux":               {"seLinuxOptions"},
	"restrict-apparmor-profiles":     {"appArmorProfile"},
	"restrict-seccomp":               {"seccompProfile_baseline"},
	"restrict-sysctls":               {"sysctls"},
	// restricted
	"disallow-capabilities-strict":  {"capabilities_restricted"},
	"disallow-privilege-escalation": {"allowPrivilegeEscalation"},
	"require-run-as-non-root-user":  {"runAsUser"},
	"require-run-as-nonroot":        {"runAsNonRoot"},
	"restrict-seccomp-strict":       {"seccompProfile_restricted"},
	"restrict-volume-types":         {"restrictedVolumes"},
}

// kyvernoDifferences are the cases in which Kyverno's policies and the Pod
// Security Standards as pod-security-admission implements them disagree on
// purpose, keyed policy/rule/expected result, with the reason. Objects of
// such a case may agree (a good pod without hostPort) or differ for that
// reason only; the test counts them.
var kyvernoDifferences = map[string]string{
	"disallow-host-ports-range/host-port-range/pass": "Kyverno's policy is an extension that allows hostPorts 5000-6000; " +
		"the Pod Security Standard (baseline) forbids every hostPort, and so do we. " +
		"The policy says so itself: \"Kubernetes Pod Security Admission does not support the host port range rule\".",
}

type kyvernoTest struct {
	Results []struct {
		Policy    string   `json:"policy"`
		Rule      string   `json:"rule"`
		Kind      string   `json:"kind"`
		Resources []string `json:"resources"`
		Result    string   `json:"result"`
	} `json:"results"`
}

// TestKyvernoAgreement runs our checks on every object of Kyverno's own
// pod-security tests and wants the same verdict as Kyverno for the
// matching control, except the documented differences.
func TestKyvernoAgreement(t *testing.T) {
	tests, err := filepath.Glob(filepath.Join(kyvernoCorpus, "*", "*", "kyverno-test", "kyverno-test.yaml"))
	if err != nil || len(tests) == 0 {
		t.Fatalf("no kyverno-test.yaml under %s (err %v): the Kyverno pod-security corpus is missing", kyvernoCorpus, err)
	}
	checked, agreed, differ := 0, 0, 0
	usedDifferences := map[string]bool{}
	for _, path := range tests {
		rel, _ := filepath.Rel(kyvernoCorpus, path)
		level := psaapi.Level(strings.Split(rel, string(filepath.Separator))[0])
		if level != psaapi.LevelBaseline && level != psaapi.LevelRestricted {
			t.Fatalf("%s: not under baseline/ or restricted/", path)
		}
		var kt kyvernoTest
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, &kt); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		resData, err := os.ReadFile(filepath.Join(filepath.Dir(path), "resource.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		objects := parseWithAliases(t, path, resData)
		byKindName := map[string]*fn.KubeObject{}
		for _, o := range objects {
			byKindName[o.GetKind()+"/"+o.GetName()] = o
		}
		for _, r := range kt.Results {
			ids, known := kyvernoChecks[r.Policy+"/"+r.Rule]
			if !known {
				ids, known = kyvernoChecks[r.Policy]
			}
			if !known {
				t.Errorf("%s: policy %s is not in kyvernoChecks", path, r.Policy)
				continue
			}
			for _, name := range r.Resources {
				obj := byKindName[r.Kind+"/"+name]
				if obj == nil {
					t.Errorf("%s: %s/%s not in resource.yaml", path, r.Kind, name)
					continue
				}
				var res results.Collector
				templates := FindTemplates(fn.KubeObjects{obj}, nil, &res)
				if len(templates) != 1 || res.HasErrors() {
					t.Errorf("%s: %s/%s: found %d pod templates, results %v", path, r.Kind, name, len(templates), res.Results())
					continue
				}
				tpl := templates[0]
				lv := psaapi.LevelVersion{Level: level, Version: psaapi.LatestVersion()}
				violations := Evaluate(lv, tpl.Meta, tpl.Spec)
				checkSameAsEvaluator(t, lv, tpl, violations)
				flagged := flags(violations, ids, tpl)
				checked++
				key := r.Policy + "/" + r.Kind + "/" + name
				difference := r.Policy + "/" + r.Rule + "/" + r.Result
				if flagged == (r.Result == "fail") {
					agreed++
					continue
				}
				if reason, listed := kyvernoDifferences[difference]; listed {
					differ++
					usedDifferences[difference] = true
					t.Logf("documented difference %s: Kyverno says %s: %s", key, r.Result, reason)
					continue
				}
				t.Errorf("%s (%s, rule %s): Kyverno says %s, our checks %v flag it: %v; %s violations: %v",
					key, rel, r.Rule, r.Result, ids, flagged, level, violations)
			}
		}
	}
	for key := range kyvernoDifferences {
		if !usedDifferences[key] {
			t.Errorf("kyvernoDifferences lists %s, which is not in the corpus or agrees", key)
		}
	}
	t.Logf("Kyverno agreement: %d objects checked, %d agree, %d documented differences", checked, agreed, differ)
	if checked == 0 {
		t.Fatal("no object checked")
	}
}

// flags tells whether violations contain one of ids, written "checkID" or
// "checkID:field" (then one of its located fields must contain field).
func flags(violations []Violation, ids []policy.CheckID, tpl PodTemplate) bool {
	for _, v := range violations {
		for _, id := range ids {
			checkID, field, _ := strings.Cut(string(id), ":")
			if string(v.ID) != checkID {
				continue
			}
			if field == "" {
				return true
			}
			for _, loc := range v.Locate(tpl.Meta, tpl.Spec) {
				if strings.Contains(loc.path, field) {
					return true
				}
			}
		}
	}
	return false
}

// checkSameAsEvaluator wants our per-check evaluation to find exactly the
// failures of the aggregate evaluator of pod-security-admission.
func checkSameAsEvaluator(t *testing.T, lv psaapi.LevelVersion, tpl PodTemplate, ours []Violation) {
	t.Helper()
	var want []string
	for _, r := range fullEvaluator.EvaluatePod(lv, tpl.Meta, tpl.Spec) {
		if !r.Allowed {
			want = append(want, r.ForbiddenReason)
		}
	}
	var got []string
	for _, v := range ours {
		got = append(got, v.Result.ForbiddenReason)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("%s: per-check evaluation %v, pod-security-admission's evaluator %v", results.Describe(tpl.Object), got, want)
	}
}

// parseWithAliases reads a multi-document YAML file whose documents may use
// anchors and aliases (Kyverno's resource files do), which fn's parser
// refuses: each document goes through JSON first.
func parseWithAliases(t *testing.T, path string, data []byte) fn.KubeObjects {
	t.Helper()
	var out fn.KubeObjects
	for i, doc := range regexp.MustCompile(`(?m)^---[ \t]*$`).Split(string(data), -1) {
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("%s: document %d: %v", path, i, err)
		}
		if string(js) == "null" {
			continue
		}
		obj, err := fn.ParseKubeObject(js)
		if err != nil {
			t.Fatalf("%s: document %d: %v", path, i, err)
		}
		out = append(out, obj)
	}
	return out
}

var fullEvaluator = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err)
	}
	return e
}()
