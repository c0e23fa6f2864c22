package lint

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// podLayer is a namespace with two versions of a web app whose pods name
// their http port differently, behind a Service with standalone NEGs, and
// a LoadBalancer Service over the same pods (checked on the nodes).
const podLayer = `
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: shop, name: web-v1}
spec:
  template:
    metadata: {labels: {app: web, version: v1}}
    spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: shop, name: web-v2}
spec:
  template:
    metadata: {labels: {app: web, version: v2}}
    spec: {containers: [{name: web, ports: [{name: http, containerPort: 9090}]}]}
---
apiVersion: v1
kind: Service
metadata:
  namespace: shop
  name: web
  annotations: {cloud.google.com/neg: '{"exposed_ports": {"80": {}}}'}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {namespace: shop, name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`

// TestBlockedAtPods checks the pod layer of health-check: only the
// Service whose pods the load balancer reaches, only the ports and
// workloads whose policies drop one of the ranges, every policy that
// selects them named.
func TestBlockedAtPods(t *testing.T) {
	policy := func(name, spec string) string {
		return "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: shop, name: " + name + "}\nspec:\n" + spec
	}
	deny := policy("deny", "  podSelector: {}\n")
	cases := []struct {
		name     string
		policies string
		want     string // "" for no finding; else "ports | policies | workloads"
	}{
		{name: "no policy: pods take everything"},
		{name: "default-deny", policies: deny, want: "8080, 9090 | NetworkPolicy deny | Deployment shop/web-v1, Deployment shop/web-v2"},
		{name: "one range only", policies: deny + policy("hc", "  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 35.191.0.0/16}}]}]\n"),
			want: "8080, 9090 | NetworkPolicies deny, hc | Deployment shop/web-v1, Deployment shop/web-v2"},
		{name: "both ranges on the named port", policies: deny + policy("hc", "  podSelector: {matchLabels: {app: web}}\n  ingress: [{ports: [{port: http}], from: [{ipBlock: {cidr: 35.191.0.0/16}}, {ipBlock: {cidr: 130.211.0.0/22}}]}]\n")},
		{name: "one version's number only", policies: deny + policy("hc", "  podSelector: {}\n  ingress: [{ports: [{port: 8080}], from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]\n"),
			want: "9090 | NetworkPolicies deny, hc | Deployment shop/web-v2"},
		{name: "a namespace selector admits no health checker", policies: policy("mesh", "  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}}]}]\n"),
			want: "8080, 9090 | NetworkPolicy mesh | Deployment shop/web-v1, Deployment shop/web-v2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs, err := fn.ParseKubeObjects([]byte(podLayer + c.policies))
			if err != nil {
				t.Fatal(err)
			}
			var res results.Collector
			l := &linter{items: objs, res: &res}
			lbs, _ := facts.LoadBalancedServices(objs, &res)
			findings := l.blockedAtPods(lbs)
			if res.HasErrors() {
				t.Fatalf("reading: %v", res.Results())
			}
			var got []string
			for _, f := range findings {
				got = append(got, summarizeDrop(t, f))
			}
			var want []string
			if c.want != "" {
				want = []string{"shop/web " + c.want}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// summarizeDrop reads back the Service, ports, policies and workloads of
// a pod-layer finding, and checks it is an error on the Service's ports.
func summarizeDrop(t *testing.T, f finding) string {
	t.Helper()
	if f.severity != fn.Error || f.field != "spec.ports" || f.subject.Ref == nil || f.subject.Ref.Kind != "Service" {
		t.Errorf("finding %+v is not an error on a Service's spec.ports", f)
	}
	between := func(s, from, to string) string {
		_, after, _ := strings.Cut(s, from)
		before, _, _ := strings.Cut(after, to)
		return before
	}
	m := f.message
	return between(m, "Service ", " is reached") + " " + between(m, "but on tcp ", " it is dropped") + " | " +
		between(m, "at the pods by ", " (selecting") + " | " + between(m, "(selecting ", "), so")
}

// The fix is in the message: network-policy, or the rule to write.
func TestBlockedAtPodsSaysWhatToDo(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(podLayer + "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: shop, name: deny}\nspec: {podSelector: {}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	lbs, _ := facts.LoadBalancedServices(objs, &res)
	findings := (&linter{items: objs, res: &res}).blockedAtPods(lbs)
	if len(findings) != 1 {
		t.Fatalf("findings: %v", findings)
	}
	for _, want := range []string{
		"health checks of standalone NEGs (cloud.google.com/neg exposed_ports)",
		"run network-policy",
		"add an ingress rule from ipBlock 130.211.0.0/22 and 35.191.0.0/16 on tcp 8080, 9090 to a NetworkPolicy that selects those pods",
	} {
		if !strings.Contains(findings[0].message, want) {
			t.Errorf("message %q lacks %q", findings[0].message, want)
		}
	}
}
