package bastion

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkBastion runs on the same input as benchdata's BenchmarkIdentity,
// with the config that names one of its clusters
// (internal/testing/benchdata/configs/bastion.yaml); scripts/bench.sh reports the
// ratio of the two.
func BenchmarkBastion(b *testing.B) {
	input, err := benchdata.WithConfig(benchdata.ResourceList(b), Name)
	if err != nil {
		b.Fatal(err)
	}
	benchdata.Run(b, Processor(), input)
}
