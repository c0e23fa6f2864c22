package privategoogleaccess

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// TestGoldensMatchCRDs checks every object of every golden expected.yaml
// against its Config Connector CRD, as `kpt live apply --server-side`
// would: a generated field the CRD lacks, or a wrong type, fails here.
func TestGoldensMatchCRDs(t *testing.T) {
	fntest.CheckGoldensAgainstCRDs(t, "testdata")
}
