package podsecuritycheck

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// TestFastPathMatchesSDK runs the check both ways, through the SDK
// (fn.Run) and through the validator fast path (krmfn.Validate), on
// every golden case, on the Kubeflow corpus at each level and on
// Kyverno's pod-security test resources. Both must give the same results
// (messages, severities, objects, fields, files) and exit status, and the
// fast path must take the fast way and return the input unchanged.
func TestFastPathMatchesSDK(t *testing.T) {
	inputs := map[string][]byte{}
	cases, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.IsDir() && c.Name() != "fuzz" { // testdata/fuzz is Go's fuzz corpus
			inputs["case "+c.Name()] = fntest.ReadResourceList(t, filepath.Join("testdata", c.Name()))
		}
	}
	corpus := readObjects(t, filepath.Join("..", "..", "..", "shared", "corpus", "kubeflow-manifests.yaml"))
	for _, level := range []string{"", "baseline", "restricted"} {
		inputs["kubeflow corpus "+level] = resourceList(t, corpus, "manifests.yaml", level)
	}
	// The same objects the other way round: the fast path keeps the
	// order kpt sends, the SDK sorts, and the results must not care.
	reversed := slices.Clone(corpus)
	slices.Reverse(reversed)
	inputs["kubeflow corpus reversed"] = resourceList(t, reversed, "manifests.yaml", "restricted")
	kyverno, err := filepath.Glob(filepath.Join(kyvernoCorpus, "*", "*", "kyverno-test", "resource.yaml"))
	if err != nil || len(kyverno) == 0 {
		t.Fatalf("no Kyverno test resources under %s: %v", kyvernoCorpus, err)
	}
	for _, path := range kyverno {
		rel, _ := filepath.Rel(kyvernoCorpus, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs["kyverno "+rel] = resourceList(t, parseWithAliases(t, path, data), rel, "restricted")
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) { checkFastPath(t, in) })
	}
}

func checkFastPath(t *testing.T, in []byte) {
	t.Helper()
	want, wantErr := fn.Run(Processor(), in)
	v, gotErr := krmfn.Validate(Processor(), Reads, in)
	if !v.Fast {
		t.Fatal("the fast path falls back to the SDK")
	}
	got := slices.Concat(v.Output, v.Results)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("SDK error %v, fast path error %v", wantErr, gotErr)
	}
	if !bytes.HasPrefix(got, in) {
		t.Fatal("the fast path changed the input")
	}
	wantRL, err := fn.ParseResourceList(want)
	if err != nil {
		t.Fatal(err)
	}
	gotRL, err := fn.ParseResourceList(got)
	if err != nil {
		t.Fatalf("the fast path's output does not parse: %v", err)
	}
	if len(wantRL.Results) == 0 {
		t.Fatal("no results: the comparison would prove nothing")
	}
	if diff := cmp.Diff(wantRL.Results, gotRL.Results); diff != "" {
		t.Errorf("results (-SDK +fast path):\n%s", diff)
	}
	// What follows the input is the results list and nothing else.
	if rest := got[len(in):]; !bytes.HasPrefix(rest, []byte("results:\n")) {
		t.Errorf("the fast path appended %.200q", rest)
	}
}

func readObjects(t *testing.T, path string) fn.KubeObjects {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return objs
}

// resourceList is the ResourceList kpt would send with the objects of
// file, and a ConfigMap config at level ("": no config).
func resourceList(t *testing.T, objs fn.KubeObjects, file, level string) []byte {
	t.Helper()
	rl := &fn.ResourceList{FunctionConfig: fn.NewEmptyKubeObject()}
	for i, obj := range objs {
		obj = obj.Copy()
		if err := obj.SetAnnotation(fn.PathAnnotation, file); err != nil {
			t.Fatal(err)
		}
		if err := obj.SetAnnotation(fn.IndexAnnotation, strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		rl.Items = append(rl.Items, obj)
	}
	if level != "" {
		cm, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fn-config\ndata:\n  level: " + level + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		rl.FunctionConfig = cm
	}
	// Written item by item, in the file's order as kpt sends them: the
	// SDK's ToYAML would sort them.
	var b bytes.Buffer
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, obj := range rl.Items {
		writeEntry(&b, obj)
	}
	if !rl.FunctionConfig.IsEmpty() {
		b.WriteString("functionConfig:\n")
		for _, line := range bytes.SplitAfter([]byte(rl.FunctionConfig.String()), []byte("\n")) {
			if len(line) > 0 {
				b.WriteString("  ")
				b.Write(line)
			}
		}
	}
	return b.Bytes()
}

// writeEntry writes obj as an entry of a block sequence at indentation 0.
func writeEntry(b *bytes.Buffer, obj *fn.KubeObject) {
	prefix := "- "
	for _, line := range bytes.SplitAfter([]byte(obj.String()), []byte("\n")) {
		switch {
		case len(line) == 0:
		case len(bytes.TrimSpace(line)) == 0:
			b.Write(line) // a blank line in a block scalar stays blank
		default:
			b.WriteString(prefix)
			b.Write(line)
			prefix = "  "
		}
	}
}
