package intake

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkParse is the baseline for BenchmarkRead: the SDK reading the
// benchmark input, which every run pays before intake sees it.
func BenchmarkParse(b *testing.B) {
	data := benchdata.ResourceList(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := fn.ParseResourceList(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead is intake's cost on the benchmark input (about 10,000
// objects), to be read against BenchmarkParse.
func BenchmarkRead(b *testing.B) {
	data := benchdata.ResourceList(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		rl, err := fn.ParseResourceList(data)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var res results.Collector
		if !Read(rl, &res) {
			b.Fatalf("the benchmark input is refused: %v", res.Results())
		}
	}
}
