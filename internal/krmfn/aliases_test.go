package krmfn

import (
	"os"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Aliases the SDK's own reader cannot take (it panics before a function
// runs): Evaluate writes them out, so the run answers.
func TestEvaluateAliases(t *testing.T) {
	for _, tc := range []struct{ name, items string }{
		{"an alias as a key", "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: &k a}\n  data: {*k : b}\n"},
		{"a whole object as an alias", "- &cm {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- *cm\n"},
		{"an alias into another object", "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a, labels: &l {app: x}}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b, labels: *l}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + tc.items)
			if !mayHaveAliases(in) {
				t.Fatal("mayHaveAliases missed it")
			}
			out, _ := Evaluate(Identity, in)
			rl, err := fn.ParseResourceList(out)
			if err != nil {
				t.Fatalf("output is no ResourceList: %v\n%s", err, out)
			}
			if strings.Contains(string(out), "*") {
				t.Errorf("an alias is left:\n%s", out)
			}
			_ = rl
		})
	}
}

// An alias bomb is not expanded: intake refuses it, naming the object,
// and the package comes back as it was.
func TestEvaluateRefusesAnAliasBomb(t *testing.T) {
	items := "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: bomb}\n  x0: &a0 [l, l, l, l, l, l, l, l, l, l]\n"
	for i := 1; i <= 8; i++ {
		prev := "*a" + string(rune('0'+i-1))
		items += "  x" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" + strings.Repeat(prev+", ", 9) + prev + "]\n"
	}
	p := Processor[struct{}]{Kind: "Test", Defaults: func() struct{} { return struct{}{} }, Run: func(in Input[struct{}]) fn.KubeObjects { return in.Items }}
	out, err := Evaluate(p, []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"+items))
	rl, perr := fn.ParseResourceList(out)
	if err == nil || perr != nil || len(rl.Items) != 1 || len(rl.Results) != 1 || !strings.Contains(rl.Results[0].Message, "would expand to more than") {
		t.Errorf("err %v, parse %v, output:\n%.2000s", err, perr, out)
	}
}

func TestMayHaveAliases(t *testing.T) {
	for text, want := range map[string]bool{
		"a: *x\n":                      true,
		"- *x\n":                       true,
		"a: [1, *x]\n":                 true,
		"*x : 1\n":                     true,
		"a: '*'\n":                     false,
		"verbs: [\"*\"]\n":             false,
		"host: '*.googleapis.com'\n":   false,
		"a: b*c\n":                     false,
		"a: 2 * 3\n":                   false,
		"args: [--flag=*]\n":           false,
		"script: |\n  ls *.yaml\n":     false,
		"script: |\n  *starred line\n": true, // a block scalar's line: a false yes, read once more
	} {
		if got := mayHaveAliases([]byte(text)); got != want {
			t.Errorf("mayHaveAliases(%q) = %v, want %v", text, got, want)
		}
	}
}

// BenchmarkMayHaveAliases is the price every run pays to learn that its
// input has no alias, on the Kubeflow corpus (8.6 MB, none).
func BenchmarkMayHaveAliases(b *testing.B) {
	in, err := os.ReadFile("../../../shared/corpus/kubeflow-manifests.yaml")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if mayHaveAliases(in) {
			b.Fatal("the corpus has no alias")
		}
	}
}
