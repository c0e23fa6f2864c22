package facts

import (
	"fmt"
	"slices"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/lockdown-krm/lockdown/internal/results"
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
// (in Deployments, StatefulSets, DaemonSets, ReplicaSets and Pods).
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
		case gvk.Group == "" && gvk.Kind == "Pod":
			var pod corev1.Pod
			if decodeWhole(obj, &pod, res) {
				pods = append(pods, podTemplate{obj.GetNamespace(), pod.Labels, &pod.Spec})
			}
		case gvk.Group == "apps":
			if t, ok := workloadTemplate(obj, res); ok {
				pods = append(pods, podTemplate{obj.GetNamespace(), t.Labels, &t.Spec})
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

func workloadTemplate(obj *fn.KubeObject, res *results.Collector) (*corev1.PodTemplateSpec, bool) {
	switch obj.GetKind() {
	case "Deployment":
		var d appsv1.Deployment
		return &d.Spec.Template, decodeWhole(obj, &d, res)
	case "StatefulSet":
		var s appsv1.StatefulSet
		return &s.Spec.Template, decodeWhole(obj, &s, res)
	case "DaemonSet":
		var d appsv1.DaemonSet
		return &d.Spec.Template, decodeWhole(obj, &d, res)
	case "ReplicaSet":
		var r appsv1.ReplicaSet
		return &r.Spec.Template, decodeWhole(obj, &r, res)
	}
	return nil, false
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

func decodeWhole(obj *fn.KubeObject, into any, res *results.Collector) bool {
	if err := obj.As(into); err != nil {
		res.Error(obj, "", "not a valid %s: %v", obj.GetKind(), err)
		return false
	}
	return true
}
