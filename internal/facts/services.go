package facts

import (
	"cmp"
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
	// BackendConfigAnnotation names the BackendConfigs of a Service's
	// ports (betaBackendConfigAnnotation is its older spelling).
	BackendConfigAnnotation     = "cloud.google.com/backend-config"
	betaBackendConfigAnnotation = "beta.cloud.google.com/backend-config"
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
	// health-check port. A BackendConfig's custom health-check port is
	// among them.
	Ports []int32
	// PodPorts are the ports on which Google Cloud's load balancer
	// connects to the Service's pods themselves (container-native load
	// balancing), from the health-check ranges; sorted by Service port,
	// then pod port and reason. Empty when it connects to the nodes only.
	PodPorts []PodPort
}

// PodPort is a port of a load-balanced Service's pods that the load
// balancer reaches directly, without the nodes in between.
//
// "Container-native load balancing uses GCE_VM_IP_PORT network endpoint
// groups (NEGs). The endpoints of the NEG are Pod IP addresses." and
// "Without container-native load balancing, load balancer traffic travels
// to the node instance groups and gets routed using iptables rules to
// Pods" (https://cloud.google.com/kubernetes-engine/docs/concepts/container-native-load-balancing,
// Read 2026-12-02): so NetworkPolicies, which act at the pods, see the
// probes of NEG backends only. A passthrough LoadBalancer Service is
// checked on its nodes ("spec.externalTrafficPolicy: Controls which node
// VMs pass load balancer health checks",
// https://cloud.google.com/kubernetes-engine/docs/how-to/service-parameters,
// Read 2026-12-02), which is what Ports says.
type PodPort struct {
	// ServicePort is the Service port served through NEGs.
	ServicePort int32
	// Port is the pod's port: a number, or the name of a container port,
	// which each selected pod resolves to its own number.
	Port intstr.IntOrString
	// Reason says what connects and why it reaches the pods.
	Reason string
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
	items     fn.KubeObjects
	services  map[Key]*fn.KubeObject
	order     []Key
	ingresses []*fn.KubeObject
	workloads fn.KubeObjects // decoded only when a named targetPort needs them
	pods      []podTemplate
	decoded   bool
	targets   map[Key]*lbTarget
	problems  []PortProblem
	res       *results.Collector

	// backendConfigs are the package's BackendConfigs; negIngress holds
	// the "ingress" field of each Service's NEG annotation, when given.
	backendConfigs map[Key]*fn.KubeObject
	negIngress     map[Key]bool
	clusters       fn.KubeObjects // the ContainerClusters, for GKE's NEG default
	negDefault     Lazy[negDefault]
}

// lbTarget is a Service found to be load balanced, and which of its ports:
// all, or the ones an Ingress backend or the NEG annotation names.
type lbTarget struct {
	reasons  []string
	allPorts bool
	portRefs []networkingv1.ServiceBackendPort
	// ingressRefs are the ports an Ingress names (also in portRefs): GKE
	// makes their health checks, which a BackendConfig customizes.
	ingressRefs []networkingv1.ServiceBackendPort
	// podRefs are the ports served through NEGs.
	podRefs []podRef
}

// podRef is a Service port a load balancer reaches on the pods.
type podRef struct {
	port networkingv1.ServiceBackendPort
	// source names the load balancer, e.g. "Ingress a/web"; via is how it
	// reaches the pods (" through NEGs", or "" when source says so); why
	// says why it uses NEGs.
	source, via, why string
	// ingress: GKE's Ingress controller makes the health check, so a
	// BackendConfig may move it to another port.
	ingress bool
	// proxied: the load balancer's proxies (Google Front Ends) also send
	// the traffic itself from the health-check ranges. For the Classic
	// Application Load Balancer an external GKE Ingress makes, the table
	// of https://cloud.google.com/load-balancing/docs/firewall-rules (Read
	// 2026-12-02) gives "Health check ranges: 35.191.0.0/16,
	// 130.211.0.0/22" and "GFE proxy ranges: Same as health check ranges
	// if the backends are instance groups, zonal NEGs (GCE_VM_IP_PORT)".
	// An internal Application Load Balancer's proxies are in the
	// proxy-only subnet instead ("traffic from the load balancer to the
	// backends is then sent from IP addresses in the proxy-only subnet",
	// same page), which the package does not hold.
	proxied bool
}

// LoadBalancedServices finds the package's load-balanced Services and the
// ports health checks reach them on, sorted by namespace and name. Named
// targetPorts are resolved through the containerPorts of the pods the
// Service selects, as for webhooks; what cannot be resolved is returned as
// a problem, not guessed. Only TCP Service ports count: GKE checks UDP
// Services through the node's health-check port.
func LoadBalancedServices(items fn.KubeObjects, res *results.Collector) ([]LoadBalanced, []PortProblem) {
	s := &serviceScan{items: items, services: map[Key]*fn.KubeObject{}, targets: map[Key]*lbTarget{}, res: res,
		backendConfigs: map[Key]*fn.KubeObject{}, negIngress: map[Key]bool{}}
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
	case gvk.Group == "cloud.google.com" && gvk.Kind == "BackendConfig":
		s.backendConfigs[keyOf(obj)] = obj
	case gvk.Group == "container.cnrm.cloud.google.com" && gvk.Kind == KindCluster:
		s.clusters = append(s.clusters, obj)
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

// markNEGPorts reads the NEG annotation: exposed_ports are the Service
// ports a load balancer outside GKE's control reaches through standalone
// NEGs, and "ingress" says whether an Ingress reaches the Service through
// NEGs, which is looked at with the Ingress. The format is GKE's Ingress
// controller's: "To enable, must have either Ingress: true or a non-empty
// ExposedPorts map", "ingress" defaulting to false
// (https://github.com/kubernetes/ingress-gce/blob/master/pkg/annotations/service.go,
// NEGAnnotationKey and NegAnnotation, Read 2026-12-02).
func (s *serviceScan) markNEGPorts(key Key, value string) {
	var neg struct {
		Ingress      *bool                      `json:"ingress"`
		ExposedPorts map[string]json.RawMessage `json:"exposed_ports"`
	}
	if err := json.Unmarshal([]byte(value), &neg); err != nil {
		s.problems = append(s.problems, PortProblem{s.services[key], "metadata.annotations." + NEGAnnotation,
			fmt.Sprintf("not the JSON GKE expects, such as {\"exposed_ports\": {\"80\": {}}}: %v", err)})
		return
	}
	if neg.Ingress != nil {
		s.negIngress[key] = *neg.Ingress
	}
	for _, port := range slices.Sorted(maps.Keys(neg.ExposedPorts)) {
		n, err := strconv.ParseInt(port, 10, 32)
		if err != nil {
			s.problems = append(s.problems, PortProblem{s.services[key], "metadata.annotations." + NEGAnnotation,
				fmt.Sprintf("exposed port %q is not a port number", port)})
			continue
		}
		ref := networkingv1.ServiceBackendPort{Number: int32(n)}
		t := s.target(key, "standalone NEGs ("+NEGAnnotation+")")
		t.portRefs = append(t.portRefs, ref)
		// The user's own load balancer: its health check and the source
		// of its traffic are not in the package. GKE's NEG endpoints are
		// "a Pod IP address and container port"
		// (https://cloud.google.com/load-balancing/docs/negs/zonal-neg-concepts,
		// Read 2026-12-02): a check on the serving port probes the pod's
		// targetPort, which is what lockdown assumes.
		t.podRefs = append(t.podRefs, podRef{port: ref, source: "standalone NEGs", why: NEGAnnotation + " exposed_ports"})
	}
}

// isGCEIngress tells whether GKE's Ingress controller serves ing: no class
// (GKE's default) or one of the gce classes.
func isGCEIngress(ing *networkingv1.Ingress) bool {
	class := ingressClass(ing)
	return class == "" || class == "gce" || class == gceInternalClass
}

// gceInternalClass is the class of GKE's internal Application Load
// Balancer Ingress.
const gceInternalClass = "gce-internal"

func ingressClass(ing *networkingv1.Ingress) string {
	class := ing.Annotations[IngressClassAnnotation]
	if class == "" && ing.Spec.IngressClassName != nil {
		class = *ing.Spec.IngressClassName
	}
	return class
}

// markBackends marks the Services a GKE Ingress routes to.
func (s *serviceScan) markBackends(obj *fn.KubeObject) {
	var ing networkingv1.Ingress
	if !decodeWhole(obj, &ing, s.res) || !isGCEIngress(&ing) {
		return
	}
	name := fmt.Sprintf("Ingress %s/%s", obj.GetNamespace(), obj.GetName())
	reason := "backend of " + name
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
		t.ingressRefs = append(t.ingressRefs, b.Service.Port)
		if why, ok := s.ingressUsesNEGs(key, &ing); ok {
			t.podRefs = append(t.podRefs, podRef{port: b.Service.Port, source: name, via: " through NEGs", why: why,
				ingress: true, proxied: ingressClass(&ing) != gceInternalClass})
		}
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
	configs := s.backendConfigRefs(obj)
	for i, p := range svc.Spec.Ports {
		if (!t.allPorts && !t.selects(p)) || (p.Protocol != "" && p.Protocol != corev1.ProtocolTCP) {
			continue
		}
		lb.Ports = append(lb.Ports, s.targetPorts(&svc, i)...)
		if p.NodePort != 0 && (svc.Spec.Type == corev1.ServiceTypeNodePort || svc.Spec.Type == corev1.ServiceTypeLoadBalancer) {
			lb.Ports = append(lb.Ports, p.NodePort)
		}
		health, custom := servingPort(p), false
		if slices.ContainsFunc(t.ingressRefs, func(r networkingv1.ServiceBackendPort) bool { return refers(r, p) }) {
			health, custom = s.healthCheckPort(obj, p, configs)
		}
		if custom {
			lb.Ports = append(lb.Ports, health.IntVal)
		}
		lb.PodPorts = append(lb.PodPorts, t.podPorts(p, health)...)
	}
	s.checkPortRefs(obj, &svc, t)
	if svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
		lb.Ports = append(lb.Ports, s.nodeHealthPort(obj, &svc)...)
	}
	slices.Sort(lb.Ports)
	lb.Ports = slices.Compact(lb.Ports)
	lb.PodPorts = sortPodPorts(lb.PodPorts)
	return lb, true
}

// podPorts are the pod ports behind Service port p that the NEG
// references reach: the health-check port (GKE's, which a BackendConfig
// may set, for an Ingress; the serving port for standalone NEGs, whose
// load balancer is not in the package), and for a load balancer whose
// proxies send the traffic from the health-check ranges, the serving port.
func (t *lbTarget) podPorts(p corev1.ServicePort, ingressHealth intstr.IntOrString) []PodPort {
	var out []PodPort
	for _, r := range t.podRefs {
		if !refers(r.port, p) {
			continue
		}
		health := servingPort(p)
		if r.ingress {
			health = ingressHealth
		}
		out = append(out, PodPort{p.Port, health, fmt.Sprintf("health checks of %s%s (%s)", r.source, r.via, r.why)})
		if r.proxied {
			out = append(out, PodPort{p.Port, servingPort(p), fmt.Sprintf("traffic of %s's proxies%s (%s)", r.source, r.via, r.why)})
		}
	}
	return out
}

// servingPort is the pod port behind Service port p: its targetPort, or
// the port itself when it has none.
func servingPort(p corev1.ServicePort) intstr.IntOrString {
	if p.TargetPort.Type == intstr.Int && p.TargetPort.IntVal == 0 {
		return intstr.FromInt32(p.Port)
	}
	return p.TargetPort
}

// PodPortReasons says, once each, why the load balancer reaches the pods' ports
// directly (a NEG, the Ingress's BackendConfig, ...), joined by "; ".
func (lb LoadBalanced) PodPortReasons() string {
	var out []string
	for _, p := range lb.PodPorts {
		if !slices.Contains(out, p.Reason) {
			out = append(out, p.Reason)
		}
	}
	return strings.Join(out, "; ")
}

func sortPodPorts(ports []PodPort) []PodPort {
	slices.SortFunc(ports, func(a, b PodPort) int {
		return cmp.Or(cmp.Compare(a.ServicePort, b.ServicePort),
			cmp.Compare(a.Port.Type, b.Port.Type), cmp.Compare(a.Port.IntVal, b.Port.IntVal),
			strings.Compare(a.Port.StrVal, b.Port.StrVal), strings.Compare(a.Reason, b.Reason))
	})
	return slices.Compact(ports)
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

// ingressUsesNEGs tells whether Ingress ing reaches the pods of Service
// key through NEGs, and why. "Container-native load balancing is always
// used for internal GKE Ingress and is optional for external Ingress"
// (https://cloud.google.com/kubernetes-engine/docs/concepts/container-native-load-balancing,
// Read 2026-12-02); the Service's NEG annotation asks for it or turns it
// off; else GKE's default decides (readNEGDefault).
func (s *serviceScan) ingressUsesNEGs(key Key, ing *networkingv1.Ingress) (string, bool) {
	if ingressClass(ing) == gceInternalClass {
		return "an internal Ingress always uses them", true
	}
	if on, set := s.negIngress[key]; set {
		return NEGAnnotation + ` asks for them with "ingress": true`, on
	}
	d := s.negDefault.Get(s.readNEGDefault)
	return d.why, d.on
}

// negDefault is whether GKE gives Ingress backends NEGs unasked, and why.
type negDefault struct {
	on  bool
	why string
}

// readNEGDefault applies GKE's default to the package's clusters. GKE's
// Ingress page gives it as "Container-native load balancing is enabled by
// default for Services when all of the following conditions are true: For
// Services created in GKE clusters 1.17.6-gke.7 and up; Using VPC-native
// clusters; Not using a Shared VPC; Not using GKE Network Policy"
// (https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#container-native_load_balancing,
// Read 2026-12-02 as quoted verbatim in public copies; the stored corpus
// has only the page's opening). The package seldom pins a GKE version,
// so clusters of 1.17.6-gke.7 and up are assumed; "GKE clusters are
// VPC-native by default"
// (https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing,
// Read 2026-12-02). The page does not say whether Dataplane V2's own
// enforcement counts as "GKE Network Policy": lockdown reads that as the
// spec.networkPolicy setting (Calico) only, the choice under which a
// NetworkPolicy that drops the probes is reported and fixed rather than
// missed. Without a ContainerCluster in the package GKE's default holds;
// with several, one that takes the default is enough.
func (s *serviceScan) readNEGDefault() negDefault {
	if len(s.clusters) == 0 {
		return negDefault{true, "GKE's default on VPC-native clusters; no ContainerCluster in the package says otherwise"}
	}
	var unread results.Collector // the clusters are the function's to report, not these facts'
	for _, c := range Read(s.items, &unread).Clusters {
		if c.takesNEGDefault() {
			return negDefault{true, "GKE's default on VPC-native ContainerCluster " + c.Name()}
		}
	}
	return negDefault{}
}

// takesNEGDefault tells whether GKE gives the cluster's Ingress backends
// NEGs by default: VPC-native (networkingMode other than ROUTES), not on
// another project's network (Shared VPC), no GKE network policy.
func (c *Cluster) takesNEGDefault() bool {
	routes := c.Spec.NetworkingMode != nil && *c.Spec.NetworkingMode == "ROUTES"
	sharedVPC := c.NetworkProject != "" && c.ProjectID != "" && c.NetworkProject != c.ProjectID
	calico := c.Spec.NetworkPolicy != nil && c.Spec.NetworkPolicy.Enabled
	return !routes && !sharedVPC && !calico
}

// backendConfigRefs is a Service's BackendConfig annotation: "a map of
// port names or port numbers to backendConfig names" and "the default
// backendConfig name for all ports except those are explicitly
// referenced" (https://github.com/kubernetes/ingress-gce/blob/master/pkg/annotations/service.go,
// BetaBackendConfigKey, Read 2026-12-02).
type backendConfigRefs struct {
	Default string            `json:"default"`
	Ports   map[string]string `json:"ports"`
	// annotation is the key the Service gives them under.
	annotation string
}

func (s *serviceScan) backendConfigRefs(obj *fn.KubeObject) backendConfigRefs {
	key := BackendConfigAnnotation
	value := obj.GetAnnotation(key)
	if value == "" {
		key = betaBackendConfigAnnotation
		value = obj.GetAnnotation(key)
	}
	refs := backendConfigRefs{annotation: key}
	if value != "" {
		if err := json.Unmarshal([]byte(value), &refs); err != nil {
			s.problems = append(s.problems, PortProblem{obj, "metadata.annotations." + key,
				fmt.Sprintf("not the JSON GKE expects, such as {\"default\": \"my-backendconfig\"}: %v", err)})
		}
	}
	return refs
}

// healthCheckPort is the port GKE's health check of Ingress backend port
// p probes: its BackendConfig's spec.healthCheck.port (custom), else the
// serving port. A set port is a fixed port ("If Port is used, the
// controller updates portSpecification as well",
// https://github.com/kubernetes/ingress-gce/blob/master/pkg/apis/backendconfig/v1/types.go,
// Read 2026-12-02), and "USE_FIXED_PORT: Specifies a port number
// explicitly using the port field in the health check", valid for
// "GCE_VM_IP_PORT network endpoint groups, and instance group backends",
// while with USE_SERVING_PORT "For GCE_VM_IP_PORT network endpoint group
// backends, the health check uses the port number specified for each
// endpoint" (https://cloud.google.com/python/docs/reference/compute/latest/google.cloud.compute_v1.types.TCPHealthCheck.PortSpecification,
// Read 2026-12-02): with NEGs, a port of the Pod IP either way.
func (s *serviceScan) healthCheckPort(obj *fn.KubeObject, p corev1.ServicePort, refs backendConfigRefs) (intstr.IntOrString, bool) {
	name := refs.Default
	if n, ok := refs.Ports[strconv.Itoa(int(p.Port))]; ok {
		name = n
	}
	if n, ok := refs.Ports[p.Name]; ok && p.Name != "" {
		name = n
	}
	if name == "" {
		return servingPort(p), false
	}
	bc, ok := s.backendConfigs[Key{Kind: "BackendConfig", Namespace: obj.GetNamespace(), Name: name}]
	if !ok {
		s.problems = append(s.problems, PortProblem{obj, "metadata.annotations." + refs.annotation,
			fmt.Sprintf("port %d of Service %s/%s uses BackendConfig %s, which is not in the package, so a custom health-check port it may set is not known",
				p.Port, obj.GetNamespace(), obj.GetName(), name)})
		return servingPort(p), false
	}
	port, found, err := bc.NestedInt64("spec", "healthCheck", "port")
	switch {
	case err != nil || found && (port < 1 || port > 65535):
		s.problems = append(s.problems, PortProblem{bc, "spec.healthCheck.port",
			fmt.Sprintf("BackendConfig %s/%s: the health-check port must be a number from 1 to 65535", bc.GetNamespace(), bc.GetName())})
	case found:
		return intstr.FromInt32(int32(port)), true
	}
	return servingPort(p), false
}
