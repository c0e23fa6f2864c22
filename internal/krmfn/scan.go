package krmfn

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// This file is a line scanner for the block-style YAML that kpt and the
// SDK write. It does not parse YAML: it tells, line by line, which lines
// start a node at their indentation (and so can start an item or a
// top-level key) and which are inside a scalar (a block scalar, or a plain
// or quoted scalar that goes on over several lines), and it reads the key
// and the one-line value of a node line. Whatever it does not model
// (anchors, aliases, tags, flow collections over several lines, complex
// keys, document markers, tabs) sets doubt, and the caller then leaves the
// whole input to the real parser.

// lineClass says what a line is to the scanner.
type lineClass uint8

const (
	lineBlank  lineClass = iota // only spaces, or a comment where a node could start
	lineInside                  // inside a scalar that began on an earlier line
	lineNode                    // starts a node (a key, a sequence entry or a value) at its indentation
)

// valueStyle is how a key's (or a sequence entry's) value is written on
// its line.
type valueStyle uint8

const (
	valueNone      valueStyle = iota // nothing after the key: the value is on the lines below
	valuePlain                       // a plain scalar, which may go on over the next lines
	valueQuoted                      // a quoted scalar closed on the line
	valueMultiline                   // a quoted scalar that goes on over the next lines
	valueBlock                       // a block scalar (| or >) on the lines below
	valueFlow                        // a flow collection closed on the line
)

// scanLine is one line of the input as the scanner sees it.
type scanLine struct {
	start, end int // byte offsets of the line, end before its newline
	class      lineClass
	indent     int
	dashes     int    // sequence entries ("- ") the line starts with
	keyCol     int    // column of the mapping key on the line, -1 when none
	key        []byte // the key, unquoted (of the input but for an unquoted '')
	keySure    bool   // key is the key's exact value (false for escapes in a quoted key)
	style      valueStyle
	value      []byte // a plain or quoted value, unquoted; a flow value as written
	valueSure  bool   // value is the scalar's exact value (no escapes)
}

// scanner reads the input line by line.
type scanner struct {
	in  []byte
	pos int // start of the next line
	// inside, while >= 0, is the column of the node that owns a scalar
	// going on over the next lines: lines indented deeper, and blank
	// lines, belong to it.
	inside int
	quote  byte // the quote of a quoted scalar going on over the next lines, or 0
	doubt  bool // the input has something the scanner does not model
}

func newScanner(in []byte) *scanner {
	return &scanner{in: in, inside: -1, doubt: !plainText(in)}
}

// plainText tells whether in is free of what the scanner does not model
// anywhere: carriage returns and the other line breaks of YAML 1.1 (NEL,
// LS, PS), byte order marks, characters the YAML parser refuses
// (controls, U+FFFE, U+FFFF) and invalid UTF-8.
//
// It reads eight bytes at a time while they are ASCII, as most of a
// package is, and decodes a rune only where one is not: the scanner's
// check of every byte of the input, done a byte at a time and once per
// refused sequence, was a fifth of a validator's run on a big package.
func plainText(in []byte) bool {
	for i := 0; i < len(in); {
		i += plainASCIIWords(in[i:])
		if i == len(in) {
			break
		}
		if b := in[i]; b < utf8.RuneSelf {
			if isControl(b) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(in[i:])
		if r == utf8.RuneError && size == 1 || unmodelledRune(r) {
			return false
		}
		i += size
	}
	return true
}

// plainASCIIWords returns the length of the run of eight-byte words at
// the start of in that are ASCII with no control but newline and tab.
func plainASCIIWords(in []byte) int {
	n := 0
	for ; n+8 <= len(in); n += 8 {
		x := binary.LittleEndian.Uint64(in[n:])
		if x&highBits != 0 {
			break
		}
		if odd := bytesBelow(x, 0x20) | bytesEqual(x, 0x7f); odd != 0 && odd&^bytesEqual(x, '\n')&^bytesEqual(x, '\t') != 0 {
			break
		}
	}
	return n
}

// isControl tells whether an ASCII byte is a control character other
// than newline and tab (C0 controls and DEL).
func isControl(b byte) bool { return b < 0x20 && b != '\n' && b != '\t' || b == 0x7f }

// unmodelledRune tells whether a rune beyond ASCII is one plainText
// refuses: a C1 control (YAML does not print them, and reads NEL, U+0085,
// as a line break), the byte order mark, LS, PS, U+FFFE and U+FFFF.
func unmodelledRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r == 0xfeff || r == 0x2028 || r == 0x2029 || r == 0xfffe || r == 0xffff
}

// Byte-wise comparisons of the eight bytes of an ASCII word: each sets
// the high bit of every byte that compares true and clears every other
// bit. They are exact for bytes below 0x80: the low seven bits of a byte
// plus at most 0x7f stay within the byte, so no carry crosses into the
// next.
const (
	lowBytes  = 0x0101010101010101
	highBits  = 0x8080808080808080
	lowSevens = 0x7f7f7f7f7f7f7f7f
)

// bytesBelow marks the bytes of x less than n (1 <= n <= 0x80).
func bytesBelow(x uint64, n byte) uint64 {
	return ^((x&lowSevens + uint64(0x80-n)*lowBytes) | x) & highBits
}

// bytesEqual marks the bytes of x equal to c.
func bytesEqual(x uint64, c byte) uint64 {
	y := x ^ uint64(c)*lowBytes
	return ^((y&lowSevens + lowSevens) | y) & highBits
}

// next returns the next line, or false at the end of the input.
func (s *scanner) next() (scanLine, bool) {
	if s.pos >= len(s.in) {
		return scanLine{}, false
	}
	start := s.pos
	end := bytes.IndexByte(s.in[start:], '\n')
	if end < 0 {
		end = len(s.in)
		s.pos = end
	} else {
		end += start
		s.pos = end + 1
	}
	l := scanLine{start: start, end: end, keyCol: -1}
	text := s.in[start:end]
	l.indent = countSpaces(text, 0)
	switch {
	case s.quote != 0:
		l.class = lineInside
		s.continueQuoted(text)
	case l.indent == len(text):
		l.class = lineBlank
	case s.inside >= 0 && l.indent > s.inside:
		l.class = lineInside
	default:
		s.inside = -1
		if text[l.indent] == '#' {
			l.class = lineBlank
			break
		}
		l.class = lineNode
		s.scanNode(&l, text)
	}
	return l, true
}

// continueQuoted reads a line inside a quoted scalar that began on an
// earlier line: the scalar may end on it, and then only a comment may
// follow.
func (s *scanner) continueQuoted(text []byte) {
	if bytes.HasPrefix(text, []byte("---")) || bytes.HasPrefix(text, []byte("...")) {
		s.doubt = true // a document marker ends the document, or is an error
		return
	}
	end, closed := quotedEnd(text, 0, s.quote)
	if !closed {
		return
	}
	s.quote = 0
	if rest := countSpaces(text, end) + end; rest < len(text) && text[rest] != '#' {
		s.doubt = true // a multi-line key, or an error
	}
}

// scanNode reads a line that starts a node at l.indent.
func (s *scanner) scanNode(l *scanLine, text []byte) {
	if l.indent == 0 && (bytes.HasPrefix(text, []byte("---")) || bytes.HasPrefix(text, []byte("..."))) {
		s.doubt = true // a second document, or the end of this one
		return
	}
	if bytes.IndexByte(text, '\t') >= 0 {
		s.doubt = true // a tab may be indentation or a separator: leave it to the parser
		return
	}
	i, owner := l.indent, -1
	for text[i] == '-' && (i+1 == len(text) || text[i+1] == ' ') {
		l.dashes++
		owner = i
		i += 1 + countSpaces(text, i+1)
		if i == len(text) || text[i] == '#' {
			return // the entry's content is on the lines below
		}
	}
	st, end, value, sure := s.scalar(text, i)
	if st == valueNone {
		return // doubt set
	}
	if st == valuePlain || st == valueQuoted {
		if colon := countSpaces(text, end) + end; colon < len(text) && text[colon] == ':' && (colon+1 == len(text) || text[colon+1] == ' ') {
			l.keyCol, l.key, l.keySure = i, value, sure
			s.keyValue(l, text, colon+1, i)
			return
		}
	}
	if owner < 0 {
		s.doubt = true // a bare value on a line of its own: its owner is on an earlier line
		return
	}
	s.setValue(l, text, st, end, value, sure, owner)
}

// keyValue reads the value after a key's colon at i; owner is the key's
// column.
func (s *scanner) keyValue(l *scanLine, text []byte, i, owner int) {
	i += countSpaces(text, i)
	if i == len(text) || text[i] == '#' {
		return // the value is on the lines below
	}
	if text[i] == '-' && (i+1 == len(text) || text[i+1] == ' ') {
		s.doubt = true // a sequence on the key's line is an error
		return
	}
	st, end, value, sure := s.scalar(text, i)
	if st == valueNone {
		return
	}
	s.setValue(l, text, st, end, value, sure, owner)
}

// setValue records a value that ends at end and what the lines below are.
func (s *scanner) setValue(l *scanLine, text []byte, st valueStyle, end int, value []byte, sure bool, owner int) {
	l.style, l.value, l.valueSure = st, value, sure
	switch st {
	case valuePlain, valueBlock:
		s.inside = owner
	case valueMultiline:
		return
	}
	if st == valuePlain || st == valueQuoted || st == valueFlow {
		// Only a comment may follow a value on its line; a colon would
		// make it a key of a mapping that begins on a value's line.
		if rest := end + countSpaces(text, end); rest < len(text) && text[rest] != '#' {
			s.doubt = true
		}
	}
}

// scalar reads the node that starts at text[i]: its style, where it
// ends, and its value when it is a one-line scalar. It returns valueNone
// and sets doubt for what the scanner does not model.
func (s *scanner) scalar(text []byte, i int) (st valueStyle, end int, value []byte, sure bool) {
	switch c := text[i]; c {
	case '"', '\'':
		end, closed := quotedEnd(text, i+1, c)
		if !closed {
			s.quote = c
			return valueMultiline, len(text), nil, false
		}
		value, sure := unquote(text[i:end], c)
		return valueQuoted, end, value, sure
	case '|', '>':
		end := i + 1
		for end < len(text) && bytes.IndexByte([]byte("+-0123456789"), text[end]) >= 0 {
			end++
		}
		if end < len(text) && text[end] != ' ' {
			s.doubt = true
			return valueNone, 0, nil, false
		}
		return valueBlock, end, nil, false
	case '[', '{':
		end, closed := flowEnd(text, i)
		if !closed {
			s.doubt = true // a flow collection over several lines
			return valueNone, 0, nil, false
		}
		return valueFlow, end, text[i:end], false
	case '&', '*', '!', '%', '@', '`', ',', ']', '}', '#':
		s.doubt = true // anchors, aliases, tags and reserved indicators
		return valueNone, 0, nil, false
	case '?', ':', '-':
		if i+1 == len(text) || text[i+1] == ' ' {
			s.doubt = true // a complex key, an empty key or an entry where it cannot be
			return valueNone, 0, nil, false
		}
	}
	end = plainEnd(text, i)
	return valuePlain, end, text[i:end], true
}

// plainEnd returns where the plain scalar at text[i] ends on its line: at
// ": " or a final ":", at " #", or at the end of the line, trailing spaces
// left out.
func plainEnd(text []byte, i int) int {
	end := len(text)
	for j := i + 1; j < len(text); j++ {
		if text[j] == ':' && (j+1 == len(text) || text[j+1] == ' ') || text[j] == '#' && text[j-1] == ' ' {
			end = j
			break
		}
	}
	for end > i && text[end-1] == ' ' {
		end--
	}
	return end
}

// quotedEnd returns the end (after the closing quote) of a scalar quoted
// with quote whose content starts at text[i], and whether it closes on
// the line.
func quotedEnd(text []byte, i int, quote byte) (int, bool) {
	for j := i; j < len(text); j++ {
		switch {
		case quote == '"' && text[j] == '\\':
			j++ // an escape: the next character is not the end
		case text[j] == quote && quote == '\'' && j+1 < len(text) && text[j+1] == '\'':
			j++ // '' is a quote inside a single-quoted scalar
		case text[j] == quote:
			return j + 1, true
		}
	}
	return len(text), false
}

// unquote returns the value of a quoted scalar closed on its line, and
// whether it is exact: escapes in a double-quoted scalar are not decoded.
func unquote(quoted []byte, quote byte) ([]byte, bool) {
	inner := quoted[1 : len(quoted)-1]
	if quote == '"' {
		return inner, bytes.IndexByte(inner, '\\') < 0
	}
	if bytes.Contains(inner, []byte("''")) {
		return bytes.ReplaceAll(inner, []byte("''"), []byte("'")), true
	}
	return inner, true
}

// flowEnd returns the end of the flow collection at text[i] and whether
// it closes on the line. Quoted scalars inside are skipped; a quote only
// starts one where a flow node can start.
func flowEnd(text []byte, i int) (int, bool) {
	depth := 0
	nodeStart := true
	for j := i; j < len(text); j++ {
		c := text[j]
		switch {
		case c == '[' || c == '{':
			depth++
			nodeStart = true
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				return j + 1, true
			}
		case c == ',' || c == ':':
			nodeStart = true
		case (c == '"' || c == '\'') && nodeStart:
			end, closed := quotedEnd(text, j+1, c)
			if !closed {
				return len(text), false
			}
			j = end - 1
			nodeStart = false
		case c == '#' && text[j-1] == ' ':
			return len(text), false // a comment inside: the collection goes on below
		case c != ' ':
			nodeStart = false
		}
	}
	return len(text), false
}

// countSpaces returns the number of spaces at text[i:].
func countSpaces(text []byte, i int) int {
	n := 0
	for i+n < len(text) && text[i+n] == ' ' {
		n++
	}
	return n
}
