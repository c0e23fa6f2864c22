package lint

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// healthChecks is the health-check check. It catches a private cluster
// whose nodes Google Cloud's health checkers (gcp.CoreHealthCheckRanges)
// cannot reach, and a port of a load-balanced Service they cannot reach:
// a load balancer then sees no healthy backend and serves nothing, which
// on a fenced network is what happens unless a rule lets the checkers in.
// The user runs cluster-firewall with the Services in the package (it adds
// the rule and opens the ports it finds), or opens the ports to the
// health-check ranges. Without a load-balanced Service or Ingress in the
// package the missing rule is a warning (Kubeflow's ingress gateway will
// need it); with one, an error.
//
// A load balancer that reaches a Service's pods directly (container-native
// load balancing through NEGs: facts.LoadBalanced.PodPorts) must also get
// past the NetworkPolicies of those pods, whatever the cluster: when the
// policies selecting them let the health-check ranges in on none of those
// ports, the probes pass the VPC firewall and are dropped at the pod
// (blockedAtPods). The user runs network-policy (it writes the allow), or
// adds an ingress rule from ipBlock of both ranges on those ports.
func healthChecks(l *linter) []finding {
	// Ports that cannot be resolved are cluster-firewall's to report: lint
	// checks the ports that can.
	lbs, _ := l.pkg.LoadBalanced()
	var out []finding
	for _, c := range l.privateClusters() {
		if c.NetworkID() == "" {
			out = append(out, infoAt(c.Object, "spec.networkRef", "%s names no network, so its firewall rules cannot be found: health checks not checked", results.Describe(c.Object)))
			continue
		}
		var missing []string
		for _, r := range gcp.CoreHealthCheckRanges {
			if !l.hasIngressAllow(c, r) {
				missing = append(missing, r.String())
			}
		}
		if len(missing) > 0 {
			out = append(out, noHealthCheckRule(c, missing, lbs))
			continue
		}
		for _, lb := range lbs {
			out = append(out, l.blockedHealthPorts(c, lb)...)
		}
	}
	return append(out, l.blockedAtPods(lbs)...)
}

func noHealthCheckRule(c *facts.Cluster, missing []string, lbs []facts.LoadBalanced) finding {
	msg := fmt.Sprintf("no INGRESS allow rule on network %s lets Google Cloud's health checks (%s) reach the nodes of %s, so a load balancer finds no healthy backend: run cluster-firewall (it adds the rule), or allow tcp from %s to the nodes on the ports of the load-balanced Services",
		c.NetworkID().Name(), strings.Join(missing, ", "), results.Describe(c.Object), strings.Join(missing, ", "))
	if len(lbs) == 0 {
		return warningAt(c.Object, "spec.networkRef", "%s (no load-balanced Service or Ingress is in this package yet)", msg)
	}
	names := make([]string, len(lbs))
	for i, lb := range lbs {
		names[i] = lb.Service.GetNamespace() + "/" + lb.Service.GetName()
	}
	return errorAt(c.Object, "spec.networkRef", "%s; load balanced here: %s", msg, strings.Join(names, ", "))
}

// blockedHealthPorts reports the ports of a load-balanced Service that the
// health checks cannot reach on the cluster's nodes.
func (l *linter) blockedHealthPorts(c *facts.Cluster, lb facts.LoadBalanced) []finding {
	var blocked []string
	for _, port := range lb.Ports {
		for _, src := range gcp.CoreHealthCheckRanges {
			if !l.ingressTCP(c, src, int(port)).reaches() {
				blocked = append(blocked, fmt.Sprint(port))
				break
			}
		}
	}
	if len(blocked) == 0 {
		return nil
	}
	return []finding{errorAt(lb.Service, "spec.ports",
		"Service %s/%s is load balanced (%s) and health-checked on tcp %s, but the firewall of %s does not let %s in to the nodes on it: run cluster-firewall with this Service in the package (it opens the ports it finds), or add the ports to the INGRESS allow from the health-check ranges",
		lb.Service.GetNamespace(), lb.Service.GetName(), strings.Join(lb.Reasons, ", "), strings.Join(blocked, ", "),
		results.Describe(c.Object), joinPrefixes(gcp.CoreHealthCheckRanges))}
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " and ")
}

// blockedAtPods reports the Services whose pods a load balancer reaches
// directly but whose NetworkPolicies drop it: for each pod the Service
// selects and each port the load balancer connects to on it, every
// health-check range must be let in (facts.AllowsIngress, the Kubernetes
// semantics: a pod no policy selects takes everything).
func (l *linter) blockedAtPods(lbs []facts.LoadBalanced) []finding {
	lbs = slices.DeleteFunc(slices.Clone(lbs), func(lb facts.LoadBalanced) bool { return len(lb.PodPorts) == 0 })
	if len(lbs) == 0 {
		return nil
	}
	policies := facts.ReadNetworkPolicies(l.items, l.res)
	pods := facts.Pods(l.items, l.res)
	var out []finding
	for _, lb := range lbs {
		if f, blocked := dropsProbes(lb, policies, facts.ProbedPods(lb, pods)); blocked {
			out = append(out, f)
		}
	}
	return out
}

// dropsProbes is the finding about one Service whose pods drop the load
// balancer, if they do.
func dropsProbes(lb facts.LoadBalanced, policies []*facts.NetworkPolicy, probed []facts.ProbedPod) (finding, bool) {
	var ports []int32
	var selecting, workloads []string
	for _, p := range probed {
		for _, port := range p.Ports {
			if !slices.ContainsFunc(gcp.CoreHealthCheckRanges, func(r netip.Prefix) bool {
				return !facts.AllowsIngress(policies, p.Pod, r, corev1.ProtocolTCP, port)
			}) {
				continue
			}
			ports = append(ports, port)
			workloads = append(workloads, p.Pod.Workload.GetKind()+" "+p.Pod.Workload.GetNamespace()+"/"+p.Pod.Workload.GetName())
			for _, np := range facts.Selecting(policies, p.Pod) {
				selecting = append(selecting, np.Object.GetName())
			}
		}
	}
	if len(ports) == 0 {
		return finding{}, false
	}
	ports, selecting, workloads = sortedSet(ports), sortedSet(selecting), sortedSet(workloads)
	svc := lb.Service
	return errorAt(svc, "spec.ports",
		"Service %s/%s is reached by Google Cloud's load balancer on its pods directly (%s), from %s, but on tcp %s it is dropped at the pods by %s (selecting %s), so the load balancer finds no healthy backend: run network-policy (it adds the allow), or add an ingress rule from ipBlock %s on tcp %s to a NetworkPolicy that selects those pods",
		svc.GetNamespace(), svc.GetName(), lb.PodPortReasons(), joinPrefixes(gcp.CoreHealthCheckRanges), joinInts(ports),
		policyList(selecting), strings.Join(workloads, ", "), joinPrefixes(gcp.CoreHealthCheckRanges), joinInts(ports)), true
}

// policyList names the policies: "NetworkPolicy a", "NetworkPolicies a, b".
func policyList(policies []string) string {
	if len(policies) == 1 {
		return "NetworkPolicy " + policies[0]
	}
	return "NetworkPolicies " + strings.Join(policies, ", ")
}

func sortedSet[T cmp.Ordered](s []T) []T {
	slices.Sort(s)
	return slices.Compact(s)
}

func joinInts(ports []int32) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ", ")
}
