package crdschema

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

func kccSet(t *testing.T) *Set {
	t.Helper()
	start := time.Now()
	set, err := KCC()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d KCC group/version/kinds (load, if first: %v)", set.Len(), time.Since(start))
	return set
}

func parse(t *testing.T, y string) map[string]any {
	t.Helper()
	o, err := fn.ParseKubeObject([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	m, err := toMap(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const firewall = `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata:
  name: allow-webhooks
  annotations:
    cnrm.cloud.google.com/project-id: kf-project
spec:
  networkRef:
    name: kf-net
  direction: INGRESS
  priority: 1000
  sourceRanges:
  - 172.16.0.32/28
  targetTags:
  - kf-node
  allow:
  - protocol: tcp
    ports:
    - "8443"
    - "9443"
`

const roleBinding = `apiVersion: gkehub.cnrm.cloud.google.com/v1alpha1
kind: GKEHubScopeRBACRoleBinding
metadata:
  name: viewers
spec:
  scopeRef:
    name: kf-scope
  role:
    predefinedRole: VIEW
  user: someone@example.com
`

const member = `apiVersion: iam.cnrm.cloud.google.com/v1beta1
kind: IAMPolicyMember
metadata:
  name: viewer
spec:
  resourceRef:
    kind: Project
    external: projects/kf-project
  role: roles/container.viewer
  member: user:someone@example.com
`

func TestValidate(t *testing.T) {
	set := kccSet(t)
	cases := []struct {
		name string
		yaml string
		want []string // substrings that must all appear in the problems; nil: valid
	}{
		{name: "valid firewall", yaml: firewall},
		{
			name: "unknown field",
			yaml: strings.Replace(firewall, "    ports:", "    portz:", 1),
			want: []string{"unknown field spec.allow[0].portz"},
		},
		{
			name: "wrong type",
			yaml: strings.Replace(firewall, "priority: 1000", "priority: high", 1),
			want: []string{"spec.priority", "must be of type integer"},
		},
		{
			name: "missing required field",
			yaml: strings.Replace(firewall, "  networkRef:\n    name: kf-net\n", "", 1),
			want: []string{"spec.networkRef: Required value"},
		},
		{
			// Not a schema error: the KCC CRD lists INGRESS and EGRESS
			// only in the description, so the apiserver accepts SIDEWAYS
			// and the KCC controller fails on it after apply.
			name: "firewall direction is not an enum",
			yaml: strings.Replace(firewall, "direction: INGRESS", "direction: SIDEWAYS", 1),
		},
		{
			name: "enum",
			yaml: strings.Replace(roleBinding, "predefinedRole: VIEW", "predefinedRole: SIDEWAYS", 1),
			want: []string{`spec.role.predefinedRole: Unsupported value: "SIDEWAYS"`},
		},
		{name: "valid role binding", yaml: roleBinding},
		{
			name: "x-kubernetes-validations rule",
			yaml: strings.Replace(roleBinding, "  user: someone@example.com\n", "", 1),
			want: []string{"exactly one of user or group must be specified"},
		},
		{name: "valid IAM member", yaml: member},
		{
			name: "pattern",
			yaml: strings.Replace(member, "roles/container.viewer", "container.viewer", 1),
			want: []string{"spec.role in body should match"},
		},
		{
			name: "oneOf",
			yaml: member + "  memberFrom:\n    serviceAccountRef:\n      name: sa\n",
			want: []string{`"spec" must validate one and only one schema (oneOf)`},
		},
		{
			name: "unknown metadata field",
			yaml: strings.Replace(firewall, "  annotations:", "  labelz: {}\n  annotations:", 1),
			want: []string{"unknown field metadata.labelz"},
		},
		{
			name: "no name",
			yaml: strings.Replace(firewall, "  name: allow-webhooks\n", "", 1),
			want: []string{"metadata.name: Required value"},
		},
		{
			name: "unknown kind",
			yaml: strings.Replace(firewall, "kind: ComputeFirewall", "kind: ComputeFirewal", 1),
			want: []string{"no CRD for compute.cnrm.cloud.google.com/v1beta1, kind ComputeFirewal"},
		},
		{
			name: "container cluster",
			yaml: `apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: kf
spec:
  location: us-central1
  initialNodeCount: 1
  networkRef:
    name: kf-net
  privateClusterConfig:
    enablePrivateNodes: true
    masterIpv4CidrBlock: 172.16.0.32/28
  ipAllocationPolicy:
    clusterSecondaryRangeName: pods
    servicesSecondaryRangeName: services
`,
		},
		{
			name: "dns managed zone",
			yaml: `apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSManagedZone
metadata:
  name: googleapis
spec:
  dnsName: googleapis.com.
  visibility: private
  privateVisibilityConfig:
    networks:
    - networkRef:
        name: kf-net
`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obj := parse(t, c.yaml)
			got := set.Validate(obj)
			if c.want == nil {
				if len(got) > 0 {
					t.Errorf("want valid, got:\n%s", strings.Join(got, "\n"))
				}
				return
			}
			all := strings.Join(got, "\n")
			t.Logf("problems:\n%s", all)
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("want a problem containing %q, got:\n%s", w, all)
				}
			}
		})
	}
}

// Validate must not prune or default the caller's object.
func TestValidateLeavesObjectAlone(t *testing.T) {
	set := kccSet(t)
	obj := parse(t, strings.Replace(firewall, "    ports:", "    portz:", 1))
	set.Validate(obj)
	allow := obj["spec"].(map[string]any)["allow"].([]any)[0].(map[string]any)
	if _, ok := allow["portz"]; !ok {
		t.Error("Validate removed spec.allow[0].portz from its argument")
	}
}

// CheckKCC must fail on an invalid KCC object and skip everything else.
func TestCheckKCC(t *testing.T) {
	bad := strings.Replace(firewall, "priority: 1000", "priority: high", 1)
	other := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nbogus: 1\n"
	for _, c := range []struct {
		yaml string
		fail bool
	}{
		{firewall + "---\n" + other, false},
		{bad, true},
	} {
		rec := &recorder{TB: t}
		CheckKCCYAML(rec, []byte(c.yaml))
		if rec.failed != c.fail {
			t.Errorf("failed = %v, want %v; messages: %q", rec.failed, c.fail, rec.msgs)
		}
		if c.fail && !strings.Contains(strings.Join(rec.msgs, ""), "ComputeFirewall allow-webhooks") {
			t.Errorf("the message does not name the object: %q", rec.msgs)
		}
	}
}

type recorder struct {
	testing.TB
	failed bool
	msgs   []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// The goldens of private-cluster are what users apply: every KCC object in
// them must pass the apiserver's validation.
func TestPrivateClusterGoldens(t *testing.T) {
	files, err := filepath.Glob("../../../functions/privatecluster/testdata/*/expected.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no goldens found")
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			CheckKCCYAML(t, data)
		})
	}
}
