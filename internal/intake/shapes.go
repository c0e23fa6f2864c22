package intake

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// builtins are the Kubernetes kinds whose every field is checked against
// its Go type: the groups lockdown's functions read (workloads, Services,
// Namespaces, NetworkPolicies, webhooks, RBAC) from k8s.io/api, the types
// the API server itself decodes with. Other kinds get their metadata
// checked against ObjectMeta.
var builtins = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, networkingv1.AddToScheme,
		policyv1.AddToScheme, rbacv1.AddToScheme, admissionregistrationv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err) // the scheme is fixed at build time
		}
	}
	return s
}()

var objectMetaType = reflect.TypeFor[metav1.ObjectMeta]()

// checkShapes checks obj's fields against the Go types the API server
// decodes them with.
func checkShapes(obj *fn.KubeObject) []problem {
	var problems []problem
	_ = yamledit.Edit(obj, func(root *yaml.Node) error {
		w := &shapeWalker{}
		for _, key := range []string{"apiVersion", "kind"} {
			if n := yamledit.Lookup(root, key); n != nil {
				w.path.pushKey(key)
				w.walk(n, reflect.TypeFor[string]())
				w.path.pop()
			}
		}
		if len(w.problems) > 0 {
			problems = w.problems
			return nil
		}
		apiVersion, kind := scalarValue(root, "apiVersion"), scalarValue(root, "kind")
		if items := yamledit.Lookup(root, "items"); strings.HasSuffix(kind, "List") && items != nil && items.Kind == yaml.SequenceNode {
			problems = []problem{{field: "items", message: fmt.Sprintf("a %s is not an object kpt or the API server keeps: write each of its items as an object of its own (a document after ---) so that it is applied and checked", kind)}}
			return nil
		}
		if t, known := builtinType(apiVersion, kind); known {
			w.walk(root, t)
		} else if m := yamledit.Lookup(root, "metadata"); m != nil {
			w.path.pushKey("metadata")
			w.walk(m, objectMetaType)
			w.path.pop()
		}
		if len(w.problems) == 0 {
			w.checkNames(root, apiVersion, kind)
		}
		if len(w.problems) == 0 && isConfigConnector(apiVersion) {
			w.checkCustomResourceName(root)
			w.checkRefs(root)
		}
		problems = w.problems
		return nil
	})
	return problems
}

// checkCustomResourceName applies the API server's rule for the name of a
// custom resource, which every Config Connector object is: a DNS
// subdomain (apiextensions-apiserver validates metadata.name with
// NameIsDNSSubdomain, pkg/registry/customresource/validator.go). The GCP
// names and network tags the functions derive from it (a cluster's
// "<name>-node") then never carry upper case or underscores.
func (w *shapeWalker) checkCustomResourceName(root *yaml.Node) {
	name := scalarValue(yamledit.Lookup(root, "metadata"), "name")
	if gcp.IsDNSSubdomain(name) {
		return
	}
	w.problems = append(w.problems, problem{field: "metadata.name", message: fmt.Sprintf(
		"metadata.name %q is not a name the API server takes for a Config Connector object: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters%s", name, placeholderHint(name))})
}

// checkNames applies the API server's rules for the names every object
// has (k8s.io/apimachinery/pkg/api/validation, ValidateObjectMeta): a
// name (or generateName) is required, and a namespace, in metadata or as
// a Namespace's own name, is a DNS label (ValidateNamespaceName). A
// nameless or misnamed Namespace would otherwise still be fenced and
// labelled by the functions, for a namespace the API server never makes.
func (w *shapeWalker) checkNames(root *yaml.Node, apiVersion, kind string) {
	meta := yamledit.Lookup(root, "metadata")
	name, namespace := scalarValue(meta, "name"), scalarValue(meta, "namespace")
	if name == "" && scalarValue(meta, "generateName") == "" {
		w.problems = append(w.problems, problem{field: "metadata.name", message: "it has no metadata.name: the API server requires one; give the object a name"})
		return
	}
	if namespace != "" {
		w.checkNamespaceName("metadata.namespace", namespace)
	}
	if apiVersion == "v1" && kind == "Namespace" {
		w.checkNamespaceName("metadata.name", name)
	}
}

func (w *shapeWalker) checkNamespaceName(field, name string) {
	if msgs := apivalidation.ValidateNamespaceName(name, false); len(msgs) > 0 {
		w.problems = append(w.problems, problem{field: field, message: fmt.Sprintf(
			"%s %q is not a namespace name the API server takes: %s%s", field, name, strings.Join(msgs, "; "), placeholderHint(name))})
	}
}

// placeholderHint asks, of a name in capitals such as the catalog
// packages' NAME, whether a setter should have replaced it.
func placeholderHint(name string) string {
	if name != "" && strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-") == "" {
		return fmt.Sprintf(" (is %q a placeholder a setter should replace? render the package's apply-setters first)", name)
	}
	return ""
}

func builtinType(apiVersion, kind string) (reflect.Type, bool) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, false
	}
	obj, err := builtins.New(gv.WithKind(kind))
	if err != nil {
		return nil, false
	}
	return reflect.TypeOf(obj).Elem(), true
}

func scalarValue(root *yaml.Node, key string) string {
	if root == nil {
		return ""
	}
	if n := yamledit.Lookup(root, key); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// shapeWalker walks a YAML tree beside the Go type it decodes into, the
// way encoding/json would, and records every value of the wrong shape.
type shapeWalker struct {
	path     fieldPath
	problems []problem
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	// Types with a JSON form of their own that is a scalar.
	scalarTypes = map[reflect.Type]string{
		reflect.TypeFor[intstr.IntOrString](): "a number or a string",
		reflect.TypeFor[resource.Quantity]():  "a quantity (a number or a string like 500m or 1Gi)",
		reflect.TypeFor[metav1.Time]():        "a time (an RFC 3339 string)",
		reflect.TypeFor[metav1.MicroTime]():   "a time (an RFC 3339 string)",
		reflect.TypeFor[metav1.Duration]():    "a duration (a string like 30s)",
	}
)

func (w *shapeWalker) walk(n *yaml.Node, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.ShortTag() == yaml.NodeTagNull {
		return // null is an unset field to the API server
	}
	if want, scalar := scalarTypes[t]; scalar {
		if n.Kind != yaml.ScalarNode {
			w.wrong(n, want)
		}
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || t.Kind() == reflect.Interface {
		return // a type that reads any JSON (RawExtension, JSON): nothing to check
	}
	switch t.Kind() {
	case reflect.Struct:
		w.walkStruct(n, t)
	case reflect.Slice:
		w.walkSlice(n, t)
	case reflect.Map:
		w.walkMap(n, t)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagString {
			w.wrong(n, "a string")
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagBool {
			w.wrong(n, "true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.walkInt(n, t)
	case reflect.Float32, reflect.Float64:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagInt && n.ShortTag() != yaml.NodeTagFloat {
			w.wrong(n, "a number")
		}
	}
}

func (w *shapeWalker) walkStruct(n *yaml.Node, t reflect.Type) {
	if n.Kind != yaml.MappingNode {
		w.wrong(n, "a mapping ("+t.Name()+")")
		return
	}
	fields, ports := jsonFields(t), portFields[t]
	if imageRequired[t] {
		w.checkImage(n)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if f, known := fields[n.Content[i].Value]; known {
			w.path.pushKey(n.Content[i].Value)
			w.walk(n.Content[i+1], f)
			if rule, isPort := ports[n.Content[i].Value]; isPort {
				w.checkPort(n.Content[i+1], rule)
			}
			w.path.pop()
		}
	}
}

func (w *shapeWalker) walkSlice(n *yaml.Node, t reflect.Type) {
	if t.Elem().Kind() == reflect.Uint8 { // []byte: a base64 string
		if n.Kind != yaml.ScalarNode {
			w.wrong(n, "a base64 string")
		}
		return
	}
	if n.Kind != yaml.SequenceNode {
		w.wrong(n, "a list"+ofType(t.Elem()))
		return
	}
	for i, c := range n.Content {
		w.path.pushIndex(i)
		w.walk(c, t.Elem())
		w.path.pop()
	}
}

func (w *shapeWalker) walkMap(n *yaml.Node, t reflect.Type) {
	if n.Kind != yaml.MappingNode {
		w.wrong(n, "a mapping"+ofType(t.Elem()))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		w.path.pushKey(n.Content[i].Value)
		w.walk(n.Content[i+1], t.Elem())
		w.path.pop()
	}
}

func (w *shapeWalker) walkInt(n *yaml.Node, t reflect.Type) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagInt {
		w.wrong(n, "a whole number")
		return
	}
	if _, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, t.Bits()); err != nil {
		path := w.path.String()
		w.problems = append(w.problems, problem{field: path, message: fmt.Sprintf(
			"%s is %s, out of the range of its type (%d to %d): the API server would refuse the object", path, n.Value, minInt(t.Bits()), maxInt(t.Bits()))})
	}
}

// wrong records a value of the wrong shape: what it is, what belongs there.
func (w *shapeWalker) wrong(n *yaml.Node, want string) {
	path := w.path.String()
	w.problems = append(w.problems, problem{field: path, message: fmt.Sprintf(
		"%s is %s where the API server takes %s: it would refuse the object; write the field as %s", orRoot(path), describe(n), want, want)})
}

// describe says what a YAML node is, with the value for a scalar.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case yaml.NodeTagString:
		return fmt.Sprintf("the string %q", n.Value)
	case yaml.NodeTagBool:
		return "the boolean " + n.Value + ` (quote it, "` + n.Value + `", for a string)`
	case yaml.NodeTagInt, yaml.NodeTagFloat:
		return "the number " + n.Value + ` (quote it, "` + n.Value + `", for a string)`
	}
	return fmt.Sprintf("%q (%s)", n.Value, n.ShortTag())
}

func ofType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		return " (of " + t.Name() + ")"
	case reflect.String:
		return " of strings"
	}
	return ""
}

func minInt(bits int) int64 { return math.MinInt64 >> (64 - bits) }
func maxInt(bits int) int64 { return math.MaxInt64 >> (64 - bits) }

// jsonFields maps a struct's JSON keys to their types, inline fields
// included, as encoding/json sees them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && (name == "" || strings.Contains(opts, "inline")) {
			inner := f.Type
			for inner.Kind() == reflect.Pointer {
				inner = inner.Elem()
			}
			if inner.Kind() == reflect.Struct {
				for k, v := range jsonFields(inner) {
					out[k] = v
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	fieldCache.Store(t, out)
	return out
}

// fieldCache keeps jsonFields' answers (reflect.Type to its fields): the
// walk meets the same types on every object.
var fieldCache sync.Map

// isConfigConnector tells whether apiVersion is one of Config Connector's
// groups (compute.cnrm.cloud.google.com/v1beta1, ...).
func isConfigConnector(apiVersion string) bool {
	group, _, _ := strings.Cut(apiVersion, "/")
	return kcc.IsGroup(group)
}
