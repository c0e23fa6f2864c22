package fnconfig

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// testKind is the typed config kind of the test function.
const testKind = "TestFunction"

// Network is a named range; a list of them has its own ConfigMap form.
type Network struct {
	Name string `json:"name"`
	CIDR string `json:"cidr"`
}

// Networks reads "name=cidr,name=cidr" from a ConfigMap.
type Networks []Network

var _ ConfigMapValue = &Networks{}

func (n *Networks) SetFromConfigMap(value string) error {
	*n = Networks{}
	for _, entry := range SplitList(value) {
		name, cidr, ok := strings.Cut(entry, "=")
		if !ok {
			return fmt.Errorf("expected name=cidr, got %q", entry)
		}
		*n = append(*n, Network{Name: name, CIDR: cidr})
	}
	return nil
}

// Level has a text form of its own and is used through a pointer.
type Level struct{ N int }

func (l *Level) SetFromConfigMap(value string) error {
	switch value {
	case "low":
		l.N = 1
	case "high":
		l.N = 9
	default:
		return fmt.Errorf("expected low or high, got %q", value)
	}
	return nil
}

type Leaf struct {
	C string `json:"c"`
	D int    `json:"d,omitempty"`
}

type Inner struct {
	B []Leaf `json:"b"`
}

type Nested struct {
	A      Inner           `json:"a"`
	ByName map[string]Leaf `json:"byName,omitempty"`
}

// Embedded fields are promoted, as encoding/json does.
type Embedded struct {
	Extra string `json:"extra,omitempty"`
}

type testConfig struct {
	Embedded
	Enabled  bool              `json:"enabled"`
	Count    int               `json:"count"`
	Port     int32             `json:"port"`
	Name     string            `json:"name"`
	Tags     []string          `json:"tags"`
	Private  *bool             `json:"private,omitempty"`
	Limit    *int              `json:"limit,omitempty"`
	Networks Networks          `json:"networks,omitempty"`
	Level    *Level            `json:"level,omitempty"`
	Nested   *Nested           `json:"nested,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	Ignored  string            `json:"-"`
	//lint:ignore U1000 unexported: never a config field, which the test shows
	hidden string
}

func defaults() testConfig {
	return testConfig{Enabled: true, Count: 3, Name: "default", Tags: []string{"x"}}
}

func ptr[T any](v T) *T { return &v }

func parse(t *testing.T, text string) *fn.KubeObject {
	t.Helper()
	obj, err := fn.ParseKubeObject([]byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return obj
}

// summary renders results as "severity field: message" lines.
func summary(rs fn.Results) []string {
	var out []string
	for _, r := range rs {
		field := ""
		if r.Field != nil {
			field = r.Field.Path
		}
		out = append(out, fmt.Sprintf("%s %s: %s", r.Severity, field, r.Message))
	}
	return out
}

const knownKeys = "count, enabled, extra, labels, level, limit, name, nested, networks, port, private, tags"

type loadCase struct {
	name   string
	config string // "" for no config
	ok     bool
	want   testConfig
	// results as "severity field: message"
	results []string
}

func runLoadCases(t *testing.T, cases []loadCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var obj *fn.KubeObject
			if tc.config != "" {
				obj = parse(t, tc.config)
			}
			before := ""
			if obj != nil {
				before = obj.String()
			}
			cfg := defaults()
			var res results.Collector
			src, ok := Load(obj, testKind, &cfg, &res)
			if ok != tc.ok {
				t.Errorf("Load ok = %v, want %v; results: %v", ok, tc.ok, summary(res.Results()))
			}
			if diff := cmp.Diff(tc.results, summary(res.Results())); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if res.HasErrors() == tc.ok {
				t.Errorf("HasErrors = %v with ok = %v", res.HasErrors(), tc.ok)
			}
			if tc.ok {
				if diff := cmp.Diff(tc.want, cfg, cmp.AllowUnexported(testConfig{})); diff != "" {
					t.Errorf("config (-want +got):\n%s", diff)
				}
			}
			if src.Object != obj {
				t.Errorf("Source.Object is not the config object")
			}
			if obj != nil && obj.String() != before {
				t.Errorf("Load changed the config object:\n%s", obj)
			}
			// Errors name the config object.
			for _, r := range res.Results() {
				if obj != nil && (r.ResourceRef == nil || r.ResourceRef.Kind != obj.GetKind() || r.ResourceRef.Name != obj.GetName()) {
					t.Errorf("result %q does not name the config object: %+v", r.Message, r.ResourceRef)
				}
			}
		})
	}
}

func TestLoadNoConfig(t *testing.T) {
	runLoadCases(t, []loadCase{
		{name: "nil", ok: true, want: defaults()},
		{name: "kpt's placeholder", ok: true, want: defaults(), config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: function-input
data: {}
`},
		{name: "placeholder without data", ok: true, want: defaults(), config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: function-input
`},
		{name: "typed kind without spec", ok: true, want: defaults(), config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
`},
		{name: "typed kind with null spec", ok: true, want: defaults(), config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
`},
	})

	// The empty KubeObject the SDK hands over without config.
	cfg := defaults()
	var res results.Collector
	src, ok := Load(fn.NewEmptyKubeObject(), testKind, &cfg, &res)
	if !ok || res.HasErrors() {
		t.Errorf("empty object: ok = %v, results %v", ok, summary(res.Results()))
	}
	if diff := cmp.Diff(defaults(), cfg, cmp.AllowUnexported(testConfig{})); diff != "" {
		t.Errorf("empty object changed the defaults (-want +got):\n%s", diff)
	}
	if got := src.Field("count"); got != "spec.count" {
		t.Errorf("Field without config = %q, want spec.count", got)
	}
}

func TestLoadTyped(t *testing.T) {
	full := defaults()
	full.Enabled = false
	full.Count = 0
	full.Port = 8443
	full.Name = "fw"
	full.Tags = []string{"a", "b"}
	full.Private = ptr(false)
	full.Limit = ptr(0)
	full.Networks = Networks{{Name: "pods", CIDR: "10.4.0.0/14"}}
	full.Nested = &Nested{A: Inner{B: []Leaf{{C: "one"}, {C: "two", D: 2}}}, ByName: map[string]Leaf{"k": {C: "v"}}}
	full.Labels = map[string]string{"app": "x"}
	full.Extra = "promoted"

	runLoadCases(t, []loadCase{
		{name: "every field", ok: true, want: full, config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  enabled: false
  count: 0
  port: 8443
  name: fw
  tags: [a, b]
  private: false
  limit: 0
  extra: promoted
  networks:
  - name: pods
    cidr: 10.4.0.0/14
  nested:
    a:
      b:
      - c: one
      - c: two
        d: 2
    byName:
      k: {c: v}
  labels:
    app: x
`},
		{name: "unknown nested fields", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  nested:
    a:
      b:
      - c: one
      - c: two
        e: typo
        f: typo
    byName:
      k: {c: v, g: typo}
    h: typo
  networks:
  - name: pods
    range: 10.0.0.0/8
  colour: blue
`, results: []string{
			`error spec.colour: unknown field "colour"; known fields: ` + knownKeys,
			`error spec.nested.a.b[1].e: unknown field "e"; known fields: c, d`,
			`error spec.nested.a.b[1].f: unknown field "f"; known fields: c, d`,
			`error spec.nested.byName.k.g: unknown field "g"; known fields: c, d`,
			`error spec.nested.h: unknown field "h"; known fields: a, byName`,
			`error spec.networks[0].range: unknown field "range"; known fields: cidr, name`,
		}},
		{name: "json:\"-\" is not a field", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  Ignored: x
  hidden: y
`, results: []string{
			`error spec.Ignored: unknown field "Ignored"; known fields: ` + knownKeys,
			`error spec.hidden: unknown field "hidden"; known fields: ` + knownKeys,
		}},
		{name: "unknown top-level keys", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
data:
  count: "1"
settings: {}
spec:
  count: 1
`, results: []string{
			`error data: unknown field "data": the settings go under spec`,
			`error settings: unknown field "settings": the settings go under spec`,
		}},
		{name: "wrong apiVersion", config: `
apiVersion: fn.lockdown.dev/v1
kind: TestFunction
metadata:
  name: cfg
spec: {}
`, results: []string{
			`error : unknown function config fn.lockdown.dev/v1 TestFunction: use kind TestFunction with apiVersion fn.lockdown.dev/v1alpha1, or a ConfigMap`,
		}},
		{name: "wrong kind", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: OtherFunction
metadata:
  name: cfg
spec: {}
`, results: []string{
			`error : unknown function config fn.lockdown.dev/v1alpha1 OtherFunction: use kind TestFunction with apiVersion fn.lockdown.dev/v1alpha1, or a ConfigMap`,
		}},
		{name: "ConfigMap of another version", config: `
apiVersion: v2
kind: ConfigMap
metadata:
  name: cfg
`, results: []string{
			`error : unknown function config v2 ConfigMap: use kind TestFunction with apiVersion fn.lockdown.dev/v1alpha1, or a ConfigMap`,
		}},
		{name: "string for a number", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  count: many
`, results: []string{`error spec.count: expected a whole number, got the string "many"`}},
		{name: "string for a list", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  tags: a,b
`, results: []string{`error spec.tags: expected a list, got the string "a,b"`}},
		{name: "list for a bool", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  private: "yes"
`, results: []string{`error spec.private: expected true or false, got the string "yes"`}},
		{name: "too large for the field", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  port: 4294967297
`, results: []string{`error spec.port: expected a whole number, got a number 4294967297`}},
		{name: "string for an object", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  nested:
    a: text
`, results: []string{`error spec.nested.a: expected an object, got the string "text"`}},
		// The path keeps the list index (encoding/json would drop it).
		{name: "number for a nested string", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  nested:
    a:
      b:
      - c: 5
`, results: []string{`error spec.nested.a.b[0].c: expected a string, got the number 5`}},
		{name: "fraction for an int", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec:
  port: 1.5
`, results: []string{`error spec.port: expected a whole number, got a number 1.5`}},
		{name: "spec is not an object", config: `
apiVersion: fn.lockdown.dev/v1alpha1
kind: TestFunction
metadata:
  name: cfg
spec: [1]
`, results: []string{`error spec: spec is a list: the settings of TestFunction go under spec as a mapping of field: value lines`}},
	})
}

func TestLoadConfigMap(t *testing.T) {
	all := defaults()
	all.Enabled = false
	all.Count = -2
	all.Port = 443
	all.Name = "fw"
	all.Tags = []string{"a", "b", "c"}
	all.Private = ptr(true)
	all.Limit = ptr(10)
	all.Networks = Networks{{Name: "pods", CIDR: "10.4.0.0/14"}, {Name: "svc", CIDR: "10.8.0.0/20"}}
	all.Level = &Level{N: 9}
	all.Extra = "promoted"

	noTags := defaults()
	noTags.Tags = []string{}

	runLoadCases(t, []loadCase{
		{name: "every kind of field", ok: true, want: all, config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: function-input
data:
  enabled: "false"
  count: " -2 "
  port: "443"
  name: " fw "
  tags: "a, b,,c ,"
  private: "true"
  limit: "10"
  networks: pods=10.4.0.0/14, svc=10.8.0.0/20
  level: high
  extra: promoted
`},
		{name: "empty list", ok: true, want: noTags, config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  tags: " , "
`},
		// `kpt fn eval -- enabled= count= name= tags=`: every type alike.
		{name: "empty values keep the defaults", ok: true, want: defaults(), config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: function-input
data:
  enabled: ""
  count: " "
  name: ""
  tags: ""
`, results: []string{
			"info data.count: data.count is empty: it keeps its default, as if it were not set",
			"info data.enabled: data.enabled is empty: it keeps its default, as if it were not set",
			"info data.name: data.name is empty: it keeps its default, as if it were not set",
			"info data.tags: data.tags is empty: it keeps its default, as if it were not set",
		}},
		{name: "other name, no data", ok: true, want: defaults(), config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
`},
		{name: "unknown keys", config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  colour: blue
  count: "1"
  Ignored: x
`, results: []string{
			`error data.Ignored: unknown key "Ignored"; known keys: ` + knownKeys,
			`error data.colour: unknown key "colour"; known keys: ` + knownKeys,
		}},
		{name: "bad values", config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  enabled: "yes"
  count: "3.5"
  private: maybe
  limit: ten
  networks: pods
  level: medium
`, results: []string{
			`error data.count: expected a whole number, got "3.5"`,
			`error data.enabled: expected true or false, got "yes"`,
			`error data.level: expected low or high, got "medium"`,
			`error data.limit: expected a whole number, got "ten"`,
			`error data.networks: expected name=cidr, got "pods"`,
			`error data.private: expected true or false, got "maybe"`,
		}},
		// 4294967297 is 1 once cut to 32 bits: it must not slip through.
		{name: "out of range for the field", config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  port: "4294967297"
`, results: []string{`error data.port: expected a whole number, got "4294967297"`}},
		{name: "fields without a text form", config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  labels: a=b
  nested: x
`, results: []string{
			`error data.labels: cannot be set from a ConfigMap: use the typed config kind`,
			`error data.nested: cannot be set from a ConfigMap: use the typed config kind`,
		}},
		{name: "data is not a map of strings", config: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  tags: [a, b]
`, results: []string{
			"error data: ConfigMap data must map names to strings: yaml: unmarshal errors:\n  line 7: cannot unmarshal !!seq into string",
		}},
	})
}

func TestSourceField(t *testing.T) {
	for _, tc := range []struct {
		config string
		want   string
	}{
		{"apiVersion: fn.lockdown.dev/v1alpha1\nkind: TestFunction\nmetadata: {name: c}\n", "spec.a.b[0]"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {name: x}\n", "data.a.b[0]"},
	} {
		obj := parse(t, tc.config)
		cfg := defaults()
		var res results.Collector
		src, ok := Load(obj, testKind, &cfg, &res)
		if !ok {
			t.Fatalf("Load: %v", summary(res.Results()))
		}
		if got := src.Field("a.b[0]"); got != tc.want {
			t.Errorf("Field = %q, want %q", got, tc.want)
		}
		src.Error(&res, "a.b[0]", "bad %d", 1)
		want := []string{"error " + tc.want + ": bad 1"}
		if diff := cmp.Diff(want, summary(res.Results())); diff != "" {
			t.Errorf("Source.Error (-want +got):\n%s", diff)
		}
		if r := res.Results()[0]; r.ResourceRef == nil || r.ResourceRef.Name != "c" {
			t.Errorf("Source.Error does not name the config: %+v", r.ResourceRef)
		}
	}
}

func TestSplitList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{" , ,", []string{}},
		{"a", []string{"a"}},
		{"a, b,,", []string{"a", "b"}},
		{" a b , c ", []string{"a b", "c"}},
	} {
		if diff := cmp.Diff(tc.want, SplitList(tc.in)); diff != "" {
			t.Errorf("SplitList(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestSplitPairs(t *testing.T) {
	got := SplitPairs(" office = 203.0.113.0/24, vpn=10.8.0.0/16,, kube-system, a=b=c ")
	want := []Pair{
		{Entry: "office = 203.0.113.0/24", Key: "office", Value: "203.0.113.0/24", Found: true},
		{Entry: "vpn=10.8.0.0/16", Key: "vpn", Value: "10.8.0.0/16", Found: true},
		{Entry: "kube-system", Key: "kube-system"},
		{Entry: "a=b=c", Key: "a", Value: "b=c", Found: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SplitPairs (-want +got):\n%s", diff)
	}
	if got := SplitPairs(""); len(got) != 0 {
		t.Errorf("SplitPairs(\"\") = %v", got)
	}
}

// Texts keeps the config's spelling; Check reports an error at its path
// and CheckValue is Check of the value's error.
func TestTextsAndCheck(t *testing.T) {
	ports := Ports{ValueOf[Port]("443"), ValueOf[Port](" 8000-8100 ")}
	if diff := cmp.Diff([]string{"443", " 8000-8100 "}, Texts(ports)); diff != "" {
		t.Errorf("Texts (-want +got):\n%s", diff)
	}
	var res results.Collector
	src := Source{prefix: "spec"}
	if !src.Check(&res, "a", nil) || src.Check(&res, "b", errors.New("bad b")) {
		t.Error("Check does not report whether the error was nil")
	}
	if bad := ValueOf[Port]("0"); src.CheckValue(&res, "c", &bad) {
		t.Error("CheckValue passed port 0")
	}
	var got []string
	for _, r := range res.Results() {
		got = append(got, r.Field.Path+": "+r.Message)
	}
	want := []string{"spec.b: bad b", `spec.c: "0" is out of range: ports are 1 to 65535`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// A list of a named string type is set from a ConfigMap without a panic.
func TestConfigMapNamedStringList(t *testing.T) {
	type service string
	type config struct {
		Services []service `json:"services"`
	}
	obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {services: 'a.googleapis.com, b.googleapis.com'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg config
	var res results.Collector
	if _, ok := Load(obj, "Config", &cfg, &res); !ok || res.HasErrors() {
		t.Fatalf("load failed: %v", res.Results())
	}
	if want := []service{"a.googleapis.com", "b.googleapis.com"}; !slices.Equal(cfg.Services, want) {
		t.Errorf("got %q, want %q", cfg.Services, want)
	}
}

// valuesConfig holds Values at the top, in lists, in a nested object, in
// a map and behind a pointer, so that every path parseValues takes is
// exercised, beside a plain field that Validate checks too.
type valuesConfig struct {
	Name    string          `json:"name,omitempty"`
	Master  CIDR            `json:"master,omitempty"`
	Ranges  []Range         `json:"ranges,omitempty"`
	Allows  []valuesAllow   `json:"allows,omitempty"`
	Default *Range          `json:"default,omitempty"`
	Ports   Ports           `json:"ports,omitempty"`
	ByName  map[string]Port `json:"byName,omitempty"`
}

type valuesAllow struct {
	CIDR Range `json:"cidr"`
	Port Port  `json:"port,omitempty"`
}

// Validate is a function's: the Values' errors at their paths, in order
// with the other checks; an unset optional value is no error, an empty
// list item is.
func (c *valuesConfig) Validate(src Source, res *results.Collector) {
	if c.Name == "bad" {
		src.Error(res, "name", "bad name")
	}
	if c.Master.IsSet() {
		src.CheckValue(res, "master", &c.Master)
	}
	CheckValues(src, res, "ranges", c.Ranges)
	for i, a := range c.Allows {
		src.CheckValue(res, Index("allows", i)+".cidr", &a.CIDR)
		if a.Port.IsSet() {
			src.CheckValue(res, Index("allows", i)+".port", &a.Port)
		}
	}
	if c.Default != nil {
		src.CheckValue(res, "default", c.Default)
	}
	CheckValues(src, res, "ports", c.Ports)
	for _, k := range sortedKeys(c.ByName) {
		p := c.ByName[k]
		src.CheckValue(res, "byName."+k, &p)
	}
}

func TestValuesParsedOnceAtTheirPath(t *testing.T) {
	const typed = "{apiVersion: fn.lockdown.dev/v1alpha1, kind: Values, metadata: {name: v}, spec: "
	for _, tc := range []struct {
		name, config string
		loadFails    bool
		results      []string // "field: message"
		check        func(t *testing.T, c valuesConfig)
	}{{
		name:   "typed, all good",
		config: typed + "{master: 172.16.0.0/28, ranges: [10.0.0.0/8, 10.0.0.7], allows: [{cidr: 192.168.0.0/16, port: 8443}], default: 0.0.0.0/0, ports: [443, '8000-8100', ' 9000 '], byName: {web: 80}}}",
		check: func(t *testing.T, c valuesConfig) {
			if c.Master.Prefix != netip.MustParsePrefix("172.16.0.0/28") || !c.Master.IsSet() || c.Master.String() != "172.16.0.0/28" {
				t.Errorf("master = %+v", c.Master)
			}
			if c.Ranges[1].Prefix != netip.MustParsePrefix("10.0.0.7/32") {
				t.Errorf("a bare address is its host prefix: %+v", c.Ranges[1])
			}
			if c.Allows[0].CIDR.Prefix.Bits() != 16 || c.Default.Prefix.Bits() != 0 {
				t.Errorf("nested values not parsed: %+v %+v", c.Allows, c.Default)
			}
			want := []gcp.PortRange{{First: 443, Last: 443}, {First: 8000, Last: 8100}, {First: 9000, Last: 9000}}
			if diff := cmp.Diff(want, c.Ports.Ranges()); diff != "" {
				t.Errorf("ports (-want +got):\n%s", diff)
			}
			if c.Ports[0].Text != "443" || c.Allows[0].Port.Range.First != 8443 || c.ByName["web"].Range.First != 80 {
				t.Errorf("a number is a port's text: %+v %+v %+v", c.Ports[0], c.Allows[0].Port, c.ByName)
			}
		},
	}, {
		// Load does not fail for them: Validate reports them beside the
		// name, in its own order.
		name:   "typed, parse errors at their paths",
		config: typed + "{name: bad, master: 172.16.0.1, ranges: [10.0.0.0/8, nope, ''], allows: [{cidr: 1.2.3.0/24}, {cidr: 5, port: 0}], default: 10.0.0.1/8, ports: [80, 9-8, null], byName: {web: 70000}}}",
		results: []string{
			"spec.name: bad name",
			`spec.master: "172.16.0.1" is not a range in CIDR notation, such as 10.0.0.0/8`,
			`spec.ranges[1]: "nope" is not a range: write a CIDR range such as 10.0.0.0/8, or a single address such as 10.0.0.7`,
			`spec.ranges[2]: "" is not a range: write a CIDR range such as 10.0.0.0/8, or a single address such as 10.0.0.7`,
			`spec.allows[1].cidr: "5" is not a range: write a CIDR range such as 10.0.0.0/8, or a single address such as 10.0.0.7`,
			`spec.allows[1].port: "0" is out of range: ports are 1 to 65535`,
			"spec.default: 10.0.0.1/8 has host bits set: did you mean 10.0.0.0/8 (the range) or 10.0.0.1/32 (the address)?",
			`spec.ports[1]: "9-8" starts after it ends: write 8-9`,
			`spec.ports[2]: "" is not a port such as 443 or a range such as 8000-8100`,
			`spec.byName.web: "70000" is out of range: ports are 1 to 65535`,
		},
		check: func(t *testing.T, c valuesConfig) {
			var hostBits *gcp.HostBitsError
			if !errors.As(c.Default.Err(), &hostBits) || c.Default.Prefix.IsValid() {
				t.Errorf("a range keeps gcp.ParseRange's error: %+v", c.Default)
			}
			if c.Master.Prefix.IsValid() || c.Ports[1].Range != (gcp.PortRange{}) {
				t.Errorf("an invalid value has no parsed value: %+v %+v", c.Master, c.Ports[1])
			}
		},
	}, {
		name:   "CIDR keeps host bits for the field to judge",
		config: typed + "{master: 172.16.0.1/28}}",
		check: func(t *testing.T, c valuesConfig) {
			if c.Master.Err() != nil || c.Master.Prefix != netip.MustParsePrefix("172.16.0.1/28") {
				t.Errorf("master = %+v, %v", c.Master, c.Master.Err())
			}
		},
	}, {
		name:      "typed, an object or a list where a value goes",
		config:    typed + "{master: {a: 1}, ranges: [[10.0.0.0/8]], allows: [{cidr: 1.2.3.0/24, port: [80]}]}}",
		loadFails: true,
		results: []string{
			"spec.allows[0].port: expected a string or a number, got a list",
			"spec.master: expected a string or a number, got an object",
			"spec.ranges[0]: expected a string or a number, got a list",
		},
	}, {
		name:   "ConfigMap",
		config: "{apiVersion: v1, kind: ConfigMap, metadata: {name: v}, data: {master: ' 172.16.0.0/28 ', ranges: '10.0.0.0/8, bad', ports: '443, 8000-8100,0', default: 10.0.0.1/8, name: bad}}",
		results: []string{
			"data.name: bad name",
			"data.default: 10.0.0.1/8 has host bits set: did you mean 10.0.0.0/8 (the range) or 10.0.0.1/32 (the address)?",
			`data.ranges[1]: "bad" is not a range: write a CIDR range such as 10.0.0.0/8, or a single address such as 10.0.0.7`,
			`data.ports[2]: "0" is out of range: ports are 1 to 65535`,
		},
		check: func(t *testing.T, c valuesConfig) {
			if c.Master.Text != "172.16.0.0/28" || c.Master.Prefix.Bits() != 28 || c.Ports[1].Range != (gcp.PortRange{First: 8000, Last: 8100}) {
				t.Errorf("ConfigMap values: %+v %+v", c.Master, c.Ports)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := fn.ParseKubeObject([]byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			var cfg valuesConfig
			var res results.Collector
			src, ok := Load(obj, "Values", &cfg, &res)
			if ok == tc.loadFails {
				t.Errorf("Load ok = %v, want %v: %v", ok, !tc.loadFails, summary(res.Results()))
			}
			if ok {
				cfg.Validate(src, &res)
			}
			var got []string
			for _, r := range res.Results() {
				got = append(got, r.Field.Path+": "+r.Message)
			}
			// The collector sorts its results, so order is not compared.
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.results))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if src.IsConfigMap() != (obj.GetKind() == "ConfigMap") {
				t.Errorf("IsConfigMap = %v for %s", src.IsConfigMap(), obj.GetKind())
			}
			if tc.check != nil {
				tc.check(t, cfg)
			}
		})
	}
}

// ValueOf is a value as Load leaves it, for defaults and package text.
func TestValueOf(t *testing.T) {
	if r := ValueOf[Range](" 10.0.0.7 "); r.Err() != nil || r.Prefix != netip.MustParsePrefix("10.0.0.7/32") || r.Text != " 10.0.0.7 " {
		t.Errorf("range %+v, %v", r, r.Err())
	}
	if c := ValueOf[CIDR]("10.0.0.7"); c.Err() == nil || c.Prefix.IsValid() {
		t.Errorf("a CIDR has no bare-address form: %+v", c)
	}
	if p := ValueOf[Port]("0"); p.Err() == nil {
		t.Errorf("port 0 is no server's: %+v", p)
	}
	if p := ValueOf[Port](""); p.IsSet() || p.Err() == nil {
		t.Errorf("the empty text is unset, and no port: %+v", p)
	}
}

// A Value's JSON form is its text: a string or a number in, a string out.
func TestScalarJSON(t *testing.T) {
	for in, want := range map[string]string{`"443"`: "443", `443`: "443", ` 8.5 `: "8.5", `true`: "true", `null`: ""} {
		var s Scalar
		if err := s.UnmarshalJSON([]byte(in)); err != nil || s.Text != want {
			t.Errorf("%s: text %q, %v; want %q", in, s.Text, err, want)
		}
	}
	for _, in := range []string{`{"a": 1}`, `[443]`} {
		var s Scalar
		if err := s.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("%s: read as %q", in, s.Text)
		}
	}
	if b, err := (Port{Scalar: Scalar{Text: "443"}}).MarshalJSON(); err != nil || string(b) != `"443"` {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
}
