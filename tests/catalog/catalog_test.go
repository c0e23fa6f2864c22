// Package catalog holds every function's metadata.yaml, in the format of
// the kpt function catalog, to the tree it describes: one per function of
// cmd/, its image named as scripts/images.sh names it, a description, the
// catalog's tags, and example packages that exist and use the function. It
// also runs every program of cmd/ with --help, which must print the
// function's README, headed by its name. Nothing here needs the network.
package catalog

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// repo is the repository's root, seen from this folder.
const repo = "../.."

// baseline is the program of cmd/ that is no catalog function: the
// benchmarks' identity, which scripts/publish.sh never publishes.
const baseline = "identity"

// metadata is a metadata.yaml: the fields of the catalog's schema
// (scripts/generate_docs/metadata-schema.json of
// github.com/kptdev/krm-functions-catalog, which allows no other), the
// same fields the SDK's fn.WithDocs reads for --doc.
type metadata struct {
	Image              string   `json:"image"`
	Description        string   `json:"description"`
	Tags               []string `json:"tags"`
	SourceURL          string   `json:"sourceURL"`
	ExamplePackageURLs []string `json:"examplePackageURLs"`
	License            string   `json:"license"`
	Hidden             bool     `json:"hidden"`
}

// catalogTags are the tags the catalog's schema allows, and roles the
// ones that say what a function does to a package.
var (
	catalogTags = []string{"mutator", "validator", "viewer", "generator", "test", "testing", "timing", "Config Sync", "GCP", "blueprints", "name prefix", "name suffix"}
	roles       = []string{"mutator", "validator", "generator"}
)

// noLicense is SPDX's "no assertion", for as long as the repository
// carries no license: no metadata.yaml may claim one for it.
const noLicense = "NOASSERTION"

// function is a program of cmd/ and the package of functions/ it runs.
type function struct {
	cmd  string // cmd/<cmd>, and the image's name
	dir  string // functions/<pkg>, relative to the repository
	name string // the package's Name constant
}

func TestOneMetadataPerFunction(t *testing.T) {
	var want []string
	for _, f := range functions(t) {
		want = append(want, filepath.Join(f.dir, "metadata.yaml"))
	}
	got, err := filepath.Glob(filepath.Join(repo, "functions", "*", "metadata.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i], _ = filepath.Rel(repo, got[i])
	}
	for _, path := range want {
		if !slices.Contains(got, path) {
			t.Errorf("%s is missing: every function of cmd/ has its catalog metadata", path)
		}
	}
	for _, path := range got {
		if !slices.Contains(want, path) {
			t.Errorf("%s belongs to no function of cmd/: remove it, or add the function's cmd/<name>/main.go", path)
		}
	}
}

func TestMetadata(t *testing.T) {
	base := sourceBase(t)
	for _, f := range functions(t) {
		t.Run(f.cmd, func(t *testing.T) {
			m := readMetadata(t, filepath.Join(repo, f.dir, "metadata.yaml"))
			if f.name != f.cmd {
				t.Errorf("the function is named %q but built as cmd/%s: its image would not say its name", f.name, f.cmd)
			}
			if want := "localhost/lockdown/" + f.name; m.Image != want {
				t.Errorf("image %q, want %q, as scripts/images.sh tags it (the catalog's image has no tag)", m.Image, want)
			}
			if d := m.Description; strings.TrimSpace(d) == "" || strings.Contains(d, "\n") {
				t.Errorf("description %q: want one line", d)
			}
			checkTags(t, f, m.Tags)
			if want := base + f.dir; m.SourceURL != want {
				t.Errorf("sourceURL %q, want %q", m.SourceURL, want)
			}
			checkExamples(t, f, base, m.ExamplePackageURLs)
			checkLicense(t, m.License)
			if m.Hidden {
				t.Error("hidden: true, but every function of functions/ is published")
			}
		})
	}
}

// TestHelp runs every program of cmd/ with --help, which must start with
// a heading naming it: a function's is its README, as fn.WithDocs
// renders it, headed by the function's Name; the identity's its doc.
func TestHelp(t *testing.T) {
	fns := map[string]function{}
	for _, f := range functions(t) {
		fns[f.cmd] = f
	}
	bins := buildAll(t)
	for _, cmd := range commands(t) {
		t.Run(cmd, func(t *testing.T) {
			out, err := exec.Command(filepath.Join(bins, cmd), "--help").Output()
			if err != nil {
				t.Fatalf("%s --help: %v", cmd, err)
			}
			f, isFunction := fns[cmd]
			heading := "# " + cmd
			if isFunction {
				heading = "# " + f.name
			}
			if first, _, _ := strings.Cut(string(out), "\n"); first != heading {
				t.Errorf("--help starts with %q, want the heading %q", first, heading)
			}
			if !isFunction {
				return
			}
			readme := filepath.Join(repo, f.dir, "README.md")
			if want := strings.TrimSpace(read(t, readme)) + "\n"; string(out) != want {
				t.Errorf("--help is not %s: pass the README to fn.WithDocs in cmd/%s/main.go", readme, cmd)
			}
			checkDoc(t, filepath.Join(bins, cmd), f, strings.TrimSpace(read(t, readme)))
		})
	}
}

// checkDoc runs the program with --doc, the SDK's machine-readable
// documentation, which must carry the README and the function's
// metadata.yaml as they are: fn.WithDocs(README, Metadata) in its main.
func checkDoc(t *testing.T, bin string, f function, readme string) {
	t.Helper()
	out, err := exec.Command(bin, "--doc").Output()
	if err != nil {
		t.Fatalf("--doc: %v", err)
	}
	var doc struct {
		metadata
		Long string `json:"long"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("--doc is not JSON: %v\n%s", err, out)
	}
	want := readMetadata(t, filepath.Join(repo, f.dir, "metadata.yaml"))
	if !reflect.DeepEqual(doc.metadata, want) {
		t.Errorf("--doc metadata %+v, want metadata.yaml's %+v: pass the embedded Metadata to fn.WithDocs", doc.metadata, want)
	}
	if doc.Long != readme {
		t.Errorf("--doc's long is not the README")
	}
}

// checkTags wants the catalog's tags, and among them the one role that
// the README's opening paragraph gives the function.
func checkTags(t *testing.T, f function, tags []string) {
	t.Helper()
	var role []string
	for _, tag := range tags {
		if !slices.Contains(catalogTags, tag) {
			t.Errorf("tag %q: the catalog allows only %q", tag, catalogTags)
		}
		if slices.Contains(roles, tag) {
			role = append(role, tag)
		}
	}
	if len(role) != 1 {
		t.Fatalf("tags %q: want exactly one of %q", tags, roles)
	}
	if opening := openingParagraph(t, filepath.Join(repo, f.dir, "README.md")); !strings.Contains(opening, role[0]) {
		t.Errorf("tag %s, but the README's opening paragraph does not call the function a %s:\n%s", role[0], role[0], opening)
	}
}

// checkExamples wants at least one example, each a kpt package of this
// repository that shows the function: a package whose Kptfile pipeline
// runs it, or the input of one of its end-to-end cases.
func checkExamples(t *testing.T, f function, base string, urls []string) {
	t.Helper()
	if len(urls) == 0 {
		t.Error("no examplePackageURLs: point at a blueprint or an end-to-end case that uses the function")
	}
	for _, u := range urls {
		rel, ok := strings.CutPrefix(u, base)
		if !ok {
			t.Errorf("example %s is not in this repository (%s...)", u, base)
			continue
		}
		dir := filepath.Join(repo, filepath.FromSlash(rel))
		if _, err := os.Stat(filepath.Join(dir, "Kptfile")); err != nil {
			t.Errorf("example %s: no kpt package there (%v)", u, err)
			continue
		}
		caseInput, _ := filepath.Match("testdata/"+f.name+"/*/input", rel)
		if !caseInput && !slices.Contains(pipelineImages(t, dir), "localhost/lockdown/"+f.name) {
			t.Errorf("example %s does not show %s: it is neither the input of one of its cases (testdata/%s/<case>/input) nor a package whose pipeline runs it", u, f.name, f.name)
		}
	}
}

// checkLicense wants no license claimed while the repository has no
// license file, and one named as soon as it has.
func checkLicense(t *testing.T, license string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repo, "LICENSE*"))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case len(files) == 0 && license != noLicense:
		t.Errorf("license %q, but the repository has no LICENSE file: write %s", license, noLicense)
	case len(files) > 0 && (license == "" || license == noLicense):
		t.Errorf("license %q, but the repository has %v: write its SPDX identifier", license, files)
	}
}

func readMetadata(t *testing.T, path string) metadata {
	t.Helper()
	var m metadata
	// Strict, as the catalog's schema: a misspelt field is an error, not
	// a field left out.
	if err := yaml.UnmarshalStrict([]byte(read(t, path)), &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// sourceBase is where the repository's folders are on the web: at its
// module path, which is where `go get` finds it, on its main branch.
func sourceBase(t *testing.T) string {
	t.Helper()
	return "https://" + module(t) + "/tree/main/"
}

// module is the repository's module path, from go.mod.
func module(t *testing.T) string {
	t.Helper()
	for line := range strings.Lines(read(t, filepath.Join(repo, "go.mod"))) {
		if path, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.TrimSpace(path)
		}
	}
	t.Fatal("go.mod has no module line")
	return ""
}

// commands lists the programs of cmd/.
func commands(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(repo, "cmd"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatal("no programs in cmd/")
	}
	return names
}

// functions lists the functions of cmd/, each with the one package of
// functions/ that its main.go imports.
func functions(t *testing.T) []function {
	t.Helper()
	prefix := module(t) + "/functions/"
	var fns []function
	for _, cmd := range commands(t) {
		if cmd == baseline {
			continue
		}
		main := filepath.Join(repo, "cmd", cmd, "main.go")
		file, err := parser.ParseFile(token.NewFileSet(), main, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		var dirs []string
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if pkg, ok := strings.CutPrefix(path, prefix); ok {
				dirs = append(dirs, filepath.Join("functions", pkg))
			}
		}
		if len(dirs) != 1 {
			t.Fatalf("%s imports %v of functions/, want exactly one package", main, dirs)
		}
		fns = append(fns, function{cmd: cmd, dir: dirs[0], name: nameConstant(t, dirs[0])})
	}
	return fns
}

// nameConstant is the string constant Name of the package in dir, which
// its README's heading and its image are named after.
func nameConstant(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repo, dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if name, ok := stringConstant(file, "Name"); ok {
			return name
		}
	}
	t.Fatalf("%s declares no string constant Name", dir)
	return ""
}

// stringConstant is the value of the file's constant of that name, when
// it is a string literal.
func stringConstant(file *ast.File, name string) (string, bool) {
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, ident := range vs.Names {
				if ident.Name != name || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					value, err := strconv.Unquote(lit.Value)
					return value, err == nil
				}
			}
		}
	}
	return "", false
}

// pipelineImages lists the images, without their tags, that the Kptfile
// in dir runs.
func pipelineImages(t *testing.T, dir string) []string {
	t.Helper()
	var kptfile struct {
		Pipeline struct {
			Mutators, Validators []struct {
				Image string `json:"image"`
			}
		} `json:"pipeline"`
	}
	if err := yaml.Unmarshal([]byte(read(t, filepath.Join(dir, "Kptfile"))), &kptfile); err != nil {
		t.Fatalf("%s/Kptfile: %v", dir, err)
	}
	var images []string
	for _, step := range slices.Concat(kptfile.Pipeline.Mutators, kptfile.Pipeline.Validators) {
		image, _, _ := strings.Cut(step.Image, ":")
		images = append(images, image)
	}
	return images
}

// openingParagraph is the README's first paragraph after its heading.
func openingParagraph(t *testing.T, path string) string {
	t.Helper()
	paragraphs := strings.Split(strings.TrimSpace(read(t, path)), "\n\n")
	if len(paragraphs) < 2 {
		t.Fatalf("%s: want a heading and an opening paragraph", path)
	}
	return paragraphs[1]
}

// buildAll builds every program of cmd/ into a temporary folder, with the
// flags of the end-to-end tests and scripts/images.sh, to share Go's build
// cache with them.
func buildAll(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", dir+string(filepath.Separator), "./cmd/...")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/...: %v\n%s", err, out)
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
