package vpcsc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/yaml"

	"github.com/lockdown-krm/lockdown/internal/testing/crdschema"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

func TestGolden(t *testing.T) {
	fntest.RunCases(t, "testdata", Processor())
}

// TestGoldenOutputsMatchCRDs checks every golden output, and what the
// end-to-end cases expect kpt to write, against the Config Connector CRDs,
// strictly: what the function writes must be what the API server accepts.
func TestGoldenOutputsMatchCRDs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", fntest.ExpectedFile))
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			items, err := fn.ParseKubeObjects(data)
			if err != nil {
				t.Fatal(err)
			}
			// crdschema.KCC holds the operator's CRDs too: the
			// ConfigConnector and ConfigConnectorContext objects of the
			// deployer cases are checked with the rest.
			crdschema.CheckKCC(t, items)
		})
	}
	e2e, err := filepath.Glob(filepath.Join("..", "..", "testdata", Name, "*", "expected", Name, "*.yaml"))
	if err != nil || len(e2e) == 0 {
		t.Fatalf("no end-to-end outputs: %v", err)
	}
	for _, f := range e2e {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := filepath.Rel("..", f)
		t.Run(name, func(t *testing.T) { crdschema.CheckKCCYAML(t, data) })
	}
}

// TestModeMovesContent checks the promise of mode: switching between
// dry-run and enforce moves the perimeter's content from spec.spec to
// spec.status and clears useExplicitDryRunSpec; nothing else changes, in
// any object. The goldens of dry-run and enforce share their config but
// for the mode, and dry-run-to-enforce (dry-run's output run again with
// enforce) must come out exactly as enforce.
func TestModeMovesContent(t *testing.T) {
	dryRun := readObjects(t, "dry-run")
	enforce := readObjects(t, "enforce")
	moved := 0
	for _, obj := range dryRun {
		if obj["kind"] != "AccessContextManagerServicePerimeter" {
			continue
		}
		spec := obj["spec"].(map[string]any)
		if spec["spec"] == nil || spec["status"] != nil || spec["useExplicitDryRunSpec"] != true {
			t.Fatalf("dry-run perimeter: want spec.spec and useExplicitDryRunSpec: true, no spec.status; got %v", spec)
		}
		spec["status"], spec["useExplicitDryRunSpec"] = spec["spec"], false
		delete(spec, "spec")
		moved++
	}
	if moved != 1 {
		t.Fatalf("dry-run has %d perimeters, want 1", moved)
	}
	if diff := cmp.Diff(dryRun, enforce); diff != "" {
		t.Errorf("dry-run with its content moved differs from enforce (-moved +enforce):\n%s", diff)
	}
	if diff := cmp.Diff(enforce, readObjects(t, "dry-run-to-enforce")); diff != "" {
		t.Errorf("switching a dry-run package to enforce differs from enforce (-enforce +switched):\n%s", diff)
	}
}

func readObjects(t *testing.T, testCase string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", testCase, fntest.ExpectedFile))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("%s: %v", testCase, err)
		}
		out = append(out, m)
	}
	return out
}
