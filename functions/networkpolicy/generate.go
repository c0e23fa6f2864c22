package networkpolicy

import (
	"encoding/json"
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// Names of the generated policies.
const (
	DenyIngressName = "lockdown-default-deny-ingress"
	DenyEgressName  = "lockdown-default-deny-egress"
	AllowDNSName    = "lockdown-allow-dns-egress"
	allowPrefix     = "lockdown-allow-"

	KubeflowGatewayName      = "lockdown-allow-kubeflow-ingress-gateway"
	KubeflowControlPlaneName = "lockdown-allow-kubeflow-control-plane"
	KubeflowSameNamespace    = "lockdown-allow-kubeflow-same-namespace"
)

// namespaceNameLabel is set by the API server on every namespace.
const namespaceNameLabel = corev1.LabelMetadataName

// KubeflowControlPlane are the namespaces whose pods may reach the
// profile namespaces when kubeflowDefaults is on.
var KubeflowControlPlane = []string{"cert-manager", "istio-system", "knative-serving", "kubeflow"}

type generator struct {
	cfg *NetworkPolicyConfig
	res *results.Collector
	out []*fn.KubeObject
}

// namespace adds the default-denies of one namespace, unless the user
// wrote them already.
func (g *generator) namespace(ns string, pkg *pkgFacts) {
	if user := pkg.denies[ns]["Ingress"]; user != nil {
		g.res.Info(user, "", "namespace %s already has a default-deny of ingress (%s): %s is not generated", ns, user.GetName(), DenyIngressName)
	} else {
		g.add(policy(ns, DenyIngressName, nil, networkingv1.PolicyTypeIngress))
	}
	if !g.cfg.DenyEgress {
		return
	}
	if user := pkg.denies[ns]["Egress"]; user != nil {
		g.res.Info(user, "", "namespace %s already has a default-deny of egress (%s): %s is not generated", ns, user.GetName(), DenyEgressName)
	} else {
		g.add(policy(ns, DenyEgressName, nil, networkingv1.PolicyTypeEgress))
	}
	dns := policy(ns, AllowDNSName, nil, networkingv1.PolicyTypeEgress)
	dns.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
		To: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: selector(map[string]string{namespaceNameLabel: "kube-system"}),
			PodSelector:       selector(map[string]string{"k8s-app": "kube-dns"}),
		}},
		Ports: []networkingv1.NetworkPolicyPort{port("UDP", intstr.FromInt32(53)), port("TCP", intstr.FromInt32(53))},
	}}
	g.add(dns)
}

// kubeflow adds, in every profile namespace, the allows Kubeflow needs:
// the ingress gateway, the control plane namespaces, and the pods of the
// namespace itself.
func (g *generator) kubeflow(pkg *pkgFacts, skip []string) {
	for _, p := range pkg.profiles {
		if obj, declared := pkg.namespaces[p.GetName()]; !declared || obj == nil {
			g.res.Info(p, "", "Profile %s: its namespace is created by Kubeflow's profile controller, so it gets no policy here; declare Namespace %s with label %s: %s to fence it at render time",
				p.GetName(), p.GetName(), ProfileLabel, ProfileLabelValue)
		}
	}
	profiles := pkg.profileNamespaces()
	if len(profiles) == 0 {
		g.res.Info(nil, "", "kubeflowDefaults: no Namespace labelled %s: %s in the package, so no Kubeflow allow is generated", ProfileLabel, ProfileLabelValue)
	}
	for _, ns := range profiles {
		if isSkipped(ns, skip) {
			continue
		}
		gw := policy(ns, KubeflowGatewayName, nil, networkingv1.PolicyTypeIngress)
		istio := selector(map[string]string{namespaceNameLabel: "istio-system"})
		gw.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{
			{NamespaceSelector: istio, PodSelector: selector(map[string]string{"app": "istio-ingressgateway"})},
			{NamespaceSelector: istio, PodSelector: selector(map[string]string{"istio": "ingressgateway"})},
		}}}
		g.add(gw)
		cp := policy(ns, KubeflowControlPlaneName, nil, networkingv1.PolicyTypeIngress)
		cp.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: namespaceNameLabel, Operator: metav1.LabelSelectorOpIn, Values: KubeflowControlPlane,
			}}},
		}}}}
		g.add(cp)
		same := policy(ns, KubeflowSameNamespace, nil, networkingv1.PolicyTypeIngress)
		same.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}}}
		g.add(same)
	}
}

// allow adds the policy of one declared allow.
func (g *generator) allow(a Allow) {
	np := policy(a.Namespace, allowPrefix+a.Name, a.PodSelector, networkingv1.PolicyTypeIngress)
	rule := networkingv1.NetworkPolicyIngressRule{}
	for _, p := range a.From {
		pods, namespaces := selector(p.Pods), selector(p.Namespaces)
		switch {
		case pods != nil && namespaces != nil && p.Match == MatchOr:
			rule.From = append(rule.From, networkingv1.NetworkPolicyPeer{PodSelector: pods}, networkingv1.NetworkPolicyPeer{NamespaceSelector: namespaces})
		default:
			rule.From = append(rule.From, networkingv1.NetworkPolicyPeer{PodSelector: pods, NamespaceSelector: namespaces})
		}
	}
	for _, p := range a.Ports {
		protocol := p.Protocol
		if protocol == "" {
			protocol = "TCP"
		}
		rule.Ports = append(rule.Ports, port(protocol, p.Port))
	}
	np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{rule}
	g.add(np)
}

func policy(ns, name string, pods map[string]string, t networkingv1.PolicyType) *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{t}},
	}
	if len(pods) > 0 {
		np.Spec.PodSelector.MatchLabels = pods
	}
	return np
}

// selector matches labels; nil for no labels (no selector at all).
func selector(labels map[string]string) *metav1.LabelSelector {
	if len(labels) == 0 {
		return nil
	}
	return &metav1.LabelSelector{MatchLabels: labels}
}

func port(protocol string, p intstr.IntOrString) networkingv1.NetworkPolicyPort {
	proto := corev1.Protocol(protocol)
	return networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &p}
}

func (g *generator) add(np *networkingv1.NetworkPolicy) {
	obj, err := newObject(np)
	if err != nil {
		g.res.Error(nil, "", "cannot build NetworkPolicy %s/%s: %v", np.Namespace, np.Name, err)
		return
	}
	g.out = append(g.out, obj)
}

// newObject converts a typed object into a KubeObject without the noise of
// its JSON form (metadata.creationTimestamp: null). Unlike kcc.New it keeps
// empty maps: podSelector: {} means every pod, and must stay.
func newObject(typed any) (*fn.KubeObject, error) {
	raw, err := json.Marshal(typed)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if meta, ok := m["metadata"].(map[string]any); ok {
		delete(meta, "creationTimestamp")
	}
	if m["apiVersion"] == nil || m["kind"] == nil {
		return nil, fmt.Errorf("%T has no apiVersion or kind", typed)
	}
	return fn.NewFromTypedObject(m)
}
