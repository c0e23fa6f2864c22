// Package netpol evaluates the NetworkPolicies that network-policy
// generates with a NetworkPolicy engine written elsewhere: the matcher of
// cyclonus (github.com/mattfenwick/cyclonus, the policy model behind SIG
// Network's policy tooling). The function's own tests check the objects
// it writes; these check what the objects let through.
package netpol

import (
	"fmt"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/mattfenwick/cyclonus/pkg/matcher"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/lockdown-krm/lockdown/functions/networkpolicy"
)

// pod is a pod of the scenario: its namespace, the namespace's labels and
// its own.
type pod struct {
	namespace       string
	namespaceLabels map[string]string
	labels          map[string]string
}

// The network-policy guide's scenario: a hello-server in namespace hello,
// and clients in hello and in two other namespaces, one labelled
// team=hello.
var (
	server            = pod{"hello", nil, map[string]string{"app": "hello-server"}}
	helloInHello      = pod{"hello", nil, map[string]string{"app": "hello"}}
	notHelloInHello   = pod{"hello", nil, map[string]string{"app": "not-hello"}}
	helloInTeam       = pod{"team-ns", map[string]string{"team": "hello"}, map[string]string{"app": "hello"}}
	notHelloInTeam    = pod{"team-ns", map[string]string{"team": "hello"}, map[string]string{"app": "not-hello"}}
	helloElsewhere    = pod{"elsewhere", nil, map[string]string{"app": "hello"}}
	notHelloElsewhere = pod{"elsewhere", nil, map[string]string{"app": "not-hello"}}
	clients           = map[string]pod{
		"hello/app=hello": helloInHello, "hello/app=not-hello": notHelloInHello,
		"team-ns/app=hello": helloInTeam, "team-ns/app=not-hello": notHelloInTeam,
		"elsewhere/app=hello": helloElsewhere, "elsewhere/app=not-hello": notHelloElsewhere,
	}
)

// TestHelloServerScenario renders each form of the guide's allow with
// network-policy and asks the engine, for every client, whether it
// reaches the server on 8080; the want lists are the clients that must.
func TestHelloServerScenario(t *testing.T) {
	for _, tc := range []struct {
		name, from string
		want       []string
	}{
		{"pods only: the labelled client of the server's namespace", "[{pods: {app: hello}}]",
			[]string{"hello/app=hello"}},
		{"namespaces only: every pod of a team=hello namespace", "[{namespaces: {team: hello}}]",
			[]string{"team-ns/app=hello", "team-ns/app=not-hello"}},
		{"and: app=hello pods in team=hello namespaces", "[{pods: {app: hello}, namespaces: {team: hello}, match: and}]",
			[]string{"team-ns/app=hello"}},
		{"or: app=hello pods of the server's namespace, or any pod of a team=hello namespace", "[{pods: {app: hello}, namespaces: {team: hello}, match: or}]",
			[]string{"hello/app=hello", "team-ns/app=hello", "team-ns/app=not-hello"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			policy := render(t, "allows:\n    - {name: hello-server, namespace: hello, podSelector: {app: hello-server}, from: "+tc.from+", ports: [{port: 8080}]}\n")
			want := map[string]bool{}
			for _, c := range tc.want {
				want[c] = true
			}
			for name, client := range clients {
				if got := allowed(policy, client, server, 8080); got != want[name] {
					t.Errorf("%s -> hello-server:8080: allowed %v, want %v", name, got, want[name])
				}
			}
			// The allow is for 8080 only: the default-deny keeps every other port.
			for _, name := range tc.want {
				if allowed(policy, clients[name], server, 9090) {
					t.Errorf("%s -> hello-server:9090: allowed, want denied (only 8080 is allowed)", name)
				}
			}
		})
	}
}

// render runs network-policy on the scenario's namespaces with the config
// spec lines given and returns the engine's model of what it wrote.
func render(t *testing.T, spec string) *matcher.Policy {
	t.Helper()
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	for _, ns := range []string{"hello", "team-ns", "elsewhere"} {
		in += fmt.Sprintf("- {apiVersion: v1, kind: Namespace, metadata: {name: %s}}\n", ns)
	}
	in += "functionConfig:\n  apiVersion: fn.lockdown.dev/v1alpha1\n  kind: NetworkPolicyConfig\n  metadata: {name: network-policy}\n  spec:\n    kubeflowDefaults: false\n    " + spec
	out, err := fn.Run(networkpolicy.Processor(), []byte(in))
	if err != nil {
		t.Fatalf("network-policy: %v\n%s", err, out)
	}
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	policies := networkPolicies(t, rl.Items)
	if len(policies) == 0 {
		t.Fatalf("network-policy wrote no NetworkPolicy:\n%s", out)
	}
	return matcher.BuildNetworkPolicies(false, policies)
}

// networkPolicies decodes the NetworkPolicies among items.
func networkPolicies(t *testing.T, items fn.KubeObjects) []*networkingv1.NetworkPolicy {
	t.Helper()
	var out []*networkingv1.NetworkPolicy
	for _, obj := range items {
		if obj.GetKind() != "NetworkPolicy" {
			continue
		}
		var np networkingv1.NetworkPolicy
		if err := obj.As(&np); err != nil {
			t.Fatalf("%s: %v", obj.GetName(), err)
		}
		out = append(out, &np)
	}
	return out
}

// allowed asks the engine whether from reaches to on a TCP port, both the
// sender's egress and the receiver's ingress.
func allowed(policy *matcher.Policy, from, to pod, port int) bool {
	return policy.IsTrafficAllowed(&matcher.Traffic{
		Source:       peer(from, "10.0.1.1"),
		Destination:  peer(to, "10.0.2.2"),
		ResolvedPort: port,
		Protocol:     corev1.ProtocolTCP,
	}).IsAllowed()
}

// peer is a pod as the engine sees it; its namespace carries the
// kubernetes.io/metadata.name label the API server sets, which the
// generated policies select namespaces by.
func peer(p pod, ip string) *matcher.TrafficPeer {
	labels := map[string]string{"kubernetes.io/metadata.name": p.namespace}
	for k, v := range p.namespaceLabels {
		labels[k] = v
	}
	return &matcher.TrafficPeer{IP: ip, Internal: &matcher.InternalPeer{Namespace: p.namespace, NamespaceLabels: labels, PodLabels: p.labels}}
}
