package krmfn

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// kptInput is what kpt sends to a function (captured from `kpt fn eval
// --exec`): items at indentation 0, an item that begins with a comment on
// its "- " line, a block scalar holding lines that look like entries, and
// a flow-style ConfigMap as functionConfig.
const kptInput = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: privileged
    annotations:
      config.kubernetes.io/index: '0'
      config.kubernetes.io/path: 'Kptfile'
- # top comment
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: x
    annotations:
      config.kubernetes.io/index: '0'
      config.kubernetes.io/path: 'cm.yaml'
  data:
    a: |
      - apiVersion: x
        kind: Pod
- apiVersion: v1
  kind: Pod
  metadata:
    name: node-shell # trailing
    annotations:
      config.kubernetes.io/index: '0'
      config.kubernetes.io/path: 'pod.yaml'
  spec:
    hostPID: true
    containers:
    - name: shell
      image: gcr.io/distroless/base:debug
functionConfig:
  metadata:
    name: function-input
  data: {level: baseline}
  kind: ConfigMap
  apiVersion: v1
`

// kinds returns the kinds the splitter found, "?" for an unsure one.
func kinds(text resourceListText) []string {
	var out []string
	for _, it := range text.items {
		if it.kindSure {
			out = append(out, it.kind)
		} else {
			out = append(out, "?")
		}
	}
	return out
}

func TestSplitResourceList(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		kinds    []string // nil: the splitter must refuse the input
	}{
		{"kpt input", kptInput, []string{"Kptfile", "ConfigMap", "Pod"}},
		{"items at indentation 2", "kind: ResourceList\nitems:\n  - kind: Pod\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: Service\n", []string{"Pod", "Service"}},
		{"items at indentation 0", "kind: ResourceList\nitems:\n- kind: Pod\n- kind: Service\n", []string{"Pod", "Service"}},
		{"functionConfig before items", "apiVersion: v1\nkind: ResourceList\nfunctionConfig:\n  kind: ConfigMap\n  data:\n    a: b\nitems:\n- kind: Pod\n", []string{"Pod"}},
		{"empty items list", "kind: ResourceList\nitems: []\n", []string{}},
		{"no items key", "kind: ResourceList\nfunctionConfig:\n  kind: X\n", []string{}},
		{"block scalar with entries inside", "kind: ResourceList\nitems:\n- kind: ConfigMap\n  data:\n    s: |\n      - apiVersion: x\n        kind: Pod\n      # x\n\n- kind: Secret\n", []string{"ConfigMap", "Secret"}},
		{"block scalar deeper", "kind: ResourceList\nitems:\n- kind: ConfigMap\n  data:\n    s: |-\n      - apiVersion: x\n      kind: Pod\n      # not a comment\n\n    t: >\n       - x\n- kind: Secret\n", []string{"ConfigMap", "Secret"}},
		{"comments between items", "kind: ResourceList\nitems:\n# a comment\n- kind: Pod\n  # kind: Service\n#- kind: Service\n- # the next\n  kind: Job\n", []string{"Pod", "Job"}},
		{"entry with its keys below", "kind: ResourceList\nitems:\n-\n  apiVersion: v1\n  kind: Pod\n", []string{"Pod"}},
		{"nested kinds are not the item's", "kind: ResourceList\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - kind: Pod\n  spec:\n    kind: Deployment\n", []string{"List"}},
		{"quoted kinds", "kind: ResourceList\nitems:\n- kind: \"Pod\"\n- kind: 'Ser''vice'\n- kind: \"P\\x6fd\"\n", []string{"Pod", "Ser'vice", "?"}},
		{"plain kind over two lines", "kind: ResourceList\nitems:\n- kind: Pod\n    Template\n  metadata: {}\n", []string{"?"}},
		{"two kinds", "kind: ResourceList\nitems:\n- kind: Pod\n  kind: Job\n", []string{"?"}},
		{"no kind", "kind: ResourceList\nitems:\n- apiVersion: v1\n", []string{"?"}},
		{"quoted scalar over lines that look like entries", "kind: ResourceList\nitems:\n- kind: ConfigMap\n  data:\n    a: \"x\n- kind: Pod\nkind: y\"\n- kind: Job\n", []string{"ConfigMap", "Job"}},
		{"single-quoted over lines", "kind: ResourceList\nitems:\n- kind: ConfigMap\n  data:\n    a: 'it''s\n- kind: Pod'\n", []string{"ConfigMap"}},
		{"plain scalar over lines", "kind: ResourceList\nitems:\n- kind: ConfigMap\n  data:\n    a: x\n     \"y\n- kind: Pod\n", []string{"ConfigMap", "Pod"}},
		{"flow items", "kind: ResourceList\nitems: [{kind: Pod}]\n", nil},
		{"flow item", "kind: ResourceList\nitems:\n- {kind: Pod}\n", []string{"?"}},
		{"flow over lines", "kind: ResourceList\nitems:\n- kind: Pod\n  a: [1,\n    2]\n", nil},
		{"CRLF", "kind: ResourceList\r\nitems:\r\n- kind: Pod\r\n", nil},
		{"results present", "kind: ResourceList\nitems:\n- kind: Pod\nresults:\n- message: x\n", nil},
		{"tab", "kind: ResourceList\nitems:\n- kind:\tPod\n", nil},
		{"tab in a block scalar", "kind: ResourceList\nitems:\n- kind: Pod\n  a: |\n    \tx\n", []string{"Pod"}},
		{"anchor", "kind: ResourceList\nitems:\n- kind: Pod\n  a: &x 1\n  b: *x\n", nil},
		{"document start", "---\nkind: ResourceList\nitems:\n- kind: Pod\n", nil},
		{"document end", "kind: ResourceList\nitems:\n- kind: Pod\n...\n", nil},
		{"second document", "kind: ResourceList\nitems:\n- kind: Pod\n---\nkind: ResourceList\n", nil},
		{"no final newline", "kind: ResourceList\nitems:\n- kind: Pod", nil},
		{"not a ResourceList", "kind: List\nitems:\n- kind: Pod\n", nil},
		{"no kind key", "items:\n- kind: Pod\n", nil},
		{"duplicate key", "kind: ResourceList\nitems:\n- kind: Pod\nitems:\n- kind: Job\n", nil},
		{"null items", "kind: ResourceList\nitems:\nfunctionConfig:\n  kind: X\n", nil},
		{"entry out of indentation", "kind: ResourceList\nitems:\n  - kind: Pod\n - kind: Job\n", nil},
		{"bare value below a key", "kind: ResourceList\nitems:\n- kind:\n    Pod\n", nil},
		{"byte order mark", "\xef\xbb\xbfkind: ResourceList\nitems:\n- kind: Pod\n", nil},
		{"next line", "kind: ResourceList\nitems:\n- kind: Pod\n  a: x\u0085- kind: Job\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, ok := splitResourceList([]byte(tc.in))
			if tc.kinds == nil {
				if ok {
					t.Fatalf("split %q, want a fall back to the SDK: kinds %v", tc.in, kinds(text))
				}
				return
			}
			if !ok {
				t.Fatalf("no split of %q", tc.in)
			}
			if diff := cmp.Diff(tc.kinds, append([]string{}, kinds(text)...)); diff != "" {
				t.Errorf("kinds (-want +got):\n%s", diff)
			}
			checkSplit(t, []byte(tc.in))
		})
	}
}

// TestSplitKptInputChunks checks the chunks and the functionConfig of
// the captured kpt input themselves.
func TestSplitKptInputChunks(t *testing.T) {
	text, ok := splitResourceList([]byte(kptInput))
	if !ok {
		t.Fatal("no split")
	}
	second := string(itemChunk([]byte(kptInput), text.items[1]))
	if !strings.HasPrefix(second, "  # top comment\n  apiVersion: v1\n") || !strings.HasSuffix(second, "        kind: Pod\n") {
		t.Errorf("second item chunk:\n%s", second)
	}
	if fc := string(text.functionConfig); !strings.HasPrefix(fc, "  metadata:\n") || !strings.HasSuffix(fc, "  apiVersion: v1\n") {
		t.Errorf("functionConfig chunk:\n%s", fc)
	}
}

// checkSplit is the splitter's contract, for tests and the fuzz target:
// when it splits in, the SDK reads the same items from in, and the
// functionConfig; when the SDK refuses in, a chunk the fast path would
// parse is refused too, or the fast path falls back.
func checkSplit(t *testing.T, in []byte) {
	t.Helper()
	text, ok := splitResourceList(in)
	if !ok {
		return
	}
	rl, sdkErr := fn.ParseResourceList(in)
	objs, fc, chunkErr := parseChunks(in, text)
	if sdkErr != nil {
		if chunkErr == nil {
			t.Fatalf("the SDK refuses %q (%v), every chunk parses", in, sdkErr)
		}
		return
	}
	if chunkErr != nil {
		t.Fatalf("the SDK reads %q, a chunk does not parse: %v", in, chunkErr)
	}
	if len(objs) != len(rl.Items) {
		t.Fatalf("%q: %d chunks, the SDK reads %d items", in, len(objs), len(rl.Items))
	}
	for i, obj := range objs {
		if diff := cmp.Diff(asMap(rl.Items[i]), asMap(obj)); diff != "" {
			t.Fatalf("%q: item %d (-SDK +chunk):\n%s", in, i, diff)
		}
		if it := text.items[i]; it.kindSure && it.kind != rl.Items[i].GetKind() {
			t.Fatalf("%q: item %d: kind %q, the SDK reads %q", in, i, it.kind, rl.Items[i].GetKind())
		}
	}
	if diff := cmp.Diff(asMap(rl.FunctionConfig), asMap(fc)); diff != "" {
		t.Fatalf("%q: functionConfig (-SDK +chunk):\n%s", in, diff)
	}
}

// parseChunks parses every chunk of text as the fast path parses the
// ones it reads.
func parseChunks(in []byte, text resourceListText) (fn.KubeObjects, *fn.KubeObject, error) {
	fc := fn.NewEmptyKubeObject()
	if text.functionConfig != nil {
		var err error
		if fc, err = fn.ParseKubeObject(text.functionConfig); err != nil {
			return nil, nil, err
		}
	}
	var objs fn.KubeObjects
	for _, it := range text.items {
		obj, err := fn.ParseKubeObject(itemChunk(in, it))
		if err != nil {
			return nil, nil, err
		}
		objs = append(objs, obj)
	}
	return objs, fc, nil
}

// asMap returns obj's content, or that it has none: a mapping with a
// duplicate key is read by the parser but cannot be decoded.
func asMap(obj *fn.KubeObject) any {
	var m map[string]any
	if err := obj.As(&m); err != nil {
		return "cannot be decoded"
	}
	return m
}

func FuzzSplitResourceList(f *testing.F) {
	f.Add([]byte(kptInput))
	for _, s := range []string{
		"kind: ResourceList\nitems:\n  - kind: Pod\n    a: |\n      - kind: Job\n  - kind: Job\n",
		"kind: ResourceList\nitems:\n- kind: ConfigMap\n  data:\n    a: \"x\n- kind: Pod\nkind: y\"\n- kind: Job\n",
		"kind: ResourceList\nitems:\n- kind: Pod\n    Template\n  a: 'b'\n",
		"kind: ResourceList\nfunctionConfig:\n  kind: X\n  spec: {a: [1, \"b\"]}\nitems: []\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkSplit(t, in)
		if bytes.Contains(in, []byte("\r")) {
			if _, ok := splitResourceList(in); ok {
				t.Fatal("split an input with a carriage return")
			}
		}
	})
}
