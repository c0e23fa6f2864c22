package facts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/workloads"
)

// Webhook is one admission webhook entry that calls a Service in the
// cluster. On a private cluster the control plane reaches it on the port
// the selected pods listen on, which the firewall must open.
type Webhook struct {
	Config  *fn.KubeObject // the Validating/MutatingWebhookConfiguration
	Name    string         // the webhook entry's name
	Field   string         // e.g. webhooks[2].clientConfig.service
	Service Key            // the Service it calls
	Port    int32          // the Service port it calls (443 when unset)
	// TargetPorts are the container ports the call lands on. Empty when the
	// entry could not be resolved; then Problem says why.
	TargetPorts []int32
	Problem     string
}

// podTemplate is the part of a workload that webhook resolution needs.
type podTemplate struct {
	namespace string
	labels    map[string]string
	spec      *corev1.PodSpec
}

// Webhooks resolves every admission webhook entry of items that calls a
// Service: through the Service's port to its targetPort, and a named
// targetPort through the containerPorts of the pods the Service selects
// (in the workload kinds internal/workloads marks ServiceBackend: Pods,
// Deployments, StatefulSets, DaemonSets and ReplicaSets).
// Entries that cannot be resolved carry a Problem instead of a guess.
func Webhooks(items fn.KubeObjects, res *results.Collector) []Webhook {
	services := map[Key]*corev1.Service{}
	var pods []podTemplate
	var configs []*fn.KubeObject
	for _, obj := range items {
		switch gvk := obj.GroupVersionKind(); {
		case gvk.Group == "admissionregistration.k8s.io" &&
			(gvk.Kind == "ValidatingWebhookConfiguration" || gvk.Kind == "MutatingWebhookConfiguration"):
			configs = append(configs, obj)
		case gvk.Group == "" && gvk.Kind == "Service":
			var svc corev1.Service
			if decodeWhole(obj, &svc, res) {
				services[keyOf(obj)] = &svc
			}
		case servesPods(obj):
			if t, ok := readPodTemplate(obj, res); ok {
				pods = append(pods, t)
			}
		}
	}
	var out []Webhook
	for _, cfg := range configs {
		out = append(out, resolveConfig(cfg, services, pods, res)...)
	}
	return out
}

// WebhookPorts returns the sorted set of target ports of the resolved webhooks.
func WebhookPorts(hooks []Webhook) []int32 {
	var ports []int32
	for _, h := range hooks {
		ports = append(ports, h.TargetPorts...)
	}
	slices.Sort(ports)
	return slices.Compact(ports)
}

// servesPods tells whether obj is of a workload kind whose pods a Service
// may select (workloads.Workload.ServiceBackend).
func servesPods(obj *fn.KubeObject) bool {
	gvk := obj.GroupVersionKind()
	w, ok := workloads.Lookup(gvk.Group, gvk.Kind)
	return ok && w.ServiceBackend
}

// readPodTemplate reads the labels and pod spec of a workload where the
// workload table says its kind keeps them. Only the template is decoded:
// the rest of the object does not bear on which pods a Service selects.
func readPodTemplate(obj *fn.KubeObject, res *results.Collector) (podTemplate, bool) {
	gvk := obj.GroupVersionKind()
	w, _ := workloads.Lookup(gvk.Group, gvk.Kind)
	var meta metav1.ObjectMeta
	t := podTemplate{namespace: obj.GetNamespace(), spec: &corev1.PodSpec{}}
	if !decodeAt(obj, w.MetadataPath(), &meta, res) || !decodeAt(obj, w.SpecPath, t.spec, res) {
		return t, false
	}
	t.labels = meta.Labels
	return t, true
}

func resolveConfig(cfg *fn.KubeObject, services map[Key]*corev1.Service, pods []podTemplate, res *results.Collector) []Webhook {
	// Validating and mutating webhooks share the clientConfig shape; the
	// validating type reads both.
	var whc admissionv1.ValidatingWebhookConfiguration
	if !decodeWhole(cfg, &whc, res) {
		return nil
	}
	var out []Webhook
	for i, w := range whc.Webhooks {
		svc := w.ClientConfig.Service
		if svc == nil {
			continue // a URL webhook: outside the cluster, not the master's concern
		}
		h := Webhook{
			Config:  cfg,
			Name:    w.Name,
			Field:   fmt.Sprintf("webhooks[%d].clientConfig.service", i),
			Service: Key{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name},
			Port:    443,
		}
		if svc.Port != nil {
			h.Port = *svc.Port
		}
		h.TargetPorts, h.Problem = resolvePort(h, services, pods)
		out = append(out, h)
	}
	return out
}

func resolvePort(h Webhook, services map[Key]*corev1.Service, pods []podTemplate) ([]int32, string) {
	svc, ok := services[h.Service]
	if !ok {
		return nil, fmt.Sprintf("Service %s/%s is not in the package", h.Service.Namespace, h.Service.Name)
	}
	idx := slices.IndexFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Port == h.Port })
	if idx < 0 {
		return nil, fmt.Sprintf("Service %s/%s has no port %d", h.Service.Namespace, h.Service.Name, h.Port)
	}
	target := svc.Spec.Ports[idx].TargetPort
	switch {
	case target.Type == intstr.Int && target.IntVal == 0:
		return []int32{h.Port}, "" // no targetPort: the pods listen on the Service port
	case target.Type == intstr.Int:
		return []int32{target.IntVal}, ""
	}
	if len(svc.Spec.Selector) == 0 {
		return nil, fmt.Sprintf("Service %s/%s has a named targetPort %q but no selector", h.Service.Namespace, h.Service.Name, target.StrVal)
	}
	selector := labels.SelectorFromSet(svc.Spec.Selector)
	var ports []int32
	for _, pod := range pods {
		if pod.namespace != h.Service.Namespace || !selector.Matches(labels.Set(pod.labels)) {
			continue
		}
		ports = append(ports, namedPorts(pod.spec, target.StrVal)...)
	}
	if len(ports) == 0 {
		return nil, fmt.Sprintf("no pod selected by Service %s/%s declares a container port named %q",
			h.Service.Namespace, h.Service.Name, target.StrVal)
	}
	slices.Sort(ports)
	return slices.Compact(ports), ""
}

func namedPorts(spec *corev1.PodSpec, name string) []int32 {
	var out []int32
	for _, containers := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range containers {
			for _, p := range c.Ports {
				if p.Name == name {
					out = append(out, p.ContainerPort)
				}
			}
		}
	}
	return out
}

// decodeAt decodes the field of obj at a dotted path into into, which it
// leaves as it is when the field is absent (a template without labels).
func decodeAt(obj *fn.KubeObject, path string, into any, res *results.Collector) bool {
	sub, found, err := obj.NestedSubObject(strings.Split(path, ".")...)
	if err == nil && found {
		err = sub.As(into)
	}
	if err != nil {
		res.Error(obj, path, "not a valid %s: %v", obj.GetKind(), err)
		return false
	}
	return true
}

func decodeWhole(obj *fn.KubeObject, into any, res *results.Collector) bool {
	if err := obj.As(into); err != nil {
		res.Error(obj, "", "not a valid %s: %v", obj.GetKind(), err)
		return false
	}
	return true
}
