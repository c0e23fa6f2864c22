package bastion

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// FuzzBastion feeds arbitrary ResourceLists (seeded with every golden case,
// config included) to the function: it must never panic, must always
// answer with a valid ResourceList, and must fail exactly when it reports
// an error.
func FuzzBastion(f *testing.F) {
	fntest.Fuzz(f, "testdata", Processor())
}

// FuzzBastionStructured feeds the golden cases with structure-aware mutations
// (fntest.Mutate: aliases, keys written twice, lists and mappings swapped,
// numbers beyond range, non-ASCII names) so that the fuzzer reaches the
// function with YAML a user could write; a successful run must also be
// idempotent.
func FuzzBastionStructured(f *testing.F) {
	fntest.FuzzStructured(f, "testdata", Processor())
}
