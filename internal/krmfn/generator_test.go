package krmfn

import (
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/owned"
)

type genConfig struct {
	Fail bool `json:"fail,omitempty"`
}

// testGenerator generates one ConfigMap, or fails after generating it when
// the config says so; Finish records that it ran.
func testGenerator(finished *bool, unchanged bool) Generator[genConfig] {
	return Generator[genConfig]{
		Name:     "test-gen",
		Kind:     "TestGen",
		Defaults: func() genConfig { return genConfig{} },
		Plan: func(run *Run[genConfig]) Plan {
			cm := fn.NewEmptyKubeObject()
			_ = cm.SetAPIVersion("v1")
			_ = cm.SetKind("ConfigMap")
			_ = cm.SetName("generated")
			if run.Config.Fail {
				run.Results.Error(nil, "", "planned to fail")
			}
			return Plan{Desired: []*fn.KubeObject{cm}, Unchanged: unchanged, Finish: func(fn.KubeObjects) { *finished = true }}
		},
	}
}

func runGenerator(t *testing.T, g Generator[genConfig], items fn.KubeObjects, config string) (*fn.ResourceList, bool) {
	t.Helper()
	rl := &fn.ResourceList{Items: items, FunctionConfig: fn.NewEmptyKubeObject()}
	if config != "" {
		obj, err := fn.ParseKubeObject([]byte(config))
		if err != nil {
			t.Fatal(err)
		}
		rl.FunctionConfig = obj
	}
	ok, err := g.Processor().Process(rl)
	if err != nil {
		t.Fatal(err)
	}
	return rl, ok
}

func names(items fn.KubeObjects) []string {
	var out []string
	for _, o := range items {
		out = append(out, o.GetKind()+"/"+o.GetName())
	}
	return out
}

func TestGeneratorReconcilesThenFinishes(t *testing.T) {
	var finished bool
	rl, ok := runGenerator(t, testGenerator(&finished, false), nil, "")
	if !ok || !finished {
		t.Fatalf("ok = %v, finished = %v; results: %v", ok, finished, rl.Results)
	}
	if got := names(rl.Items); !slices.Equal(got, []string{"ConfigMap/generated"}) {
		t.Errorf("items = %v", got)
	}
	if a := rl.Items[0].GetAnnotation(owned.Annotation); a == "" {
		t.Errorf("the generated object carries no owner annotation")
	}
	// A second run over the output changes nothing: the object is ours.
	again, ok := runGenerator(t, testGenerator(&finished, false), rl.Items, "")
	if !ok || again.Items[0].String() != rl.Items[0].String() {
		t.Errorf("second run: ok = %v\n%s\nwant\n%s", ok, again.Items[0], rl.Items[0])
	}
}

func TestGeneratorStopsOnError(t *testing.T) {
	var finished bool
	user := fn.NewEmptyKubeObject()
	_ = user.SetAPIVersion("v1")
	_ = user.SetKind("Secret")
	_ = user.SetName("users")
	rl, ok := runGenerator(t, testGenerator(&finished, false), fn.KubeObjects{user},
		"{apiVersion: fn.lockdown.dev/v1alpha1, kind: TestGen, spec: {fail: true}}")
	if ok || finished {
		t.Errorf("ok = %v, finished = %v: an error must stop the run before Finish", ok, finished)
	}
	if got := names(rl.Items); !slices.Equal(got, []string{"Secret/users"}) {
		t.Errorf("items = %v, want the package as it was", got)
	}
}

func TestGeneratorUnchanged(t *testing.T) {
	var finished bool
	rl, ok := runGenerator(t, testGenerator(&finished, true), nil, "")
	if !ok || finished || len(rl.Items) != 0 {
		t.Errorf("ok = %v, finished = %v, items = %v: Unchanged neither generates nor finishes", ok, finished, names(rl.Items))
	}
}

// firewallGenerator writes one ComputeFirewall with the given priority,
// as a generator would from a value it failed to check.
func firewallGenerator(priority int, finished *bool) Generator[genConfig] {
	return Generator[genConfig]{
		Name:     "test-gen",
		Kind:     "TestGen",
		Defaults: func() genConfig { return genConfig{} },
		Plan: func(run *Run[genConfig]) Plan {
			fw := fn.NewEmptyKubeObject()
			_ = fw.SetAPIVersion("compute.cnrm.cloud.google.com/v1beta1")
			_ = fw.SetKind("ComputeFirewall")
			_ = fw.SetName("kf-allow")
			_ = fw.SetNestedInt(priority, "spec", "priority")
			return Plan{Desired: []*fn.KubeObject{fw}, Finish: func(fn.KubeObjects) { *finished = true }}
		},
	}
}

// An object GCP would refuse is never written: the run fails with an
// error at the generated field, and the package stays as it was.
func TestGeneratorRefusesWhatGCPRefuses(t *testing.T) {
	var finished bool
	rl, ok := runGenerator(t, firewallGenerator(70000, &finished), nil, "")
	if ok || finished || len(rl.Items) != 0 {
		t.Fatalf("ok = %v, finished = %v, items = %v: want a refused run", ok, finished, names(rl.Items))
	}
	if len(rl.Results) != 1 || rl.Results[0].Field == nil || rl.Results[0].Field.Path != "spec.priority" ||
		!strings.Contains(rl.Results[0].Message, "test-gen refuses to write ComputeFirewall kf-allow") ||
		!strings.Contains(rl.Results[0].Message, "priority 70000 is out of range") {
		t.Errorf("results: %v", rl.Results)
	}
	if _, ok := runGenerator(t, firewallGenerator(65535, &finished), nil, ""); !ok || !finished {
		t.Errorf("priority 65535 is GCP's last and must be written")
	}
}

// Two namespaces of one project get one GCP name: refused, naming both.
func TestGeneratorRefusesDuplicateGCPNames(t *testing.T) {
	var finished bool
	user, err := fn.ParseKubeObject([]byte("apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeFirewall\nmetadata: {name: kf-allow, namespace: other, annotations: {cnrm.cloud.google.com/project-id: kf-project}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := firewallGenerator(1000, &finished)
	plan := g.Plan
	g.Plan = func(run *Run[genConfig]) Plan {
		p := plan(run)
		_ = p.Desired[0].SetNamespace("team")
		_ = p.Desired[0].SetAnnotation("cnrm.cloud.google.com/project-id", "kf-project")
		return p
	}
	rl, ok := runGenerator(t, g, fn.KubeObjects{user}, "")
	if ok || finished || !slices.Equal(names(rl.Items), []string{"ComputeFirewall/kf-allow"}) || rl.Items[0].GetNamespace() != "other" {
		t.Fatalf("ok = %v, finished = %v, items = %v: want the package as it was", ok, finished, names(rl.Items))
	}
	if len(rl.Results) != 1 || !strings.Contains(rl.Results[0].Message, `one GCP resource "kf-allow" in project kf-project`) {
		t.Errorf("results: %v", rl.Results)
	}
}
