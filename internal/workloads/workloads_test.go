package workloads

import (
	"strings"
	"testing"
)

// Every row must be usable by all three readers: a pod spec path with
// metadata beside it (pod-security reads annotations there, the facts
// labels), a version exactly for the core group (pod-security matches
// core kinds by apiVersion), and one row per group and kind.
func TestTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, w := range Builtin() {
		id := w.Group + "/" + w.Kind
		if seen[id] {
			t.Errorf("%s: listed twice", id)
		}
		seen[id] = true
		if w.Kind == "" || w.SpecPath == "" || w.MetadataPath() == "" {
			t.Errorf("%s: kind, spec path %q and metadata path %q must be set", id, w.SpecPath, w.MetadataPath())
		}
		if (w.Group == "") != (w.Version == "v1") {
			t.Errorf("%s: version %q, want v1 for the core group and none otherwise", id, w.Version)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		group, kind, spec string
		backend           bool
	}{
		{"", "Pod", "spec", true},
		{"", "PodTemplate", "template.spec", false},
		{"apps", "DaemonSet", "spec.template.spec", true},
		{"batch", "CronJob", "spec.jobTemplate.spec.template.spec", false},
		{"", "Deployment", "", false},
		{"apps", "Pod", "", false},
		{"kubeflow.org", "Notebook", "", false},
	} {
		w, found := Lookup(tc.group, tc.kind)
		if found != (tc.spec != "") || w.SpecPath != tc.spec || w.ServiceBackend != tc.backend {
			t.Errorf("Lookup(%q, %q) = %+v, %v; want spec %q, backend %v", tc.group, tc.kind, w, found, tc.spec, tc.backend)
		}
	}
}

// The facts resolve named targetPorts through these kinds only; a change
// here changes which ports the firewall opens, so it must be deliberate.
func TestServiceBackends(t *testing.T) {
	var got []string
	for _, w := range Builtin() {
		if w.ServiceBackend {
			got = append(got, w.Kind)
		}
	}
	if want := "Pod Deployment StatefulSet DaemonSet ReplicaSet"; strings.Join(got, " ") != want {
		t.Errorf("service backends %v, want %s", got, want)
	}
}

func TestBuiltinIsACopy(t *testing.T) {
	Builtin()[0].SpecPath = "changed"
	if w, _ := Lookup("", "Pod"); w.SpecPath != "spec" {
		t.Errorf("a caller changed the table: Pod spec at %q", w.SpecPath)
	}
}

func TestMetadataBeside(t *testing.T) {
	for spec, want := range map[string]string{
		"spec":                                "metadata",
		"spec.template.spec":                  "spec.template.metadata",
		"template.spec":                       "template.metadata",
		"spec.jobTemplate.spec.template.spec": "spec.jobTemplate.spec.template.metadata",
		"spec.podSpec":                        "",
		"":                                    "",
	} {
		if got := MetadataBeside(spec); got != want {
			t.Errorf("MetadataBeside(%q) = %q, want %q", spec, got, want)
		}
	}
}
