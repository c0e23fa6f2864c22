package podsecuritycheck

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkPodSecurityCheck runs on the same input as benchdata's
// BenchmarkIdentity (the Kubeflow corpus ×20: 660 Deployments and more),
// with enforcementAction: warn (internal/testing/benchdata/configs/
// pod-security-check.yaml) since the corpus has real violations;
// scripts/bench.sh reports the ratio of the two.
func BenchmarkPodSecurityCheck(b *testing.B) {
	input, err := benchdata.WithConfig(benchdata.ResourceList(b), Name)
	if err != nil {
		b.Fatal(err)
	}
	benchdata.Run(b, Processor(), input)
}

// BenchmarkPodSecurityCheckFastPath is BenchmarkPodSecurityCheck through
// the validator fast path, as the binary runs it (krmfn.MainValidator):
// on this input it parses the pod templates' objects only and writes the
// input back as it came.
func BenchmarkPodSecurityCheckFastPath(b *testing.B) {
	input, err := benchdata.WithConfig(benchdata.ResourceList(b), Name)
	if err != nil {
		b.Fatal(err)
	}
	if v, _ := krmfn.Validate(Processor(), Reads, input); !v.Fast {
		b.Fatal("the benchmark input does not take the fast path")
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(input)))
	for b.Loop() {
		if _, err := krmfn.Validate(Processor(), Reads, input); err != nil {
			b.Fatal(err)
		}
	}
}
