package bastion

import (
	"bytes"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/benchdata"
)

// benchConfig names one of the benchmark input's clusters (it has one per
// copy of the corpus), which bastion needs when there are several.
const benchConfig = `functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: bastion
  data:
    cluster: cluster-7
`

// BenchmarkBastion runs on the same input as benchdata's BenchmarkIdentity,
// with the config added; scripts/bench.sh reports the ratio of the two.
func BenchmarkBastion(b *testing.B) {
	input := benchdata.ResourceList(b)
	if bytes.Contains(input, []byte("\nfunctionConfig:")) {
		b.Fatal("the benchmark input already has a functionConfig: benchConfig cannot be added")
	}
	benchdata.Run(b, Processor(), append(bytes.Clone(input), benchConfig...))
}
