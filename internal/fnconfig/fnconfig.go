// Package fnconfig reads a function's config strictly. Every lockdown
// function takes either its typed config object
//
//	apiVersion: fn.lockdown.dev/v1alpha1
//	kind: PrivateCluster        # named after the function
//	spec: {...}
//
// or a ConfigMap whose data keys are the same field names, so that
// `kpt fn eval --exec BIN -- key=value` works. An unknown field or a value of
// the wrong type is an error result with its field path; nothing is guessed.
package fnconfig

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// APIVersion is the apiVersion of every lockdown function config kind.
const APIVersion = "fn.lockdown.dev/v1alpha1"

// Source remembers where the config came from so that findings about it
// can name the right object and field path.
type Source struct {
	// Object is the function config as given; empty when none was given.
	Object *fn.KubeObject
	// prefix is "spec" for the typed kind and "data" for a ConfigMap.
	prefix string
}

// Field returns the field path of a config field as the user wrote it:
// "spec.masterIpv4CidrBlock" or "data.masterIpv4CidrBlock".
func (s Source) Field(path string) string {
	if s.prefix == "" {
		return "spec." + path
	}
	return s.prefix + "." + path
}

// IsConfigMap reports whether the config was a ConfigMap (key=value
// arguments) rather than the typed kind: some settings can only be
// written in the typed kind, and messages say so.
func (s Source) IsConfigMap() bool { return s.prefix == "data" }

// Error records an error about a config field.
func (s Source) Error(res *results.Collector, path, format string, args ...any) {
	res.Error(s.Object, s.Field(path), format, args...)
}

// Load decodes the function config into cfg, a pointer to the function's
// config struct (its json tags are the field names), and parses every
// Value in it. It returns false, with error results recorded, when the
// config cannot be decoded; what is wrong with a Value is kept in it for
// the function's Validate to report, and does not make Load fail.
func Load(obj *fn.KubeObject, kind string, cfg any, res *results.Collector) (Source, bool) {
	src := Source{Object: obj}
	var ok bool
	switch {
	case obj == nil || obj.IsEmpty() || fn.EmptyFunctionConfig(obj):
		return src, true // the defaults, which come parsed (ValueOf)
	case obj.GetKind() == "ConfigMap" && obj.GetAPIVersion() == "v1":
		src.prefix = "data"
		ok = loadConfigMap(src, cfg, res)
	case obj.GetKind() == kind && obj.GetAPIVersion() == APIVersion:
		src.prefix = "spec"
		ok = loadTyped(src, cfg, res)
	default:
		res.Error(obj, "", "unknown function config %s %s: use kind %s with apiVersion %s, or a ConfigMap",
			obj.GetAPIVersion(), obj.GetKind(), kind, APIVersion)
		return src, false
	}
	if ok {
		parseValues(reflect.ValueOf(cfg).Elem())
	}
	return src, ok
}

func loadTyped(src Source, cfg any, res *results.Collector) bool {
	var whole map[string]any
	if err := src.Object.As(&whole); err != nil {
		res.Error(src.Object, "", "cannot read the function config: %v", err)
		return false
	}
	ok := true
	for _, key := range sortedKeys(whole) {
		if key != "apiVersion" && key != "kind" && key != "metadata" && key != "spec" {
			res.Error(src.Object, key, "unknown field %q: the settings go under spec", key)
			ok = false
		}
	}
	spec, found := whole["spec"]
	if !found || spec == nil {
		return ok
	}
	if _, isMapping := spec.(map[string]any); !isMapping {
		res.Error(src.Object, "spec", "spec is %s: the settings of %s go under spec as a mapping of field: value lines", describeValue(spec), src.Object.GetKind())
		return false
	}
	if !checkKnownFields(src, "", spec, reflect.TypeOf(cfg).Elem(), res) {
		return false
	}
	replaceListed(reflect.ValueOf(cfg).Elem(), spec.(map[string]any))
	raw, err := json.Marshal(spec)
	if err != nil {
		res.Error(src.Object, "spec", "cannot read the function config: %v", err)
		return false
	}
	if err := json.Unmarshal(raw, cfg); err != nil {
		field, msg := "spec", err.Error()
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			field = src.Field(typeErr.Field)
			msg = fmt.Sprintf("expected %s, got %s", describeType(typeErr.Type), withArticle(typeErr.Value))
		}
		res.Error(src.Object, field, "%s", msg)
		return false
	}
	return ok
}

// replaceListed empties every list and map of the defaults that the user's
// spec sets, so that the user's value replaces the default instead of
// being decoded over it: encoding/json reuses a slice's elements, so a
// user's first podTemplatePaths entry would keep the default entry's
// fields that it does not set, and it adds a map's keys to the default's.
func replaceListed(v reflect.Value, spec map[string]any) {
	fields := jsonFields(v.Type())
	for key, value := range spec {
		f, known := fields[key]
		if !known {
			continue
		}
		field := v.FieldByIndex(f.Index)
		switch field.Kind() {
		case reflect.Slice, reflect.Map:
			field.SetZero()
		case reflect.Struct:
			if nested, isMapping := value.(map[string]any); isMapping {
				replaceListed(field, nested)
			}
		}
	}
}

// checkKnownFields walks the decoded YAML beside the Go type and reports
// every key the type does not have, with its full path.
func checkKnownFields(src Source, path string, value any, t reflect.Type, res *results.Collector) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(valueType) { // a Value is written as a string or a number
		switch value.(type) {
		case map[string]any, []any:
			src.Error(res, path, "%v, got %s", errNotScalar, describeJSON(value))
			return false
		}
		return true
	}
	if value != nil && !shapeFits(value, t) {
		src.Error(res, path, "expected %s, got %s", describeType(t), describeValue(value))
		return false
	}
	ok := true
	switch v := value.(type) {
	case map[string]any:
		if t.Kind() == reflect.Map {
			for _, key := range sortedKeys(v) {
				ok = checkKnownFields(src, join(path, key), v[key], t.Elem(), res) && ok
			}
			return ok
		}
		if t.Kind() != reflect.Struct {
			return true // the JSON decoder reports the type mismatch
		}
		fields := jsonFields(t)
		for _, key := range sortedKeys(v) {
			f, known := fields[key]
			if !known {
				src.Error(res, join(path, key), "unknown field %q; known fields: %s", key, strings.Join(sortedKeys(fields), ", "))
				ok = false
				continue
			}
			ok = checkKnownFields(src, join(path, key), v[key], f.Type, res) && ok
		}
	case []any:
		if t.Kind() != reflect.Slice {
			return true
		}
		for i, item := range v {
			ok = checkKnownFields(src, Index(path, i), item, t.Elem(), res) && ok
		}
	}
	return ok
}

func loadConfigMap(src Source, cfg any, res *results.Collector) bool {
	data, _, err := src.Object.NestedStringMap("data")
	if err != nil {
		res.Error(src.Object, "data", "ConfigMap data must map names to strings: %v", err)
		return false
	}
	target := reflect.ValueOf(cfg).Elem()
	fields := jsonFields(target.Type())
	ok := true
	for _, key := range sortedKeys(data) {
		f, known := fields[key]
		if !known {
			src.Error(res, key, "unknown key %q; known keys: %s", key, strings.Join(sortedKeys(fields), ", "))
			ok = false
			continue
		}
		if strings.TrimSpace(data[key]) == "" {
			// One rule for every key, whatever its type: `kpt fn eval --
			// key=` (or a setter left empty) asks for nothing, so the key
			// keeps its default, as if it were not written.
			res.Info(src.Object, src.Field(key), "%s is empty: it keeps its default, as if it were not set", src.Field(key))
			continue
		}
		if err := setFromString(target.FieldByIndex(f.Index), data[key]); err != nil {
			src.Error(res, key, "%v", err)
			ok = false
		}
	}
	return ok
}

// ConfigMapValue is implemented by config types that have a text form of
// their own in a ConfigMap, such as "name=cidr,name=cidr" for a list of
// objects. (encoding.TextUnmarshaler would do, but encoding/json then
// refuses the typed config's YAML list for the same field.)
type ConfigMapValue interface {
	SetFromConfigMap(value string) error
}

var configMapValue = reflect.TypeFor[ConfigMapValue]()

// setFromString parses one ConfigMap value into a config field. Lists are
// comma-separated; a ConfigMapValue parses itself.
func setFromString(field reflect.Value, s string) error {
	if field.Addr().Type().Implements(configMapValue) {
		return field.Addr().Interface().(ConfigMapValue).SetFromConfigMap(s)
	}
	if field.Kind() == reflect.Pointer {
		v := reflect.New(field.Type().Elem())
		if err := setFromString(v.Elem(), s); err != nil {
			return err
		}
		field.Set(v)
		return nil
	}
	switch field.Kind() {
	case reflect.String:
		field.SetString(strings.TrimSpace(s))
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("expected true or false, got %q", s)
		}
		field.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, field.Type().Bits())
		if err != nil {
			return fmt.Errorf("expected a whole number, got %q", s)
		}
		field.SetInt(i)
	case reflect.Slice:
		if reflect.PointerTo(field.Type().Elem()).Implements(configMapValue) {
			// A list of values that read themselves, such as CIDR ranges.
			parts := SplitList(s)
			list := reflect.MakeSlice(field.Type(), len(parts), len(parts))
			for i, p := range parts {
				if err := list.Index(i).Addr().Interface().(ConfigMapValue).SetFromConfigMap(p); err != nil {
					return err
				}
			}
			field.Set(list)
			return nil
		}
		if field.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("cannot be set from a ConfigMap: use the typed config kind")
		}
		// Convert element by element: the field may be a slice of a named
		// string type ([]ServiceName), which a []string cannot be set to.
		parts := SplitList(s)
		list := reflect.MakeSlice(field.Type(), len(parts), len(parts))
		for i, p := range parts {
			list.Index(i).SetString(p)
		}
		field.Set(list)
	default:
		return fmt.Errorf("cannot be set from a ConfigMap: use the typed config kind")
	}
	return nil
}

// SplitList splits a comma-separated ConfigMap value, trimming blanks and
// dropping empty entries, so "a, b,," is [a b].
func SplitList(s string) []string {
	out := []string{}
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Pair is one entry of a ConfigMap list of pairs, "key=value": the text
// before the first "=" and after it, blanks trimmed. Found says whether
// the entry had an "="; Entry is the entry as written, for messages.
type Pair struct {
	Entry, Key, Value string
	Found             bool
}

// SplitPairs splits a ConfigMap value that lists pairs, such as
// "office=203.0.113.0/24, vpn=10.8.0.0/16": the entries of SplitList, each
// cut at its first "=". Whether an entry without "=" is an error is the
// caller's to say.
func SplitPairs(s string) []Pair {
	entries := SplitList(s)
	pairs := make([]Pair, len(entries))
	for i, entry := range entries {
		key, value, found := strings.Cut(entry, "=")
		pairs[i] = Pair{Entry: entry, Key: strings.TrimSpace(key), Value: strings.TrimSpace(value), Found: found}
	}
	return pairs
}

// jsonFields maps json field names of a struct type to their fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	fields := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		fields[name] = f
	}
	return fields
}

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.Kind().String()
}

// shapeFits tells whether a decoded YAML value has the shape of Go type t,
// so that a mismatch is reported here, at its path with list indices and
// with the value seen, rather than by encoding/json (which drops indices).
// Whole numbers are checked for their range by encoding/json.
func shapeFits(value any, t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return true // a type with a JSON form of its own checks itself
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		_, ok := value.(map[string]any)
		return ok
	case reflect.Slice:
		_, ok := value.([]any)
		return ok
	case reflect.String:
		_, ok := value.(string)
		return ok
	case reflect.Bool:
		_, ok := value.(bool)
		return ok
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		switch value.(type) {
		case float64, json.Number, int, int64:
			return true
		}
		return false
	}
	return true
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// describeValue names a decoded value for a message: its JSON type, and
// for a scalar the value seen.
func describeValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("%v (true or false)", v)
	case float64, json.Number, int, int64:
		return fmt.Sprintf("the number %v", v)
	}
	return describeJSON(v)
}

// describeJSON names the JSON type of a decoded value, with its article.
func describeJSON(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case bool:
		return "true or false"
	case float64, json.Number, int, int64:
		return "a number"
	}
	return "a string"
}

// withArticle turns JSON's "array" or "string" into "an array", "a string".
func withArticle(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
