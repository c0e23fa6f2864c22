package podsecuritycheck

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/kubeflow-baseline.golden (review it by hand)")

// TestKubeflowBaseline runs the check at baseline over the real Kubeflow
// install and compares every violation (object, field path, check) with a
// golden file read by hand: what a platform team would have to fix or
// exempt before enforcing baseline on Kubeflow. Checked against the corpus:
// only Istio's CNI node agent breaks baseline (AppArmor unconfined;
// NET_ADMIN, NET_RAW, SYS_PTRACE and SYS_ADMIN added, DAC_OVERRIDE being
// allowed; five hostPath volumes) — it belongs in kube-system, exempt.
func TestKubeflowBaseline(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "kubeflow-manifests.yaml"))
	if err != nil {
		t.Fatalf("the Kubeflow corpus must sit beside the project (../shared): %v", err)
	}
	objs, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: objs, FunctionConfig: fn.NewEmptyKubeObject()}
	in, err := rl.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := fn.Run(Processor(), in)
	res, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range res.Results {
		if r.Severity != fn.Error || r.ResourceRef == nil || r.Field == nil {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %s/%s %s", r.ResourceRef.Kind, r.ResourceRef.Namespace, r.ResourceRef.Name, r.Field.Path))
	}
	slices.Sort(lines)
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "kubeflow-baseline.golden")
	if *updateCorpus {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("baseline violations on the Kubeflow corpus differ from %s (-golden +got):\n%s", golden, diff)
	}
}
