package nodeidentity

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// FuzzNodeIdentity feeds arbitrary ResourceLists (seeded with every golden
// case, config included) to the function: it must never panic, must
// always answer with a valid ResourceList, and must fail exactly when it
// reports an error.
func FuzzNodeIdentity(f *testing.F) {
	fntest.Fuzz(f, "testdata", Processor())
}
