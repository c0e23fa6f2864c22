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
