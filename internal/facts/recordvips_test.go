package facts

import (
	"slices"
	"testing"

	dns "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/dns/v1beta1"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// TestRecordSetVIPs finds the VIPs behind A, AAAA and CNAME records, each
// once, in record order; other data resolves to none.
func TestRecordSetVIPs(t *testing.T) {
	for _, tt := range []struct {
		recordType string
		rrdatas    []string
		want       []string
	}{
		{"A", []string{"199.36.153.8", "199.36.153.9"}, []string{gcp.PrivateVIP.Mode}},
		{"A", []string{"10.0.0.1", "199.36.153.4"}, []string{gcp.RestrictedVIP.Mode}},
		{"AAAA", []string{gcp.RestrictedVIP.IPv6.Addr().String()}, []string{gcp.RestrictedVIP.Mode}},
		{"CNAME", []string{"private.googleapis.com."}, []string{gcp.PrivateVIP.Mode}},
		{"CNAME", []string{"restricted.googleapis.com", "private.googleapis.com"}, []string{gcp.RestrictedVIP.Mode, gcp.PrivateVIP.Mode}},
		{"TXT", []string{"199.36.153.8"}, nil},
		{"A", []string{"not an address"}, nil},
	} {
		r := &RecordSet{Spec: dns.DNSRecordSetSpec{Type: tt.recordType, Rrdatas: tt.rrdatas}}
		var got []string
		for _, v := range r.VIPs() {
			got = append(got, v.Mode)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %v: VIPs %v, want %v", tt.recordType, tt.rrdatas, got, tt.want)
		}
	}
}
