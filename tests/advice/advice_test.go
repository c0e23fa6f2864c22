// Package advice checks the advice that the error messages of every
// function give, over every error golden (functions/*/testdata/error-*),
// found anew on each run. An error that sends the user in a circle costs
// more than one that gives no advice at all, so two kinds fail the test:
//
//   - circular "run <function>" advice: the named function is run in
//     process on the golden's input, with its default config, and then the
//     golden's function again, with the golden's config; if the error (same
//     resource, same field path) is still there, running the function does
//     not fix it, whether it already ran or cannot do what is claimed;
//   - impossible "set <field>" advice: the message tells the user to set a
//     field that the resource of the result already sets, and does not say
//     what is wrong with the value it has (see settingIsAdvice).
package advice

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/yaml"

	"github.com/lockdown-krm/lockdown/functions/bastion"
	"github.com/lockdown-krm/lockdown/functions/cloudnat"
	"github.com/lockdown-krm/lockdown/functions/clusterfirewall"
	"github.com/lockdown-krm/lockdown/functions/imagemirror"
	"github.com/lockdown-krm/lockdown/functions/lint"
	"github.com/lockdown-krm/lockdown/functions/networkpolicy"
	"github.com/lockdown-krm/lockdown/functions/nodeidentity"
	"github.com/lockdown-krm/lockdown/functions/podsecurity"
	"github.com/lockdown-krm/lockdown/functions/podsecuritycheck"
	"github.com/lockdown-krm/lockdown/functions/privatecluster"
	"github.com/lockdown-krm/lockdown/functions/privategoogleaccess"
	"github.com/lockdown-krm/lockdown/functions/vpcsc"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// repo is the repository's root, seen from this folder.
const repo = "../.."

// inProcess runs the functions in the test's own process, by Name. It is
// only a shortcut: a function of functions/ missing here is built from
// cmd/<name> and run as a program (see functions.run), so a new function's
// goldens are checked before anyone adds it.
func inProcess() map[string]fn.ResourceListProcessor {
	return map[string]fn.ResourceListProcessor{
		bastion.Name:             bastion.Processor(),
		cloudnat.Name:            cloudnat.Processor(),
		clusterfirewall.Name:     clusterfirewall.Processor(),
		imagemirror.Name:         imagemirror.Processor(),
		lint.Name:                lint.Processor(),
		networkpolicy.Name:       networkpolicy.Processor(),
		nodeidentity.Name:        nodeidentity.Processor(),
		podsecurity.Name:         podsecurity.Processor(),
		podsecuritycheck.Name:    podsecuritycheck.Processor(),
		privatecluster.Name:      privatecluster.Processor(),
		privategoogleaccess.Name: privategoogleaccess.Processor(),
		vpcsc.Name:               vpcsc.Processor(),
	}
}

// knownFailures are violations, by violation.key, whose fix is being
// written. Each must still occur: the test fails when one is gone, so
// the entry goes with the fix and the list cannot go stale.
var knownFailures = map[string]bool{}

func TestAdvice(t *testing.T) {
	fns := newFunctions(t)
	seen := map[string]bool{} // violation keys, and the goldens that ran
	for _, g := range findGoldens(t, fns) {
		t.Run(g.name, func(t *testing.T) {
			seen[g.name] = true
			for _, v := range check(t, fns, g) {
				seen[v.key()] = true
				if knownFailures[v.key()] {
					t.Logf("known failure: %s", v)
				} else {
					t.Error(v)
				}
			}
		})
	}
	for key := range knownFailures {
		golden, _, _ := strings.Cut(key, ": ")
		if seen[golden] && !seen[key] { // -run may have left the golden out
			t.Errorf("knownFailures lists %q, which no longer occurs: remove it", key)
		}
	}
}

// TestBuiltFunction checks the way a function missing from inProcess is
// run, on a command that is not in functions/ and so is never built by
// TestAdvice: the output of cmd/identity must be its input.
func TestBuiltFunction(t *testing.T) {
	fns := newFunctions(t)
	fns.inProcess = nil
	in := parseResourceList(t, fntest.ReadResourceList(t, findGoldens(t, fns)[0].dir))
	out := fns.run(t, "identity", in)
	if got, want := itemsYAML(out.Items), itemsYAML(in.Items); got != want {
		t.Errorf("cmd/identity changed the items:\n%s\nwant\n%s", got, want)
	}
}

// check applies both rules to every error result of g.
func check(t *testing.T, fns *functions, g *golden) []violation {
	var out []violation
	for _, r := range g.errors {
		out = append(out, circularRuns(t, fns, g, r)...)
		out = append(out, impossibleSettings(g, r)...)
	}
	return out
}

// violation is advice that fails one of the rules.
type violation struct {
	golden string // <package>/<case>, e.g. clusterfirewall/error-unknown-ranges
	rule   string // e.g. "circular run private-cluster", "set nodeTag"
	result *fn.Result
	why    string
}

// key names the violation in knownFailures: golden, rule, resource, field.
func (v violation) key() string {
	return fmt.Sprintf("%s: %s: %s %s", v.golden, v.rule, refString(v.result.ResourceRef), fieldPath(v.result))
}

func (v violation) String() string {
	return fmt.Sprintf("%s\n  message: %s\n  why: %s", v.key(), v.result.Message, v.why)
}

// Rule 1: circular "run <function>" advice.

// runAdvice finds "run <name>" in every phrasing the functions use: "run
// private-cluster first", "run private-google-access (it adds the route)",
// "run private-google-access before cloud-nat", "(run private-cluster; it
// also sets ...)". Only names of functions count.
var runAdvice = regexp.MustCompile(`\brun ([a-z]+(?:-[a-z]+)*)`)

// circularRuns checks every function r tells the user to run.
func circularRuns(t *testing.T, fns *functions, g *golden, r *fn.Result) []violation {
	var out []violation
	for _, m := range runAdvice.FindAllStringSubmatch(r.Message, -1) {
		name := m[1]
		if !fns.known(name) {
			continue
		}
		why := stillFails(t, fns, g, name, r)
		if why == "" {
			t.Logf("%s %s: running %s first clears the error", refString(r.ResourceRef), fieldPath(r), name)
			continue
		}
		out = append(out, violation{golden: g.name, rule: "circular run " + name, result: r, why: why})
	}
	return out
}

// stillFails runs name with its default config (none) on the golden's
// input, then the golden's function with the golden's config on what name
// left, and tells why r is still reported, or "" when it is gone.
func stillFails(t *testing.T, fns *functions, g *golden, name string, r *fn.Result) string {
	in := parseResourceList(t, fntest.ReadResourceList(t, g.dir))
	config := in.FunctionConfig
	in.FunctionConfig = fn.NewEmptyKubeObject()
	advised := fns.run(t, name, in)
	again := fns.run(t, g.function, &fn.ResourceList{Items: advised.Items, FunctionConfig: config})
	same := sameError(again.Results, r)
	if same == nil {
		return ""
	}
	return fmt.Sprintf("after %s ran on the input (%s), %s still reports %s %s: %q",
		name, outcome(in, advised, r.ResourceRef), g.function, refString(r.ResourceRef), fieldPath(r), same.Message)
}

// sameError returns the error of rs on r's resource and field, or nil.
func sameError(rs fn.Results, r *fn.Result) *fn.Result {
	for _, x := range rs {
		if x.Severity == fn.Error && refString(x.ResourceRef) == refString(r.ResourceRef) && fieldPath(x) == fieldPath(r) {
			return x
		}
	}
	return nil
}

// outcome says how the advised run went: its errors when it failed, which
// is the usual reason its advice cannot work, else whether it touched the
// resource of the error.
func outcome(before, after *fn.ResourceList, ref *fn.ResourceRef) string {
	var errs []string
	for _, r := range after.Results {
		if r.Severity == fn.Error {
			errs = append(errs, r.Message)
		}
	}
	if len(errs) > 0 {
		return "it failed: " + strings.Join(errs, "; ")
	}
	was, is := find(before.Items, ref), find(after.Items, ref)
	if was != nil && is != nil && was.String() == is.String() {
		return "it succeeded and left " + refString(ref) + " as it was"
	}
	return "it succeeded and changed " + refString(ref)
}

// Rule 2: impossible "set <field>" advice.

// field is a config or resource field, maybe with its path:
// clusterSecondaryRangeName, spec.networkRef, securityContext.privileged.
// A plain word ("set the", "set to", "set mirror") is not taken for a
// field, as it cannot be told from English: a field has a capital letter
// or a dot.
const field = `[a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)*`

var (
	// setAdvice finds "set F", "set F or G", "set F and G", each maybe with
	// the value it asks for: "set F: V", "set F to V", "set F=V". "not"
	// before it is caught so that "must not set F" is not read as advice.
	setAdvice = regexp.MustCompile(`\b(not )?set (` + field + `(?: (?:or|and) ` + field + `)*)(?:(?:: | to |=)("[^"]*"|[^\s,;()]+))?`)
	// isField tells a field from a word.
	isField     = regexp.MustCompile(`[A-Z.]`)
	conjunction = regexp.MustCompile(` (?:or|and) `)
	// article starts a description, not a value: "set F to a free address".
	article = regexp.MustCompile(`^(?:a|an|the|one|some|any)$`)
)

// setting is one field a message tells the user to set.
type setting struct {
	field string // the last name of its path: clusterSecondaryRangeName
	value string // the value asked for, "" when the message gives none
}

func settings(msg string) []setting {
	var out []setting
	for _, m := range setAdvice.FindAllStringSubmatch(msg, -1) {
		if m[1] != "" {
			continue
		}
		value := strings.Trim(strings.TrimRight(m[3], ".:"), `"`)
		if article.MatchString(value) {
			value = ""
		}
		for _, f := range conjunction.Split(m[2], -1) {
			if isField.MatchString(f) {
				out = append(out, setting{field: f[strings.LastIndex(f, ".")+1:], value: value})
			}
		}
	}
	return out
}

// impossibleSettings checks every field r tells the user to set against
// the resource r names (the function config when r names none).
func impossibleSettings(g *golden, r *fn.Result) []violation {
	obj := g.resource(r.ResourceRef)
	if obj == nil {
		return nil
	}
	var out []violation
	for _, s := range settings(r.Message) {
		current := setValues(specOf(obj), s.field)
		if len(current) > 0 && !settingIsAdvice(r.Message, s, current) {
			out = append(out, violation{golden: g.name, rule: "set " + s.field, result: r,
				why: fmt.Sprintf("%s already sets %s to %s, and the message does not say what is wrong with it",
					refString(r.ResourceRef), s.field, strings.Join(current, ", "))})
		}
	}
	return out
}

// settingIsAdvice tells whether "set F" can mean something when F is set
// already (to current). It can when the message
//
//   - asks for another value: "set enableRestriction: true" on false;
//   - quotes the value F has, so the user sees that it is the value that
//     is wrong: "routePriority 1000 does not beat ...";
//   - says that F excludes another field: "set accessPolicy or
//     createAccessPolicy, not both".
//
// "set clusterSecondaryRangeName" on a cluster that names its range pods,
// in a message that does not say "pods", is none of these: the user has
// done what is asked and is left with the same error.
func settingIsAdvice(msg string, s setting, current []string) bool {
	if s.value != "" {
		return !slices.Contains(current, s.value)
	}
	return slices.ContainsFunc(current, func(v string) bool { return quotes(msg, s.field, v) }) ||
		strings.Contains(msg, "not both")
}

// quotes tells whether msg shows v as the value of f: as a word of its
// own, or, for short values such as true or 80, right after f's name.
func quotes(msg, f, v string) bool {
	q := regexp.QuoteMeta(v)
	if len(v) >= 3 && regexp.MustCompile(`(?:^|[^A-Za-z0-9_-])"?`+q+`"?(?:$|[^A-Za-z0-9_-])`).MatchString(msg) {
		return true
	}
	return regexp.MustCompile(regexp.QuoteMeta(f) + `(?::| is| =|=)? "?` + q + `"?(?:$|[^A-Za-z0-9_-])`).MatchString(msg)
}

// specOf is what a resource sets: its spec, or a ConfigMap config's data.
func specOf(obj *fn.KubeObject) any {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(obj.String()), &m); err != nil {
		return nil
	}
	if obj.GetKind() == "ConfigMap" {
		return m["data"]
	}
	return m["spec"]
}

// setValues returns the values of key anywhere in v that count as set:
// not null, "", false, {} or [].
func setValues(v any, key string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == key && isSet(x) {
				out = append(out, scalar(x))
			}
			out = append(out, setValues(x, key)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, setValues(x, key)...)
		}
	}
	return out
}

func isSet(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case bool:
		return v
	case map[string]any:
		return len(v) > 0
	case []any:
		return len(v) > 0
	}
	return true
}

// scalar writes v as a message would quote it.
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	data, _ := yaml.Marshal(v)
	return strings.TrimSpace(string(data))
}

// The goldens.

// golden is one error case of one function.
type golden struct {
	name     string // <package>/<case>
	dir      string
	function string // the function's Name
	items    fn.KubeObjects
	config   *fn.KubeObject // nil when the case has none
	errors   fn.Results     // the error results of results.yaml
}

// findGoldens reads every functions/*/testdata/error-* case.
func findGoldens(t *testing.T, fns *functions) []*golden {
	dirs, err := filepath.Glob(filepath.Join(repo, "functions", "*", "testdata", "error-*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no error goldens under %s/functions (%v)", repo, err)
	}
	var out []*golden
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			out = append(out, readGolden(t, fns, dir))
		}
	}
	return out
}

func readGolden(t *testing.T, fns *functions, dir string) *golden {
	pkg := filepath.Base(filepath.Dir(filepath.Dir(dir)))
	g := &golden{name: pkg + "/" + filepath.Base(dir), dir: dir, function: fns.names[pkg]}
	if g.function == "" {
		t.Fatalf("functions/%s declares no Name constant, so its goldens cannot be run", pkg)
	}
	var err error
	if g.items, err = fn.ParseKubeObjects(readFile(t, dir, fntest.InputFile)); err != nil {
		t.Fatalf("%s: %v", g.name, err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, fntest.ConfigFile)); err == nil {
		if g.config, err = fn.ParseKubeObject(data); err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
	}
	g.errors = readErrors(t, g.name, readFile(t, dir, fntest.ResultsFile))
	return g
}

// readErrors returns the error results of a results.yaml. The golden's own
// test keeps it equal to what the function reports.
func readErrors(t *testing.T, name string, data []byte) fn.Results {
	var all fn.Results
	if err := yaml.Unmarshal(data, &all); err != nil {
		t.Fatalf("%s: %s: %v", name, fntest.ResultsFile, err)
	}
	var out fn.Results
	for _, r := range all {
		if r.Severity == fn.Error {
			out = append(out, r)
		}
	}
	return out
}

// resource returns the object ref names, in the input or the config, or
// the config when ref is nil (the results about a config given as none).
func (g *golden) resource(ref *fn.ResourceRef) *fn.KubeObject {
	if ref == nil {
		return g.config
	}
	if g.config != nil {
		return find(append(slices.Clone(g.items), g.config), ref)
	}
	return find(g.items, ref)
}

// find returns the object of objs that ref names, or nil.
func find(objs fn.KubeObjects, ref *fn.ResourceRef) *fn.KubeObject {
	for _, obj := range objs {
		if refString(ref) == refString(results.RefOf(obj)) {
			return obj
		}
	}
	return nil
}

// The functions.

// functions runs the functions of functions/ by Name.
type functions struct {
	names     map[string]string // package folder → Name
	inProcess map[string]fn.ResourceListProcessor
	binDir    string            // where commands missing from inProcess are built
	built     map[string]string // Name → command
}

func newFunctions(t *testing.T) *functions {
	return &functions{names: functionNames(t), inProcess: inProcess(), binDir: t.TempDir(), built: map[string]string{}}
}

func (f *functions) known(name string) bool {
	for _, n := range f.names {
		if n == name {
			return true
		}
	}
	return false
}

// run runs the function name on rl, as kpt would: a failed run returns
// its input items with its results.
func (f *functions) run(t *testing.T, name string, rl *fn.ResourceList) *fn.ResourceList {
	t.Helper()
	in, err := rl.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	if p, ok := f.inProcess[name]; ok {
		out, _ = fn.Run(p, in) // a failure is in the results
	} else {
		out = f.exec(t, name, in)
	}
	return parseResourceList(t, out)
}

// exec runs cmd/<name> on in; its exit code says no more than its results.
func (f *functions) exec(t *testing.T, name string, in []byte) []byte {
	t.Helper()
	cmd := exec.Command(f.command(t, name))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("cmd/%s: %v\n%s", name, err, stderr.Bytes())
	}
	return out
}

// command builds cmd/<name> once per test.
func (f *functions) command(t *testing.T, name string) string {
	t.Helper()
	if bin, ok := f.built[name]; ok {
		return bin
	}
	bin := filepath.Join(f.binDir, name)
	build := exec.Command("go", "build", "-o", bin, "./cmd/"+name)
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s is not run in process and cmd/%s does not build: %v\n%s", name, name, err, out)
	}
	f.built[name] = bin
	return bin
}

// functionNames reads the Name constant of every package of functions/,
// by package folder.
func functionNames(t *testing.T) map[string]string {
	files, err := filepath.Glob(filepath.Join(repo, "functions", "*", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		if name := nameConstant(t, path); name != "" {
			names[filepath.Base(filepath.Dir(path))] = name
		}
	}
	return names
}

// nameConstant returns the value of the file's top-level `const Name = "..."`, or "".
func nameConstant(t *testing.T, path string) string {
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			if len(vs.Names) == 1 && vs.Names[0].Name == "Name" && len(vs.Values) == 1 {
				if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					name, _ := strconv.Unquote(lit.Value)
					return name
				}
			}
		}
	}
	return ""
}

// Helpers.

func parseResourceList(t *testing.T, data []byte) *fn.ResourceList {
	t.Helper()
	rl, err := fn.ParseResourceList(data)
	if err != nil {
		t.Fatalf("not a ResourceList: %v\n%s", err, data)
	}
	return rl
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func itemsYAML(items fn.KubeObjects) string {
	var b strings.Builder
	for _, obj := range items {
		b.WriteString(obj.String())
		b.WriteString("---\n")
	}
	return b.String()
}

// refString names a resource as Kind/name or Kind/namespace/name; the
// apiVersion is left out, as the goldens' objects are told apart by kind.
func refString(ref *fn.ResourceRef) string {
	switch {
	case ref == nil:
		return "(no resource)"
	case ref.Namespace != "":
		return ref.Kind + "/" + ref.Namespace + "/" + ref.Name
	}
	return ref.Kind + "/" + ref.Name
}

func fieldPath(r *fn.Result) string {
	if r.Field == nil {
		return ""
	}
	return r.Field.Path
}

// TestSettingRule pins down rule 2 on messages of the kinds the functions
// write, with the value the resource has.
func TestSettingRule(t *testing.T) {
	for _, c := range []struct {
		msg, current string
		impossible   bool
	}{
		// issue10: the range is named, and the message says to name it.
		{"the pod range of ContainerCluster kf is unknown: run private-cluster first, or set clusterSecondaryRangeName or a clusterIpv4CidrBlock CIDR", "pods", true},
		{"set clusterSecondaryRangeName and servicesSecondaryRangeName in the config", "pods", true},
		{"set spec.privateClusterConfig.enablePrivateNodes: true", "true", true},
		{"the pod range pods of ContainerCluster kf is not in the package: set clusterSecondaryRangeName to a range it has", "pods", false},
		{"routePriority 1000 does not beat the default route: set routePriority below 1000", "1000", false},
		{"set natIpAllocateOption to MANUAL_ONLY, or remove staticAddressCount", "AUTO_ONLY", false},
		{"set accessPolicy (use an existing policy) or createAccessPolicy (generate one), not both", "policy-1", false},
		{`container "init" must not set securityContext.procMount to "Unmasked"`, "Unmasked", false},
	} {
		got := false
		for _, s := range settings(c.msg) {
			got = got || !settingIsAdvice(c.msg, s, []string{c.current})
		}
		if got != c.impossible {
			t.Errorf("impossible = %v, want %v, with the value %q: %s", got, c.impossible, c.current, c.msg)
		}
	}
}
