package privategoogleaccess

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/testing/crdschema"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// TestGoldensMatchCRDs checks every object of every golden expected.yaml
// against its Config Connector CRD, as `kpt live apply --server-side`
// would: a generated field the CRD lacks, or a wrong type, fails here.
func TestGoldensMatchCRDs(t *testing.T) {
	fntest.CheckGoldensAgainstCRDs(t, "testdata")
}

// TestGeneratedKindsAreChecked makes sure the goldens hold, and so the CRD
// check above validates, every kind the function generates: a kind no
// golden generates would go unchecked.
func TestGeneratedKindsAreChecked(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", fntest.ExpectedFile))
	if err != nil {
		t.Fatal(err)
	}
	generated := map[string][]*fn.KubeObject{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		items, err := fn.ParseKubeObjects(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, obj := range items {
			if obj.GetAnnotation(owned.Annotation) != "" {
				generated[obj.GetKind()] = append(generated[obj.GetKind()], obj)
			}
		}
	}
	for _, kind := range []string{"DNSManagedZone", "DNSRecordSet", "ComputeRoute", kindDNSPolicy} {
		if len(generated[kind]) == 0 {
			t.Errorf("no golden generates a %s, so its CRD is never checked", kind)
			continue
		}
		crdschema.CheckKCC(t, generated[kind])
	}
}
