package lint

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// readmeChecks is what README.md says about the checks: the rows of the
// table under "## Checks" and the "### `name`" sections, in order, and the
// example messages (fenced lines that start with "[name] ") of each
// section.
type readmeChecks struct {
	rows     []string          // check names, in table order
	catches  map[string]string // the table's "catches" column, by check
	sections []string          // check names, in section order
	examples map[string][]string
}

var (
	// tableRow is a row of the checks table: | [`name`](#name) | catches | ...
	tableRow = regexp.MustCompile("^\\| \\[`([^`]+)`\\]\\(#([^)]+)\\) \\| ([^|]+) \\|")
	// checkHeading is a check's section: ### `name`
	checkHeading = regexp.MustCompile("^### `([^`]+)`$")
	// messagePrefix is the check name a message starts with.
	messagePrefix = regexp.MustCompile(`^\[([a-z0-9-]+)\] `)
	// disabled are check names given to disable in the README's examples:
	// disable: [a, b] and 'disable=a,b'.
	disabled = regexp.MustCompile(`disable(?:: \[|=)([a-z0-9, -]+)`)
)

// parseReadme reads the checks out of the README's markdown, line by line:
// headings, table rows and fenced blocks are all it needs.
func parseReadme(t *testing.T, text []byte) readmeChecks {
	t.Helper()
	r := readmeChecks{catches: map[string]string{}, examples: map[string][]string{}}
	inChecks, fenced, section := false, false, ""
	scan := bufio.NewScanner(bytes.NewReader(text))
	for scan.Scan() {
		line := scan.Text()
		switch {
		case strings.HasPrefix(line, "```"):
			fenced = !fenced
		case fenced:
			if section != "" && messagePrefix.MatchString(line) {
				r.examples[section] = append(r.examples[section], line)
			}
		case strings.HasPrefix(line, "## "):
			inChecks, section = line == "## Checks", ""
		case !inChecks:
		case strings.HasPrefix(line, "### "):
			section = ""
			if m := checkHeading.FindStringSubmatch(line); m != nil {
				section = m[1]
				r.sections = append(r.sections, section)
			}
		case tableRow.MatchString(line):
			m := tableRow.FindStringSubmatch(line)
			if m[1] != m[2] {
				t.Errorf("README: the row of %s links to #%s: link to its section, #%s", m[1], m[2], m[1])
			}
			r.rows = append(r.rows, m[1])
			r.catches[m[1]] = strings.TrimSpace(m[3])
		}
	}
	if err := scan.Err(); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestChecksMatchReadme holds the registry (checks.go) against README.md:
// every check has its row in the table, with the registry's summary, and
// its section, both in the order the checks run; each section shows a
// message the check really writes (one of the goldens'); and the README
// names no check that does not exist, in the table, a heading, a message
// or a disable list.
func TestChecksMatchReadme(t *testing.T) {
	r := parseReadme(t, README)
	names := CheckNames()
	if diff := cmp.Diff(names, r.rows); diff != "" {
		t.Errorf("README.md's checks table (## Checks) does not list the checks of checks.go in their order (-checks.go +README):\n%s", diff)
	}
	if diff := cmp.Diff(names, r.sections); diff != "" {
		t.Errorf("README.md's check sections (### `name` under ## Checks) do not match checks.go (-checks.go +README):\n%s", diff)
	}
	for _, c := range checks {
		if got, ok := r.catches[c.name]; ok && got != c.summary {
			t.Errorf("README.md's row of %s says it catches %q; checks.go's summary says %q: make them one", c.name, got, c.summary)
		}
	}
	golden := goldenMessages(t)
	for _, name := range r.sections {
		examples := r.examples[name]
		if len(examples) == 0 {
			t.Errorf("README.md's section of %s shows no example message: add one in a fenced block, as a golden writes it", name)
		}
		for _, e := range examples {
			if got := messagePrefix.FindStringSubmatch(e)[1]; got != name {
				t.Errorf("README.md's section of %s shows a message of %s: %s", name, got, e)
			}
			if !golden[e] {
				t.Errorf("README.md's example for %s is no message of testdata/*/results.yaml (copy one as it is):\n%s", name, e)
			}
		}
	}
	for _, name := range mentionedChecks(string(README)) {
		if !slices.Contains(names, name) {
			t.Errorf("README.md names check %q, which does not exist (the checks are %s)", name, strings.Join(names, ", "))
		}
	}
}

// mentionedChecks are the check names the README uses anywhere as one:
// message prefixes and disable lists.
func mentionedChecks(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if m := messagePrefix.FindStringSubmatch(line); m != nil {
			out = append(out, m[1])
		}
		for _, m := range disabled.FindAllStringSubmatch(line, -1) {
			for _, name := range strings.Split(m[1], ",") {
				out = append(out, strings.TrimSpace(name))
			}
		}
	}
	return out
}

// goldenMessages are the messages of every golden case's results.
func goldenMessages(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*", "results.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden results: %v", err)
	}
	out := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var results []struct {
			Message string `json:"message"`
		}
		if err := yaml.Unmarshal(data, &results); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range results {
			out[r.Message] = true
		}
	}
	return out
}

// TestOneFilePerCheck holds the layout: each check of the registry is
// one file, check_<name>.go (hyphens as underscores), that declares the
// check's function with a doc comment opening "<function> is the <name>
// check."; and every check_*.go file is a check of the registry.
func TestOneFilePerCheck(t *testing.T) {
	files, err := filepath.Glob("check_*.go")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, c := range checks {
		file := "check_" + strings.ReplaceAll(c.name, "-", "_") + ".go"
		want[file] = true
		fn := runtime.FuncForPC(reflect.ValueOf(c.run).Pointer()).Name()
		fn = fn[strings.LastIndex(fn, ".")+1:]
		doc, found := funcDoc(t, file, fn)
		switch {
		case !found:
			t.Errorf("check %s: %s does not declare %s, the function checks.go runs for it", c.name, file, fn)
		case !strings.HasPrefix(doc, fn+" is the "+c.name+" check."):
			t.Errorf("check %s: the doc comment of %s in %s must open with %q (then say what it catches, why that breaks a private cluster, what to change)", c.name, fn, file, fn+" is the "+c.name+" check.")
		}
	}
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") && !want[f] {
			t.Errorf("%s is named like a check, but checks.go has no check of that name", f)
		}
	}
}

// funcDoc returns the doc comment of the function name declared in file.
func funcDoc(t *testing.T, file, name string) (string, bool) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
	if err != nil {
		t.Errorf("%v", err)
		return "", false
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
			return fd.Doc.Text(), true
		}
	}
	return "", false
}

// TestReadmeParser runs the parser on a small README: the table's rows
// and their summaries, the check sections (not other headings), the
// examples of check sections only, and the names of disable lists, so
// that a missing section or a stray name cannot slip past it.
func TestReadmeParser(t *testing.T) {
	text := "# lint\n\n## Checks\n\n| check | catches | severity |\n|---|---|---|\n" +
		"| [`a-check`](#a-check) | one thing | error |\n| [`b-check`](#b-check) | another | error |\n\n" +
		"### `a-check`\n\n```\n[a-check] it broke\n```\n\n### Other notes\n\n```\n[not-a-check] x\n```\n\n" +
		"## Config\n\n    'disable=a-check,ghost'\n    disable: [b-check]\n"
	r := parseReadme(t, []byte(text))
	if diff := cmp.Diff([]string{"a-check", "b-check"}, r.rows); diff != "" {
		t.Errorf("rows: %s", diff)
	}
	if diff := cmp.Diff(map[string]string{"a-check": "one thing", "b-check": "another"}, r.catches); diff != "" {
		t.Errorf("catches: %s", diff)
	}
	if diff := cmp.Diff([]string{"a-check"}, r.sections); diff != "" {
		t.Errorf("sections: %s", diff)
	}
	if diff := cmp.Diff(map[string][]string{"a-check": {"[a-check] it broke"}}, r.examples); diff != "" {
		t.Errorf("examples: %s", diff)
	}
	if diff := cmp.Diff([]string{"a-check", "not-a-check", "a-check", "ghost", "b-check"}, mentionedChecks(text)); diff != "" {
		t.Errorf("mentioned: %s", diff)
	}
}
