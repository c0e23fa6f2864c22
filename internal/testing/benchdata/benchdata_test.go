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

// TestBuild checks the input's shape on two copies (the benchmarks use
// Copies of them): every corpus object plus four infrastructure objects per
// copy, all with unique names.
func TestBuild(t *testing.T) {
	data, err := Build(CorpusPath(), 2)
	if err != nil {
		t.Fatal(err)
	}
	rl, err := fn.ParseResourceList(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rl.Items), 2*(503+4); got != want {
		t.Errorf("%d objects, want %d", got, want)
	}
	if err := fn.CheckResourceDuplication(rl); err != nil {
		t.Errorf("names must be unique: %v", err)
	}
	if got := len(rl.Items.Where(fn.IsGVK("container.cnrm.cloud.google.com", "v1beta1", "ContainerCluster"))); got != 2 {
		t.Errorf("%d clusters, want 2", got)
	}
}

func TestWithConfig(t *testing.T) {
	data, err := Build(CorpusPath(), 1)
	if err != nil {
		t.Fatal(err)
	}
	with, err := WithConfig(data, "bastion")
	if err != nil {
		t.Fatal(err)
	}
	rl, err := fn.ParseResourceList(with)
	if err != nil {
		t.Fatal(err)
	}
	if got := rl.FunctionConfig.GetKind() + "/" + rl.FunctionConfig.GetName(); got != "ConfigMap/bastion" {
		t.Errorf("functionConfig %s, want ConfigMap/bastion", got)
	}
	if same, err := WithConfig(data, "identity"); err != nil || len(same) != len(data) {
		t.Errorf("a function without a config must get the input as it is (%v)", err)
	}
	if _, err := WithConfig(with, "bastion"); err == nil {
		t.Error("adding a second functionConfig must fail")
	}
}
