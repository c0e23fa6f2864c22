package facts

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// corpus is the rendered Kubeflow install shared by the project's tests.
var corpus = filepath.Join("..", "..", "..", "shared", "corpus", "kubeflow-manifests.yaml")

func readCorpus(t testing.TB) fn.KubeObjects {
	t.Helper()
	data, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatalf("the Kubeflow corpus must sit beside the project (../shared): %v", err)
	}
	objs, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// The ports below were checked by hand against the corpus: cert-manager's
// webhook Service targets the named port "https" (containerPort 10250),
// istiod listens on 15017, Knative's and Katib's webhooks on 8443 (Knative
// through numeric targetPorts, Katib's Service too), Kubeflow's PodDefaults
// webhook on the named port "https-webhook" (4443), and the pvcviewer,
// KServe (named "webhook-server") and Spark operator webhooks on 9443.
func TestWebhookPortsOfKubeflow(t *testing.T) {
	var res results.Collector
	hooks := Webhooks(readCorpus(t), &res)
	if res.HasErrors() {
		t.Fatalf("reading the corpus: %v", res.Results())
	}
	if got, want := len(hooks), 34; got != want {
		t.Errorf("found %d webhook entries calling a Service, want %d", got, want)
	}
	for _, h := range hooks {
		if h.Problem != "" {
			t.Errorf("%s %s: unresolved: %s", h.Config.GetName(), h.Name, h.Problem)
		}
	}
	if diff := cmp.Diff([]int32{4443, 8443, 9443, 10250, 15017}, WebhookPorts(hooks)); diff != "" {
		t.Errorf("webhook ports (-want +got):\n%s", diff)
	}
}

func TestWebhookResolution(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: hooks}
webhooks:
- name: named.example.com
  clientConfig: {service: {namespace: a, name: named, port: 8443}}
- name: default-port.example.com
  clientConfig: {service: {namespace: a, name: plain}}
- name: missing.example.com
  clientConfig: {service: {namespace: a, name: gone}}
- name: unmatched.example.com
  clientConfig: {service: {namespace: a, name: unmatched}}
- name: url.example.com
  clientConfig: {url: https://example.com/hook}
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: named}
spec:
  selector: {app: hook}
  ports: [{port: 8443, targetPort: webhook}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: plain}
spec:
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: unmatched}
spec:
  selector: {app: nobody}
  ports: [{port: 443, targetPort: webhook}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {namespace: a, name: hook}
spec:
  selector: {matchLabels: {app: hook}}
  template:
    metadata: {labels: {app: hook, extra: x}}
    spec:
      containers:
      - name: c
        ports: [{name: webhook, containerPort: 9876}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: b, name: same-labels-other-namespace}
spec:
  selector: {matchLabels: {app: hook}}
  template:
    metadata: {labels: {app: hook}}
    spec:
      containers:
      - name: c
        ports: [{name: webhook, containerPort: 1111}]
`))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	hooks := Webhooks(objs, &res)
	type row struct {
		Name    string
		Ports   []int32
		Problem string
	}
	var got []row
	for _, h := range hooks {
		got = append(got, row{h.Name, h.TargetPorts, h.Problem})
	}
	want := []row{
		{"named.example.com", []int32{9876}, ""},
		{"default-port.example.com", []int32{443}, ""},
		{"missing.example.com", nil, "Service a/gone is not in the package"},
		{"unmatched.example.com", nil, `no pod selected by Service a/unmatched declares a container port named "webhook"`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Named targetPorts resolve through the workload kinds the workloads table
// marks as Service backends, at its paths (a Pod's own metadata and spec);
// a Job's pods are not looked at, and a template that does not decode is
// an error on its field.
func TestWebhookBackendKinds(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(`
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: hooks}
webhooks:
- name: hook.example.com
  clientConfig: {service: {namespace: a, name: hook}}
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: hook}
spec:
  selector: {app: hook}
  ports: [{port: 443, targetPort: webhook}]
---
apiVersion: v1
kind: Pod
metadata: {namespace: a, name: pod, labels: {app: hook}}
spec:
  containers:
  - {name: c, ports: [{name: webhook, containerPort: 7000}]}
---
apiVersion: batch/v1
kind: Job
metadata: {namespace: a, name: job}
spec:
  template:
    metadata: {labels: {app: hook}}
    spec:
      containers:
      - {name: c, ports: [{name: webhook, containerPort: 7001}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {namespace: a, name: broken}
spec:
  template:
    metadata: {labels: {app: hook}}
    spec: {containers: not-a-list}
`))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	hooks := Webhooks(objs, &res)
	if len(hooks) != 1 || hooks[0].Problem != "" {
		t.Fatalf("hooks %+v", hooks)
	}
	if diff := cmp.Diff([]int32{7000}, hooks[0].TargetPorts); diff != "" {
		t.Errorf("target ports (-want +got):\n%s", diff)
	}
	errs := res.Results()
	if len(errs) != 1 || errs[0].Field == nil || errs[0].Field.Path != "spec.template.spec" {
		t.Errorf("want one error on the ReplicaSet's spec.template.spec, got %v", errs)
	}
}
