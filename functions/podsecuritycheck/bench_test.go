package podsecuritycheck

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/benchdata"
)

// BenchmarkPodSecurityCheck runs on the same input as benchdata's
// BenchmarkIdentity (the Kubeflow corpus ×20: 660 Deployments and more),
// with enforcementAction: warn (internal/benchdata/configs/
// pod-security-check.yaml) since the corpus has real violations;
// scripts/bench.sh reports the ratio of the two.
func BenchmarkPodSecurityCheck(b *testing.B) {
	input, err := benchdata.WithConfig(benchdata.ResourceList(b), Name)
	if err != nil {
		b.Fatal(err)
	}
	benchdata.Run(b, Processor(), input)
}
