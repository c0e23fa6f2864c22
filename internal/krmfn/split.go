package krmfn

import "bytes"

// itemText is one entry of a ResourceList's items, as text.
type itemText struct {
	start, end int // the entry's lines in the input, from its "- " line
	dashCol    int // the column of its "- "
	keyCol     int // the column of its keys, -1 until known
	// kind is the item's kind when kindSure; otherwise only the parser
	// can tell (no kind key found at keyCol, several, or a value the
	// scanner cannot read exactly).
	kind      string
	kindSure  bool
	kinds     int  // kind keys at keyCol
	keysBelow bool // the "- " line holds no node: the first line below sets keyCol
}

// resourceListText is a ResourceList split into its parts, as text.
type resourceListText struct {
	items []itemText
	// functionConfig is the functionConfig mapping's lines; nil when
	// there is none or it is written {}.
	functionConfig []byte
}

// section is the top-level key whose lines the splitter is reading.
type section uint8

const (
	sectionNone section = iota
	sectionScalar
	sectionItems
	sectionFunctionConfig
)

// splitter holds the state of splitResourceList.
type splitter struct {
	in       []byte
	out      resourceListText
	seen     map[string]bool
	current  section
	fcStart  int
	seqCol   int  // the column of the items' "- ", -1 until the first entry
	kindLine bool // the line before was the current item's kind with a plain value
}

// splitResourceList splits a ResourceList written in block style into its
// items and function config, without parsing them. It returns false for
// anything it is not sure about, and the caller then parses the input
// with the SDK: other top-level keys (results included), flow style,
// several documents, and whatever the scanner does not model.
func splitResourceList(in []byte) (resourceListText, bool) {
	if len(in) == 0 || in[len(in)-1] != '\n' {
		return resourceListText{}, false // the SDK's empty input, or output appended to a last line
	}
	sp := &splitter{in: in, seen: map[string]bool{}, seqCol: -1}
	sc := newScanner(in)
	for !sc.doubt {
		l, ok := sc.next()
		if !ok {
			break
		}
		if !sp.line(l) {
			return resourceListText{}, false
		}
	}
	if sc.doubt || sc.quote != 0 || !sp.seen["kind"] || !sp.closeSection(len(in)) {
		return resourceListText{}, false
	}
	return sp.out, true
}

// line takes one line; false means the input is not one the splitter is
// sure of.
func (sp *splitter) line(l scanLine) bool {
	if l.class == lineBlank {
		return true
	}
	if sp.kindLine {
		sp.kindLine = false
		if l.class == lineInside {
			sp.lastItem().kindSure = false // the plain kind goes on over the next line
		}
	}
	topLevel := l.class == lineNode && l.indent == 0 && !(sp.current == sectionItems && sp.seqCol <= 0 && l.dashes > 0)
	if topLevel {
		return sp.closeSection(l.start) && sp.topLevelKey(l)
	}
	switch sp.current {
	case sectionItems:
		return sp.itemLine(l)
	case sectionFunctionConfig:
		return true
	default:
		return false // a scalar that goes on, or a node before any key
	}
}

// topLevelKey reads a key of the ResourceList itself.
func (sp *splitter) topLevelKey(l scanLine) bool {
	if l.dashes > 0 || l.keyCol != 0 || !l.keySure || sp.seen[string(l.key)] {
		return false
	}
	sp.seen[string(l.key)] = true
	switch string(l.key) {
	case "apiVersion":
		sp.current = sectionScalar
		return l.style == valuePlain || l.style == valueQuoted
	case "kind":
		sp.current = sectionScalar
		return (l.style == valuePlain || l.style == valueQuoted) && l.valueSure && string(l.value) == "ResourceList"
	case "items":
		sp.current = sectionItems
		sp.seqCol = -1
		if l.style == valueFlow && string(l.value) == "[]" {
			sp.current = sectionNone // no items
			return true
		}
		return l.style == valueNone
	case "functionConfig":
		sp.current = sectionFunctionConfig
		sp.fcStart = l.end + 1
		if l.style == valueFlow && string(l.value) == "{}" {
			sp.current = sectionNone // an empty config
			return true
		}
		return l.style == valueNone
	}
	return false // results, or a key the SDK would ignore or refuse
}

// closeSection ends the section being read at offset end.
func (sp *splitter) closeSection(end int) bool {
	switch sp.current {
	case sectionItems:
		if sp.seqCol < 0 {
			return false // items: with no entries is null, not a list
		}
		sp.lastItem().end = end
	case sectionFunctionConfig:
		if end <= sp.fcStart {
			return false // functionConfig: with nothing below is null
		}
		sp.out.functionConfig = sp.in[sp.fcStart:end]
	}
	sp.current = sectionNone
	return true
}

// itemLine reads a line below items:.
func (sp *splitter) itemLine(l scanLine) bool {
	if l.class == lineNode && (sp.seqCol < 0 || l.indent <= sp.seqCol) {
		if l.dashes == 0 || sp.seqCol >= 0 && l.indent != sp.seqCol {
			return false // a line out of the list's indentation
		}
		if len(sp.out.items) > 0 {
			sp.lastItem().end = l.start
		}
		sp.seqCol = l.indent
		it := itemText{start: l.start, dashCol: l.indent, keyCol: -1}
		switch {
		case l.dashes == 1 && l.keyCol >= 0:
			it.keyCol = l.keyCol // "- apiVersion: v1"
		case l.dashes == 1 && l.style == valueNone:
			it.keysBelow = true // "- # a comment", the keys on the lines below
		}
		sp.out.items = append(sp.out.items, it)
		sp.itemKey(l)
		return true
	}
	if len(sp.out.items) == 0 {
		return false
	}
	if it := sp.lastItem(); it.keysBelow && l.class == lineNode {
		it.keysBelow = false
		if l.dashes == 0 && l.keyCol == l.indent {
			it.keyCol = l.keyCol
		}
	}
	sp.itemKey(l)
	return true
}

// itemKey records the kind key of the current item.
func (sp *splitter) itemKey(l scanLine) {
	it := sp.lastItem()
	if l.class != lineNode || l.keyCol < 0 || l.keyCol != it.keyCol {
		return
	}
	if !l.keySure {
		it.kinds = 2 // an escaped key may be kind: only the parser can tell
		it.kindSure = false
		return
	}
	if string(l.key) != "kind" {
		return
	}
	it.kinds++
	it.kind = string(l.value)
	it.kindSure = it.kinds == 1 && (l.style == valueQuoted && l.valueSure || l.style == valuePlain && plainString(l.value))
	sp.kindLine = l.style == valuePlain
}

// plainString tells whether a plain scalar is surely a string, as a kind
// is: a name that YAML cannot read as a number, a boolean or null.
func plainString(v []byte) bool {
	if len(v) == 0 || !('A' <= v[0] && v[0] <= 'Z' || 'a' <= v[0] && v[0] <= 'z') {
		return false
	}
	for _, c := range v {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	for _, word := range []string{"y", "n", "yes", "no", "on", "off", "true", "false", "null"} {
		if bytes.EqualFold(v, []byte(word)) {
			return false
		}
	}
	return true
}

func (sp *splitter) lastItem() *itemText { return &sp.out.items[len(sp.out.items)-1] }
