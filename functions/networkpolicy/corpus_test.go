package networkpolicy

import (
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// TestKubeflowCorpus runs the function on a real rendered Kubeflow install.
// Its 39 NetworkPolicies are allows (default-allow-same-namespace-* have an
// ingress rule from every pod of the namespace; the others select some pods
// or carry rules), so none is an existing default-deny and every namespace
// in use gets one, except kube-system. The set below was checked by hand
// against the corpus: 7 Namespace objects, plus kube-system used by a few
// namespaced objects, and a Profile whose namespace is not declared.
func TestKubeflowCorpus(t *testing.T) {
	items := fntest.KubeflowCorpus(t)
	existing := 0
	for _, obj := range items {
		if obj.GetKind() == "NetworkPolicy" {
			existing++
			if types := defaultDenyTypes(obj); len(types) > 0 {
				t.Errorf("%s/%s counted as a default-deny of %v", obj.GetNamespace(), obj.GetName(), types)
			}
		}
	}
	if existing != 39 {
		t.Errorf("corpus has %d NetworkPolicies, want 39", existing)
	}
	cfg, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: np\ndata:\n  denyEgress: \"true\"\n  kubeflowDefaults: \"true\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: items, FunctionConfig: cfg}
	if ok, err := Processor().Process(rl); !ok || err != nil {
		t.Fatalf("run failed: %v %v", err, rl.Results)
	}
	got := map[string][]string{}
	for _, obj := range rl.Items {
		if ours(obj) {
			got[obj.GetName()] = append(got[obj.GetName()], obj.GetNamespace())
		}
	}
	want := []string{"auth", "cert-manager", "istio-system", "knative-serving", "kubeflow", "kubeflow-system", "oauth2-proxy"}
	for _, name := range []string{DenyIngressName, DenyEgressName, AllowDNSName} {
		ns := got[name]
		slices.Sort(ns)
		if !slices.Equal(ns, want) {
			t.Errorf("%s in %v, want %v", name, ns, want)
		}
	}
	if len(got) != 3 {
		t.Errorf("generated %v, want only the default-denies and the DNS allow (no profile Namespace in the corpus)", got)
	}
	var profileInfo bool
	for _, r := range rl.Results {
		if strings.Contains(r.Message, "already has a default-deny") {
			t.Errorf("unexpected: %s", r.Message)
		}
		profileInfo = profileInfo || strings.Contains(r.Message, "Profile kubeflow-user-example-com")
	}
	if !profileInfo {
		t.Errorf("no info about the Profile's undeclared namespace: %v", rl.Results)
	}
}

// TestKubeflowCorpusBehindIngress puts the corpus's ingress gateway behind
// a GKE Ingress, as users expose Kubeflow. No cluster is in the package,
// so GKE's default holds and the load balancer reaches the gateway's pods
// through NEGs, on 8080 (its health check, without a BackendConfig, and
// its proxies' traffic). Kubeflow's own policies in istio-system admit
// only the namespace's pods and Knative there, and the default-deny the
// rest: the allow opens 8080 to the health-check ranges, and nothing else
// changes.
func TestKubeflowCorpusBehindIngress(t *testing.T) {
	ingress, err := fn.ParseKubeObject([]byte(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: kubeflow, namespace: istio-system}
spec:
  defaultBackend: {service: {name: istio-ingressgateway, port: {number: 80}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: np\n"))
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: append(fntest.KubeflowCorpus(t), ingress), FunctionConfig: cfg}
	if ok, err := Processor().Process(rl); !ok || err != nil {
		t.Fatalf("run failed: %v %v", err, rl.Results)
	}
	var allows []*fn.KubeObject
	for _, obj := range rl.Items {
		if ours(obj) && strings.HasPrefix(obj.GetName(), HealthCheckPrefix) {
			allows = append(allows, obj)
		}
	}
	if len(allows) != 1 || allows[0].GetNamespace() != "istio-system" || allows[0].GetName() != HealthCheckPrefix+"istio-ingressgateway" {
		t.Fatalf("health-check allows: %v", allows)
	}
	rules, _, _ := allows[0].NestedSlice("spec", "ingress")
	if len(rules) != 1 {
		t.Fatalf("rules %v, want one", rules)
	}
	ports, _, _ := rules[0].NestedSlice("ports")
	if len(ports) != 1 {
		t.Fatalf("ports %v, want 8080 only", ports)
	}
	if port, _, _ := ports[0].NestedInt64("port"); port != 8080 {
		t.Errorf("port %d, want 8080", port)
	}
}
