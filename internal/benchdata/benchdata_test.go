package benchdata

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// BenchmarkIdentity is the baseline: the SDK's cost of reading and writing
// the ResourceList, which every function pays too.
func BenchmarkIdentity(b *testing.B) {
	Run(b, krmfn.Identity, ResourceList(b))
}

func TestBuild(t *testing.T) {
	rl, err := fn.ParseResourceList(ResourceList(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rl.Items); n < 10000 || n > 10200 {
		t.Errorf("%d objects, want about 10,000", n)
	}
	if err := fn.CheckResourceDuplication(rl); err != nil {
		t.Errorf("names must be unique: %v", err)
	}
}
