package lint

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

func TestGolden(t *testing.T) {
	fntest.RunCases(t, "testdata", Processor())
}

// TestGoldensMatchCRDs checks every Config Connector object of the cases
// against its CRD, strictly, so that lint is tested on objects Config
// Connector would accept.
func TestGoldensMatchCRDs(t *testing.T) {
	fntest.CheckGoldensAgainstCRDs(t, "testdata")
}
