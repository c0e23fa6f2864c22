package fnconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// Value is a config field that is parsed once, when the config is read: a
// range, a port, a version. Load calls Parse on every Value in the config,
// in nested objects, lists, maps and behind pointers too, and the function's
// Validate and run use what it parsed, never the text again.
//
// What is wrong with a value does not make Load fail: the Value keeps it
// (Err), and the function's Validate reports it at the field's path
// (Index builds "allows[2]"; Source.CheckValue reports), in order with its
// other checks. A failed load would skip Validate, and the config's other
// mistakes would go unreported in that run.
//
// A Value embeds Scalar, which gives it its text: a string or a number in
// the typed config (ports: [443]), the text in a ConfigMap.
type Value interface {
	// Parse reads the text and keeps what is wrong with it for Err.
	Parse()
	// Err says why the text is not a value, or is nil. The empty text is
	// no value either: a field that may be left unset asks IsSet first,
	// and an item of a list, which has no unset form, is refused.
	Err() error
}

var valueType = reflect.TypeFor[Value]()

// Scalar is the text of a Value, as the config writes it, and what its
// Parse found wrong with it. A Value embeds it for its text, its JSON and
// ConfigMap forms and its Err.
type Scalar struct {
	Text string
	err  error
}

var _ ConfigMapValue = &Scalar{}

// IsSet reports whether the config gave the value.
func (s Scalar) IsSet() bool { return s.Text != "" }

// String is the text as written.
func (s Scalar) String() string { return s.Text }

// Texts are the texts of a list of Values as written: for what carries on
// the config's own spelling (a generated field, a message).
func Texts[V fmt.Stringer](list []V) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = v.String()
	}
	return out
}

// Err implements Value.
func (s Scalar) Err() error { return s.err }

// SetErr keeps what Parse found wrong with the text, nil when nothing.
func (s *Scalar) SetErr(err error) { s.err = err }

// errNotScalar is the decoding error of an object or a list where a Value
// is written; Load reports it with the field path before decoding.
var errNotScalar = errors.New("expected a string or a number")

// UnmarshalJSON reads a string, or a number, true or false as written:
// the typed config writes a port as 443. Parse reads the text.
func (s *Scalar) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &s.Text)
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return errNotScalar
	case string(b) == "null":
		s.Text = ""
	default:
		s.Text = string(b)
	}
	return nil
}

// MarshalJSON writes the text as given.
func (s Scalar) MarshalJSON() ([]byte, error) { return json.Marshal(s.Text) }

// SetFromConfigMap reads a ConfigMap value; a list of Values is split at
// commas first (setFromString).
func (s *Scalar) SetFromConfigMap(text string) error {
	s.Text = strings.TrimSpace(text)
	return nil
}

func (s *Scalar) setText(text string) { s.Text = text }

// textValue is a Value that embeds Scalar, behind its pointer.
type textValue[V any] interface {
	*V
	Value
	setText(string)
}

// ValueOf is the value V of text, parsed as Load leaves it: for a
// function's defaults, which Load does not parse when there is no config,
// and for text of the package that is judged as the config's is.
func ValueOf[V any, P textValue[V]](text string) V {
	var v V
	P(&v).setText(text)
	P(&v).Parse()
	return v
}

// CheckValue reports v's error at the config field path, if it has one,
// and reports whether v is valid.
func (s Source) CheckValue(res *results.Collector, path string, v Value) bool {
	return s.Check(res, path, v.Err())
}

// Check reports err at the config field path, if it is not nil, and
// reports whether it was nil: for a rule that says what is wrong with a
// field in an error of its own, such as gcp.CheckPriority.
func (s Source) Check(res *results.Collector, path string, err error) bool {
	if err != nil {
		s.Error(res, path, "%v", err)
		return false
	}
	return true
}

// CheckValues reports the error of each item of a list of Values at the
// item's path ("ports[1]"): a list has no unset item, so an empty one is
// reported too.
func CheckValues[V any, P interface {
	*V
	Value
}](src Source, res *results.Collector, path string, list []V) {
	for i := range list {
		src.CheckValue(res, Index(path, i), P(&list[i]))
	}
}

// parseValues walks cfg beside its json field names and parses every Value.
func parseValues(v reflect.Value) {
	if v.CanAddr() && v.Addr().Type().Implements(valueType) {
		v.Addr().Interface().(Value).Parse()
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			parseValues(v.Elem())
		}
	case reflect.Struct:
		for _, f := range reflect.VisibleFields(v.Type()) {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			parseValues(v.FieldByIndex(f.Index))
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			parseValues(v.Index(i))
		}
	case reflect.Map: // a map's values are parsed in a copy, and put back
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			parseValues(e)
			v.SetMapIndex(k, e)
		}
	}
}

// Index is the field path of a list item: Index("allows", 2) is "allows[2]".
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
