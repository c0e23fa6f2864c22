package facts

import (
	"encoding/base64"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// endpointKeys writes endpoints as "Kind/name field host:port" for
// comparison; "(control plane)" marks those the API server calls.
func endpointKeys(es []Endpoint) []string {
	var out []string
	for _, e := range es {
		k := fmt.Sprintf("%s/%s %s %s:%d", e.Object.GetKind(), e.Object.GetName(), e.Field, e.Host, e.Port)
		if e.ByControlPlane {
			k += " (control plane)"
		}
		out = append(out, k)
	}
	return out
}

func TestEndpoints(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("provider = \"oidc\"\noidc_issuer_url = 'https://accounts.google.com'\n"))
	items := parseObjects(t, `
apiVersion: v1
kind: Namespace
metadata: {name: auth}
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: iap, namespace: istio-system}
spec:
  jwtRules:
  - issuer: https://cloud.google.com/iap
    jwksUri: https://www.gstatic.com/iap/verify/public_key-jwk
  - issuer: https://Login.Example.com.:8443/tenant
  - issuer: https://inline.example.com
    jwks: '{"keys": []}'
  - issuer: 1234567-compute@developer.gserviceaccount.com
  - issuer: http://dex.auth:5556/dex
  - issuer: http://dex.auth.svc.cluster.local:5556/dex
  - issuer: http://keycloak/realms/kf
  - issuer: http://plain.example.org/realms/kf
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: external, namespace: kubeflow}
spec:
  hosts: [pypi.org, "*.example.net", 10.0.0.9]
  ports:
  - {number: 443, protocol: HTTPS, name: https}
  - {number: 53, protocol: UDP, name: dns}
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: internal, namespace: kubeflow}
spec:
  hosts: [inside.example.com]
  location: MESH_INTERNAL
  ports: [{number: 443, protocol: HTTPS, name: https}]
---
apiVersion: v1
kind: Secret
metadata: {name: oauth2-proxy, namespace: oauth2-proxy}
data:
  oauth2_proxy.cfg: `+secret+`
---
apiVersion: v1
kind: ConfigMap
metadata: {name: dex, namespace: auth}
data:
  config.yaml: |
    issuer: http://dex.auth.svc.cluster.local:5556/dex
    connectors:
    - type: oidc
      id: google
      config:
        issuer: https://accounts.google.com
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: hooks}
webhooks:
- name: a.example.com
  clientConfig: {url: "https://hooks.example.com:9443/mutate"}
- name: b.example.com
  clientConfig: {service: {name: b, namespace: kubeflow}}
`)
	var res results.Collector
	got := endpointKeys(Endpoints(items, &res))
	if res.HasErrors() {
		t.Fatalf("unexpected errors: %v", res.Results())
	}
	want := []string{
		"RequestAuthentication/iap spec.jwtRules[0].jwksUri www.gstatic.com:443",
		"RequestAuthentication/iap spec.jwtRules[1].issuer login.example.com:8443",
		"RequestAuthentication/iap spec.jwtRules[7].issuer plain.example.org:80",
		"ServiceEntry/external spec.hosts[0] pypi.org:443",
		"ServiceEntry/external spec.hosts[1] *.example.net:443",
		"ServiceEntry/external spec.hosts[2] 10.0.0.9:443",
		"Secret/oauth2-proxy data.oauth2_proxy.cfg accounts.google.com:443",
		"ConfigMap/dex data.config.yaml accounts.google.com:443",
		"MutatingWebhookConfiguration/hooks webhooks[0].clientConfig.url hooks.example.com:9443 (control plane)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
}

// TestEndpointsBadInput: a field that is not what its kind takes is an
// error naming the field, and the rest of the package is still read.
func TestEndpointsBadInput(t *testing.T) {
	items := parseObjects(t, `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: bad-spec, namespace: a}
spec:
  jwtRules: "not a list"
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: bad-uri, namespace: a}
spec:
  jwtRules:
  - jwksUri: www.example.com/keys
  - jwksUri: https://example.com:99999/keys
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: bad-hooks}
webhooks: {a: b}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: fine, namespace: a}
spec:
  hosts: [pypi.org]
  ports: [{number: 443, name: https}]
`)
	var res results.Collector
	got := endpointKeys(Endpoints(items, &res))
	if diff := cmp.Diff([]string{"ServiceEntry/fine spec.hosts[0] pypi.org:443"}, got); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	var fields []string
	for _, r := range res.Results() {
		fields = append(fields, r.ResourceRef.Name+" "+r.Field.Path)
	}
	slices.Sort(fields)
	want := []string{"bad-hooks webhooks", "bad-spec spec", "bad-uri spec.jwtRules[0].jwksUri", "bad-uri spec.jwtRules[1].jwksUri"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// TestKubeflowDeclaresNoOutsideEndpoint: the Kubeflow corpus signs in with
// its own Dex, so every issuer it names is inside the cluster.
func TestKubeflowDeclaresNoOutsideEndpoint(t *testing.T) {
	var res results.Collector
	if got := Endpoints(readCorpus(t), &res); len(got) > 0 || res.HasErrors() {
		t.Errorf("endpoints %v, results %v", endpointKeys(got), res.Results())
	}
}

func TestFQDNAllows(t *testing.T) {
	p := readWithoutErrors(t, `
apiVersion: compute.cnrm.cloud.google.com/v1alpha1
kind: ComputeNetworkFirewallPolicyRule
metadata: {name: keys}
spec:
  action: allow
  direction: EGRESS
  firewallPolicyRef: {name: policy}
  match:
    destFqdns: [WWW.gstatic.com.]
    layer4Configs: [{ipProtocol: tcp, ports: ["443", "8000-8100"]}]
  projectRef: {external: p}
---
apiVersion: compute.cnrm.cloud.google.com/v1alpha1
kind: ComputeNetworkFirewallPolicyRule
metadata: {name: denied}
spec:
  action: deny
  direction: EGRESS
  firewallPolicyRef: {name: policy}
  match:
    destFqdns: [evil.example.com]
    layer4Configs: [{ipProtocol: all}]
  projectRef: {external: p}
---
apiVersion: compute.cnrm.cloud.google.com/v1alpha1
kind: ComputeNetworkFirewallPolicyRule
metadata: {name: unattached}
spec:
  action: allow
  direction: EGRESS
  firewallPolicyRef: {name: other}
  match:
    destFqdns: [pypi.org]
    layer4Configs: [{ipProtocol: all}]
  projectRef: {external: p}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetworkFirewallPolicyAssociation
metadata: {name: policy}
spec:
  attachmentTargetRef: {name: net}
  firewallPolicyRef: {name: policy}
  projectRef: {external: p}
`)
	allows := p.FQDNAllows()
	if len(allows) != 2 {
		t.Fatalf("want the two allow rules, got %d", len(allows))
	}
	keys, unattached := allows[0], allows[1]
	for _, c := range []struct {
		host string
		port int
		want bool
	}{
		{"www.gstatic.com", 443, true},
		{"www.gstatic.com", 8050, true},
		{"www.gstatic.com", 80, false},
		{"pypi.org", 443, false},
	} {
		if got := keys.AllowsHost(c.host, c.port); got != c.want {
			t.Errorf("AllowsHost(%s, %d) = %v, want %v", c.host, c.port, got, c.want)
		}
	}
	if diff := cmp.Diff([]NetworkID{"/net"}, keys.Networks); diff != "" {
		t.Errorf("networks of the attached rule (-want +got):\n%s", diff)
	}
	if len(unattached.Networks) != 0 || !unattached.AllowsHost("pypi.org", 22) {
		t.Errorf("the unattached rule: networks %v, allows pypi.org:22 %v", unattached.Networks, unattached.AllowsHost("pypi.org", 22))
	}
}
