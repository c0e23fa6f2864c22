package imagemirror

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkImageMirror runs on the same input as benchdata's
// BenchmarkIdentity, with the config that names the mirror
// (internal/testing/benchdata/configs/image-mirror.yaml); scripts/bench.sh reports
// the ratio of the two.
func BenchmarkImageMirror(b *testing.B) {
	input, err := benchdata.WithConfig(benchdata.ResourceList(b), Name)
	if err != nil {
		b.Fatal(err)
	}
	benchdata.Run(b, Processor(), input)
}
