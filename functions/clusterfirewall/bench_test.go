package clusterfirewall

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/privatecluster"
	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkClusterFirewall runs on benchdata's input as private-cluster
// leaves it, which is how the blueprint's pipeline hands it over: the bare
// benchmark clusters have no master range or node tag before, and the
// function would rightly refuse them. Every copy of the corpus brings its
// webhooks, so the discovery runs over all 10,000 objects. scripts/bench.sh
// compares it with benchdata's BenchmarkIdentity.
func BenchmarkClusterFirewall(b *testing.B) {
	input, err := fn.Run(privatecluster.Processor(), benchdata.ResourceList(b))
	if err != nil {
		b.Fatalf("private-cluster on the benchmark input: %v", err)
	}
	benchdata.Run(b, Processor(), input)
}
