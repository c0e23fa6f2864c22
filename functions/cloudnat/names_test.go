package cloudnat

import (
	"regexp"
	"strings"
	"testing"
)

var validGCPName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

func TestGCPName(t *testing.T) {
	long := strings.Repeat("kubeflow-", 8) + "net"
	for _, tt := range []struct {
		stem string
		what []string
		want string
	}{
		{"kf-net", []string{"us-central1", "router"}, "kf-net-us-central1-router"},
		{"kf.net", []string{"internet-egress"}, "kf-net-internet-egress"},
		{"1net", []string{"egress-fqdn"}, "n1net-egress-fqdn"},
		{long, []string{"northamerica-northeast1", "nat-ip", "12"}, "kubeflow-kubeflow-kube-b69e25-northamerica-northeast1-nat-ip-12"},
		{long + "2", []string{"northamerica-northeast1", "nat-ip", "12"}, "kubeflow-kubeflow-kube-47e375-northamerica-northeast1-nat-ip-12"},
	} {
		got := namer.Name(tt.stem, tt.what...)
		if got != tt.want {
			t.Errorf("namer.Name(%q, %q) = %q, want %q", tt.stem, tt.what, got, tt.want)
		}
		if !validGCPName.MatchString(got) {
			t.Errorf("namer.Name(%q, %q) = %q is not a valid GCP name", tt.stem, tt.what, got)
		}
	}
}

// Any stem gives a valid name, and different stems different names.
func FuzzGCPName(f *testing.F) {
	f.Add("kf-net", "kf.net")
	f.Add(strings.Repeat("a", 80), strings.Repeat("a", 81))
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := namer.Name(a, "us-central1", "router"), namer.Name(b, "us-central1", "router")
		if !validGCPName.MatchString(na) {
			t.Fatalf("namer.Name(%q) = %q is not a valid GCP name", a, na)
		}
		if namer.Sanitize(a) != namer.Sanitize(b) && na == nb {
			t.Fatalf("%q and %q both give %q", a, b, na)
		}
	})
}
