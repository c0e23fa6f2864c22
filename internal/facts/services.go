package facts

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// KubeProxyHealthPort is the node port on which GKE answers the health
// checks of a LoadBalancer Service with externalTrafficPolicy Cluster
// (kube-proxy's healthz, which Dataplane V2 serves too).
const KubeProxyHealthPort = 10256

// Istio's ingress gateway pods carry istio=ingressgateway (Kubeflow's
// Gateway selects them by it). Other Istio gateways, such as Knative's
// cluster-local-gateway, serve traffic from inside the cluster only.
const (
	istioLabel          = "istio"
	istioIngressGateway = "ingressgateway"
	// NEGAnnotation asks GKE for standalone network endpoint groups on the
	// Service ports listed under "exposed_ports".
	NEGAnnotation = "cloud.google.com/neg"
	// IngressClassAnnotation picks the controller of an Ingress.
	IngressClassAnnotation = "kubernetes.io/ingress.class"
)

// LoadBalanced is a Service that a Google Cloud load balancer reaches from
// its health-check ranges (130.211.0.0/22, 35.191.0.0/16): a LoadBalancer
// Service, a backend of a GKE Ingress, a Service with standalone NEGs, or
// Istio's ingress gateway, which users put behind one of those.
type LoadBalanced struct {
	Service *fn.KubeObject
	// Reasons say why it counts, e.g. "type LoadBalancer".
	Reasons []string
	// Ports are the TCP ports health checks (and a proxy load balancer's
	// traffic) connect to, sorted: the container ports behind the Service
	// ports (container-native load balancing through NEGs, the default for
	// GKE Ingress on VPC-native clusters), the nodePorts it declares
	// (instance-group backends), and for type LoadBalancer the node's
	// health-check port.
	Ports []int32
}

// PortProblem is a port of a load-balanced Service that could not be
// found, with the object and field to look at.
type PortProblem struct {
	Object  *fn.KubeObject // the Service or Ingress
	Field   string         // e.g. spec.ports[1].targetPort
	Problem string
}

// HealthCheckPorts is the sorted set of the Services' ports.
func HealthCheckPorts(services []LoadBalanced) []int32 {
	var ports []int32
	for _, s := range services {
		ports = append(ports, s.Ports...)
	}
	slices.Sort(ports)
	return slices.Compact(ports)
}

// serviceScan is what LoadBalancedServices gathers in one pass over items.
type serviceScan struct {
	services  map[Key]*fn.KubeObject
	order     []Key
	ingresses []*fn.KubeObject
	workloads fn.KubeObjects // decoded only when a named targetPort needs them
	pods      []podTemplate
	decoded   bool
	targets   map[Key]*lbTarget
	problems  []PortProblem
	res       *results.Collector
}

// lbTarget is a Service found to be load balanced, and which of its ports:
// all, or the ones an Ingress backend or the NEG annotation names.
type lbTarget struct {
	reasons  []string
	allPorts bool
	portRefs []networkingv1.ServiceBackendPort
}

// LoadBalancedServices finds the package's load-balanced Services and the
// ports health checks reach them on, sorted by namespace and name. Named
// targetPorts are resolved through the containerPorts of the pods the
// Service selects, as for webhooks; what cannot be resolved is returned as
// a problem, not guessed. Only TCP Service ports count: GKE checks UDP
// Services through the node's health-check port.
func LoadBalancedServices(items fn.KubeObjects, res *results.Collector) ([]LoadBalanced, []PortProblem) {
	s := &serviceScan{services: map[Key]*fn.KubeObject{}, targets: map[Key]*lbTarget{}, res: res}
	for _, obj := range items {
		s.add(obj)
	}
	for _, key := range s.order {
		s.markService(key)
	}
	for _, ing := range s.ingresses {
		s.markBackends(ing)
	}
	var out []LoadBalanced
	for _, key := range s.order {
		if t, ok := s.targets[key]; ok {
			if lb, ok := s.resolve(s.services[key], t); ok {
				out = append(out, lb)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b LoadBalanced) int {
		return strings.Compare(a.Service.GetNamespace()+"/"+a.Service.GetName(), b.Service.GetNamespace()+"/"+b.Service.GetName())
	})
	return out, s.problems
}

func (s *serviceScan) add(obj *fn.KubeObject) {
	switch gvk := obj.GroupVersionKind(); {
	case gvk.Group == "" && gvk.Kind == "Service":
		key := keyOf(obj)
		if _, dup := s.services[key]; !dup {
			s.order = append(s.order, key)
		}
		s.services[key] = obj
	case gvk.Group == "networking.k8s.io" && gvk.Kind == "Ingress":
		s.ingresses = append(s.ingresses, obj)
	case servesPods(obj):
		s.workloads = append(s.workloads, obj)
	}
}

// target returns the entry of a load-balanced Service, adding it.
func (s *serviceScan) target(key Key, reason string) *lbTarget {
	t := s.targets[key]
	if t == nil {
		t = &lbTarget{}
		s.targets[key] = t
	}
	if !slices.Contains(t.reasons, reason) {
		t.reasons = append(t.reasons, reason)
	}
	return t
}

// markService looks at the Service's type, selector and annotations, which
// need no decoding of the whole Service: most Services are not load balanced.
func (s *serviceScan) markService(key Key) {
	svc := s.services[key]
	if t, _, _ := svc.NestedString("spec", "type"); t == string(corev1.ServiceTypeLoadBalancer) {
		s.target(key, "type LoadBalancer").allPorts = true
	}
	if v, _, _ := svc.NestedString("spec", "selector", istioLabel); v == istioIngressGateway {
		s.target(key, "Istio ingress gateway").allPorts = true
	}
	if neg := svc.GetAnnotation(NEGAnnotation); neg != "" {
		s.markNEGPorts(key, neg)
	}
}

// markNEGPorts reads the NEG annotation's exposed_ports, the Service ports
// a load balancer outside GKE's control reaches through standalone NEGs.
// {"ingress": true} alone only serves an Ingress, which is looked at there.
func (s *serviceScan) markNEGPorts(key Key, value string) {
	var neg struct {
		ExposedPorts map[string]json.RawMessage `json:"exposed_ports"`
	}
	if err := json.Unmarshal([]byte(value), &neg); err != nil {
		s.problems = append(s.problems, PortProblem{s.services[key], "metadata.annotations." + NEGAnnotation,
			fmt.Sprintf("not the JSON GKE expects, such as {\"exposed_ports\": {\"80\": {}}}: %v", err)})
		return
	}
	for _, port := range slices.Sorted(maps.Keys(neg.ExposedPorts)) {
		n, err := strconv.ParseInt(port, 10, 32)
		if err != nil {
			s.problems = append(s.problems, PortProblem{s.services[key], "metadata.annotations." + NEGAnnotation,
				fmt.Sprintf("exposed port %q is not a port number", port)})
			continue
		}
		t := s.target(key, "standalone NEGs ("+NEGAnnotation+")")
		t.portRefs = append(t.portRefs, networkingv1.ServiceBackendPort{Number: int32(n)})
	}
}

// isGCEIngress tells whether GKE's Ingress controller serves ing: no class
// (GKE's default) or one of the gce classes.
func isGCEIngress(ing *networkingv1.Ingress) bool {
	class := ing.Annotations[IngressClassAnnotation]
	if class == "" && ing.Spec.IngressClassName != nil {
		class = *ing.Spec.IngressClassName
	}
	return class == "" || class == "gce" || class == "gce-internal"
}

// markBackends marks the Services a GKE Ingress routes to.
func (s *serviceScan) markBackends(obj *fn.KubeObject) {
	var ing networkingv1.Ingress
	if !decodeWhole(obj, &ing, s.res) || !isGCEIngress(&ing) {
		return
	}
	reason := fmt.Sprintf("backend of Ingress %s/%s", obj.GetNamespace(), obj.GetName())
	visit := func(b *networkingv1.IngressBackend, field string) {
		if b == nil || b.Service == nil {
			return
		}
		key := Key{Kind: "Service", Namespace: obj.GetNamespace(), Name: b.Service.Name}
		if _, ok := s.services[key]; !ok {
			s.problems = append(s.problems, PortProblem{obj, field,
				fmt.Sprintf("Service %s/%s is not in the package", key.Namespace, key.Name)})
			return
		}
		t := s.target(key, reason)
		t.portRefs = append(t.portRefs, b.Service.Port)
	}
	visit(ing.Spec.DefaultBackend, "spec.defaultBackend.service")
	for i, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			continue
		}
		for j := range rule.HTTP.Paths {
			visit(&rule.HTTP.Paths[j].Backend, fmt.Sprintf("spec.rules[%d].http.paths[%d].backend.service", i, j))
		}
	}
}

// resolve finds the ports of one load-balanced Service.
func (s *serviceScan) resolve(obj *fn.KubeObject, t *lbTarget) (LoadBalanced, bool) {
	var svc corev1.Service
	if !decodeWhole(obj, &svc, s.res) {
		return LoadBalanced{}, false
	}
	lb := LoadBalanced{Service: obj, Reasons: t.reasons}
	for i, p := range svc.Spec.Ports {
		if (!t.allPorts && !t.selects(p)) || (p.Protocol != "" && p.Protocol != corev1.ProtocolTCP) {
			continue
		}
		lb.Ports = append(lb.Ports, s.targetPorts(&svc, i)...)
		if p.NodePort != 0 && (svc.Spec.Type == corev1.ServiceTypeNodePort || svc.Spec.Type == corev1.ServiceTypeLoadBalancer) {
			lb.Ports = append(lb.Ports, p.NodePort)
		}
	}
	s.checkPortRefs(obj, &svc, t)
	if svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
		lb.Ports = append(lb.Ports, s.nodeHealthPort(obj, &svc)...)
	}
	slices.Sort(lb.Ports)
	lb.Ports = slices.Compact(lb.Ports)
	return lb, true
}

// refers tells whether a backend port reference names Service port p.
func refers(r networkingv1.ServiceBackendPort, p corev1.ServicePort) bool {
	if r.Name != "" {
		return r.Name == p.Name
	}
	return r.Number == p.Port
}

// selects tells whether an Ingress backend or exposed NEG names port p.
func (t *lbTarget) selects(p corev1.ServicePort) bool {
	return slices.ContainsFunc(t.portRefs, func(r networkingv1.ServiceBackendPort) bool { return refers(r, p) })
}

// checkPortRefs reports references to ports the Service does not have.
func (s *serviceScan) checkPortRefs(obj *fn.KubeObject, svc *corev1.Service, t *lbTarget) {
	for _, r := range t.portRefs {
		if slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return refers(r, p) }) {
			continue
		}
		port := r.Name
		if port == "" {
			port = strconv.Itoa(int(r.Number))
		}
		s.problems = append(s.problems, PortProblem{obj, "spec.ports",
			fmt.Sprintf("a load balancer is sent to port %s of Service %s/%s (%s), which it does not have",
				port, svc.Namespace, svc.Name, strings.Join(t.reasons, ", "))})
	}
}

// targetPorts returns the container ports behind Service port i.
func (s *serviceScan) targetPorts(svc *corev1.Service, i int) []int32 {
	p := svc.Spec.Ports[i]
	switch {
	case p.TargetPort.Type == intstr.Int && p.TargetPort.IntVal == 0:
		return []int32{p.Port} // no targetPort: the pods listen on the Service port
	case p.TargetPort.Type == intstr.Int:
		return []int32{p.TargetPort.IntVal}
	}
	obj := s.services[Key{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}]
	field := fmt.Sprintf("spec.ports[%d].targetPort", i)
	if len(svc.Spec.Selector) == 0 {
		s.problems = append(s.problems, PortProblem{obj, field,
			fmt.Sprintf("Service %s/%s has a named targetPort %q but no selector", svc.Namespace, svc.Name, p.TargetPort.StrVal)})
		return nil
	}
	selector := labels.SelectorFromSet(svc.Spec.Selector)
	var found []int32
	for _, pod := range s.podTemplates() {
		if pod.namespace == svc.Namespace && selector.Matches(labels.Set(pod.labels)) {
			found = append(found, namedPorts(pod.spec, p.TargetPort.StrVal)...)
		}
	}
	if len(found) == 0 {
		s.problems = append(s.problems, PortProblem{obj, field,
			fmt.Sprintf("no pod selected by Service %s/%s declares a container port named %q", svc.Namespace, svc.Name, p.TargetPort.StrVal)})
	}
	return found
}

// nodeHealthPort is the node port GKE health-checks a LoadBalancer Service
// on: kube-proxy's for externalTrafficPolicy Cluster, the Service's
// healthCheckNodePort for Local.
func (s *serviceScan) nodeHealthPort(obj *fn.KubeObject, svc *corev1.Service) []int32 {
	switch {
	case svc.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal:
		return []int32{KubeProxyHealthPort}
	case svc.Spec.HealthCheckNodePort != 0:
		return []int32{svc.Spec.HealthCheckNodePort}
	}
	s.problems = append(s.problems, PortProblem{obj, "spec.healthCheckNodePort",
		fmt.Sprintf("Service %s/%s has externalTrafficPolicy Local, so GKE health-checks the healthCheckNodePort, which is only allocated at apply time unless the Service sets it", svc.Namespace, svc.Name)})
	return nil
}

// podTemplates decodes the package's pods and pod templates on first use.
func (s *serviceScan) podTemplates() []podTemplate {
	if s.decoded {
		return s.pods
	}
	s.decoded = true
	for _, obj := range s.workloads {
		if t, ok := readPodTemplate(obj, s.res); ok {
			s.pods = append(s.pods, t)
		}
	}
	return s.pods
}
