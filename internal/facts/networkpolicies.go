package facts

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// NetworkPolicy is a networking.k8s.io/v1 NetworkPolicy of the package,
// read for one question: may traffic from an address range outside the
// cluster (Google Cloud's health checkers) reach a pod on a port?
type NetworkPolicy struct {
	Object *fn.KubeObject
	pods   labels.Selector
	// isolates: the policy is about ingress ("Ingress" in policyTypes, or
	// no policyTypes, which the API server defaults to Ingress).
	isolates bool
	ingress  []ingressRule
}

// ingressRule is one entry of spec.ingress.
type ingressRule struct {
	// anySource: the rule has no from, so it admits every source.
	anySource bool
	// blocks are the ipBlock peers. Pod and namespace selectors match
	// pods of the cluster only, never an address outside it.
	blocks []ipBlock
	ports  []networkingv1.NetworkPolicyPort // empty: every port
}

// ipBlock admits cidr but the except ranges.
type ipBlock struct {
	cidr   netip.Prefix
	except []netip.Prefix
}

// ReadNetworkPolicies reads the package's NetworkPolicies. One the API
// server would refuse (a selector, CIDR or except that does not parse, an
// except outside its CIDR) is an error result naming the field, and is
// left out.
func ReadNetworkPolicies(items fn.KubeObjects, res *results.Collector) []*NetworkPolicy {
	var out []*NetworkPolicy
	for _, obj := range items {
		gvk := obj.GroupVersionKind()
		if gvk.Group != "networking.k8s.io" || gvk.Kind != "NetworkPolicy" {
			continue
		}
		if np, ok := readNetworkPolicy(obj, res); ok {
			out = append(out, np)
		}
	}
	return out
}

func readNetworkPolicy(obj *fn.KubeObject, res *results.Collector) (*NetworkPolicy, bool) {
	var typed networkingv1.NetworkPolicy
	if !decodeWhole(obj, &typed, res) {
		return nil, false
	}
	spec := typed.Spec
	pods, err := metav1.LabelSelectorAsSelector(&spec.PodSelector)
	if err != nil {
		res.Error(obj, "spec.podSelector", "not a valid label selector: %v", err)
		return nil, false
	}
	np := &NetworkPolicy{Object: obj, pods: pods,
		isolates: len(spec.PolicyTypes) == 0 || slices.Contains(spec.PolicyTypes, networkingv1.PolicyTypeIngress)}
	ok := true
	for i, rule := range spec.Ingress {
		r := ingressRule{anySource: len(rule.From) == 0, ports: rule.Ports}
		for j, peer := range rule.From {
			if peer.IPBlock == nil {
				continue
			}
			block, read := readIPBlock(obj, fmt.Sprintf("spec.ingress[%d].from[%d].ipBlock", i, j), peer.IPBlock, res)
			ok = ok && read
			r.blocks = append(r.blocks, block)
		}
		np.ingress = append(np.ingress, r)
	}
	return np, ok
}

func readIPBlock(obj *fn.KubeObject, field string, b *networkingv1.IPBlock, res *results.Collector) (ipBlock, bool) {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		res.Error(obj, field+".cidr", "%q is not a CIDR range such as 130.211.0.0/22", b.CIDR)
		return ipBlock{}, false
	}
	block := ipBlock{cidr: cidr.Masked()}
	for k, e := range b.Except {
		p, err := netip.ParsePrefix(e)
		// "Except values will be rejected if they are outside the cidr
		// range" (k8s.io/api networking/v1, IPBlock.Except).
		if err != nil || p.Bits() < cidr.Bits() || !cidr.Contains(p.Addr()) {
			res.Error(obj, fmt.Sprintf("%s.except[%d]", field, k), "%q is not a CIDR range inside %s", e, b.CIDR)
			return ipBlock{}, false
		}
		block.except = append(block.except, p.Masked())
	}
	return block, true
}

// Pod is a pod the package runs: a Pod, or the template of a workload
// whose pods a Service may select (workloads.Workload.ServiceBackend).
type Pod struct {
	Workload  *fn.KubeObject
	Namespace string
	Labels    map[string]string
	Spec      *corev1.PodSpec
}

// Pods reads the package's pods and pod templates. One that cannot be
// read is an error result and left out.
func Pods(items fn.KubeObjects, res *results.Collector) []Pod {
	var out []Pod
	for _, obj := range items {
		if !servesPods(obj) {
			continue
		}
		if t, ok := readPodTemplate(obj, res); ok {
			out = append(out, Pod{Workload: obj, Namespace: t.namespace, Labels: t.labels, Spec: t.spec})
		}
	}
	return out
}

// containerPorts are the numbers of the pod's container ports called
// name, of protocol.
func (p Pod) containerPorts(name string, protocol corev1.Protocol) []int32 {
	var out []int32
	for _, containers := range [][]corev1.Container{p.Spec.InitContainers, p.Spec.Containers} {
		for _, c := range containers {
			for _, cp := range c.Ports {
				if cp.Name == name && orTCP(cp.Protocol) == protocol {
					out = append(out, cp.ContainerPort)
				}
			}
		}
	}
	return out
}

// resolve gives the numbers of a pod port given as a number or a name.
func (p Pod) resolve(port intstr.IntOrString) []int32 {
	if port.Type == intstr.Int {
		return []int32{port.IntVal}
	}
	return p.containerPorts(port.StrVal, corev1.ProtocolTCP)
}

func orTCP(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// Selecting returns the policies that isolate pod for ingress: in its
// namespace, selecting its labels, and about ingress ("all policies
// (whether or not they contain an ingress section) are assumed to affect
// ingress" unless policyTypes says otherwise: k8s.io/api networking/v1,
// NetworkPolicySpec.PolicyTypes).
func Selecting(policies []*NetworkPolicy, pod Pod) []*NetworkPolicy {
	var out []*NetworkPolicy
	for _, np := range policies {
		if np.isolates && np.Object.GetNamespace() == pod.Namespace && np.pods.Matches(labels.Set(pod.Labels)) {
			out = append(out, np)
		}
	}
	return out
}

// AllowsIngress tells whether the policies let traffic of protocol from
// every address of src in to pod on port. "Traffic is allowed to a pod if
// there are no NetworkPolicies selecting the pod [...] OR if the traffic
// matches at least one ingress rule across all of the NetworkPolicy
// objects whose podSelector matches the pod" (k8s.io/api networking/v1,
// NetworkPolicySpec.Ingress): a rule matches when its ports are empty or
// one matches (admitsPort), and its from is empty or an ipBlock holds the
// address. Pod and namespace selectors select pods, never an address
// outside the cluster such as a health checker's. The source must be
// admitted whole: several rules' blocks may share the range between them.
func AllowsIngress(policies []*NetworkPolicy, pod Pod, src netip.Prefix, protocol corev1.Protocol, port int32) bool {
	selecting := Selecting(policies, pod)
	if len(selecting) == 0 {
		return true
	}
	var blocks []ipBlock
	for _, np := range selecting {
		for _, r := range np.ingress {
			if !r.admitsPort(pod, protocol, port) {
				continue
			}
			if r.anySource {
				return true
			}
			blocks = append(blocks, r.blocks...)
		}
	}
	return covered(src.Masked(), blocks)
}

// admitsPort tells whether the rule lets traffic in to pod on port: no
// ports, or an entry of the protocol (TCP when unset) whose port is absent
// ("matches all port names and numbers"), the number, a range from it to
// endPort ("inclusive"), or "a numerical or named port on a pod": a name
// the pod's container ports give that number (k8s.io/api networking/v1,
// NetworkPolicyPort).
func (r ingressRule) admitsPort(pod Pod, protocol corev1.Protocol, port int32) bool {
	if len(r.ports) == 0 {
		return true
	}
	return slices.ContainsFunc(r.ports, func(p networkingv1.NetworkPolicyPort) bool {
		if p.Protocol != nil && *p.Protocol != protocol || p.Protocol == nil && protocol != corev1.ProtocolTCP {
			return false
		}
		switch {
		case p.Port == nil:
			return true
		case p.Port.Type == intstr.String:
			return slices.Contains(pod.containerPorts(p.Port.StrVal, protocol), port)
		case p.EndPort != nil:
			return p.Port.IntVal <= port && port <= *p.EndPort
		}
		return p.Port.IntVal == port
	})
}

// covered tells whether every address of src is in some block. When no
// block holds src whole, src is halved where a block's edge falls inside
// it, and each half is looked at: if no edge falls inside, every block is
// either apart from src or takes all of it away.
func covered(src netip.Prefix, blocks []ipBlock) bool {
	if slices.ContainsFunc(blocks, func(b ipBlock) bool { return b.holds(src) }) {
		return true
	}
	if src.Bits() >= src.Addr().BitLen() || !slices.ContainsFunc(blocks, func(b ipBlock) bool { return b.cuts(src) }) {
		return false
	}
	lo, hi := halves(src)
	return covered(lo, blocks) && covered(hi, blocks)
}

// holds tells whether the block admits all of p.
func (b ipBlock) holds(p netip.Prefix) bool {
	return b.cidr.Bits() <= p.Bits() && b.cidr.Contains(p.Addr()) && !slices.ContainsFunc(b.except, p.Overlaps)
}

// cuts tells whether an edge of the block falls inside p: its cidr or an
// except is a smaller part of p.
func (b ipBlock) cuts(p netip.Prefix) bool {
	inside := func(q netip.Prefix) bool { return q.Bits() > p.Bits() && p.Overlaps(q) }
	return inside(b.cidr) || slices.ContainsFunc(b.except, inside)
}

// halves splits a masked prefix into its two halves.
func halves(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	bits := p.Bits()
	raw := p.Addr().AsSlice()
	raw[bits/8] |= 0x80 >> (bits % 8)
	upper, _ := netip.AddrFromSlice(raw)
	return netip.PrefixFrom(p.Addr(), bits+1), netip.PrefixFrom(upper, bits+1)
}

// ProbedPod is a pod that a load balancer connects to directly, with the
// ports it connects to.
type ProbedPod struct {
	Pod   Pod
	Ports []int32 // sorted
}

// ProbedPods are the pods of lb that its load balancer reaches directly
// (lb.PodPorts): the pods its selector picks in its namespace, each with
// the port numbers, a named port resolved through the pod's own
// containerPorts (a pod that declares no such port is no endpoint of it).
// A Service without a selector has no pods the package can name.
func ProbedPods(lb LoadBalanced, pods []Pod) []ProbedPod {
	selector, _, _ := lb.Service.NestedStringMap("spec", "selector")
	if len(selector) == 0 || len(lb.PodPorts) == 0 {
		return nil
	}
	selects := labels.SelectorFromSet(selector)
	var out []ProbedPod
	for _, pod := range pods {
		if pod.Namespace != lb.Service.GetNamespace() || !selects.Matches(labels.Set(pod.Labels)) {
			continue
		}
		var ports []int32
		for _, pp := range lb.PodPorts {
			ports = append(ports, pod.resolve(pp.Port)...)
		}
		slices.Sort(ports)
		if ports = slices.Compact(ports); len(ports) > 0 {
			out = append(out, ProbedPod{Pod: pod, Ports: ports})
		}
	}
	return out
}
