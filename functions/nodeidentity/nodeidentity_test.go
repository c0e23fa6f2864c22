package nodeidentity

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

func TestGolden(t *testing.T) {
	fntest.RunCases(t, "testdata", Processor())
}

// TestGoldensMatchCRDs checks every object of every golden output (the
// generated ones and the edited clusters and node pools) against its
// Config Connector CRD, strictly, as `kpt live apply --server-side` would.
func TestGoldensMatchCRDs(t *testing.T) {
	fntest.CheckGoldensAgainstCRDs(t, "testdata")
}
