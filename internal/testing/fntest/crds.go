package fntest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/crdschema"
)

// CheckGoldensAgainstCRDs checks every object of every golden
// dir/*/expected.yaml against its Config Connector CRD, strictly, as
// `kpt live apply --server-side` would: a generated field the CRD lacks, a
// wrong type or a missing required field fails the case's subtest. It fails
// when dir holds no golden.
func CheckGoldensAgainstCRDs(t *testing.T, dir string) {
	t.Helper()
	forEachGolden(t, dir, func(t *testing.T, data []byte) { crdschema.CheckKCCYAML(t, data) })
}

// CheckGoldensAgainstKyvernoCRDs is CheckGoldensAgainstCRDs for the Kyverno
// objects (ClusterPolicy, ...) of the goldens, against the CRDs of Kyverno
// crdschema.KyvernoVersion. It returns how many Kyverno objects it checked,
// so that a test can tell a pass from a run that found none.
func CheckGoldensAgainstKyvernoCRDs(t *testing.T, dir string) int {
	t.Helper()
	checked := 0
	forEachGolden(t, dir, func(t *testing.T, data []byte) { checked += crdschema.CheckKyvernoYAML(t, data) })
	return checked
}

// forEachGolden runs check on every dir/*/expected.yaml in a subtest named
// after its case, and fails when there is none.
func forEachGolden(t *testing.T, dir string, check func(t *testing.T, data []byte)) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*", ExpectedFile))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s in %s (err %v)", ExpectedFile, filepath.Join(dir, "*"), err)
	}
	for _, file := range files {
		if strings.HasPrefix(filepath.Base(filepath.Dir(file)), "error-") {
			// An error case's expected.yaml is the package as given,
			// refused: it may hold what the CRDs refuse on purpose (a
			// reference with name and external), which is why it is refused.
			continue
		}
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			check(t, data)
		})
	}
}
