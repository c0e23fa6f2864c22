package facts

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// Endpoint is a host outside the cluster that the package declares it
// will call: the keys of a JWT issuer, a ServiceEntry's host, the issuer
// an authentication proxy discovers. A fence that lets none of them out
// breaks the component that calls it, quietly: Istio cannot check a
// token, a login never finishes.
type Endpoint struct {
	Object *fn.KubeObject
	Field  string // the field that names the endpoint
	// Host is the host name in lower case ("*.example.com" for a
	// ServiceEntry wildcard) or an IP address.
	Host string
	Port int // TCP
	// Need says, for messages, what calls the endpoint and why.
	Need string
	// ByControlPlane marks an endpoint the Kubernetes API server calls
	// (an admission webhook's url), not a pod on the nodes.
	ByControlPlane bool
}

// Addr is the endpoint's address when its host is an IP address.
func (e Endpoint) Addr() (netip.Addr, bool) {
	a, err := netip.ParseAddr(e.Host)
	return a, err == nil
}

// Wildcard tells whether the host is a wildcard, which names no one host.
func (e Endpoint) Wildcard() bool { return strings.HasPrefix(e.Host, "*") }

// Endpoints reads the outbound endpoints the package declares, in package
// order. A host inside the cluster (a Service's name) is none. An object
// whose endpoint fields are not what their kind takes is an error result.
func Endpoints(items fn.KubeObjects, res *results.Collector) []Endpoint {
	r := endpointReader{res: res, namespaces: namespacesOf(items)}
	for _, obj := range items {
		group, _, _ := strings.Cut(obj.GetAPIVersion(), "/")
		switch {
		case group == "security.istio.io" && obj.GetKind() == "RequestAuthentication":
			r.jwtRules(obj)
		case group == "networking.istio.io" && obj.GetKind() == "ServiceEntry":
			r.serviceEntry(obj)
		case obj.GetAPIVersion() == "v1" && (obj.GetKind() == "ConfigMap" || obj.GetKind() == "Secret"):
			r.authConfig(obj)
		case group == "admissionregistration.k8s.io" && strings.HasSuffix(obj.GetKind(), "WebhookConfiguration"):
			r.webhookURLs(obj)
		}
	}
	return r.out
}

type endpointReader struct {
	res        *results.Collector
	namespaces map[string]bool
	out        []Endpoint
}

// namespacesOf are the namespaces the package names, which tell a
// Service's short name (<service>.<namespace>) from a domain.
func namespacesOf(items fn.KubeObjects) map[string]bool {
	out := map[string]bool{}
	for _, obj := range items {
		if ns := obj.GetNamespace(); ns != "" {
			out[ns] = true
		}
		if obj.GetAPIVersion() == "v1" && obj.GetKind() == "Namespace" {
			out[obj.GetName()] = true
		}
	}
	return out
}

// jwtRules reads the keys a RequestAuthentication needs. Istiod "gets the
// JSON Web Key Set (JWKS) from the jwksUri of each RequestAuthentication"
// (Istio's analysis message IST0175,
// https://istio.io/latest/docs/reference/config/analysis/ist0175/, read
// 2026-12-02); a rule with its keys inline (jwks) calls nothing, and one
// with neither finds its keys by OpenID discovery at the issuer (Istio's
// JWTRule reference, https://istio.io/latest/docs/reference/config/security/jwt/:
// for a rule with an issuer and no jwksUri, "The JSON Web Key Set (JWKS)
// will be discovered following OpenID Connect protocol").
func (r *endpointReader) jwtRules(obj *fn.KubeObject) {
	var spec struct {
		JWTRules []struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwksUri"`
			JWKS    string `json:"jwks"`
		} `json:"jwtRules"`
	}
	if !r.decodeSpec(obj, &spec) {
		return
	}
	for i, rule := range spec.JWTRules {
		field := fmt.Sprintf("spec.jwtRules[%d]", i)
		switch {
		case rule.JWKSURI != "":
			r.addURL(obj, field+".jwksUri", rule.JWKSURI, "Istio downloads the keys that check its JWTs from it")
		case rule.JWKS == "" && isWebURL(rule.Issuer):
			// An issuer that is no URL (a service account's email, Istio's
			// other example) names no host to discover keys at.
			r.addURL(obj, field+".issuer", rule.Issuer, "Istio finds the keys that check its JWTs there by OpenID discovery, having no jwksUri or jwks")
		}
	}
}

// serviceEntry reads the hosts a ServiceEntry adds to the mesh outside it:
// location MESH_EXTERNAL, which is the default (Istio's ServiceEntry
// reference, https://istio.io/latest/docs/reference/config/networking/service-entry/).
// Each host is reached on each of its ports.
func (r *endpointReader) serviceEntry(obj *fn.KubeObject) {
	var spec struct {
		Hosts    []string `json:"hosts"`
		Location string   `json:"location"`
		Ports    []struct {
			Number   int    `json:"number"`
			Protocol string `json:"protocol"`
		} `json:"ports"`
	}
	if !r.decodeSpec(obj, &spec) || spec.Location == "MESH_INTERNAL" {
		return
	}
	for i, h := range spec.Hosts {
		host := strings.ToLower(strings.TrimSuffix(h, "."))
		if r.inCluster(host) {
			continue
		}
		for _, p := range spec.Ports {
			if strings.EqualFold(p.Protocol, "UDP") || p.Number <= 0 {
				continue
			}
			r.out = append(r.out, Endpoint{Object: obj, Field: fmt.Sprintf("spec.hosts[%d]", i), Host: host, Port: p.Number,
				Need: "the mesh's workloads call it, as a MESH_EXTERNAL ServiceEntry"})
		}
	}
}

// oauth2ProxyIssuer is the issuer line of an oauth2-proxy config file
// (TOML, "oidc_issuer_url = ..."), as Kubeflow's oauth2-proxy ConfigMap
// holds it; oauth2-proxy discovers the provider's endpoints and keys
// there.
var oauth2ProxyIssuer = regexp.MustCompile(`(?m)^\s*oidc_issuer_url\s*=\s*["']([^"']+)["']`)

// authConfig reads the OIDC issuers in the configuration of Kubeflow's
// authentication components: oauth2-proxy's config file and Dex's
// upstream connectors (connectors[].config.issuer; Dex's own issuer is
// itself, not an endpoint it calls).
func (r *endpointReader) authConfig(obj *fn.KubeObject) {
	for _, key := range dataKeys(obj) {
		value, ok := r.dataValue(obj, key)
		if !ok {
			continue
		}
		for _, m := range oauth2ProxyIssuer.FindAllStringSubmatch(value, -1) {
			r.addURL(obj, dataField(obj, key), m[1], "oauth2-proxy discovers its OIDC provider there")
		}
		if key == "config.yaml" || key == "config.yml" {
			r.dexConnectors(obj, key, value)
		}
	}
}

func (r *endpointReader) dexConnectors(obj *fn.KubeObject, key, value string) {
	var cfg struct {
		Connectors []struct {
			Type   string `json:"type"`
			Config struct {
				Issuer string `json:"issuer"`
			} `json:"config"`
		} `json:"connectors"`
	}
	if err := yaml.Unmarshal([]byte(value), &cfg); err != nil {
		return // not Dex's file, or not YAML: nothing Dex would read either
	}
	for _, c := range cfg.Connectors {
		if c.Config.Issuer != "" {
			r.addURL(obj, dataField(obj, key), c.Config.Issuer, "Dex's "+c.Type+" connector discovers its upstream provider there")
		}
	}
}

// webhookURLs reads admission webhooks called by URL rather than through
// a Service: the API server calls them, from the control plane.
func (r *endpointReader) webhookURLs(obj *fn.KubeObject) {
	hooks, _, err := obj.NestedSlice("webhooks")
	if err != nil {
		r.res.Error(obj, "webhooks", "cannot read the webhooks: %v", err)
		return
	}
	for i, h := range hooks {
		raw, _, _ := h.NestedString("clientConfig", "url")
		if raw == "" {
			continue
		}
		before := len(r.out)
		r.addURL(obj, fmt.Sprintf("webhooks[%d].clientConfig.url", i), raw, "the Kubernetes API server calls this admission webhook")
		for j := before; j < len(r.out); j++ {
			r.out[j].ByControlPlane = true
		}
	}
}

// addURL adds the endpoint of an http or https URL unless it is inside the
// cluster. A URL that does not parse is an error result.
func (r *endpointReader) addURL(obj *fn.KubeObject, field, raw, need string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !isWebURL(raw) {
		r.res.Error(obj, field, "%q is not an http or https URL with a host: give the full URL, such as %s", raw, "https://issuer.example.com/keys")
		return
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if r.inCluster(host) {
		return
	}
	port := 443
	if u.Scheme == "http" {
		port = 80
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			r.res.Error(obj, field, "%q: port %q is not a TCP port (1 to 65535)", raw, p)
			return
		}
		port = n
	}
	r.out = append(r.out, Endpoint{Object: obj, Field: field, Host: host, Port: port, Need: need})
}

// isWebURL tells whether s is an http or https URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Hostname() != ""
}

// inCluster tells whether a host name is a Kubernetes Service's (or
// loopback): a single label, a name under .svc or .cluster.local, or
// <service>.<namespace> for a namespace of the package. Kubernetes' DNS
// for Services: https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/.
func (r *endpointReader) inCluster(host string) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.IsLoopback()
	}
	labels := strings.Split(host, ".")
	switch {
	case len(labels) == 1, host == "localhost":
		return true
	case slices.Contains(labels, "svc"), strings.HasSuffix(host, ".cluster.local"):
		return true
	}
	return len(labels) == 2 && r.namespaces[labels[1]]
}

// decodeSpec reads the object's spec into the shape its reader needs; a
// spec of another shape is an error result.
func (r *endpointReader) decodeSpec(obj *fn.KubeObject, into any) bool {
	spec, found, err := obj.NestedSubObject("spec")
	if err == nil && found {
		err = spec.As(into)
	}
	if err != nil {
		r.res.Error(obj, "spec", "cannot read %s: %v", results.Describe(obj), err)
		return false
	}
	return found
}

// dataKeys are the keys of a ConfigMap's data or a Secret's data and
// stringData, sorted.
func dataKeys(obj *fn.KubeObject) []string {
	var keys []string
	for _, section := range []string{"data", "stringData"} {
		m, _, _ := obj.NestedStringMap(section)
		for k := range m {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// dataValue is the text of a data key: a Secret's data is base64.
func (r *endpointReader) dataValue(obj *fn.KubeObject, key string) (string, bool) {
	if v, found, _ := obj.NestedString("stringData", key); found {
		return v, true
	}
	v, found, _ := obj.NestedString("data", key)
	if !found || obj.GetKind() != "Secret" {
		return v, found
	}
	b, err := base64.StdEncoding.DecodeString(v)
	return string(b), err == nil
}

func dataField(obj *fn.KubeObject, key string) string {
	section := "data"
	if _, found, _ := obj.NestedString("stringData", key); found {
		section = "stringData"
	}
	return section + "." + key
}
