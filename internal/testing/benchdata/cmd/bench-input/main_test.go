package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/podsecuritycheck"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// TestPlainObjects wants the plain stream to hold exactly the ResourceList's
// items, in order and unchanged: kyverno apply must see the objects that
// pod-security-check sees.
func TestPlainObjects(t *testing.T) {
	rl, err := benchdata.Build(benchdata.CorpusPath(), 1)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := plainObjects(rl)
	if err != nil {
		t.Fatal(err)
	}
	list, err := fn.ParseResourceList(rl)
	if err != nil {
		t.Fatal(err)
	}
	objects, err := fn.ParseKubeObjects(plain)
	if err != nil {
		t.Fatalf("the plain stream does not parse: %v", err)
	}
	if len(objects) != len(list.Items) || len(objects) != 503+4 {
		t.Fatalf("%d plain objects, %d items, want 507 of each", len(objects), len(list.Items))
	}
	for i, o := range objects {
		if got, want := o.String(), list.Items[i].String(); got != want {
			t.Fatalf("object %d differs:\n%s\nwant:\n%s", i, got, want)
		}
	}
}

func TestCheckRefusesIgnoredFlags(t *testing.T) {
	for name, o := range map[string]options{
		"plain with config":  {copies: benchdata.Copies, plain: true, config: "bastion"},
		"in with copies":     {copies: 1, in: "input.yaml"},
		"no copies":          {copies: 0},
		"failing with plain": {copies: benchdata.Copies, failing: true, plain: true},
		"failing with in":    {copies: benchdata.Copies, failing: true, in: "psc.out"},
	} {
		if err := o.check(nil); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	if err := (options{copies: benchdata.Copies}).check([]string{"extra"}); err == nil {
		t.Error("an argument: want an error")
	}
	if err := (options{copies: 1, plain: true}).check(nil); err != nil {
		t.Errorf("-copies 1 -plain: %v", err)
	}
}

// TestFailingReadsPodSecurityCheck runs pod-security-check as its binary
// does on stdin (the validator fast path, which appends the results to
// the input as text) and wants each error result's object, once per
// violation, and nothing for the clean Deployment or the info summary.
func TestFailingReadsPodSecurityCheck(t *testing.T) {
	in := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: node-shell
    namespace: apps
  spec:
    hostPID: true
    containers:
    - name: shell
      image: busybox
      securityContext:
        privileged: true
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: apps
  spec:
    template:
      spec:
        containers:
        - name: web
          image: nginx
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: pod-security-check
  data:
    level: baseline
`
	v, err := krmfn.Validate(podsecuritycheck.Processor(), podsecuritycheck.Reads, []byte(in))
	out := slices.Concat(v.Output, v.Results)
	if err == nil {
		t.Fatalf("pod-security-check passed a privileged pod:\n%s", out)
	}
	got, err := failing(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"apps/Pod/node-shell", "apps/Pod/node-shell"}; !slices.Equal(got, want) {
		t.Errorf("failing objects %q, want %q (hostPID and privileged); the output:\n%s", got, want, out)
	}
}

// TestFailingNotation wants -failing to print kyverno apply's
// namespace/Kind/name, one a line, with an empty namespace for a
// cluster-scoped object, for error results only.
func TestFailingNotation(t *testing.T) {
	out := resultsList(`
- message: a cluster-scoped object
  severity: error
  resourceRef: {apiVersion: v1, kind: Namespace, name: apps}
- message: only a warning
  severity: warning
  resourceRef: {apiVersion: v1, kind: Pod, name: a, namespace: apps}
- message: a result without severity is info
  resourceRef: {apiVersion: v1, kind: Pod, name: b, namespace: apps}
- message: a namespaced object
  severity: error
  resourceRef: {apiVersion: apps/v1, kind: Deployment, name: web, namespace: apps}
`)
	var got bytes.Buffer
	if err := printFailing(bytes.NewReader(out), &got); err != nil {
		t.Fatal(err)
	}
	if want := "/Namespace/apps\napps/Deployment/web\n"; got.String() != want {
		t.Errorf("-failing printed %q, want %q", got.String(), want)
	}
}

// TestFailingRefusesRunErrors: an error about the config, or about no
// object, is a failed bench run, not a violation to count.
func TestFailingRefusesRunErrors(t *testing.T) {
	for name, result := range map[string]string{
		"about the config": `
- message: unknown level "basline"
  severity: error
  resourceRef: {apiVersion: v1, kind: ConfigMap, name: pod-security-check}
  field: {path: data.level}
`,
		"about no object": `
- message: unknown level "basline"
  severity: error
`,
	} {
		_, err := failing(resultsList(result))
		if err == nil || !strings.Contains(err.Error(), `unknown level "basline"`) {
			t.Errorf("%s: error %v, want one that quotes the result", name, err)
		}
	}
	if _, err := failing([]byte("kind: ConfigMap\n")); err == nil {
		t.Error("not a ResourceList: want an error")
	}
}

// resultsList is a ResourceList without items, with pod-security-check's
// config and these results.
func resultsList(results string) []byte {
	return []byte(`apiVersion: config.kubernetes.io/v1
kind: ResourceList
items: []
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: pod-security-check
  data:
    level: baseline
results:` + results)
}
