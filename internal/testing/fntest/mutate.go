package fntest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// A byte fuzzer rarely turns a ResourceList into another valid one: almost
// every change it makes is a YAML syntax error, which the SDK refuses
// before a function sees it. The structure-aware mutator below edits the
// parsed tree of a golden case instead, so that every input it makes is
// YAML a user could write and reaches the functions: the shapes of the
// hostile table (aliases, keys written twice, a list where a mapping
// belongs and the reverse, numbers beyond any range, non-ASCII names,
// nulls, removed keys) at any node of any object.

// mutation is one edit of a tree: op applied at the node a picks, with
// arg choosing among its variants.
type mutation struct {
	pick uint16
	op   byte
	arg  byte
}

// hostileScalars are the values a scalar is replaced with.
var hostileScalars = []string{
	"99999999999999999999", "-1", "0", "65536", "70000", "-5", "2147483648",
	"Ünïcödé-名前", "", "true", "null", "~", "UPPER_case", "0x1F", "1e400",
	strings.Repeat("a", 300), "10.0.0.0/33", "fd20::/64", "*", "${setter}",
}

const mutationOps = 8

// Mutate applies the mutations ops encodes (four bytes each: a node, an
// operation, a variant) to the items of a ResourceList, and returns the
// ResourceList written out; input unchanged when it is no ResourceList.
func Mutate(input, ops []byte) []byte {
	root, err := yaml.Parse(string(input))
	if err != nil {
		return input
	}
	items := root.Field("items")
	if items == nil {
		return input
	}
	for len(ops) >= 4 {
		m := mutation{pick: uint16(ops[0])<<8 | uint16(ops[1]), op: ops[2], arg: ops[3]}
		ops = ops[4:]
		nodes := collect(items.Value.YNode())
		if len(nodes) == 0 {
			break
		}
		apply(nodes, nodes[int(m.pick)%len(nodes)], m)
	}
	out, err := root.String()
	if err != nil {
		return input
	}
	return []byte(out)
}

// collect lists the nodes under n in document order, n first.
func collect(n *yaml.Node) []*yaml.Node {
	out := []*yaml.Node{n}
	for _, c := range n.Content {
		out = append(out, collect(c)...)
	}
	return out
}

func apply(nodes []*yaml.Node, n *yaml.Node, m mutation) {
	switch m.op % mutationOps {
	case 0: // a hostile scalar, plain so that YAML gives it its own type
		*n = yaml.Node{Kind: yaml.ScalarNode, Value: hostileScalars[int(m.arg)%len(hostileScalars)]}
	case 1: // a mapping for a list, a list for a mapping or a scalar
		switch n.Kind {
		case yaml.SequenceNode:
			if len(n.Content) > 0 && n.Content[0].Kind == yaml.MappingNode {
				*n = *n.Content[0]
			} else {
				*n = yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "item"}, {Kind: yaml.SequenceNode, Content: n.Content}}}
			}
		default:
			*n = yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{cloneNode(n)}}
		}
	case 2: // a key written twice
		if n.Kind == yaml.MappingNode && len(n.Content) >= 2 {
			i := 2 * (int(m.arg) % (len(n.Content) / 2))
			n.Content = append(n.Content, cloneNode(n.Content[i]), cloneNode(n.Content[i+1]))
		}
	case 3: // an alias to an earlier node
		target := nodes[int(m.arg)%len(nodes)]
		if target != n && !contains(target, n) && !contains(n, target) && before(nodes, target, n) && target.Kind != yaml.AliasNode {
			if target.Anchor == "" {
				target.Anchor = "a" + string(rune('a'+int(m.arg)%26))
			}
			*n = yaml.Node{Kind: yaml.AliasNode, Alias: target, Value: target.Anchor}
		}
	case 4: // a key removed
		if n.Kind == yaml.MappingNode && len(n.Content) >= 2 {
			i := 2 * (int(m.arg) % (len(n.Content) / 2))
			n.Content = append(n.Content[:i], n.Content[i+2:]...)
		}
	case 5: // a subtree copied over another
		src := nodes[int(m.arg)%len(nodes)]
		if !contains(src, n) {
			*n = *cloneNode(src)
		}
	case 6: // null
		*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case 7: // a merge key bringing another mapping in
		src := nodes[int(m.arg)%len(nodes)]
		if n.Kind == yaml.MappingNode && src.Kind == yaml.MappingNode && src != n && !contains(src, n) {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!merge", Value: "<<"}, cloneNode(src))
		}
	}
}

func cloneNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Anchor = ""
	c.Content = nil
	for _, k := range n.Content {
		c.Content = append(c.Content, cloneNode(k))
	}
	return &c
}

// contains tells whether n is under (or is) root.
func contains(root, n *yaml.Node) bool {
	if root == n {
		return true
	}
	for _, c := range root.Content {
		if contains(c, n) {
			return true
		}
	}
	return false
}

func before(nodes []*yaml.Node, a, b *yaml.Node) bool {
	for _, n := range nodes {
		switch n {
		case a:
			return true
		case b:
			return false
		}
	}
	return false
}

// seedOps are mutation sequences the fuzz targets start from, one per
// operation and a chain, so that the seed corpus (run by go test as unit
// tests) already holds each hostile shape.
var seedOps = [][]byte{
	{0, 7, 0, 0}, {0, 9, 0, 4}, {0, 12, 1, 0}, {0, 5, 1, 0}, {0, 3, 2, 0}, {0, 40, 3, 2},
	{0, 20, 4, 1}, {0, 30, 5, 3}, {0, 11, 6, 0}, {0, 15, 7, 2}, {0, 6, 0, 7},
	{0, 25, 0, 1, 0, 8, 1, 0, 0, 33, 2, 1},
}

// FuzzStructured is every function's structure-aware fuzz target: it
// picks a golden case under dir, applies the mutations ops encodes
// (Mutate) and checks CheckContract; a run that succeeds must also give
// the same items when run again on its own output (idempotence).
func FuzzStructured(f *testing.F, dir string, processor fn.ResourceListProcessor) {
	seeds := goldenInputs(f, dir)
	// One sequence per case, in turn, keeps go test's pass over the seed
	// corpus short while every sequence runs on some case.
	for i := range seeds {
		f.Add(uint16(i), seedOps[i%len(seedOps)])
	}
	f.Fuzz(func(t *testing.T, seed uint16, ops []byte) {
		input := Mutate(seeds[int(seed)%len(seeds)], ops)
		CheckContract(t, processor, input)
		checkRerun(t, processor, input)
	})
}

// goldenInputs are the ResourceLists of the golden cases under dir.
func goldenInputs(f *testing.F, dir string) [][]byte {
	cases, err := os.ReadDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, c := range cases {
		if c.IsDir() && c.Name() != "fuzz" {
			out = append(out, ReadResourceList(f, filepath.Join(dir, c.Name())))
		}
	}
	if len(out) == 0 {
		f.Fatalf("no golden case in %s", dir)
	}
	return out
}

// checkRerun runs processor on its own successful output and wants the
// same items back.
func checkRerun(t *testing.T, processor fn.ResourceListProcessor, input []byte) {
	t.Helper()
	if !IsResourceList(input) {
		return
	}
	first, err := krmfn.Evaluate(processor, input)
	if err != nil {
		return
	}
	second, err := krmfn.Evaluate(processor, first)
	if err != nil {
		t.Fatalf("a successful run's output fails a second run: %v\ninput:\n%s", err, input)
	}
	a, errA := fn.ParseResourceList(first)
	b, errB := fn.ParseResourceList(second)
	if errA != nil || errB != nil {
		t.Fatalf("cannot read the outputs: %v, %v", errA, errB)
	}
	if x, y := itemsText(a), itemsText(b); !bytes.Equal(x, y) {
		t.Fatalf("a second run changed the output\ninput:\n%s\nfirst:\n%s\nsecond:\n%s", input, x, y)
	}
}

func itemsText(rl *fn.ResourceList) []byte {
	var b bytes.Buffer
	for _, obj := range rl.Items {
		b.WriteString(obj.String())
		b.WriteString("---\n")
	}
	return b.Bytes()
}
