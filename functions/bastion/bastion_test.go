package bastion

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

// TestGoldensMatchCRDs checks every object of every golden output (the
// generated ones and the edited clusters) against its Config Connector
// CRD, strictly, as `kpt live apply --server-side` would.
func TestGoldensMatchCRDs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", fntest.ExpectedFile))
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens (err %v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			crdschema.CheckKCCYAML(t, data)
		})
	}
}
