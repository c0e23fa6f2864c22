package privatecluster

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/crdschema"
	"github.com/lockdown-krm/lockdown/internal/fntest"
)

func TestGolden(t *testing.T) {
	fntest.RunCases(t, "testdata", Processor())
}

// TestGoldenOutputsMatchCRDs checks every golden output against the Config
// Connector CRDs, strictly: what the function writes must be what the API
// server accepts.
func TestGoldenOutputsMatchCRDs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", fntest.ExpectedFile))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden outputs: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) { crdschema.CheckKCCYAML(t, data) })
	}
}
