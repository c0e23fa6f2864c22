package cloudnat

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkCloudNAT runs on the same input as benchdata's BenchmarkIdentity
// (20 networks, each with a cluster whose network deletes its default
// route); scripts/bench.sh reports the ratio of the two.
func BenchmarkCloudNAT(b *testing.B) {
	benchdata.Run(b, Processor(), benchdata.ResourceList(b))
}
