// Package yamledit makes targeted edits on the YAML node tree of a user's
// object: it changes only the fields it is asked to, keeps the comments
// (kpt-set setter markers included) and the order of everything else, and
// reports whether anything changed so that a second run is a no-op.
package yamledit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Edit runs f on the YAML node behind obj. The SDK does not expose that
// node, so it is moved out of the KubeObject and back, which costs nothing:
// no copy is made and obj stays the same pointer in the item list.
func Edit(obj *fn.KubeObject, f func(root *yaml.Node) error) error {
	rn := obj.MoveToResourceNode()
	err := f(rn.YNode())
	*obj = *fn.MoveToKubeObject(rn)
	return err
}

// Lookup returns the node at path below m, or nil.
func Lookup(m *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if m == nil || m.Kind != yaml.MappingNode {
			return nil
		}
		m = valueOf(m, key)
	}
	return m
}

// SetScalar sets the scalar at path to value (tag is yaml.NodeTagString,
// yaml.NodeTagBool or yaml.NodeTagInt), creating the mappings on the way.
// An existing scalar keeps its comments and style; only its value changes.
func SetScalar(m *yaml.Node, value, tag string, path ...string) (bool, error) {
	parent, err := ensureMapping(m, path[:len(path)-1])
	if err != nil {
		return false, err
	}
	key := path[len(path)-1]
	if v := valueOf(parent, key); v != nil && v.Kind == yaml.ScalarNode && v.Tag != yaml.NodeTagNull {
		if v.Value == value && (v.Tag == tag || v.Tag == "") {
			return false, nil
		}
		v.Value, v.Tag = value, tag
		if tag != yaml.NodeTagString {
			v.Style = 0 // a quoted "true" would stay a string
		}
		return true, nil
	}
	setValue(parent, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value})
	settleLineComments(m, path)
	return true, nil
}

// SetString sets a string scalar at path.
func SetString(m *yaml.Node, value string, path ...string) (bool, error) {
	return SetScalar(m, value, yaml.NodeTagString, path...)
}

// SetBool sets a boolean scalar at path.
func SetBool(m *yaml.Node, value bool, path ...string) (bool, error) {
	return SetScalar(m, fmt.Sprint(value), yaml.NodeTagBool, path...)
}

// EnsureMapping makes sure a mapping exists at path (an empty one when it
// did not), and returns whether it had to create it.
func EnsureMapping(m *yaml.Node, path ...string) (bool, error) {
	existing := Lookup(m, path...)
	if existing != nil && existing.Kind == yaml.MappingNode {
		return false, nil
	}
	if _, err := ensureMapping(m, path); err != nil {
		return false, err
	}
	settleLineComments(m, path)
	return true, nil
}

// SetNode replaces the node at path with n, keeping the comments that were
// on the node it replaces.
func SetNode(m *yaml.Node, n *yaml.Node, path ...string) error {
	parent, err := ensureMapping(m, path[:len(path)-1])
	if err != nil {
		return err
	}
	key := path[len(path)-1]
	if old := valueOf(parent, key); old != nil {
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	}
	setValue(parent, key, n)
	settleLineComments(m, path)
	return nil
}

// Remove deletes the field at path, and reports whether it was there.
func Remove(m *yaml.Node, path ...string) bool {
	parent := Lookup(m, path[:len(path)-1]...)
	if parent == nil || parent.Kind != yaml.MappingNode {
		return false
	}
	i := keyIndex(parent, path[len(path)-1])
	if i < 0 {
		return false
	}
	parent.Content = slices.Delete(parent.Content, i, i+2)
	return true
}

// AppendString adds value to the string list at path unless it is already
// there. Existing entries, with their comments, are left as they are.
func AppendString(m *yaml.Node, value string, path ...string) (bool, error) {
	parent, err := ensureMapping(m, path[:len(path)-1])
	if err != nil {
		return false, err
	}
	key := path[len(path)-1]
	list := valueOf(parent, key)
	if list == nil || list.Tag == yaml.NodeTagNull {
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
		setValue(parent, key, list)
	}
	if list.Kind != yaml.SequenceNode {
		return false, fmt.Errorf("%s is not a list", strings.Join(path, "."))
	}
	for _, item := range list.Content {
		if item.Value == value {
			return false, nil
		}
	}
	list.Content = append(list.Content, newString(value))
	settleLineComments(m, path)
	return true, nil
}

// Scalar returns the value of the scalar at path below m, or "" when there
// is none (no field, or a mapping or list).
func Scalar(m *yaml.Node, path ...string) string {
	if v := Lookup(m, path...); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// StringMapping builds a block mapping of string fields from key, value
// pairs, in order: StringMapping("cidrBlock", "10.0.0.0/8", "displayName",
// "vpn"). A trailing key without a value is dropped.
func StringMapping(pairs ...string) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
	for i := 0; i+1 < len(pairs); i += 2 {
		m.Content = append(m.Content, newString(pairs[i]), newString(pairs[i+1]))
	}
	return m
}

// AppendItem adds item at the end of list. The parser hangs a comment
// written after a list's last entry on that entry; it moves to item, so
// that it stays at the end of the list.
func AppendItem(list, item *yaml.Node) {
	if n := len(list.Content); n > 0 {
		moveTrailingComment(list.Content[n-1], item)
	}
	list.Content = append(list.Content, item)
}

// DeleteItem removes the entry at index i of list. When that is the last
// entry, the comment after the list moves to the entry that becomes last.
func DeleteItem(list *yaml.Node, i int) {
	if last := len(list.Content) - 1; i == last && i > 0 {
		moveTrailingComment(list.Content[i], list.Content[i-1])
	}
	list.Content = slices.Delete(list.Content, i, i+1)
}

// moveTrailingComment moves the comment after a list entry (on a mapping
// entry, the parser hangs it on the last field's key) from one entry to
// another that has none.
func moveTrailingComment(from, to *yaml.Node) {
	foot := func(m *yaml.Node) *yaml.Node {
		if m.Kind == yaml.MappingNode && len(m.Content) >= 2 && m.FootComment == "" {
			return m.Content[len(m.Content)-2]
		}
		return m
	}
	src, dst := foot(from), foot(to)
	if src.FootComment != "" && dst.FootComment == "" {
		dst.FootComment, src.FootComment = src.FootComment, ""
	}
}

// setterMarkerWord starts the comment by which kpt's apply-setters
// function marks a field it sets: `# kpt-set: ${name}`. A field so marked
// gets the setter's value back on the next apply-setters run, whatever an
// edit wrote there.
// https://catalog.kpt.dev/function-catalog/apply-setters/v0.2/
const setterMarkerWord = "kpt-set:"

// SetterMarkerOn returns the kpt-set setter marker in the line comment of
// n, trimmed, or "" when it has none.
func SetterMarkerOn(n *yaml.Node) string {
	if n != nil && strings.Contains(n.LineComment, setterMarkerWord) {
		return strings.TrimSpace(n.LineComment)
	}
	return ""
}

// SetterMarker returns the kpt-set setter marker on the line of the field
// at path below m, or "". The parser hangs the comment of `key: value #
// comment` on the value, and that of `key: # comment` followed by a block
// mapping or list on the key, so both are looked at.
func SetterMarker(m *yaml.Node, path ...string) string {
	if len(path) == 0 {
		return SetterMarkerOn(m)
	}
	parent := Lookup(m, path[:len(path)-1]...)
	if parent == nil || parent.Kind != yaml.MappingNode {
		return ""
	}
	k, v := field(parent, path[len(path)-1])
	if marker := SetterMarkerOn(v); marker != "" {
		return marker
	}
	return SetterMarkerOn(k)
}

func ensureMapping(m *yaml.Node, path []string) (*yaml.Node, error) {
	for i, key := range path {
		next := valueOf(m, key)
		switch {
		case next == nil || (next.Kind == yaml.ScalarNode && next.Tag == yaml.NodeTagNull):
			created := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
			if next != nil {
				created.HeadComment, created.LineComment = next.HeadComment, next.LineComment
			}
			setValue(m, key, created)
			next = created
		case next.Kind != yaml.MappingNode:
			return nil, fmt.Errorf("%s is not an object", strings.Join(path[:i+1], "."))
		}
		if next.Style == yaml.FlowStyle && len(next.Content) == 0 {
			next.Style = 0 // `{}` that gains fields becomes a block mapping
		}
		m = next
	}
	return m, nil
}

// settleLineComments moves the line comment of each field along path to
// where the YAML encoder writes it back on the field's own line. The parser
// puts the comment of `key: # comment` on the key when a block mapping or
// list follows, and on the value of `key: {} # comment`; the encoder writes
// a value's comment after a block collection (on the next field's line,
// where it would mark the wrong field) and a key's comment before an empty
// or flow collection (which breaks the document). Edits that turn one shape
// into the other therefore move the comment along.
func settleLineComments(m *yaml.Node, path []string) {
	for _, key := range path {
		if m == nil || m.Kind != yaml.MappingNode {
			return
		}
		k, v := field(m, key)
		if k == nil {
			return
		}
		if v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
			block := v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0
			switch {
			case block && v.LineComment != "" && k.LineComment == "":
				k.LineComment, v.LineComment = v.LineComment, ""
			case !block && k.LineComment != "" && v.LineComment == "":
				v.LineComment, k.LineComment = k.LineComment, ""
			}
		}
		m = v
	}
}

// keyIndex is the index in m.Content of the key node of key in the mapping
// m (its value follows it), or -1.
func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// field returns the key and value nodes of key in the mapping m, or nils.
func field(m *yaml.Node, key string) (k, v *yaml.Node) {
	if i := keyIndex(m, key); i >= 0 {
		return m.Content[i], m.Content[i+1]
	}
	return nil, nil
}

func valueOf(m *yaml.Node, key string) *yaml.Node {
	_, v := field(m, key)
	return v
}

func newString(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}
}

func setValue(m *yaml.Node, key string, v *yaml.Node) {
	if i := keyIndex(m, key); i >= 0 {
		m.Content[i+1] = v
		return
	}
	m.Content = append(m.Content, newString(key), v)
}
