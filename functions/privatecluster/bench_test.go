package privatecluster

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkPrivateCluster runs on the same input as benchdata's
// BenchmarkIdentity; scripts/bench.sh reports the ratio of the two.
func BenchmarkPrivateCluster(b *testing.B) {
	benchdata.Run(b, Processor(), benchdata.ResourceList(b))
}
