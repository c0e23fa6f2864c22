package privatecluster

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

func TestGolden(t *testing.T) {
	fntest.RunCases(t, "testdata", Processor())
}

// TestGoldenOutputsMatchCRDs checks every golden output against the Config
// Connector CRDs, strictly: what the function writes must be what the API
// server accepts.
func TestGoldenOutputsMatchCRDs(t *testing.T) {
	fntest.CheckGoldensAgainstCRDs(t, "testdata")
}
