package podsecurity

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/fntest"
)

func TestGolden(t *testing.T) {
	fntest.RunCases(t, "testdata", Processor())
}
