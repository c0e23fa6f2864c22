package e2e

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var update = flag.Bool("update", false, "rewrite each case's expected/ (or expected.diff) with what kpt produced (review the diff before committing)")

// A case's files and folders (see doc.go): the words of the unit cases of
// internal/testing/fntest, as folders where kpt needs a package.
const (
	caseFile     = "case.yaml"     // how kpt runs the case
	inputDir     = "input"         // the package before the run
	configFile   = "config.yaml"   // the function config, for eval
	expectedDir  = "expected"      // the package after the run
	expectedDiff = "expected.diff" // or what the run changed, with expectDiff
)

// caseSpec is a case's case.yaml.
type caseSpec struct {
	// Command is "eval" (kpt fn eval --exec with the function's binary) or
	// "render" (kpt fn render: the package's Kptfile pipeline runs images).
	Command string `yaml:"command"`
	// Args are key=value function arguments, which kpt passes to the
	// function as a ConfigMap. Only for eval, instead of config.yaml.
	Args []string `yaml:"args"`
	// ExitCode is kpt's expected exit code. Non-zero means the package must
	// come out exactly as it went in.
	ExitCode int `yaml:"exitCode"`
	// OutputContains are strings kpt's output (stdout and stderr) must hold.
	OutputContains []string `yaml:"outputContains"`
	// Input, when set, is the input package's folder relative to the
	// case, instead of its input/ folder: a blueprint is tested as it is
	// shipped, not as a copy that could drift from it.
	Input string `yaml:"input"`
	// Include copies more files into the package: path in the package →
	// path relative to the case. A large input (the Kubeflow corpus) is
	// read from where it lives instead of being copied into the repository.
	Include map[string]string `yaml:"include"`
	// ExpectDiff compares what the functions changed, as a unified diff
	// (expected.diff) from the input as kpt writes it (through the
	// identity function: kpt reflows long lines and drops a leading ---)
	// to the output, instead of the whole output tree: for inputs too
	// large to keep a second copy of.
	ExpectDiff bool `yaml:"expectDiff"`
}

// newE2E is what every end-to-end test starts with: a skip unless
// LOCKDOWN_E2E=1 (what it needs is said by why), kpt (a failure when it is
// missing), and a runner at the repository root.
func newE2E(t *testing.T, why string) *runner {
	t.Helper()
	if os.Getenv("LOCKDOWN_E2E") != "1" {
		t.Skip(why + ": set LOCKDOWN_E2E=1 to run them (scripts/tools.sh installs or names what they need)")
	}
	kpt := requireKpt(t)
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	noteInputs(t, repo)
	return &runner{repo: repo, kpt: kpt, bins: t.TempDir(), env: kptEnv(repo)}
}

func TestCases(t *testing.T) {
	r := newE2E(t, "end-to-end tests run the real kpt and podman")
	specs, err := filepath.Glob(filepath.Join(r.repo, "testdata", "*", "*", caseFile))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no testdata/<function>/<case>/%s under %s (err %v)", caseFile, r.repo, err)
	}
	for _, spec := range specs {
		dir := filepath.Dir(spec)
		function := filepath.Base(filepath.Dir(dir))
		t.Run(function+"/"+filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			r.runCase(t, function, dir)
		})
	}
}

// requireKpt finds kpt 1.x, and git, without which kpt does not even start.
// With LOCKDOWN_E2E=1 a missing tool is a failure: a skip would look green.
func requireKpt(t *testing.T) string {
	t.Helper()
	const help = "run scripts/tools.sh check to see what is missing and where to get it"
	kpt, err := exec.LookPath("kpt")
	if err != nil {
		t.Fatalf("LOCKDOWN_E2E=1 but kpt is not on PATH: %s", help)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("LOCKDOWN_E2E=1 but git is not on PATH, and kpt refuses to run without it: %s", help)
	}
	out, err := exec.Command(kpt, "version").Output()
	if v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v"); err != nil || !strings.HasPrefix(v, "1.") {
		t.Fatalf("%s version says %q (%v): lockdown needs kpt 1.x (tested with 1.0.0-beta.56); %s", kpt, out, err, help)
	}
	return kpt
}

// runner holds what the cases share, and builds each function's binary and
// image once however many cases need them.
type runner struct {
	repo, kpt, bins string
	env             []string

	mu     sync.Mutex
	builds map[string]func() (string, error)
}

func (r *runner) runCase(t *testing.T, function, dir string) {
	c := readCase(t, dir)
	pkg := filepath.Join(t.TempDir(), "package")
	source := filepath.Join(dir, inputDir)
	if c.Input != "" {
		if _, err := os.Stat(source); err == nil {
			t.Fatalf("%s: %s names the input elsewhere, so its %s/ would be ignored: keep one of them", dir, caseFile, inputDir)
		}
		source = filepath.Join(dir, filepath.FromSlash(c.Input))
	}
	input := readTree(t, source)
	for to, from := range c.Include {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(from)))
		if err != nil {
			t.Fatalf("%s include %s: %v", caseFile, to, err)
		}
		input[to] = string(data)
	}
	writeTree(t, pkg, input)

	args := r.kptArgs(t, c, function, dir, pkg)
	first := r.runKpt(t, c, args)
	got := readTree(t, pkg)

	if c.ExpectDiff && c.ExitCode == 0 {
		checkDiff(t, dir, r.formatted(t, input), got, first)
	} else {
		checkTree(t, c, dir, input, got, first)
	}

	// kpt's own test harness renders twice; so do we. A second run must
	// not change a single byte: no duplicated tags, no reordered fields.
	r.runKpt(t, c, args)
	if diff := diffTrees(got, readTree(t, pkg)); diff != "" {
		t.Errorf("second run changed the package (-first +second):\n%s", diff)
	}
}

// checkTree compares the package after kpt with the case's expected/
// tree, or with its input when kpt must fail.
func checkTree(t *testing.T, c caseSpec, dir string, input, got map[string]string, kptSaid string) {
	t.Helper()
	expected := filepath.Join(dir, expectedDir)
	want := input // a failed run changes nothing
	switch _, err := os.Stat(expected); {
	case c.ExitCode != 0 && err == nil:
		t.Fatalf("%s exists, but this case must fail: remove it (a failed run must leave the package as it was)", expected)
	case c.ExitCode != 0: // want stays the input
	case *update:
		if err := os.RemoveAll(expected); err != nil {
			t.Fatal(err)
		}
		writeTree(t, expected, got)
		t.Logf("rewrote %s: review it with git diff", expected)
		want = got
	case err != nil:
		t.Fatalf("%s is missing: run with -update to write it from kpt's output, then review it by hand", expected)
	default:
		want = readTree(t, expected)
	}
	if diff := diffTrees(want, got); diff != "" {
		t.Errorf("package after kpt differs from %s (-want +got):\n%s\nkpt said:\n%s", wantName(c), diff, kptSaid)
	}
}

// checkDiff compares what kpt changed in the package with the case's
// expected.diff, a unified diff (diff -ruN) from the input to the output.
func checkDiff(t *testing.T, dir string, input, got map[string]string, kptSaid string) {
	t.Helper()
	gotDiff := unifiedDiff(t, input, got)
	path := filepath.Join(dir, expectedDiff)
	if *update {
		if err := os.WriteFile(path, []byte(gotDiff), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s: review it with git diff", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run with -update to write it from kpt's output, then review it by hand", err)
	}
	if d := cmp.Diff(strings.SplitAfter(string(want), "\n"), strings.SplitAfter(gotDiff, "\n")); d != "" {
		t.Errorf("kpt's changes differ from %s (-want +got):\n%s\nkpt said:\n%s", path, d, kptSaid)
	}
}

// formatted returns the tree as kpt writes it when a function changes
// nothing: the identity function's output through kpt fn eval --exec.
func (r *runner) formatted(t *testing.T, tree map[string]string) map[string]string {
	t.Helper()
	pkg := filepath.Join(t.TempDir(), "package")
	writeTree(t, pkg, tree)
	r.runKpt(t, caseSpec{}, []string{"fn", "eval", pkg, "--exec", r.binary(t, "identity")})
	return readTree(t, pkg)
}

// unifiedDiff runs diff -ruN on two trees written as a/ and b/, without
// the timestamps, so that the result is the same on every machine.
func unifiedDiff(t *testing.T, before, after map[string]string) string {
	t.Helper()
	root := t.TempDir()
	writeTree(t, filepath.Join(root, "a"), before)
	writeTree(t, filepath.Join(root, "b"), after)
	cmd := exec.Command("diff", "-ruN", "a", "b")
	cmd.Dir = root
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	if err != nil && !(errors.As(err, &exitErr) && exitErr.ExitCode() == 1) {
		t.Fatalf("diff -ruN: %v (diff comes with every Linux; install diffutils)", err)
	}
	lines := strings.SplitAfter(string(out), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ ") {
			if name, _, found := strings.Cut(l, "\t"); found {
				lines[i] = name + "\n"
			}
		}
	}
	return strings.Join(lines, "")
}

// diffTrees compares two trees file by file and line by line, so that a
// failure shows the lines that differ rather than a character soup.
func diffTrees(want, got map[string]string) string {
	lines := func(tree map[string]string) map[string][]string {
		out := map[string][]string{}
		for path, data := range tree {
			out[path] = strings.SplitAfter(data, "\n")
		}
		return out
	}
	return cmp.Diff(lines(want), lines(got))
}

func wantName(c caseSpec) string {
	if c.ExitCode != 0 {
		return "the input package"
	}
	return expectedDir + "/"
}

func readCase(t *testing.T, dir string) caseSpec {
	t.Helper()
	checkCaseEntries(t, dir)
	raw, err := os.ReadFile(filepath.Join(dir, caseFile))
	if err != nil {
		t.Fatal(err)
	}
	var c caseSpec
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true) // a misspelt key must not silently test nothing
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("%s/%s: %v", dir, caseFile, err)
	}
	return c
}

// checkCaseEntries refuses a file or folder of a case that is none of the
// case's words: a config or input under another name (an old
// fn-config.yaml or package/) would otherwise be ignored, and the case
// would run without it.
func checkCaseEntries(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	known := []string{caseFile, inputDir, configFile, expectedDir, expectedDiff}
	for _, e := range entries {
		if !slices.Contains(known, e.Name()) {
			t.Fatalf("%s holds %s, which the test does not read: a case holds only %s", dir, e.Name(), strings.Join(known, ", "))
		}
	}
}

// kptArgs builds kpt's command line for a case, building what it runs.
func (r *runner) kptArgs(t *testing.T, c caseSpec, function, dir, pkg string) []string {
	t.Helper()
	config := filepath.Join(dir, configFile)
	_, statErr := os.Stat(config)
	hasConfig := statErr == nil
	switch c.Command {
	case "eval":
		if hasConfig && len(c.Args) > 0 {
			t.Fatalf("%s: give %s or args, not both", dir, configFile)
		}
		args := []string{"fn", "eval", pkg, "--exec", r.binary(t, function), "--truncate-output=false"}
		if hasConfig {
			args = append(args, "--fn-config", config)
		}
		if len(c.Args) > 0 {
			args = append(append(args, "--"), c.Args...)
		}
		return args
	case "render":
		if hasConfig || len(c.Args) > 0 {
			t.Fatalf("%s: a render case takes its config from the package's Kptfile pipeline, not %s or args", dir, configFile)
		}
		lockdownFns, catalogFns := pipelineFunctions(t, pkg)
		for _, f := range lockdownFns {
			r.image(t, f)
		}
		for _, f := range catalogFns {
			r.catalogImage(t, f)
		}
		return []string{"fn", "render", pkg, "--image-pull-policy", "never", "--truncate-output=false"}
	default:
		t.Fatalf("%s/%s: command %q: use eval or render", dir, caseFile, c.Command)
		return nil
	}
}

// runKpt runs kpt, checks its exit code and output, and returns the output.
func (r *runner) runKpt(t *testing.T, c caseSpec, args []string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), r.kpt, args...)
	cmd.Env = r.env
	out, err := cmd.CombinedOutput()
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("kpt %s: %v", strings.Join(args, " "), err)
	}
	if code != c.ExitCode {
		t.Fatalf("kpt %s: exit code %d, want %d; it said:\n%s", strings.Join(args, " "), code, c.ExitCode, out)
	}
	for _, s := range c.OutputContains {
		if !strings.Contains(string(out), s) {
			t.Errorf("kpt's output lacks %q; it said:\n%s", s, out)
		}
	}
	return string(out)
}

// kptEnv is the environment kpt runs in: podman as the function runtime
// with the repository's containers.conf (unless the caller chose one), and
// no KPT_DISABLE_ATTRIBUTION, so that every machine renders the same bytes.
func kptEnv(repo string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KPT_DISABLE_ATTRIBUTION=") && !strings.HasPrefix(kv, "KPT_FN_RUNTIME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "KPT_FN_RUNTIME=podman")
	if os.Getenv("CONTAINERS_CONF") == "" {
		env = append(env, "CONTAINERS_CONF="+filepath.Join(repo, "scripts", "containers.conf"))
	}
	return env
}

// once runs build the first time key is asked for, and returns its result
// to every caller after that.
func (r *runner) once(key string, build func() (string, error)) (string, error) {
	r.mu.Lock()
	f, ok := r.builds[key]
	if !ok {
		if r.builds == nil {
			r.builds = map[string]func() (string, error){}
		}
		f = sync.OnceValues(build)
		r.builds[key] = f
	}
	r.mu.Unlock()
	return f()
}

// binary builds the function from the working tree, static and trimmed as
// scripts/images.sh builds it, so that the two share Go's build cache.
func (r *runner) binary(t *testing.T, function string) string {
	t.Helper()
	bin, err := r.once("binary "+function, func() (string, error) {
		bin := filepath.Join(r.bins, function)
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", bin, "./cmd/"+function)
		cmd.Dir = r.repo
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build ./cmd/%s: %v\n%s", function, err, out)
		}
		return bin, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// image builds localhost/lockdown/<function>:dev from the working tree with
// scripts/images.sh, so the test never runs a stale image and needs no
// `make images` first. The script's go build and podman's layer cache make
// this quick when nothing changed.
func (r *runner) image(t *testing.T, function string) {
	t.Helper()
	if _, err := exec.LookPath("podman"); err != nil {
		t.Fatalf("LOCKDOWN_E2E=1 but podman is not on PATH: run scripts/tools.sh (as root it installs podman and runc)")
	}
	// The binary first: images.sh then finds every package compiled in
	// the build cache instead of compiling them all a second time at once.
	r.binary(t, function)
	_, err := r.once("image "+function, func() (string, error) {
		cmd := exec.Command("bash", filepath.Join(r.repo, "scripts", "images.sh"), function)
		cmd.Env = slices.Concat(r.env, []string{"ARCHES=" + runtime.GOARCH})
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("scripts/images.sh %s: %v\n%s", function, err, out)
		}
		return "", nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pipelineFunctions lists the images the package's Kptfile pipeline runs:
// lockdown's functions (localhost/lockdown/<function>:dev) and the kpt
// catalog's (ghcr.io/kptdev/krm-functions-catalog/<function>:<version>),
// so that a render case gets every image built from source.
func pipelineFunctions(t *testing.T, pkg string) (lockdownFns, catalogFns []string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(pkg, "Kptfile"))
	if err != nil {
		t.Fatalf("a render case needs a Kptfile: %v", err)
	}
	var kptfile struct {
		Pipeline struct {
			Mutators, Validators []struct {
				Image string `yaml:"image"`
			}
		} `yaml:"pipeline"`
	}
	if err := yaml.Unmarshal(raw, &kptfile); err != nil {
		t.Fatalf("Kptfile: %v", err)
	}
	for _, step := range slices.Concat(kptfile.Pipeline.Mutators, kptfile.Pipeline.Validators) {
		if name, ok := strings.CutPrefix(step.Image, "localhost/lockdown/"); ok {
			name, _, _ = strings.Cut(name, ":")
			lockdownFns = appendNew(lockdownFns, name)
		} else if name, ok := strings.CutPrefix(step.Image, catalogPrefix); ok {
			name, _, _ = strings.Cut(name, ":")
			catalogFns = appendNew(catalogFns, name)
		} else {
			t.Fatalf("the Kptfile pipeline runs %s, which no script here builds: tests run only images built from source", step.Image)
		}
	}
	if len(lockdownFns) == 0 {
		t.Fatalf("the Kptfile pipeline runs no localhost/lockdown/<function>:dev image")
	}
	return lockdownFns, catalogFns
}

// catalogPrefix names the kpt catalog's images, which
// scripts/catalog-images.sh builds from the catalog's Go modules.
const catalogPrefix = "ghcr.io/kptdev/krm-functions-catalog/"

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// catalogImage builds a kpt catalog function's image from its pinned Go
// module with scripts/catalog-images.sh.
func (r *runner) catalogImage(t *testing.T, function string) {
	t.Helper()
	_, err := r.once("catalog "+function, func() (string, error) {
		cmd := exec.Command("bash", filepath.Join(r.repo, "scripts", "catalog-images.sh"), function)
		cmd.Env = r.env
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("scripts/catalog-images.sh %s: %v\n%s", function, err, out)
		}
		return "", nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// noteInputs reads the sources that the binaries and images are built
// from. go test caches a passing result until a file the test itself opened
// changes, and it cannot see what `go build` or podman read: without this,
// an edited function would still report "ok (cached)".
func noteInputs(t *testing.T, repo string) {
	t.Helper()
	for _, p := range []string{"go.mod", "go.sum", "Containerfile", "scripts", "cmd", "functions", "internal"} {
		if _, err := os.Stat(filepath.Join(repo, p)); err == nil {
			readTree(t, filepath.Join(repo, p))
		}
	}
}

// readTree reads every file under dir, keyed by slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		tree[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func writeTree(t *testing.T, dir string, tree map[string]string) {
	t.Helper()
	for rel, data := range tree {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
