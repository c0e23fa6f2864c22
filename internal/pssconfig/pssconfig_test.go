package pssconfig

import (
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// TestLabelSelectorMatchesTheText wants the structured selector written
// into Kyverno policies to match exactly the label sets its text form,
// which pod-security-check evaluates, matches.
func TestLabelSelectorMatchesTheText(t *testing.T) {
	sets := []labels.Set{
		{}, {"a": "b"}, {"a": "c"}, {"a": "x"}, {"a": "y"}, {"c": "d"}, {"a": "b", "c": "d"},
		{"a": "b", "c": "d", "e": "1"}, {"e": "1"}, {"a": "x", "c": "z"},
	}
	for _, text := range []string{"a=b", "a==b", "a!=b", "a in (x,y)", "a notin (x)", "a", "!a", "a=b,c in (d),!e", "a!=b,c"} {
		parsed := fnconfig.ValueOf[Selector](text)
		if parsed.Err() != nil {
			t.Fatalf("%s: %v", text, parsed.Err())
		}
		structured := parsed.Structured
		sel, err := metav1.LabelSelectorAsSelector(structured)
		if err != nil {
			t.Fatalf("%s: %+v: %v", text, structured, err)
		}
		want, err := labels.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sets {
			if sel.Matches(s) != want.Matches(s) || parsed.Matches(s) != want.Matches(s) {
				t.Errorf("%q on %v: structured %+v says %v, Labels %v, the text says %v", text, s, structured, sel.Matches(s), parsed.Matches(s), want.Matches(s))
			}
		}
	}
}

func TestLabelSelectorRefusesComparisons(t *testing.T) {
	for _, text := range []string{"replicas>1", "a=b,replicas<3"} {
		if err := fnconfig.ValueOf[Selector](text).Err(); err == nil || !strings.Contains(err.Error(), "no > or <") {
			t.Errorf("%q: want an error about > and <, got %v", text, err)
		}
	}
}

func TestExemption(t *testing.T) {
	cfg := Defaults()
	cfg.ExemptNamespaces = ExemptNamespaces{{Namespace: "kube-system", Reason: "GKE"}}
	cfg.ExemptNames = []ExemptName{{Name: "node-setup", Reason: "one-off"}}
	cfg.ExemptLabels = []ExemptLabel{{Selector: fnconfig.ValueOf[Selector]("tier=logging"), Reason: "reads logs"}}
	for _, tc := range []struct {
		yaml, want string
	}{
		{"kind: Pod\nmetadata: {name: node-setup, namespace: kube-system}", "namespace kube-system is exempt: GKE"},
		{"kind: Pod\nmetadata: {name: node-setup, namespace: team}", "name node-setup is exempt: one-off"},
		{"kind: Pod\nmetadata: {name: fluent, namespace: team, labels: {tier: logging}}", "labels match tier=logging: reads logs"},
		{"kind: Pod\nmetadata: {name: node-setup-2, namespace: team, labels: {tier: web}}", ""},
		{"kind: Namespace\nmetadata: {name: kube-system}", ""},
	} {
		obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\n" + tc.yaml))
		if err != nil {
			t.Fatal(err)
		}
		got, exempt := cfg.Exemption(obj)
		if got != tc.want || exempt != (tc.want != "") {
			t.Errorf("%s: exemption %q (%v), want %q", tc.yaml, got, exempt, tc.want)
		}
	}
}

func TestTemplatePath(t *testing.T) {
	custom := []PodTemplatePath{{Group: "kubeflow.org", Kind: "Notebook", Path: "spec.template.spec"}, {Kind: "Pod", Path: "custom"}}
	for _, tc := range []struct{ apiVersion, kind, want string }{
		{"v1", "Pod", "spec"},
		{"batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec"},
		{"kubeflow.org/v1", "Notebook", "spec.template.spec"},
		{"example.com/v1", "Notebook", ""},
		{"apps/v1", "Deployment", "spec.template.spec"},
		{"extensions/v1beta1", "Deployment", ""},
		{"apps/v1beta2", "DaemonSet", "spec.template.spec"},
		{"v1", "PodTemplate", "template.spec"},
		{"example.com/v1", "Pod", "custom"}, // the core kinds match apiVersion v1 only
	} {
		obj, err := fn.ParseKubeObject([]byte("apiVersion: " + tc.apiVersion + "\nkind: " + tc.kind + "\nmetadata: {name: x}\n"))
		if err != nil {
			t.Fatal(err)
		}
		p, found := TemplatePath(obj, custom)
		if p.Path != tc.want || found != (tc.want != "") {
			t.Errorf("%s %s: path %q (%v), want %q", tc.apiVersion, tc.kind, p.Path, found, tc.want)
		}
	}
}

// TestTemplatePathsReplaceTheDefault loads the README's apiVersion form
// of podTemplatePaths over the defaults: the user's entries replace the
// default Notebook entry rather than being decoded over it (encoding/json
// would keep the default's group in the first entry, and then refuse
// apiVersion and group together; an entry without path would take the
// default's).
func TestTemplatePathsReplaceTheDefault(t *testing.T) {
	for _, tc := range []struct {
		name, entries string
		want          []PodTemplatePath
		wantError     string
	}{
		{name: "apiVersion form", entries: "  - apiVersion: kubeflow.org/v1\n    kind: Notebook\n    path: spec.template.spec\n",
			want: []PodTemplatePath{{APIVersion: "kubeflow.org/v1", Kind: "Notebook", Path: "spec.template.spec"}}},
		{name: "entry without path", entries: "  - group: example.com\n    kind: Trainer\n",
			wantError: "error spec.podTemplatePaths[0].path: \"\" is not a dotted field path such as spec.template.spec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := fn.ParseKubeObject([]byte("apiVersion: fn.lockdown.dev/v1alpha1\nkind: PodSecurity\nmetadata: {name: x}\nspec:\n  podTemplatePaths:\n" + tc.entries))
			if err != nil {
				t.Fatal(err)
			}
			cfg := Defaults()
			var res results.Collector
			src, loaded := fnconfig.Load(obj, "PodSecurity", &cfg, &res)
			if loaded {
				cfg.Validate(src, &res)
			}
			var got []string
			for _, r := range res.Results() {
				got = append(got, string(r.Severity)+" "+r.Field.Path+": "+r.Message)
			}
			if tc.wantError != "" {
				if len(got) != 1 || got[0] != tc.wantError {
					t.Errorf("results %q, want %q", got, tc.wantError)
				}
				return
			}
			if len(got) != 0 {
				t.Fatalf("results %q, want none", got)
			}
			if !slices.Equal(cfg.PodTemplatePaths, tc.want) {
				t.Errorf("podTemplatePaths %+v, want %+v", cfg.PodTemplatePaths, tc.want)
			}
		})
	}
}
