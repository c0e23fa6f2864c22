package facts

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// web is the pod the evaluator cases ask about: labelled app=web, tier=front
// in namespace a, serving http on 8080 and metrics (UDP) on 9090.
func webPod(t *testing.T) Pod {
	t.Helper()
	var res results.Collector
	pods := Pods(parseObjects(t, `
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: a, name: web}
spec:
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
      - name: web
        ports:
        - {name: http, containerPort: 8080}
        - {name: metrics, containerPort: 9090, protocol: UDP}
`), &res)
	if len(pods) != 1 || res.HasErrors() {
		t.Fatalf("pods %v, results %v", pods, res.Results())
	}
	return pods[0]
}

func TestAllowsIngress(t *testing.T) {
	pod := webPod(t)
	hc := netip.MustParsePrefix("35.191.0.0/16")
	policy := func(spec string) string {
		return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: a, name: p}\nspec:\n" + spec
	}
	denyAll := policy("  podSelector: {}\n  policyTypes: [Ingress]\n")
	cases := []struct {
		name     string
		policies string
		src      string // default hc
		protocol corev1.Protocol
		port     int32 // default 8080
		want     bool
	}{
		{name: "no policy: not isolated", want: true},
		{name: "default-deny", policies: denyAll},
		{name: "policy of another namespace", policies: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: b, name: p}\nspec: {podSelector: {}}\n", want: true},
		{name: "podSelector picks other pods", policies: policy("  podSelector: {matchLabels: {app: db}}\n"), want: true},
		{name: "matchExpressions pick the pod", policies: policy("  podSelector: {matchExpressions: [{key: tier, operator: In, values: [front, back]}]}\n")},
		{name: "no policyTypes means Ingress", policies: policy("  podSelector: {}\n")},
		{name: "egress-only policy does not isolate ingress", policies: policy("  podSelector: {}\n  policyTypes: [Egress]\n"), want: true},
		{name: "rule without from or ports admits all", policies: policy("  podSelector: {}\n  ingress: [{}]\n"), want: true},
		{name: "podSelector peer never matches an outside address", policies: policy("  podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]\n")},
		{name: "namespaceSelector peer never matches an outside address", policies: policy("  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}}]}]\n")},
		{name: "ipBlock of the range", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 35.191.0.0/16}}]}]\n"), want: true},
		{name: "ipBlock written with host bits", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 35.191.7.7/16}}]}]\n"), want: true},
		{name: "ipBlock of everything", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]\n"), want: true},
		{name: "except takes the range out", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [35.191.0.0/16]}}]}]\n")},
		{name: "except takes part of the range out", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [35.191.128.0/17]}}]}]\n")},
		{name: "except elsewhere", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]\n"), want: true},
		{name: "except elsewhere, other range", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [35.191.0.0/16]}}]}]\n"), src: "130.211.0.0/22", want: true},
		{name: "ipBlock of half the range", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 35.191.0.0/17}}]}]\n")},
		{name: "two halves in one rule", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 35.191.0.0/17}}, {ipBlock: {cidr: 35.191.128.0/17}}]}]\n"), want: true},
		{name: "two halves in two policies", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 35.191.0.0/17}}]}]\n") +
			"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: a, name: q}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{ipBlock: {cidr: 35.191.128.0/17}}]}]\n", want: true},
		{name: "a hole that another block fills", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 35.0.0.0/8, except: [35.191.64.0/18]}}, {ipBlock: {cidr: 35.191.64.0/18}}]}]\n"), want: true},
		{name: "IPv6 block does not cover IPv4", policies: policy("  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: '::/0'}}]}]\n")},
		{name: "default-deny plus an allow: policies add up", policies: denyAll + "---\n" + "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: a, name: allow}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{ipBlock: {cidr: 35.191.0.0/16}}]}]\n", want: true},
		{name: "port number matches", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: 8080}], from: [{ipBlock: {cidr: 35.191.0.0/16}}]}]\n"), want: true},
		{name: "port number does not match", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: 8443}]}]\n")},
		{name: "protocol UDP does not match TCP", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: 8080, protocol: UDP}]}]\n")},
		{name: "protocol only: every port", policies: policy("  podSelector: {}\n  ingress: [{ports: [{protocol: TCP}]}]\n"), want: true},
		{name: "endPort range holds the port", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: 8000, endPort: 8080}]}]\n"), want: true},
		{name: "endPort range ends before the port", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: 8000, endPort: 8079}]}]\n")},
		{name: "named port of the pod", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: http}]}]\n"), want: true},
		{name: "named port the pod gives another number", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: http}]}]\n"), port: 8443},
		{name: "named port of another protocol", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: metrics}]}]\n"), port: 9090},
		{name: "UDP named port for UDP traffic", policies: policy("  podSelector: {}\n  ingress: [{ports: [{port: metrics, protocol: UDP}]}]\n"), protocol: corev1.ProtocolUDP, port: 9090, want: true},
		{name: "port and source must match in the same rule", policies: policy("  podSelector: {}\n  ingress:\n  - {ports: [{port: 9999}], from: [{ipBlock: {cidr: 35.191.0.0/16}}]}\n  - {ports: [{port: 8080}], from: [{podSelector: {}}]}\n")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var res results.Collector
			var policies []*NetworkPolicy
			if c.policies != "" {
				policies = ReadNetworkPolicies(parseObjects(t, c.policies), &res)
			}
			if res.HasErrors() {
				t.Fatalf("reading: %v", res.Results())
			}
			src, protocol, port := hc, c.protocol, c.port
			if c.src != "" {
				src = netip.MustParsePrefix(c.src)
			}
			if protocol == "" {
				protocol = corev1.ProtocolTCP
			}
			if port == 0 {
				port = 8080
			}
			if got := AllowsIngress(policies, pod, src, protocol, port); got != c.want {
				t.Errorf("AllowsIngress = %v, want %v", got, c.want)
			}
		})
	}
}

// Selecting names the policies that isolate a pod, the ones a message
// about dropped traffic points at.
func TestSelecting(t *testing.T) {
	var res results.Collector
	policies := ReadNetworkPolicies(parseObjects(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: a, name: all}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: a, name: egress}
spec: {podSelector: {}, policyTypes: [Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: a, name: web}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: a, name: db}
spec: {podSelector: {matchLabels: {app: db}}}
`), &res)
	var got []string
	for _, np := range Selecting(policies, webPod(t)) {
		got = append(got, np.Object.GetName())
	}
	if diff := cmp.Diff([]string{"all", "web"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A policy the API server would refuse is an error naming the field, and
// is left out rather than half read.
func TestReadNetworkPoliciesErrors(t *testing.T) {
	var res results.Collector
	policies := ReadNetworkPolicies(parseObjects(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: a, name: bad-cidr}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {}}, {ipBlock: {cidr: 35.191.0.0}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: a, name: bad-except}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: a, name: bad-selector}
spec:
  podSelector: {matchExpressions: [{key: app, operator: Near}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {namespace: a, name: good}
spec: {podSelector: {}}
---
apiVersion: v1
kind: ConfigMap
metadata: {namespace: a, name: not-a-policy}
`), &res)
	if len(policies) != 1 || policies[0].Object.GetName() != "good" {
		t.Errorf("read %d policies, want only good", len(policies))
	}
	var got []string
	for _, r := range res.Results() {
		got = append(got, r.ResourceRef.Name+" "+r.Field.Path+": "+r.Message)
	}
	want := []string{
		`bad-cidr spec.ingress[0].from[1].ipBlock.cidr: "35.191.0.0" is not a CIDR range such as 130.211.0.0/22`,
		`bad-except spec.ingress[0].from[0].ipBlock.except[0]: "11.0.0.0/16" is not a CIDR range inside 10.0.0.0/8`,
		`bad-selector spec.podSelector: not a valid label selector: "Near" is not a valid label selector operator`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The pods a load balancer reaches are those the Service selects in its
// namespace; a named port is each pod's own number, and a pod without it
// is no endpoint of that port.
func TestProbedPods(t *testing.T) {
	objs := parseObjects(t, `
apiVersion: v1
kind: Service
metadata:
  namespace: a
  name: web
  annotations: {cloud.google.com/neg: '{"exposed_ports": {"80": {}}}'}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: a, name: v1}
spec:
  template:
    metadata: {labels: {app: web, version: v1}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {namespace: a, name: v2}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: a, name: sidecar-only}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: admin, containerPort: 7000}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {namespace: b, name: elsewhere}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: batch/v1
kind: Job
metadata: {namespace: a, name: job}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 1}]}]}
`)
	var res results.Collector
	lbs, problems := LoadBalancedServices(objs, &res)
	if len(lbs) != 1 || len(problems) > 0 || res.HasErrors() {
		t.Fatalf("services %v, problems %v, results %v", lbs, problems, res.Results())
	}
	type row struct {
		Workload string
		Ports    []int32
	}
	var got []row
	for _, p := range ProbedPods(lbs[0], Pods(objs, &res)) {
		got = append(got, row{p.Pod.Workload.GetKind() + "/" + p.Pod.Workload.GetName(), p.Ports})
	}
	want := []row{{"Deployment/v1", []int32{8080}}, {"StatefulSet/v2", []int32{9090}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCovered(t *testing.T) {
	block := func(cidr string, except ...string) ipBlock {
		b := ipBlock{cidr: netip.MustParsePrefix(cidr)}
		for _, e := range except {
			b.except = append(b.except, netip.MustParsePrefix(e))
		}
		return b
	}
	cases := []struct {
		name   string
		src    string
		blocks []ipBlock
		want   bool
	}{
		{"nothing", "130.211.0.0/22", nil, false},
		{"four quarters", "130.211.0.0/22", []ipBlock{block("130.211.0.0/24"), block("130.211.1.0/24"), block("130.211.2.0/24"), block("130.211.3.0/24")}, true},
		{"three quarters", "130.211.0.0/22", []ipBlock{block("130.211.0.0/24"), block("130.211.1.0/24"), block("130.211.3.0/24")}, false},
		{"one address excepted", "130.211.0.0/22", []ipBlock{block("130.0.0.0/8", "130.211.2.9/32")}, false},
		{"one address excepted, then given back", "130.211.0.0/22", []ipBlock{block("130.0.0.0/8", "130.211.2.9/32"), block("130.211.2.9/32")}, true},
		{"a single address", "130.211.2.9/32", []ipBlock{block("130.211.2.9/32")}, true},
	}
	for _, c := range cases {
		if got := covered(netip.MustParsePrefix(c.src), c.blocks); got != c.want {
			t.Errorf("%s: covered = %v, want %v", c.name, got, c.want)
		}
	}
}
