package pssconfig

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// load reads config as both functions do: fnconfig.Load, then Validate
// when it loaded. It returns the config and "path: message" per error.
func load(t *testing.T, config string) (PodSecurity, []string) {
	t.Helper()
	obj, err := fn.ParseKubeObject([]byte(config))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Defaults()
	var res results.Collector
	if src, loaded := fnconfig.Load(obj, Kind, &cfg, &res); loaded {
		cfg.Validate(src, &res)
	}
	var errs []string
	for _, r := range res.Results() {
		if r.Severity == fn.Error {
			errs = append(errs, r.Field.Path+": "+r.Message)
		}
	}
	slices.Sort(errs)
	return cfg, errs
}

const typed = "apiVersion: fn.lockdown.dev/v1alpha1\nkind: PodSecurity\nmetadata: {name: pss}\n"

func TestValuesParsedAtLoad(t *testing.T) {
	cfg, errs := load(t, typed+`spec:
  version: v1.30
  exemptLabels:
  - {selector: "tier in (logging),track!=canary", reason: reads logs}
`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := cfg.LevelVersion(); got.Version != psaapi.MajorMinorVersion(1, 30) || cfg.Version.Text != "v1.30" {
		t.Errorf("version %v (text %q), want v1.30", got.Version, cfg.Version.Text)
	}
	sel := cfg.ExemptLabels[0].Selector
	if !sel.Matches(labels.Set{"tier": "logging"}) || sel.Matches(labels.Set{"tier": "logging", "track": "canary"}) {
		t.Errorf("selector %q matches the wrong label sets", sel.Text)
	}
	want := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"logging"}},
		{Key: "track", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"canary"}},
	}}
	if diff := cmp.Diff(want, sel.Structured); diff != "" {
		t.Errorf("structured selector (-want +got):\n%s", diff)
	}
}

// TestValueErrorsAtTheirPath wants each bad value reported once, at its
// own field path with its list index, beside the config's other errors.
func TestValueErrorsAtTheirPath(t *testing.T) {
	_, errs := load(t, typed+`spec:
  level: strict
  version: "1.30"
  exemptLabels:
  - {selector: app=ok, reason: fine}
  - {selector: "replicas>1", reason: not expressible}
  - {selector: "a in (", reason: broken}
  - {selector: "  ", reason: blank}
  - {selector: app=web}
`)
	want := []string{
		`spec.exemptLabels[1].selector: replicas>1: the label selectors of Kubernetes objects (matchLabels, matchExpressions), which Kyverno's exclusion needs, have no > or <; use =, !=, in, notin, key or !key`,
		`spec.exemptLabels[2].selector: not a label selector: unable to parse requirement: found '', expected: ',', ')' or identifier; write it like app=istio-cni`,
		`spec.exemptLabels[3].selector: empty selector: an empty selector would exempt everything`,
		`spec.exemptLabels[4].reason: the exemption of selector app=web has no reason: say why it needs the exemption, so reviewers can judge it`,
		`spec.level: unknown level "strict": use baseline or restricted`,
		`spec.version: unknown version "1.30": must be "latest" or "v1.x", for example v1.30 or latest`,
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// A number is a Value's text, as for every Value: the version's error
// says what a version looks like. An object is no value.
func TestValuesNotStrings(t *testing.T) {
	_, errs := load(t, typed+"spec:\n  version: 1.30\n  exemptLabels:\n  - {selector: 5, reason: five}\n")
	want := []string{`spec.version: unknown version "1.3": must be "latest" or "v1.x", for example v1.30 or latest`}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	_, errs = load(t, typed+"spec:\n  exemptLabels:\n  - {selector: {app: web}, reason: an object}\n")
	want = []string{"spec.exemptLabels[0].selector: expected a string or a number, got an object"}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestValuesInAConfigMap(t *testing.T) {
	const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: pss}\ndata:\n"
	cfg, errs := load(t, configMap+"  version: ' v1.25 '\n")
	if len(errs) > 0 || cfg.Version.Version != psaapi.MajorMinorVersion(1, 25) || cfg.Version.Text != "v1.25" {
		t.Errorf("version %v (text %q), errors %v; want v1.25", cfg.Version.Version, cfg.Version.Text, errs)
	}
	// An empty value keeps the default, as for every ConfigMap key.
	if cfg, errs := load(t, configMap+"  version: ''\n"); len(errs) > 0 || cfg.Version.Text != "latest" {
		t.Errorf("empty version: %q, errors %v; want the default, latest", cfg.Version.Text, errs)
	}
	for _, tc := range []struct{ data, want string }{
		{"  version: v2\n", `data.version: unknown version "v2": must be "latest" or "v1.x", for example v1.30 or latest`},
		{"  exemptLabels: app=web\n", "data.exemptLabels: cannot be set from a ConfigMap: use the typed config kind"},
	} {
		if _, errs := load(t, configMap+tc.data); !slices.Equal(errs, []string{tc.want}) {
			t.Errorf("%s: errors %q, want %q", tc.data, errs, tc.want)
		}
	}
}

// TestDefaultVersionParsed: without a config fnconfig.Load parses
// nothing, so the default must come parsed.
func TestDefaultVersionParsed(t *testing.T) {
	cfg := Defaults()
	if lv := cfg.LevelVersion(); !lv.Version.Latest() || cfg.Version.Text != "latest" {
		t.Errorf("default %v (text %q), want latest", lv, cfg.Version.Text)
	}
}
