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
		{long, []string{"northamerica-northeast1", "nat-ip", "12"}, "kubeflow-kubeflow-ku-b69e25e6-northamerica-northeast1-nat-ip-12"},
		{long + "2", []string{"northamerica-northeast1", "nat-ip", "12"}, "kubeflow-kubeflow-ku-47e375ed-northamerica-northeast1-nat-ip-12"},
	} {
		got := gcpName(tt.stem, tt.what...)
		if got != tt.want {
			t.Errorf("gcpName(%q, %q) = %q, want %q", tt.stem, tt.what, got, tt.want)
		}
		if !validGCPName.MatchString(got) {
			t.Errorf("gcpName(%q, %q) = %q is not a valid GCP name", tt.stem, tt.what, got)
		}
	}
}

// Any stem gives a valid name, and different stems different names.
func FuzzGCPName(f *testing.F) {
	f.Add("kf-net", "kf.net")
	f.Add(strings.Repeat("a", 80), strings.Repeat("a", 81))
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := gcpName(a, "us-central1", "router"), gcpName(b, "us-central1", "router")
		if !validGCPName.MatchString(na) {
			t.Fatalf("gcpName(%q) = %q is not a valid GCP name", a, na)
		}
		if sanitize(a) != sanitize(b) && na == nb {
			t.Fatalf("%q and %q both give %q", a, b, na)
		}
	})
}
