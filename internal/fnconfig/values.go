package fnconfig

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Value is a config field that is parsed once, when the config is read:
// a CIDR range, a port. Load calls Parse on every Value in the config,
// in lists and nested objects too, and reports its error at the field's
// own path ("spec.allows[2].cidr"), so that a function's Validate and Run
// use the parsed value and never parse the text again.
type Value interface {
	// Parse reads the text the value was given. An unset value (the empty
	// text) must parse without error: whether it is required is the
	// function's to say.
	Parse() error
}

var valueType = reflect.TypeFor[Value]()

// parseValues walks cfg beside its json field names and parses every Value.
func parseValues(src Source, path string, v reflect.Value, res *results.Collector) bool {
	if v.CanAddr() && v.Addr().Type().Implements(valueType) {
		if err := v.Addr().Interface().(Value).Parse(); err != nil {
			src.Error(res, path, "%v", err)
			return false
		}
		return true
	}
	ok := true
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			ok = parseValues(src, path, v.Elem(), res)
		}
	case reflect.Struct:
		for _, f := range reflect.VisibleFields(v.Type()) {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			ok = parseValues(src, join(path, name), v.FieldByIndex(f.Index), res) && ok
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			ok = parseValues(src, Index(path, i), v.Index(i), res) && ok
		}
	}
	return ok
}

// Index is the field path of a list item: Index("allows", 2) is "allows[2]".
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// Prefix is a CIDR range in a config: the text as written and, once the
// config is loaded, the range it names. The text must be a range in CIDR
// form with no host bits set (10.0.0.0/28, not 10.0.0.1/28), or a bare
// address, which stands for itself (/32 or /128): the rule GCP applies to
// firewall ranges (gcp.ParseRange), applied to every range lockdown reads.
type Prefix struct {
	Text   string
	Prefix netip.Prefix
}

var (
	_ Value          = &Prefix{}
	_ ConfigMapValue = &Prefix{}
)

// IsSet reports whether the config gave the range.
func (p Prefix) IsSet() bool { return p.Text != "" }

// String is the text as written.
func (p Prefix) String() string { return p.Text }

// UnmarshalJSON reads the text; Parse reads the range.
func (p *Prefix) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, &p.Text)
}

// MarshalJSON writes the text as given.
func (p Prefix) MarshalJSON() ([]byte, error) { return json.Marshal(p.Text) }

// SetFromConfigMap reads a ConfigMap value.
func (p *Prefix) SetFromConfigMap(s string) error {
	p.Text = strings.TrimSpace(s)
	return nil
}

// Parse implements Value.
func (p *Prefix) Parse() error {
	if p.Text == "" {
		p.Prefix = netip.Prefix{}
		return nil
	}
	pr, err := gcp.ParseRange(strings.TrimSpace(p.Text))
	if err != nil {
		return err
	}
	p.Prefix = pr
	return nil
}
