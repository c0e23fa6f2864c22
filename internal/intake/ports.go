package intake

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// portFields are the port numbers of Kubernetes' own kinds that the API
// server validates with validation.IsValidPortNum (1 to 65535), keyed by
// the Go type that holds them and the field's JSON name. Functions read
// these (a webhook's Service targetPort becomes a firewall rule's port),
// so a port the API server would refuse must stop here, not become a GCP
// rule for port 70000. zeroUnset marks the fields where 0 is "unset" and
// not checked: hostPort and nodePort (0 asks for none / any) and a
// Service's targetPort (0 defaults to port).
// Sources, k8s.io/kubernetes v1.32.13: pkg/apis/core/validation
// validation.go (validateContainerPorts, validateServicePort,
// ValidatePortNumOrName for probes and targetPort), pkg/apis/networking/
// validation/validation.go (NetworkPolicyPort port and endPort, Ingress
// backend port), and k8s.io/apiserver pkg/util/webhook/validation.go
// (a webhook's service port).
var portFields = map[reflect.Type]map[string]portRule{
	reflect.TypeFor[corev1.ContainerPort]():                     {"containerPort": {}, "hostPort": {zeroUnset: true}},
	reflect.TypeFor[corev1.ServicePort]():                       {"port": {}, "targetPort": {zeroUnset: true}, "nodePort": {zeroUnset: true}},
	reflect.TypeFor[corev1.HTTPGetAction]():                     {"port": {}},
	reflect.TypeFor[corev1.TCPSocketAction]():                   {"port": {}},
	reflect.TypeFor[corev1.GRPCAction]():                        {"port": {}},
	reflect.TypeFor[networkingv1.NetworkPolicyPort]():           {"port": {}, "endPort": {}},
	reflect.TypeFor[networkingv1.ServiceBackendPort]():          {"number": {}},
	reflect.TypeFor[admissionregistrationv1.ServiceReference](): {"port": {}},
}

type portRule struct{ zeroUnset bool }

// checkPort records a port number the API server would refuse. Only the
// number form is checked: a named port (an IntOrString string) and a value
// of the wrong shape are the walk's to judge.
func (w *shapeWalker) checkPort(n *yaml.Node, rule portRule) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagInt {
		return
	}
	port, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	if err != nil || port == 0 && rule.zeroUnset || len(validation.IsValidPortNum(int(port))) == 0 {
		return // beyond int64 is the walk's range error
	}
	path := w.path.String()
	w.problems = append(w.problems, problem{field: path, message: fmt.Sprintf(
		"%s is %s, not a port: ports are 1 to 65535 and the API server would refuse the object", path, n.Value)})
}

// imageRequired are the container types whose image the API server
// requires ("if len(ctr.Image) == 0 ... field.Required(path.Child("image"))":
// validateContainerCommon and the ephemeral containers' check in
// k8s.io/kubernetes v1.32.13 pkg/apis/core/validation/validation.go).
// A container with no image would otherwise be passed over by
// image-mirror and lint's unreachable-image check without a word.
var imageRequired = map[reflect.Type]bool{
	reflect.TypeFor[corev1.Container]():          true,
	reflect.TypeFor[corev1.EphemeralContainer](): true,
}

// checkImage records a container mapping without an image.
func (w *shapeWalker) checkImage(n *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if v := n.Content[i+1]; n.Content[i].Value == "image" && (v.Kind != yaml.ScalarNode || v.Value != "" && v.ShortTag() != yaml.NodeTagNull) {
			return // an image, or something else the walk judges
		}
	}
	w.path.pushKey("image")
	path := w.path.String()
	w.path.pop()
	w.problems = append(w.problems, problem{field: path, message: fmt.Sprintf(
		"%s is missing: the API server requires every container to name its image", path)})
}
