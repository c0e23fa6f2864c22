package intake

import (
	"strconv"
	"strings"
)

// fieldPath is the path to the node a walk is at, kept as segments and
// written out only when a problem is found: building a string for every
// node of ten thousand objects would cost more than the walk.
type fieldPath struct {
	segments []segment
}

// segment is a mapping key, or a list index when key is "" and index >= 0.
type segment struct {
	key   string
	index int
}

func (p *fieldPath) pushKey(key string) {
	p.segments = append(p.segments, segment{key: key, index: -1})
}
func (p *fieldPath) pushIndex(i int) { p.segments = append(p.segments, segment{index: i}) }
func (p *fieldPath) pop()            { p.segments = p.segments[:len(p.segments)-1] }

// String writes the path in kpt's field-path notation.
func (p *fieldPath) String() string {
	out := ""
	for _, s := range p.segments {
		if s.index >= 0 && s.key == "" {
			out += "[" + strconv.Itoa(s.index) + "]"
		} else {
			out = FieldPath(out, s.key)
		}
	}
	return out
}

// FieldPath appends key to path in kpt's field-path notation: a plain key
// after a dot, a key with dots or slashes in brackets
// ("metadata.annotations[cnrm.cloud.google.com/project-id]").
func FieldPath(path, key string) string {
	if key == "" || strings.ContainsAny(key, "./[] ") {
		return path + "[" + key + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
