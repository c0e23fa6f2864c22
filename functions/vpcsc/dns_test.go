package vpcsc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

func TestServicesBehind(t *testing.T) {
	restricted := []string{"storage.googleapis.com", "containerregistry.googleapis.com", "logging.googleapis.com"}
	for _, tc := range []struct {
		domain string
		want   []string
	}{
		{"private.googleapis.com", []string{"containerregistry.googleapis.com", "logging.googleapis.com", "storage.googleapis.com"}},
		{"googleapis.com", []string{"containerregistry.googleapis.com", "logging.googleapis.com", "storage.googleapis.com"}},
		{"gcr.io", []string{"containerregistry.googleapis.com"}},
		{"eu.gcr.io", []string{"containerregistry.googleapis.com"}},
		{"pkg.dev", nil}, // artifactregistry is not restricted here
		{"notgcr.io", nil},
		{"example.com", nil},
	} {
		if diff := cmp.Diff(tc.want, servicesBehind(tc.domain, restricted)); diff != "" {
			t.Errorf("servicesBehind(%q) (-want +got):\n%s", tc.domain, diff)
		}
	}
}

// TestWarnPrivateVIP covers what the goldens do not: IPv6 records, records
// that only look alike, and records of other kinds.
func TestWarnPrivateVIP(t *testing.T) {
	items, err := fn.ParseKubeObjects([]byte(`apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: private-aaaa}
spec: {name: private.googleapis.com., type: AAAA, rrdatas: ["2600:2d00:2:2000::"]}
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: restricted-a}
spec: {name: restricted.googleapis.com., type: A, rrdatas: [199.36.153.4]}
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: cname}
spec: {name: "*.googleapis.com.", type: CNAME, rrdatas: [private.googleapis.com.]}
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: other-domain}
spec: {name: intranet.example.com., type: A, rrdatas: [199.36.153.8]}
---
apiVersion: example.com/v1
kind: DNSRecordSet
metadata: {name: not-config-connector}
spec: {name: private.googleapis.com., type: A, rrdatas: [199.36.153.8]}
`))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	cfg := defaults()
	warnPrivateVIP(items, &cfg, &res)
	var warned []string
	for _, r := range res.Results() {
		warned = append(warned, r.ResourceRef.Name)
	}
	if diff := cmp.Diff([]string{"private-aaaa"}, warned); diff != "" {
		t.Errorf("warned about (-want +got):\n%s", diff)
	}
}
