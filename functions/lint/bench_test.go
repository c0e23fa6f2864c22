package lint

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkLint runs on the same input as benchdata's BenchmarkIdentity
// (the Kubeflow corpus ×20 with a network, subnetwork, public cluster and
// node pool per copy), with warnOnly (internal/testing/benchdata/configs/lint.yaml):
// the input is full of real findings (public nodes, unreachable images),
// and every check runs on it; scripts/bench.sh reports the ratio of the two.
func BenchmarkLint(b *testing.B) {
	input, err := benchdata.WithConfig(benchdata.ResourceList(b), Name)
	if err != nil {
		b.Fatal(err)
	}
	benchdata.Run(b, Processor(), input)
}
