package networkpolicy

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/owned"
)

// HealthCheckPrefix names the allow of a Service's health checks:
// lockdown-allow-health-checks-<service>.
const HealthCheckPrefix = allowPrefix + "health-checks-"

// healthCheckRanges are where Google Cloud's health checks come from
// (gcp.CoreHealthCheckRanges), and an external Ingress's proxies too: for
// the Classic Application Load Balancer of a GKE Ingress, "Health check
// ranges: 35.191.0.0/16, 130.211.0.0/22" and "GFE proxy ranges: Same as
// health check ranges if the backends are instance groups, zonal NEGs
// (GCE_VM_IP_PORT)" (https://cloud.google.com/load-balancing/docs/firewall-rules,
// Read 2026-12-02; the ranges are also listed at
// https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges).
var healthCheckRanges = gcp.CoreHealthCheckRanges

// healthChecks adds, for each Service whose pods a Google Cloud load
// balancer reaches directly (container-native load balancing: facts
// PodPorts), an allow from the health-check ranges on those ports when the
// policies its pods will have drop them: the package's own, and what this
// run generates (a default-deny above all). NetworkPolicies add up, so the
// allow opens those ports to those ranges and nothing else. Services
// whose load balancer reaches the nodes need none: NetworkPolicy does not
// see their probes.
func (g *generator) healthChecks(items fn.KubeObjects) {
	lbs, _ := facts.LoadBalancedServices(items, g.res) // unresolved ports are cluster-firewall's to report
	lbs = slices.DeleteFunc(lbs, func(lb facts.LoadBalanced) bool { return len(lb.PodPorts) == 0 })
	if len(lbs) == 0 {
		return
	}
	theirs := slices.DeleteFunc(slices.Clone(items), func(obj *fn.KubeObject) bool { return ours(obj) || owned.IsLocalConfig(obj) })
	policies := facts.ReadNetworkPolicies(slices.Concat(theirs, g.out), g.res)
	pods := facts.Pods(items, g.res)
	for _, lb := range lbs {
		g.healthCheck(lb, policies, facts.ProbedPods(lb, pods))
	}
}

// healthCheck adds the allow of one Service, if its pods need it.
func (g *generator) healthCheck(lb facts.LoadBalanced, policies []*facts.NetworkPolicy, probed []facts.ProbedPod) {
	svc := lb.Service
	ns, name := svc.GetNamespace(), HealthCheckPrefix+svc.GetName()
	selector, _, _ := svc.NestedStringMap("spec", "selector")
	if len(selector) == 0 {
		g.res.Info(svc, "spec.selector", "Service %s/%s is reached through NEGs but selects no pods (its endpoints are managed by hand), so no allow of its health checks is generated: let %s in to those pods yourself",
			ns, svc.GetName(), rangeList())
		return
	}
	blocked, by := droppedProbes(policies, probed)
	denied := g.deniesIngress(ns)
	if len(blocked) == 0 && !(len(probed) == 0 && denied) {
		return
	}
	why := fmt.Sprintf("Google Cloud's load balancer reaches the pods of Service %s/%s directly (%s) from %s", ns, svc.GetName(), lb.PodPortReasons(), rangeList())
	if len(probed) > 0 {
		why += fmt.Sprintf(", but on tcp %s they are dropped by %s", joinInts(blocked), selectingList(by, probed))
	} else {
		why += fmt.Sprintf(", but they are dropped by %s, which isolates every pod of the namespace (the package holds none of the Service's pods to look at)", DenyIngressName)
	}
	if isSkipped(ns, g.cfg.SkipNamespaces) {
		g.res.Warning(svc, "", "%s; namespace %s is skipped, so %s is not generated: add an ingress rule from ipBlock %s on those ports to a NetworkPolicy selecting them",
			why, ns, name, rangeList())
		return
	}
	if clash := slices.IndexFunc(g.cfg.Allows, func(a Allow) bool { return a.Namespace == ns && allowPrefix+a.Name == name }); clash >= 0 {
		g.res.Error(nil, "", "%s; the allow of these health checks is called %s, which allows[%d] (%s in namespace %s) already takes: rename that allow",
			why, name, clash, g.cfg.Allows[clash].Name, ns)
		return
	}
	g.add(healthCheckAllow(ns, name, selector, lb.PodPorts))
	g.res.Info(svc, "", "%s: %s lets them in (NetworkPolicies add up)", why, name)
}

// deniesIngress tells whether this run writes a default-deny of ingress
// into ns.
func (g *generator) deniesIngress(ns string) bool {
	return slices.ContainsFunc(g.out, func(obj *fn.KubeObject) bool {
		return obj.GetNamespace() == ns && obj.GetName() == DenyIngressName
	})
}

// droppedProbes returns the ports some probed pod does not let every
// health-check range in on, and the names of the policies isolating
// those pods.
func droppedProbes(policies []*facts.NetworkPolicy, probed []facts.ProbedPod) ([]int32, []string) {
	var ports []int32
	var names []string
	for _, p := range probed {
		for _, port := range p.Ports {
			if slices.ContainsFunc(healthCheckRanges, func(r netip.Prefix) bool {
				return !facts.AllowsIngress(policies, p.Pod, r, corev1.ProtocolTCP, port)
			}) {
				ports = append(ports, port)
				for _, np := range facts.Selecting(policies, p.Pod) {
					names = append(names, np.Object.GetName())
				}
			}
		}
	}
	slices.Sort(ports)
	slices.Sort(names)
	return slices.Compact(ports), slices.Compact(names)
}

// healthCheckAllow lets the health-check ranges in to the Service's pods
// on its pod ports, named ports as names (each pod resolves its own).
func healthCheckAllow(ns, name string, selector map[string]string, podPorts []facts.PodPort) *networkingv1.NetworkPolicy {
	np := policy(ns, name, selector, networkingv1.PolicyTypeIngress)
	rule := networkingv1.NetworkPolicyIngressRule{}
	for _, r := range healthCheckRanges {
		rule.From = append(rule.From, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: r.String()}})
	}
	var ports []intstr.IntOrString
	for _, p := range podPorts {
		if !slices.Contains(ports, p.Port) {
			ports = append(ports, p.Port)
		}
	}
	slices.SortFunc(ports, func(a, b intstr.IntOrString) int { // numbers first
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.IntVal, b.IntVal), strings.Compare(a.StrVal, b.StrVal))
	})
	for _, p := range ports {
		rule.Ports = append(rule.Ports, port("TCP", p))
	}
	np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{rule}
	return np
}

// selectingList names the policies and the workloads they select:
// "NetworkPolicy a (selecting Deployment web)".
func selectingList(policies []string, probed []facts.ProbedPod) string {
	names := make([]string, len(probed))
	for i, p := range probed {
		names[i] = p.Pod.Workload.GetKind() + " " + p.Pod.Workload.GetName()
	}
	kind := "NetworkPolicy"
	if len(policies) > 1 {
		kind = "NetworkPolicies"
	}
	return fmt.Sprintf("%s %s (selecting %s)", kind, strings.Join(policies, ", "), strings.Join(names, ", "))
}

func rangeList() string {
	s := make([]string, len(healthCheckRanges))
	for i, r := range healthCheckRanges {
		s[i] = r.String()
	}
	return strings.Join(s, " and ")
}

func joinInts(ports []int32) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ", ")
}
