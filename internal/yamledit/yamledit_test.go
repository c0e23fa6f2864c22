package yamledit

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// doc trims the leading newline of a YAML literal.
func doc(s string) string { return strings.TrimPrefix(s, "\n") }

// editCase runs op on the parsed in and expects out, changed and err; a
// second run on the result must change nothing.
type editCase struct {
	name    string
	in      string
	op      func(m *yaml.Node) (bool, error)
	out     string // "" means: same as in
	changed bool
	err     string
}

func runEditCases(t *testing.T, cases []editCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rn, err := yaml.Parse(doc(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			changed, err := tc.op(rn.YNode())
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
			} else if err != nil {
				t.Fatalf("error = %v", err)
			}
			if changed != tc.changed {
				t.Errorf("changed = %v, want %v", changed, tc.changed)
			}
			want := doc(tc.out)
			if tc.out == "" {
				want = doc(tc.in)
			}
			got := rn.MustString()
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("YAML (-want +got):\n%s", diff)
			}
			if tc.err != "" {
				return
			}
			// Idempotence: the same edit again changes nothing.
			again, err := tc.op(rn.YNode())
			if err != nil {
				t.Fatalf("second run: %v", err)
			}
			if again {
				t.Errorf("second run reports a change")
			}
			if diff := cmp.Diff(got, rn.MustString()); diff != "" {
				t.Errorf("second run changed the YAML (-first +second):\n%s", diff)
			}
		})
	}
}

const cluster = `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: c1 # kpt-set: ${cluster-name}
spec:
  # where the cluster runs
  location: us-central1 # kpt-set: ${region}
  enableShieldedNodes: false
  quoted: "true"
  count: 3
`

func TestSetString(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name: "keeps the setter marker and head comment",
			in:   cluster,
			op:   func(m *yaml.Node) (bool, error) { return SetString(m, "europe-west1", "spec", "location") },
			out: `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: c1 # kpt-set: ${cluster-name}
spec:
  # where the cluster runs
  location: europe-west1 # kpt-set: ${region}
  enableShieldedNodes: false
  quoted: "true"
  count: 3
`,
			changed: true,
		},
		{
			name: "already there",
			in:   cluster,
			op:   func(m *yaml.Node) (bool, error) { return SetString(m, "us-central1", "spec", "location") },
		},
		{
			name: "already there, quoted",
			in:   cluster,
			op:   func(m *yaml.Node) (bool, error) { return SetString(m, "true", "spec", "quoted") },
		},
		{
			name: "a string that reads as a bool stays a string",
			in:   cluster,
			op:   func(m *yaml.Node) (bool, error) { return SetString(m, "true", "spec", "enableShieldedNodes") },
			out: `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: c1 # kpt-set: ${cluster-name}
spec:
  # where the cluster runs
  location: us-central1 # kpt-set: ${region}
  enableShieldedNodes: "true"
  quoted: "true"
  count: 3
`,
			changed: true,
		},
		{
			name: "creates the mappings on the way",
			in:   cluster,
			op: func(m *yaml.Node) (bool, error) {
				return SetString(m, "172.16.0.0/28", "spec", "privateClusterConfig", "masterIpv4CidrBlock")
			},
			out: `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: c1 # kpt-set: ${cluster-name}
spec:
  # where the cluster runs
  location: us-central1 # kpt-set: ${region}
  enableShieldedNodes: false
  quoted: "true"
  count: 3
  privateClusterConfig:
    masterIpv4CidrBlock: 172.16.0.0/28
`,
			changed: true,
		},
		{
			name: "null becomes a mapping",
			in: `
kind: X
spec: # filled in by lockdown
status: ~
`,
			op: func(m *yaml.Node) (bool, error) { return SetString(m, "v", "spec", "a", "b") },
			out: `
kind: X
spec: # filled in by lockdown
  a:
    b: v
status: ~
`,
			changed: true,
		},
		{
			name: "tilde becomes a mapping",
			in: `
kind: X
spec: ~
`,
			op: func(m *yaml.Node) (bool, error) { return SetString(m, "v", "spec", "a") },
			out: `
kind: X
spec:
  a: v
`,
			changed: true,
		},
		{
			name: "a null leaf is set",
			in: `
spec:
  a:
`,
			op: func(m *yaml.Node) (bool, error) { return SetString(m, "v", "spec", "a") },
			out: `
spec:
  a: v
`,
			changed: true,
		},
		{
			name: "an empty flow mapping becomes a block mapping",
			in: `
kind: X
spec: {}
`,
			op: func(m *yaml.Node) (bool, error) { return SetString(m, "v", "spec", "a") },
			out: `
kind: X
spec:
  a: v
`,
			changed: true,
		},
		{
			name:    "a scalar on the way is an error",
			in:      cluster,
			op:      func(m *yaml.Node) (bool, error) { return SetString(m, "v", "spec", "location", "zone") },
			err:     "spec.location is not an object",
			changed: false,
		},
		{
			name: "a list on the way is an error",
			in: `
spec:
  items: [a]
`,
			op:  func(m *yaml.Node) (bool, error) { return SetString(m, "v", "spec", "items", "x", "y") },
			err: "spec.items is not an object",
		},
	})
}

func TestSetBool(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name: "flips a bool",
			in:   cluster,
			op:   func(m *yaml.Node) (bool, error) { return SetBool(m, true, "spec", "enableShieldedNodes") },
			out: `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: c1 # kpt-set: ${cluster-name}
spec:
  # where the cluster runs
  location: us-central1 # kpt-set: ${region}
  enableShieldedNodes: true
  quoted: "true"
  count: 3
`,
			changed: true,
		},
		{
			name: "already false",
			in:   cluster,
			op:   func(m *yaml.Node) (bool, error) { return SetBool(m, false, "spec", "enableShieldedNodes") },
		},
		{
			name: "a quoted string becomes a bool",
			in:   cluster,
			op:   func(m *yaml.Node) (bool, error) { return SetBool(m, true, "spec", "quoted") },
			out: `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: c1 # kpt-set: ${cluster-name}
spec:
  # where the cluster runs
  location: us-central1 # kpt-set: ${region}
  enableShieldedNodes: false
  quoted: true
  count: 3
`,
			changed: true,
		},
		{
			name: "keeps the setter marker",
			in: `
spec:
  # head
  enablePrivateNodes: false # kpt-set: ${private}
`,
			op: func(m *yaml.Node) (bool, error) { return SetBool(m, true, "spec", "enablePrivateNodes") },
			out: `
spec:
  # head
  enablePrivateNodes: true # kpt-set: ${private}
`,
			changed: true,
		},
		{
			name: "created",
			in: `
spec: {}
`,
			op: func(m *yaml.Node) (bool, error) { return SetBool(m, false, "spec", "a", "enabled") },
			out: `
spec:
  a:
    enabled: false
`,
			changed: true,
		},
	})
}

func TestSetScalarInt(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name: "same number",
			in:   cluster,
			op:   func(m *yaml.Node) (bool, error) { return SetScalar(m, "3", yaml.NodeTagInt, "spec", "count") },
		},
		{
			name: "a quoted number becomes a number",
			in: `
spec:
  priority: "100" # kpt-set: ${priority}
`,
			op: func(m *yaml.Node) (bool, error) { return SetScalar(m, "100", yaml.NodeTagInt, "spec", "priority") },
			out: `
spec:
  priority: 100 # kpt-set: ${priority}
`,
			changed: true,
		},
	})
}

func TestAppendString(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name: "keeps entries and their comments",
			in: `
spec:
  tags:
  # the nodes
  - gke-node # kpt-set: ${tag}
  - web
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "private", "spec", "tags") },
			out: `
spec:
  tags:
  # the nodes
  - gke-node # kpt-set: ${tag}
  - web
  - private
`,
			changed: true,
		},
		{
			name: "no duplicate",
			in: `
spec:
  tags:
  - gke-node # kpt-set: ${tag}
  - web
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "gke-node", "spec", "tags") },
		},
		{
			name: "flow list",
			in: `
spec:
  tags: [a, b] # the tags
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "c", "spec", "tags") },
			out: `
spec:
  tags: [a, b, c] # the tags
`,
			changed: true,
		},
		{
			name: "flow list, already there",
			in: `
spec:
  tags: [a, b]
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "b", "spec", "tags") },
		},
		{
			name: "created with its parents",
			in: `
kind: X
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "a", "spec", "nodeConfig", "tags") },
			out: `
kind: X
spec:
  nodeConfig:
    tags:
    - a
`,
			changed: true,
		},
		{
			name: "null becomes a list",
			in: `
spec:
  tags:
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "a", "spec", "tags") },
			out: `
spec:
  tags:
  - a
`,
			changed: true,
		},
		{
			name: "a string that reads as a bool",
			in: `
spec:
  values: [x]
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "true", "spec", "values") },
			out: `
spec:
  values: [x, "true"]
`,
			changed: true,
		},
		{
			name: "not a list",
			in: `
spec:
  tags: a
`,
			op:  func(m *yaml.Node) (bool, error) { return AppendString(m, "b", "spec", "tags") },
			err: "spec.tags is not a list",
		},
	})
}

func TestEnsureMapping(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name: "created",
			in: `
spec:
  a: 1
`,
			op: func(m *yaml.Node) (bool, error) {
				return EnsureMapping(m, "spec", "addonsConfig", "networkPolicyConfig")
			},
			out: `
spec:
  a: 1
  addonsConfig:
    networkPolicyConfig: {}
`,
			changed: true,
		},
		{
			name: "already a mapping",
			in: `
spec:
  workloadIdentityConfig: # keep
    workloadPool: p.svc.id.goog
`,
			op: func(m *yaml.Node) (bool, error) { return EnsureMapping(m, "spec", "workloadIdentityConfig") },
		},
		{
			name: "already an empty mapping",
			in: `
spec:
  x: {}
`,
			op: func(m *yaml.Node) (bool, error) { return EnsureMapping(m, "spec", "x") },
		},
		{
			name: "null becomes a mapping",
			in: `
spec:
  x: # keep
`,
			op: func(m *yaml.Node) (bool, error) { return EnsureMapping(m, "spec", "x") },
			out: `
spec:
  x: {} # keep
`,
			changed: true,
		},
		{
			name: "a scalar is an error",
			in: `
spec:
  x: text
`,
			op:  func(m *yaml.Node) (bool, error) { return EnsureMapping(m, "spec", "x") },
			err: "spec.x is not an object",
		},
	})
}

func TestRemove(t *testing.T) {
	in := `
spec:
  # head of a
  a: 1 # line of a
  b:
    c: 2
  d: 3
`
	runEditCases(t, []editCase{
		{
			name: "a leaf",
			in:   in,
			op:   func(m *yaml.Node) (bool, error) { return Remove(m, "spec", "a"), nil },
			out: `
spec:
  b:
    c: 2
  d: 3
`,
			changed: true,
		},
		{
			name: "a mapping",
			in:   in,
			op:   func(m *yaml.Node) (bool, error) { return Remove(m, "spec", "b"), nil },
			out: `
spec:
  # head of a
  a: 1 # line of a
  d: 3
`,
			changed: true,
		},
		{
			name: "nested",
			in:   in,
			op:   func(m *yaml.Node) (bool, error) { return Remove(m, "spec", "b", "c"), nil },
			out: `
spec:
  # head of a
  a: 1 # line of a
  b: {}
  d: 3
`,
			changed: true,
		},
		{
			name: "absent",
			in:   in,
			op:   func(m *yaml.Node) (bool, error) { return Remove(m, "spec", "x"), nil },
		},
		{
			name: "parent absent",
			in:   in,
			op:   func(m *yaml.Node) (bool, error) { return Remove(m, "status", "x"), nil },
		},
		{
			name: "parent is a scalar",
			in:   in,
			op:   func(m *yaml.Node) (bool, error) { return Remove(m, "spec", "a", "x"), nil },
		},
	})
}

func TestSetNode(t *testing.T) {
	rn, err := yaml.Parse(doc(`
spec:
  # the networks
  cidrBlocks: [] # kpt-set: ${networks}
  other: 1
`))
	if err != nil {
		t.Fatal(err)
	}
	list, err := yaml.Parse("- cidrBlock: 10.0.0.0/8\n  displayName: corp\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := SetNode(rn.YNode(), list.YNode(), "spec", "cidrBlocks"); err != nil {
		t.Fatal(err)
	}
	if err := SetNode(rn.YNode(), &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "new"}, "spec", "added", "leaf"); err != nil {
		t.Fatal(err)
	}
	want := doc(`
spec:
  # the networks
  cidrBlocks: # kpt-set: ${networks}
  - cidrBlock: 10.0.0.0/8
    displayName: corp
  other: 1
  added:
    leaf: new
`)
	if diff := cmp.Diff(want, rn.MustString()); diff != "" {
		t.Errorf("SetNode (-want +got):\n%s", diff)
	}
	if err := SetNode(rn.YNode(), list.YNode(), "spec", "other", "x"); err == nil || err.Error() != "spec.other is not an object" {
		t.Errorf("SetNode below a scalar: error %v", err)
	}
}

func TestLookupAndScalar(t *testing.T) {
	rn, err := yaml.Parse(doc(cluster))
	if err != nil {
		t.Fatal(err)
	}
	m := rn.YNode()
	if n := Lookup(m, "spec", "location"); n == nil || n.Value != "us-central1" {
		t.Errorf("Lookup spec.location = %v", n)
	}
	if n := Lookup(m); n != m {
		t.Errorf("Lookup without a path is not the node itself")
	}
	for _, path := range [][]string{{"status"}, {"spec", "nope"}, {"spec", "location", "zone"}} {
		if n := Lookup(m, path...); n != nil {
			t.Errorf("Lookup %v = %v, want nil", path, n.Value)
		}
	}
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"spec", "location"}, "us-central1"},
		{[]string{"spec", "count"}, "3"},
		{[]string{"spec"}, ""}, // a mapping
		{[]string{"spec", "missing"}, ""},
		{[]string{"spec", "location", "zone"}, ""},
	} {
		if got := Scalar(m, tc.path...); got != tc.want {
			t.Errorf("Scalar %v = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func TestSetterMarker(t *testing.T) {
	rn, err := yaml.Parse(doc(`
metadata:
  name: c1 # kpt-set: ${cluster-name}
spec:
  location: us-central1 #   kpt-set: ${region}
  note: x # a comment, not a setter
  tags: # kpt-set: ${tags}
  - a
  flow: [a] # kpt-set: ${flow}
  ranges:
  - 10.0.0.0/8
`))
	if err != nil {
		t.Fatal(err)
	}
	m := rn.YNode()
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"metadata", "name"}, "# kpt-set: ${cluster-name}"},
		{[]string{"spec", "location"}, "#   kpt-set: ${region}"},
		{[]string{"spec", "tags"}, "# kpt-set: ${tags}"}, // on the key
		{[]string{"spec", "flow"}, "# kpt-set: ${flow}"}, // on the value
		{[]string{"spec", "note"}, ""},
		{[]string{"spec", "ranges"}, ""},
		{[]string{"spec", "missing"}, ""},
		{[]string{"spec", "location", "zone"}, ""},
		{[]string{"status", "x"}, ""},
	} {
		if got := SetterMarker(m, tc.path...); got != tc.want {
			t.Errorf("SetterMarker %v = %q, want %q", tc.path, got, tc.want)
		}
	}
	if got := SetterMarkerOn(Lookup(m, "metadata", "name")); got != "# kpt-set: ${cluster-name}" {
		t.Errorf("SetterMarkerOn metadata.name = %q", got)
	}
	if got := SetterMarkerOn(nil); got != "" {
		t.Errorf("SetterMarkerOn(nil) = %q", got)
	}
}

func TestStringMapping(t *testing.T) {
	rn, err := yaml.Parse("list: []\n")
	if err != nil {
		t.Fatal(err)
	}
	list := Lookup(rn.YNode(), "list")
	list.Style = 0
	AppendItem(list, StringMapping("cidrBlock", "10.0.0.0/8", "displayName", "vpn", "dropped"))
	want := "list:\n- cidrBlock: 10.0.0.0/8\n  displayName: vpn\n"
	if diff := cmp.Diff(want, rn.MustString()); diff != "" {
		t.Errorf("YAML (-want +got):\n%s", diff)
	}
}

// TestListItems checks that a comment after a list stays after its last
// entry when entries are added to it or taken from it. The parser hangs
// such a comment, when a field follows the list, on the last entry.
func TestListItems(t *testing.T) {
	const in = `
spec:
  authorized:
    cidrBlocks:
    - cidrBlock: 10.0.0.0/8 # first
      displayName: a
    - cidrBlock: 10.1.0.0/16
      displayName: b
    # the end of the list
  enabled: true
`
	for _, tc := range []struct {
		name string
		edit func(list *yaml.Node)
		out  string
	}{{
		name: "append",
		edit: func(list *yaml.Node) { AppendItem(list, StringMapping("cidrBlock", "10.2.0.0/16", "displayName", "c")) },
		out: `
spec:
  authorized:
    cidrBlocks:
    - cidrBlock: 10.0.0.0/8 # first
      displayName: a
    - cidrBlock: 10.1.0.0/16
      displayName: b
    - cidrBlock: 10.2.0.0/16
      displayName: c
      # the end of the list
  enabled: true
`,
	}, {
		name: "delete the last",
		edit: func(list *yaml.Node) { DeleteItem(list, 1) },
		out: `
spec:
  authorized:
    cidrBlocks:
    - cidrBlock: 10.0.0.0/8 # first
      displayName: a
      # the end of the list
  enabled: true
`,
	}, {
		name: "delete the first",
		edit: func(list *yaml.Node) { DeleteItem(list, 0) },
		out: `
spec:
  authorized:
    cidrBlocks:
    - cidrBlock: 10.1.0.0/16
      displayName: b
      # the end of the list
  enabled: true
`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rn, err := yaml.Parse(doc(in))
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(Lookup(rn.YNode(), "spec", "authorized", "cidrBlocks"))
			if diff := cmp.Diff(doc(tc.out), rn.MustString()); diff != "" {
				t.Errorf("YAML (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEdit(t *testing.T) {
	items, err := fn.ParseKubeObjects([]byte(doc(cluster)))
	if err != nil {
		t.Fatal(err)
	}
	obj := items[0]
	err = Edit(obj, func(root *yaml.Node) error {
		if _, err := SetString(root, "europe-west1", "spec", "location"); err != nil {
			return err
		}
		_, err := AppendString(root, "gke-node", "spec", "nodeConfig", "tags")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if items[0] != obj {
		t.Fatal("Edit replaced the object in the list")
	}
	want := doc(`
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: c1 # kpt-set: ${cluster-name}
spec:
  # where the cluster runs
  location: europe-west1 # kpt-set: ${region}
  enableShieldedNodes: false
  quoted: "true"
  count: 3
  nodeConfig:
    tags:
    - gke-node
`)
	if diff := cmp.Diff(want, obj.String()); diff != "" {
		t.Errorf("after Edit (-want +got):\n%s", diff)
	}
	// The SDK sees the edit and can keep working on the object.
	if got := obj.GetName(); got != "c1" {
		t.Errorf("name = %q", got)
	}
	if got, _, _ := obj.NestedString("spec", "location"); got != "europe-west1" {
		t.Errorf("spec.location through the SDK = %q", got)
	}
	if got, _, _ := obj.NestedStringSlice("spec", "nodeConfig", "tags"); !cmp.Equal(got, []string{"gke-node"}) {
		t.Errorf("spec.nodeConfig.tags through the SDK = %q", got)
	}
	if comment, _, _ := obj.LineComment("spec", "location"); comment != "# kpt-set: ${region}" {
		t.Errorf("line comment through the SDK = %q", comment)
	}
	if err := obj.SetAnnotation("a", "b"); err != nil {
		t.Fatal(err)
	}
	if got := obj.GetAnnotation("a"); got != "b" {
		t.Errorf("annotation set after Edit = %q", got)
	}
	if got := fn.KubeObjects(items).String(); !strings.Contains(got, "location: europe-west1 # kpt-set: ${region}") {
		t.Errorf("the item list does not show the edit:\n%s", got)
	}
}

func TestEditError(t *testing.T) {
	obj, err := fn.ParseKubeObject([]byte(doc(cluster)))
	if err != nil {
		t.Fatal(err)
	}
	before := obj.String()
	same := obj
	if err := Edit(obj, func(*yaml.Node) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if obj != same {
		t.Fatal("Edit changed the pointer")
	}
	if diff := cmp.Diff(before, obj.String()); diff != "" {
		t.Errorf("a no-op Edit changed the object (-before +after):\n%s", diff)
	}
	boom := errors.New("boom")
	if err := Edit(obj, func(*yaml.Node) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("Edit error = %v, want boom", err)
	}
	if diff := cmp.Diff(before, obj.String()); diff != "" {
		t.Errorf("a failed no-op Edit changed the object (-before +after):\n%s", diff)
	}
	if obj.IsEmpty() || obj.GetKind() != "ContainerCluster" {
		t.Errorf("the object is unusable after a failed Edit: %q", obj.String())
	}
}

// A line comment (a kpt-set marker above all) must stay on its field's line
// when an edit changes the shape of the field's value: yaml.v3 keeps it on
// the key before a block mapping or list, and on the value after `{}`, `[]`
// or a flow list, and writes it elsewhere (on the next field, or so that
// the document breaks) when it sits on the other node.
func TestLineCommentsFollowTheShape(t *testing.T) {
	runEditCases(t, []editCase{
		{
			name: "an empty flow mapping gains a field",
			in: `
spec: {} # kpt-set: ${spec}
other: 1
`,
			op: func(m *yaml.Node) (bool, error) { return SetString(m, "v", "spec", "a") },
			out: `
spec: # kpt-set: ${spec}
  a: v
other: 1
`,
			changed: true,
		},
		{
			name: "a commented tilde gains a field",
			in: `
spec: ~ # keep
other: 1
`,
			op: func(m *yaml.Node) (bool, error) { return SetBool(m, true, "spec", "a") },
			out: `
spec: # keep
  a: true
other: 1
`,
			changed: true,
		},
		{
			name: "a commented null becomes an empty mapping",
			in: `
spec:
  x: # keep
  y: 1
`,
			op: func(m *yaml.Node) (bool, error) { return EnsureMapping(m, "spec", "x") },
			out: `
spec:
  x: {} # keep
  y: 1
`,
			changed: true,
		},
		{
			name: "a commented null becomes a list",
			in: `
spec:
  tags: # kpt-set: ${tags}
  y: 1
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "a", "spec", "tags") },
			out: `
spec:
  tags: # kpt-set: ${tags}
  - a
  y: 1
`,
			changed: true,
		},
		{
			name: "an empty flow list gains an entry",
			in: `
spec:
  tags: [] # kpt-set: ${tags}
  y: 1
`,
			op: func(m *yaml.Node) (bool, error) { return AppendString(m, "a", "spec", "tags") },
			out: `
spec:
  tags: [a] # kpt-set: ${tags}
  y: 1
`,
			changed: true,
		},
		{
			name: "an empty block mapping's parent gains a field",
			in: `
spec:
  x: {} # keep
  y: 1
`,
			op: func(m *yaml.Node) (bool, error) { return SetString(m, "v", "spec", "x", "a", "b") },
			out: `
spec:
  x: # keep
    a:
      b: v
  y: 1
`,
			changed: true,
		},
	})
}

func TestSetNodeCommentPlacement(t *testing.T) {
	for _, tc := range []struct {
		name, in, out string
		node          func() *yaml.Node
	}{
		{
			name: "block list replaced by a flow list",
			in: `
spec:
  cidrBlocks: # kpt-set: ${networks}
  - a
  other: 1
`,
			node: func() *yaml.Node {
				return &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Style: yaml.FlowStyle,
					Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "b"}}}
			},
			out: `
spec:
  cidrBlocks: [b] # kpt-set: ${networks}
  other: 1
`,
		},
		{
			name: "block list replaced by a block list",
			in: `
spec:
  cidrBlocks: # kpt-set: ${networks}
  - a
  other: 1
`,
			node: func() *yaml.Node {
				return &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq,
					Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "b"}}}
			},
			out: `
spec:
  cidrBlocks: # kpt-set: ${networks}
  - b
  other: 1
`,
		},
		{
			name: "null replaced by an empty mapping",
			in: `
spec:
  config: # keep
  other: 1
`,
			node: func() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap} },
			out: `
spec:
  config: {} # keep
  other: 1
`,
		},
		{
			name: "scalar replaced by a scalar",
			in: `
spec:
  config: a # keep
  other: 1
`,
			node: func() *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "b"} },
			out: `
spec:
  config: b # keep
  other: 1
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rn, err := yaml.Parse(doc(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			key := map[bool]string{true: "cidrBlocks", false: "config"}[strings.Contains(tc.in, "cidrBlocks")]
			if err := SetNode(rn.YNode(), tc.node(), "spec", key); err != nil {
				t.Fatal(err)
			}
			got := rn.MustString()
			if diff := cmp.Diff(doc(tc.out), got); diff != "" {
				t.Errorf("SetNode (-want +got):\n%s", diff)
			}
			// What was written reads back with the comment on the field.
			back, err := yaml.Parse(got)
			if err != nil {
				t.Fatalf("the output does not parse: %v\n%s", err, got)
			}
			if diff := cmp.Diff(got, back.MustString()); diff != "" {
				t.Errorf("the output does not round-trip (-first +second):\n%s", diff)
			}
		})
	}
}
