package facts

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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

// podPortsInput has a Service for each way a load balancer reaches pods
// directly, and for the ways it does not.
const podPortsInput = `
apiVersion: v1
kind: Service
metadata:
  namespace: a
  name: standalone
  annotations: {cloud.google.com/neg: '{"exposed_ports": {"80": {}}}'}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}, {name: admin, port: 81, targetPort: 9001}]
---
apiVersion: v1
kind: Service
metadata:
  namespace: a
  name: asked
  annotations:
    cloud.google.com/neg: '{"ingress": true}'
    cloud.google.com/backend-config: '{"default": "hc", "ports": {"grpc": "none"}}'
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: grpc, port: 90}]
---
apiVersion: v1
kind: Service
metadata:
  namespace: a
  name: declined
  annotations: {cloud.google.com/neg: '{"ingress": false}'}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: internal}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: by-default}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {namespace: a, name: passthrough}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30081}]
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {namespace: a, name: hc}
spec: {healthCheck: {port: 15021, requestPath: /healthz/ready}}
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {namespace: a, name: none}
spec: {timeoutSec: 40}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: a, name: ext}
spec:
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: asked, port: {name: http}}}}
      - {path: /g, pathType: Prefix, backend: {service: {name: asked, port: {number: 90}}}}
      - {path: /d, pathType: Prefix, backend: {service: {name: declined, port: {number: 80}}}}
      - {path: /b, pathType: Prefix, backend: {service: {name: by-default, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  namespace: a
  name: int
  annotations: {kubernetes.io/ingress.class: gce-internal}
spec:
  defaultBackend: {service: {name: internal, port: {number: 80}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: a, name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
`

type podPortRow struct {
	Service string
	Ports   []int32
	Pod     []string
}

func podPortRows(lbs []LoadBalanced) []podPortRow {
	var rows []podPortRow
	for _, lb := range lbs {
		row := podPortRow{Service: lb.Service.GetName(), Ports: lb.Ports}
		for _, p := range lb.PodPorts {
			row.Pod = append(row.Pod, fmt.Sprintf("%d>%s %s", p.ServicePort, p.Port.String(), p.Reason))
		}
		rows = append(rows, row)
	}
	return rows
}

func TestPodPorts(t *testing.T) {
	var res results.Collector
	lbs, problems := LoadBalancedServices(parseObjects(t, podPortsInput), &res)
	if len(problems) > 0 || res.HasErrors() {
		t.Fatalf("problems %v, results %v", problems, res.Results())
	}
	noCluster := "GKE's default on VPC-native clusters; no ContainerCluster in the package says otherwise"
	want := []podPortRow{
		// The BackendConfig moves the health check of port 80 to 15021,
		// which the firewall must open too; the proxies still send the
		// traffic to 8080. Port 90's BackendConfig sets no port.
		{"asked", []int32{90, 8080, 15021}, []string{
			`80>8080 traffic of Ingress a/ext's proxies through NEGs (cloud.google.com/neg asks for them with "ingress": true)`,
			`80>15021 health checks of Ingress a/ext through NEGs (cloud.google.com/neg asks for them with "ingress": true)`,
			`90>90 health checks of Ingress a/ext through NEGs (cloud.google.com/neg asks for them with "ingress": true)`,
			`90>90 traffic of Ingress a/ext's proxies through NEGs (cloud.google.com/neg asks for them with "ingress": true)`,
		}},
		{"by-default", []int32{8080}, []string{
			"80>8080 health checks of Ingress a/ext through NEGs (" + noCluster + ")",
			"80>8080 traffic of Ingress a/ext's proxies through NEGs (" + noCluster + ")",
		}},
		// Instance groups: the nodes are checked on the nodePort.
		{"declined", []int32{8080, 30080}, nil},
		// An internal load balancer's proxies are in the proxy-only subnet.
		{"internal", []int32{8080}, []string{"80>8080 health checks of Ingress a/int through NEGs (an internal Ingress always uses them)"}},
		{"passthrough", []int32{8080, 10256, 30081}, nil},
		// Only the exposed port, on the pods' own named port.
		{"standalone", []int32{8080}, []string{"80>http health checks of standalone NEGs (cloud.google.com/neg exposed_ports)"}},
	}
	got := podPortRows(lbs)
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// GKE's NEG default follows the package's clusters: VPC-native, on their
// own project's network and without GKE network policy (Calico) they give
// Ingress backends NEGs; one such cluster is enough.
func TestPodPortsNEGDefault(t *testing.T) {
	service := `
apiVersion: v1
kind: Service
metadata: {namespace: a, name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: a, name: ext}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: infra
  annotations: {cnrm.cloud.google.com/project-id: proj}
`
	cluster := func(name, spec string) string {
		return "---\napiVersion: container.cnrm.cloud.google.com/v1beta1\nkind: ContainerCluster\nmetadata: {namespace: infra, name: " + name +
			"}\nspec:\n  location: us-central1\n" + spec
	}
	vpcNative := cluster("native", "  networkingMode: VPC_NATIVE\n  datapathProvider: ADVANCED_DATAPATH\n  networkRef: {name: net}\n")
	cases := []struct {
		name, clusters, why string
	}{
		{"VPC-native with Dataplane V2", vpcNative, "GKE's default on VPC-native ContainerCluster native"},
		{"networkingMode unset", cluster("unset", "  networkRef: {name: net}\n"), "GKE's default on VPC-native ContainerCluster unset"},
		{"routes-based", cluster("routes", "  networkingMode: ROUTES\n"), ""},
		{"GKE network policy", cluster("calico", "  networkingMode: VPC_NATIVE\n  networkPolicy: {enabled: true, provider: CALICO}\n"), ""},
		{"Shared VPC", cluster("shared", "  networkingMode: VPC_NATIVE\n  networkRef: {external: projects/host/global/networks/shared}\n"), ""},
		{"one of two", cluster("routes", "  networkingMode: ROUTES\n") + vpcNative, "GKE's default on VPC-native ContainerCluster native"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var res results.Collector
			lbs, _ := LoadBalancedServices(parseObjects(t, service+c.clusters), &res)
			if len(lbs) != 1 {
				t.Fatalf("services: %v", lbs)
			}
			var got string
			if len(lbs[0].PodPorts) > 0 {
				got = strings.TrimSuffix(strings.TrimPrefix(lbs[0].PodPorts[0].Reason, "health checks of Ingress a/ext through NEGs ("), ")")
			}
			if got != c.why {
				t.Errorf("reason %q, want %q", got, c.why)
			}
		})
	}
}

// A BackendConfig that is not in the package, or whose port is no port,
// is a problem: the health check's port cannot be known.
func TestPodPortsBackendConfigProblems(t *testing.T) {
	var res results.Collector
	lbs, problems := LoadBalancedServices(parseObjects(t, `
apiVersion: v1
kind: Service
metadata:
  namespace: a
  name: web
  annotations:
    cloud.google.com/neg: '{"ingress": true}'
    cloud.google.com/backend-config: '{"ports": {"80": "gone", "81": "bad"}}'
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}, {port: 81, targetPort: 8081}]
---
apiVersion: v1
kind: Service
metadata:
  namespace: a
  name: garbled
  annotations: {beta.cloud.google.com/backend-config: '{ports'}
spec:
  ports: [{port: 80}]
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {namespace: a, name: bad}
spec: {healthCheck: {port: 70000}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: a, name: ext}
spec:
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /b, pathType: Prefix, backend: {service: {name: web, port: {number: 81}}}}
      - {path: /g, pathType: Prefix, backend: {service: {name: garbled, port: {number: 80}}}}
`), &res)
	var got []string
	for _, p := range problems {
		got = append(got, p.Object.GetName()+" "+p.Field+": "+p.Problem)
	}
	want := []string{
		"web metadata.annotations.cloud.google.com/backend-config: port 80 of Service a/web uses BackendConfig gone, which is not in the package, so a custom health-check port it may set is not known",
		"bad spec.healthCheck.port: BackendConfig a/bad: the health-check port must be a number from 1 to 65535",
		"garbled metadata.annotations.beta.cloud.google.com/backend-config: not the JSON GKE expects, such as {\"default\": \"my-backendconfig\"}: invalid character 'p' looking for beginning of object key string",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// The serving ports stand in for the unknown health-check ports.
	if diff := cmp.Diff([]int32{8080, 8081}, lbs[1].Ports); diff != "" {
		t.Errorf("ports of web (-want +got):\n%s", diff)
	}
}
