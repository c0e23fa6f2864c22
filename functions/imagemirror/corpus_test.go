package imagemirror

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// TestKubeflowCorpus runs the function on the real Kubeflow install and
// compares what it rewrites and plans with testdata/kubeflow-corpus.golden
// (reviewed by hand; -update rewrites it).
func TestKubeflowCorpus(t *testing.T) {
	items := fntest.KubeflowCorpus(t)
	cfg, err := fn.ParseKubeObject([]byte(`apiVersion: fn.lockdown.dev/v1alpha1
kind: ImageMirror
metadata:
  name: kubeflow
spec:
  mirror: us-docker.pkg.dev/my-project/mirror
`))
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: items, FunctionConfig: cfg}
	in, err := rl.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	out, err := fn.Run(Processor(), in)
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	got, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	// The rewritten fields, one line each, sorted.
	var rewritten []string
	for _, r := range got.Results {
		if r.Severity == fn.Error || r.Severity == fn.Warning {
			t.Errorf("unexpected %s: %s", r.Severity, r.Message)
		}
		if strings.HasPrefix(r.Message, "rewritten from") && r.ResourceRef != nil {
			rewritten = append(rewritten, fmt.Sprintf("%s %s/%s %s: %s", r.ResourceRef.Kind, r.ResourceRef.Namespace, r.ResourceRef.Name, r.Field.Path, r.Message))
		}
	}
	sort.Strings(rewritten)
	var plan *fn.KubeObject
	for _, obj := range got.Items {
		if obj.GetKind() == PlanKind {
			plan = obj
		}
	}
	if plan == nil {
		t.Fatal("no ImageMirrorPlan")
	}
	var spec PlanSpec
	if err := plan.UpsertMap("spec").As(&spec); err != nil {
		t.Fatal(err)
	}
	perRegistry := map[string]int{}
	for _, c := range spec.Images {
		host, _, _ := strings.Cut(c.Source, "/")
		perRegistry[host]++
	}
	hosts := make([]string, 0, len(perRegistry))
	for h := range perRegistry {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	fmt.Fprintf(&b, "# images to copy: %d\n", len(spec.Images))
	for _, h := range hosts {
		fmt.Fprintf(&b, "# from %s: %d\n", h, perRegistry[h])
	}
	fmt.Fprintf(&b, "# image fields rewritten: %d\n\n## copy plan\n", len(rewritten))
	for _, c := range spec.Images {
		fmt.Fprintf(&b, "%s -> %s\n", c.Source, c.Destination)
	}
	b.WriteString("\n## rewritten fields\n")
	for _, r := range rewritten {
		b.WriteString(r + "\n")
	}
	golden := filepath.Join("testdata", "kubeflow-corpus.golden")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("%s differs (-golden +got):\n%s", golden, diff)
	}
}
