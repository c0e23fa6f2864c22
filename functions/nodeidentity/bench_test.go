package nodeidentity

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkNodeIdentity runs on the same input as benchdata's
// BenchmarkIdentity, on its default config; scripts/bench.sh reports the
// ratio of the two.
func BenchmarkNodeIdentity(b *testing.B) {
	benchdata.Run(b, Processor(), benchdata.ResourceList(b))
}
