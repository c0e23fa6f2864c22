// Package intake reads a ResourceList the way kpt and the API server would
// keep it, before any function looks at it, so that no function meets a
// YAML shape it does not expect:
//
//   - aliases and merge keys are resolved, as kyaml's own reader does for
//     kpt (kio.ByteReader with AnchorsAweigh), and an alias that would expand
//     beyond reason (the "billion laughs") is refused;
//   - a key written twice in one mapping is refused: YAML forbids it, and
//     through kpt the second value silently replaces the first;
//   - a v1 List is refused: the API server has no List resource (kubectl
//     expands it client side, kpt does not), so its items would be applied
//     by nobody and checked by nothing;
//   - the object metadata and, for Kubernetes' own kinds, every field the
//     API server decodes must have the shape of its Go type (a list where a
//     list belongs, a string where a string belongs), else the API server
//     refuses the object at apply: the error names the field, with list
//     indices, the type expected and the value seen.
//
// Every finding is an error result on the object, so the run stops before
// any function edits the package.
package intake

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// MaxExpandedNodes bounds what resolving an object's aliases may make of
// it. A hand-written object with anchors for repeated labels stays far
// below; an alias bomb of a few lines goes beyond at once.
const MaxExpandedNodes = 1 << 20

// Read checks and resolves every item and the function config in place.
// It reports each problem as an error result and tells whether there was
// none.
func Read(rl *fn.ResourceList, res *results.Collector) bool {
	ok := true
	for _, obj := range rl.Items {
		ok = readObject(obj, res) && ok
	}
	ok = noDuplicates(rl.Items, res) && ok
	if rl.FunctionConfig != nil && !rl.FunctionConfig.IsEmpty() {
		ok = readObject(rl.FunctionConfig, res) && ok
	}
	return ok
}

// readObject checks one object's YAML and resolves its aliases.
func readObject(obj *fn.KubeObject, res *results.Collector) bool {
	var problems []problem
	var hasAlias bool
	_ = yamledit.Edit(obj, func(root *yaml.Node) error {
		problems, hasAlias = scanTree(root)
		if !hasAlias {
			return nil
		}
		if n := expandedSize(root, map[*yaml.Node]int{}); n > MaxExpandedNodes {
			problems = append(problems, problem{
				message: fmt.Sprintf("its YAML aliases would expand to more than %d nodes; write the repeated values out, or use fewer nested aliases", MaxExpandedNodes),
			})
			return nil
		}
		if len(problems) == 0 {
			rn := yaml.NewRNode(root)
			if err := rn.DeAnchor(); err != nil {
				problems = append(problems, problem{message: fmt.Sprintf("its YAML aliases cannot be resolved: %v", err)})
			} else {
				*root = *rn.YNode()
			}
		}
		// What DeAnchor leaves (an alias as a key) or was not asked to
		// resolve (an object refused for another reason) is written out
		// too: an alias may point into another object of the
		// ResourceList, and the SDK writes the items back in its own
		// order, where the anchor could come after the alias and the
		// output would be no YAML at all.
		expandAliases(root)
		return nil
	})
	if len(problems) == 0 {
		problems = checkShapes(obj)
	}
	if len(problems) == 0 {
		return true // the common case: no name to build for results
	}
	subject := subjectOf(obj)
	for _, p := range problems {
		res.Report(fn.Error, subject, p.field, "%s: %s", subject.DescribeInFile("an object"), p.message)
	}
	return false
}

// problem is one thing wrong with an object's YAML, at a field path in the
// notation of kpt's results ("spec.template.spec.containers[0].image").
type problem struct {
	field   string
	message string
}

// scanTree finds the keys written twice in a mapping, and tells whether
// the tree has an alias or a merge key to resolve. It does not follow
// aliases: the anchored node is scanned where it is defined.
func scanTree(root *yaml.Node) (problems []problem, hasAlias bool) {
	var path fieldPath
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.AliasNode:
			hasAlias = true
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				path.pushIndex(i)
				walk(c)
				path.pop()
			}
		case yaml.MappingNode:
			problems = append(problems, scanMapping(n, &path, walk, &hasAlias)...)
		}
	}
	walk(root)
	return problems, hasAlias
}

// scanMapping is scanTree's step over one mapping.
func scanMapping(n *yaml.Node, path *fieldPath, walk func(*yaml.Node), hasAlias *bool) []problem {
	var problems []problem
	var seen map[string]int // made only for mappings large enough to need it
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if key.Tag == yaml.MergeTag || key.Value == "<<" && key.Style == 0 {
			*hasAlias = true // merge keys may repeat; resolving them merges them
			walk(value)
			continue
		}
		if key.Kind != yaml.ScalarNode {
			*hasAlias = *hasAlias || key.Kind == yaml.AliasNode
			problems = append(problems, problem{field: path.String(),
				message: fmt.Sprintf("%s has a key that is not a string (line %d); Kubernetes objects take string keys only", orRoot(path.String()), key.Line)})
			continue
		}
		if first := firstLine(n, i, key.Value, &seen); first > 0 {
			path.pushKey(key.Value)
			child := path.String()
			path.pop()
			problems = append(problems, problem{field: child,
				message: fmt.Sprintf("%s is written twice (lines %d and %d); YAML forbids a key twice, and kpt would keep only the second value: merge them into one", child, first, key.Line)})
		}
		path.pushKey(key.Value)
		walk(value)
		path.pop()
	}
	return problems
}

// firstLine returns the line of an earlier key of mapping n equal to key
// (the key at position i), or 0. Small mappings are searched directly;
// larger ones through seen, built on first use.
func firstLine(n *yaml.Node, i int, key string, seen *map[string]int) int {
	if len(n.Content) <= 32 {
		for j := 0; j < i; j += 2 {
			if k := n.Content[j]; k.Kind == yaml.ScalarNode && k.Value == key && k.Tag != yaml.MergeTag {
				return max(k.Line, 1)
			}
		}
		return 0
	}
	if *seen == nil {
		*seen = map[string]int{}
	}
	if first, twice := (*seen)[key]; twice {
		return max(first, 1)
	}
	(*seen)[key] = n.Content[i].Line
	return 0
}

// expandedSize counts the nodes root has once every alias is replaced by
// a copy of what it points to, stopping early past MaxExpandedNodes.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 1
		}
		return expandedSize(n.Alias, memo)
	}
	if size, done := memo[n]; done {
		return size
	}
	memo[n] = MaxExpandedNodes + 1 // a cycle counts as too big
	size := 1
	for _, c := range n.Content {
		size += expandedSize(c, memo)
		if size > MaxExpandedNodes {
			break
		}
	}
	memo[n] = size
	return size
}

func orRoot(path string) string {
	if path == "" {
		return "the object"
	}
	return path
}

// subjectOf names obj for results without trusting its metadata's shape:
// an object whose metadata is not a mapping still gets a name ("an object
// of kind X") instead of a panic in the SDK's getters.
func subjectOf(obj *fn.KubeObject) results.Subject {
	if metadataIsMapping(obj) {
		return results.SubjectOf(obj)
	}
	return results.Subject{Ref: &fn.ResourceRef{APIVersion: scalarAt(obj, "apiVersion"), Kind: scalarAt(obj, "kind"), Name: "(no name)"}}
}

func metadataIsMapping(obj *fn.KubeObject) bool {
	ok := true
	_ = yamledit.Edit(obj, func(root *yaml.Node) error {
		if m := yamledit.Lookup(root, "metadata"); m != nil && m.Kind != yaml.MappingNode {
			ok = false
		}
		return nil
	})
	return ok
}

func scalarAt(obj *fn.KubeObject, key string) string {
	var value string
	_ = yamledit.Edit(obj, func(root *yaml.Node) error {
		if n := yamledit.Lookup(root, key); n != nil && n.Kind == yaml.ScalarNode {
			value = n.Value
		}
		return nil
	})
	return value
}

// ExpandAliases writes out every alias of a whole YAML tree (a
// ResourceList as read, before the SDK builds objects of it), and reports
// false, changing nothing, when they would expand to more than
// MaxExpandedNodes nodes.
func ExpandAliases(root *yaml.Node) bool {
	if expandedSize(root, map[*yaml.Node]int{}) > MaxExpandedNodes {
		return false
	}
	expandAliases(root)
	return true
}

// expandAliases replaces every alias under n with a copy of what it
// names, and drops the anchors, so that n stands alone. Merge keys are
// kept as written (a mapping after "<<"), which is YAML without aliases.
func expandAliases(n *yaml.Node) {
	for i, c := range n.Content {
		if c.Kind == yaml.AliasNode && c.Alias != nil {
			n.Content[i] = copyResolved(c.Alias)
			continue
		}
		expandAliases(c)
	}
	n.Anchor = ""
}

// copyResolved is a deep copy of n with its aliases expanded.
func copyResolved(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	c := *n
	c.Anchor = ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = copyResolved(k)
	}
	return &c
}

// noDuplicates refuses a package that holds one object twice (one
// group, kind, namespace and name): the API server keeps one of them and
// kpt live apply refuses the package, while each function would read
// both (two Namespaces of one name, both fenced; two clusters of one
// name, both given firewall rules). Objects kpt never applies may repeat:
// two blueprints rendered together each have their setters and function
// configs.
func noDuplicates(items fn.KubeObjects, res *results.Collector) bool {
	seen := make(map[string]*fn.KubeObject, len(items))
	ok := true
	for _, obj := range items {
		group, _ := fn.ParseGroupVersion(obj.GetAPIVersion())
		if obj.GetName() == "" || notApplied(obj, group) {
			continue // refused already, or never sent to the API server
		}
		id := owned.Identity(obj)
		first, dup := seen[id]
		if !dup {
			seen[id] = obj
			continue
		}
		ok = false
		subject := subjectOf(obj)
		res.Report(fn.Error, subject, "metadata.name", "%s: the package holds it twice (also %s): the API server keeps one object of a name; remove one or rename it",
			subject.DescribeInFile("an object"), results.SubjectOf(first).DescribeInFile("an object"))
	}
	return ok
}

// notApplied tells whether kpt live apply leaves obj out: local-config
// (fn.IsLocalConfig, kpt's reading of the annotation), a Kptfile or other
// kpt object, a lockdown function config.
func notApplied(obj *fn.KubeObject, group string) bool {
	return fn.IsLocalConfig(obj) || group == "kpt.dev" || strings.HasSuffix(group, ".kpt.dev") || group == "fn.lockdown.dev"
}
