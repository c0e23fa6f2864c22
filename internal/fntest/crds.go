package fntest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/crdschema"
)

// CheckGoldensAgainstCRDs checks every object of every golden
// dir/*/expected.yaml against its Config Connector CRD, strictly, as
// `kpt live apply --server-side` would: a generated field the CRD lacks, a
// wrong type or a missing required field fails the case's subtest. It fails
// when dir holds no golden.
func CheckGoldensAgainstCRDs(t *testing.T, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*", ExpectedFile))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s in %s (err %v)", ExpectedFile, filepath.Join(dir, "*"), err)
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
