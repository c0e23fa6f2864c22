package gcp

import (
	"slices"
	"testing"
)

func TestVPCSCServicesSortedOnce(t *testing.T) {
	// IsVPCSCService searches the table: it must be sorted, each name once.
	if !slices.IsSorted(vpcscServices) {
		t.Error("vpcscServices is not sorted")
	}
	if len(slices.Compact(slices.Clone(vpcscServices))) != len(vpcscServices) {
		t.Error("vpcscServices lists a service twice")
	}
	for _, s := range vpcscServices {
		if !IsServiceName(s) {
			t.Errorf("%q is not NAME.googleapis.com", s)
		}
	}
	// What a Kubeflow-on-GKE project's nodes and users call must be there.
	for _, s := range []string{"container.googleapis.com", "storage.googleapis.com", "logging.googleapis.com", "sts.googleapis.com", "artifactregistry.googleapis.com"} {
		if !IsVPCSCService(s) {
			t.Errorf("%s is missing", s)
		}
	}
	if IsVPCSCService("oauth2.googleapis.com") {
		t.Error("oauth2 is served by the restricted VIP but cannot be restricted")
	}
}

func TestNearestVPCSCService(t *testing.T) {
	for in, want := range map[string]string{
		"storge.googleapis.com":     "storage.googleapis.com",
		"storage":                   "storage.googleapis.com",
		"storage.googleapis":        "storage.googleapis.com",
		"containers.googleapis.com": "container.googleapis.com",
		"gmail.googleapis.com":      "",
	} {
		if got := NearestVPCSCService(in); got != want {
			t.Errorf("NearestVPCSCService(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDNSEndpointServicesRestrictable holds the two tables together: a
// perimeter restricting every supported service guards the DNS-based
// endpoint only if both services GKE names are among them.
func TestDNSEndpointServicesRestrictable(t *testing.T) {
	for _, s := range DNSEndpointServices {
		if !IsVPCSCService(s) {
			t.Errorf("%s guards the DNS-based endpoint but is not in the VPC Service Controls table", s)
		}
	}
}
