package privategoogleaccess

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkPrivateGoogleAccess runs on the same input as benchdata's
// BenchmarkIdentity; scripts/bench.sh reports the ratio of the two.
func BenchmarkPrivateGoogleAccess(b *testing.B) {
	benchdata.Run(b, Processor(), benchdata.ResourceList(b))
}
