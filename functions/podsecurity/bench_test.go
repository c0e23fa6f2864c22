package podsecurity

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkPodSecurity runs on the same input as benchdata's
// BenchmarkIdentity (the Kubeflow corpus ×20) with output both
// (internal/testing/benchdata/configs/pod-security.yaml), so that it writes the
// policies and labels every Namespace of the input; scripts/bench.sh
// reports the ratio of the two.
func BenchmarkPodSecurity(b *testing.B) {
	input, err := benchdata.WithConfig(benchdata.ResourceList(b), Name)
	if err != nil {
		b.Fatal(err)
	}
	benchdata.Run(b, Processor(), input)
}
