package facts

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// In the Kubeflow corpus every Service is ClusterIP and there is no
// Ingress: the one load-balanced Service is Istio's ingress gateway, which
// users expose through a GKE Ingress or a LoadBalancer. Its ports target
// the gateway's container ports 15021 (status), 8080 (http2) and 8443
// (https), checked by hand against the corpus. Knative's
// cluster-local-gateway and knative-local-gateway serve in-cluster traffic
// only and must not count.
func TestLoadBalancedServicesOfKubeflow(t *testing.T) {
	var res results.Collector
	lbs, problems := LoadBalancedServices(readCorpus(t), &res)
	if res.HasErrors() {
		t.Fatalf("reading the corpus: %v", res.Results())
	}
	if len(problems) > 0 {
		t.Errorf("problems: %v", problems)
	}
	type row struct {
		Service string
		Reasons []string
		Ports   []int32
	}
	var got []row
	for _, lb := range lbs {
		got = append(got, row{lb.Service.GetNamespace() + "/" + lb.Service.GetName(), lb.Reasons, lb.Ports})
	}
	want := []row{{"istio-system/istio-ingressgateway", []string{"Istio ingress gateway"}, []int32{8080, 8443, 15021}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{8080, 8443, 15021}, HealthCheckPorts(lbs)); diff != "" {
		t.Errorf("health-check ports (-want +got):\n%s", diff)
	}
}

const servicesInput = `
apiVersion: v1
kind: Service
metadata: {namespace: a, name: lb-cluster}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http, nodePort: 30080}
  - {name: dns, port: 53, protocol: UDP, targetPort: 5353}
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: lb-local}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 32000
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: lb-local-unknown}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  ports: [{port: 8443, targetPort: 9443}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: plain}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: backend}
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8081, nodePort: 30081}
  - {name: admin, port: 9000, targetPort: 9001}
  - {name: grpc, port: 9090, targetPort: nope}
---
apiVersion: v1
kind: Service
metadata:
  namespace: a
  name: neg
  annotations:
    cloud.google.com/neg: '{"exposed_ports": {"8000": {}, "7000": {}}}'
spec:
  selector: {app: web}
  ports:
  - {port: 8000, targetPort: 18000}
  - {port: 8001, targetPort: 18001}
---
apiVersion: v1
kind: Service
metadata:
  namespace: a
  name: bad-neg
  annotations:
    cloud.google.com/neg: '{exposed'
spec:
  ports: [{port: 1}]
---
apiVersion: v1
kind: Service
metadata: {namespace: gw, name: gateway}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: https, port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: Service
metadata: {namespace: gw, name: local-gateway}
spec:
  selector: {istio: cluster-local-gateway}
  ports: [{port: 80, targetPort: 8081}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: a, name: web}
spec:
  defaultBackend: {service: {name: backend, port: {name: http}}}
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: backend, port: {number: 9999}}}
      - path: /gone
        pathType: Prefix
        backend: {service: {name: gone, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: a, name: nginx}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: plain, port: {number: 80}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: a, name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        ports: [{name: http, containerPort: 8088}]
`

func TestLoadBalancedServices(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(servicesInput))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	lbs, problems := LoadBalancedServices(objs, &res)
	if res.HasErrors() {
		t.Fatalf("errors: %v", res.Results())
	}
	type row struct {
		Service string
		Reasons []string
		Ports   []int32
	}
	var got []row
	for _, lb := range lbs {
		got = append(got, row{lb.Service.GetNamespace() + "/" + lb.Service.GetName(), lb.Reasons, lb.Ports})
	}
	want := []row{
		// Only the port the Ingress names (http), by name; the one it
		// names by a number the Service lacks is a problem.
		{"a/backend", []string{"backend of Ingress a/web"}, []int32{8081, 30081}},
		{"a/lb-cluster", []string{"type LoadBalancer"}, []int32{8088, 10256, 30080}},
		{"a/lb-local", []string{"type LoadBalancer"}, []int32{443, 32000}},
		{"a/lb-local-unknown", []string{"type LoadBalancer"}, []int32{9443}},
		{"a/neg", []string{"standalone NEGs (cloud.google.com/neg)"}, []int32{18000}},
		{"gw/gateway", []string{"Istio ingress gateway"}, []int32{8443}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	type problem struct{ Object, Field, Problem string }
	var gotProblems []problem
	for _, p := range problems {
		gotProblems = append(gotProblems, problem{p.Object.GetKind() + "/" + p.Object.GetName(), p.Field, p.Problem})
	}
	// Marking problems come first (annotations, then Ingresses), then the
	// ports of each Service in package order.
	wantProblems := []problem{
		{"Service/bad-neg", "metadata.annotations.cloud.google.com/neg", `not the JSON GKE expects, such as {"exposed_ports": {"80": {}}}: invalid character 'e' looking for beginning of object key string`},
		{"Ingress/web", "spec.rules[0].http.paths[1].backend.service", "Service a/gone is not in the package"},
		{"Service/lb-local-unknown", "spec.healthCheckNodePort", "Service a/lb-local-unknown has externalTrafficPolicy Local, so GKE health-checks the healthCheckNodePort, which is only allocated at apply time unless the Service sets it"},
		{"Service/backend", "spec.ports", "a load balancer is sent to port 9999 of Service a/backend (backend of Ingress a/web), which it does not have"},
		{"Service/neg", "spec.ports", "a load balancer is sent to port 7000 of Service a/neg (standalone NEGs (cloud.google.com/neg)), which it does not have"},
	}
	if diff := cmp.Diff(wantProblems, gotProblems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// A named targetPort that no selected pod declares is a problem, and the
// pods are only decoded when a load-balanced Service needs them.
func TestLoadBalancedUnresolvedNamedPort(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(`
apiVersion: v1
kind: Service
metadata: {namespace: a, name: lb}
spec:
  type: LoadBalancer
  selector: {app: nobody}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: no-selector}
spec:
  type: LoadBalancer
  ports: [{port: 80, targetPort: http}]
`))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	lbs, problems := LoadBalancedServices(objs, &res)
	if len(lbs) != 2 || !cmp.Equal(lbs[0].Ports, []int32{KubeProxyHealthPort}) {
		t.Errorf("services: %+v", lbs)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Field+": "+p.Problem)
	}
	want := []string{
		`spec.ports[0].targetPort: no pod selected by Service a/lb declares a container port named "http"`,
		`spec.ports[0].targetPort: Service a/no-selector has a named targetPort "http" but no selector`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
