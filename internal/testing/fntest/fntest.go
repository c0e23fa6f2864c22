// Package fntest runs a function's golden cases in process, the way kpt
// would run it, and checks what every lockdown function promises:
//
//   - the output items match expected.yaml and the results match results.yaml;
//   - a run with an error result fails and leaves every item byte-identical;
//   - a second run over the output changes nothing (idempotence).
//
// A case is a folder with input.yaml (the package's objects), an optional
// config.yaml (the function config), and the goldens expected.yaml and
// results.yaml. `go test ./... -update` rewrites the goldens; review the
// diff before committing it.
package fntest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/results"
)

var update = flag.Bool("update", false, "rewrite the golden files of the cases (review the diff!)")

// Case files.
const (
	InputFile    = "input.yaml"
	ConfigFile   = "config.yaml"
	ExpectedFile = "expected.yaml"
	ResultsFile  = "results.yaml"
)

// RunCases runs every case folder below dir.
func RunCases(t *testing.T, dir string, processor fn.ResourceListProcessor) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "fuzz" {
			continue
		}
		ran++
		t.Run(e.Name(), func(t *testing.T) { RunCase(t, filepath.Join(dir, e.Name()), processor) })
	}
	if ran == 0 {
		t.Fatalf("no cases in %s", dir)
	}
}

// RunCase runs one case folder.
func RunCase(t *testing.T, dir string, processor fn.ResourceListProcessor) {
	t.Helper()
	input := ReadResourceList(t, dir)
	out, runErr := krmfn.Evaluate(processor, input)
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatalf("output is not a ResourceList: %v\n%s", err, out)
	}
	hasError := rl.Results.ExitCode() != 0
	if (runErr != nil) != hasError {
		t.Errorf("run error %v, but error results: %v", runErr, hasError)
	}

	in, _ := fn.ParseResourceList(input)
	if hasError {
		if diff := cmp.Diff(itemsYAML(t, in.Items), itemsYAML(t, rl.Items)); diff != "" {
			t.Errorf("a failed run changed the package (-input +output):\n%s", diff)
		}
	} else {
		checkIdempotent(t, processor, rl)
	}
	compareGolden(t, filepath.Join(dir, ExpectedFile), stripFileAnnotations(t, itemsYAML(t, rl.Items)))
	compareGolden(t, filepath.Join(dir, ResultsFile), resultsYAML(t, rl.Results))
}

// ReadResourceList builds the ResourceList kpt would send for a case: the
// objects of input.yaml annotated with their file and index, and the config.
// An object that says it lives in a file of its own (config.kubernetes.io/path,
// as a generator's earlier output does) is annotated with that file, as
// kpt would read it from there; every other object is in input.yaml at
// its position.
func ReadResourceList(t testing.TB, dir string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, InputFile))
	if err != nil {
		t.Fatal(err)
	}
	items, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatalf("%s: %v", InputFile, err)
	}
	for i, obj := range items {
		path, index := InputFile, strconv.Itoa(i)
		if own := obj.GetAnnotation(results.LegacyPathAnnotation); own != "" {
			path, index = own, obj.GetAnnotation(results.LegacyIndexAnnotation)
			if index == "" {
				index = "0"
			}
		}
		if err := obj.SetAnnotation(fn.PathAnnotation, path); err != nil {
			t.Fatal(err)
		}
		if err := obj.SetAnnotation(fn.IndexAnnotation, index); err != nil {
			t.Fatal(err)
		}
	}
	rl := &fn.ResourceList{Items: items, FunctionConfig: fn.NewEmptyKubeObject()}
	if cfg, err := os.ReadFile(filepath.Join(dir, ConfigFile)); err == nil {
		if rl.FunctionConfig, err = fn.ParseKubeObject(cfg); err != nil {
			t.Fatalf("%s: %v", ConfigFile, err)
		}
	}
	out, err := rl.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkIdempotent runs the function again on its own output, as kpt's
// test runner and a second `kpt fn render` would, and wants no change.
func checkIdempotent(t *testing.T, processor fn.ResourceListProcessor, first *fn.ResourceList) {
	t.Helper()
	again := &fn.ResourceList{Items: first.Items, FunctionConfig: first.FunctionConfig}
	in, err := again.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	firstItems := itemsYAML(t, first.Items)
	out, err := krmfn.Evaluate(processor, in)
	if err != nil {
		t.Fatalf("second run failed: %v", err)
	}
	second, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(firstItems, itemsYAML(t, second.Items)); diff != "" {
		t.Errorf("second run changed the output (-first +second):\n%s", diff)
	}
}

func itemsYAML(t testing.TB, items fn.KubeObjects) string {
	t.Helper()
	var b strings.Builder
	for i, obj := range items {
		if i > 0 {
			b.WriteString("---\n")
		}
		b.WriteString(obj.String())
	}
	return b.String()
}

// stripFileAnnotations removes the file annotations the harness added, so
// goldens show what the user's files will hold.
func stripFileAnnotations(t testing.TB, s string) string {
	t.Helper()
	var docs []string
	for _, doc := range strings.Split(s, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		rn, err := yaml.Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{fn.PathAnnotation, fn.IndexAnnotation} {
			if err := rn.PipeE(yaml.ClearAnnotation(k)); err != nil {
				t.Fatal(err)
			}
		}
		if err := rn.PipeE(yaml.Lookup("metadata"), yaml.FieldClearer{Name: "annotations", IfEmpty: true}); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, rn.MustString())
	}
	return strings.Join(docs, "---\n")
}

func resultsYAML(t testing.TB, rs fn.Results) string {
	t.Helper()
	if len(rs) == 0 {
		return "[]\n"
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(rs); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it, then review it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-golden +got):\n%s", path, diff)
	}
}

// CheckContract runs processor on any input and checks what must hold for
// every input, however broken: no panic (the processor turns one into an
// "internal error" result, which fails here), a valid ResourceList out, and
// a failing run exactly when there is an error result. Fuzz targets call it.
func CheckContract(t *testing.T, processor fn.ResourceListProcessor, input []byte) {
	t.Helper()
	if !IsResourceList(input) {
		return // not a ResourceList: kpt never sends one, the SDK refuses it
	}
	out, runErr := krmfn.Evaluate(processor, input)
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatalf("output is not a ResourceList: %v\n%s", err, out)
	}
	for _, r := range rl.Results {
		if strings.Contains(r.Message, "internal error") {
			t.Fatalf("panic: %s", r.Message)
		}
	}
	if (runErr != nil) != (rl.Results.ExitCode() != 0) {
		t.Fatalf("run error %v but results %v", runErr, rl.Results)
	}
}

// Fuzz is every function's fuzz target: it seeds f with the ResourceList
// of each golden case under dir (config included) and checks CheckContract
// on whatever the fuzzer makes of them.
func Fuzz(f *testing.F, dir string, processor fn.ResourceListProcessor) {
	cases, err := os.ReadDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	for i, c := range cases {
		if c.IsDir() && c.Name() != "fuzz" {
			input := ReadResourceList(f, filepath.Join(dir, c.Name()))
			f.Add(input)
			// A hostile shape too (Mutate), a different one for each case
			// in turn, so that the byte fuzzer starts from them.
			f.Add(Mutate(input, seedOps[i%len(seedOps)]))
		}
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		CheckContract(t, processor, input)
	})
}

// IsResourceList tells whether the SDK reads input as a ResourceList, or
// would panic trying (a YAML alias where it builds an object): those are
// the inputs a function must answer. Only what the SDK refuses with an
// error is left out.
func IsResourceList(input []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = true
		}
	}()
	_, err := fn.ParseResourceList(input)
	return err == nil
}
