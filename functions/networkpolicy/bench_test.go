package networkpolicy

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkNetworkPolicy runs on the same input as benchdata's
// BenchmarkIdentity; scripts/bench.sh reports the ratio of the two.
func BenchmarkNetworkPolicy(b *testing.B) {
	benchdata.Run(b, Processor(), benchdata.ResourceList(b))
}
