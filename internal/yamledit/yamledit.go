// Package yamledit makes targeted edits on the YAML node tree of a user's
// object: it changes only the fields it is asked to, keeps the comments
// (kpt-set setter markers included) and the order of everything else, and
// reports whether anything changed so that a second run is a no-op.
package yamledit

import (
	"fmt"
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
	key := path[len(path)-1]
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == key {
			parent.Content = append(parent.Content[:i], parent.Content[i+2:]...)
			return true
		}
	}
	return false
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
	list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: value})
	settleLineComments(m, path)
	return true, nil
}

// LineComment returns the comment on the line of the field at path.
func LineComment(m *yaml.Node, path ...string) string {
	if n := Lookup(m, path...); n != nil {
		return n.LineComment
	}
	return ""
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
		var k, v *yaml.Node
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				k, v = m.Content[i], m.Content[i+1]
				break
			}
		}
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

func valueOf(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func setValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: key}, v)
}
