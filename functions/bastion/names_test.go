package bastion

import (
	"strings"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

func TestNamesFor(t *testing.T) {
	cases := []struct {
		cluster                           string
		instance, address, serviceAccount string
	}{
		{"kf", "kf-bastion", "kf-bastion-ip", "kf-bastion"},
		// A service account id has at most 30 characters: 22 of the
		// cluster's name fit before "-bastion", 23 do not.
		{"kubeflow-prod-eu1", "kubeflow-prod-eu1-bastion", "kubeflow-prod-eu1-bastion-ip", "kubeflow-prod-eu1-bastion"},
		{"kubeflow-production-eu", "kubeflow-production-eu-bastion", "kubeflow-production-eu-bastion-ip", "kubeflow-production-eu-bastion"},
		{"kubeflow-production-eu1", "kubeflow-production-eu1-bastion", "kubeflow-production-eu1-bastion-ip", "kubeflow-produc-77cfb8-bastion"},
		// Kubernetes names may have dots and start with a digit; GCP's may not.
		{"1st.cluster", "c-1st-cluster-bastion", "c-1st-cluster-bastion-ip", "c-1st-cluster-bastion"},
	}
	for _, c := range cases {
		n := namesFor(c.cluster)
		if n.instance != c.instance || n.address != c.address || n.serviceAccount != c.serviceAccount {
			t.Errorf("namesFor(%q) = %+v, want instance %s, address %s, service account %s",
				c.cluster, n, c.instance, c.address, c.serviceAccount)
		}
	}
}

// TestNamesAreValid checks GCP's rules on many names, long ones included,
// and that two long names with the same beginning stay apart.
func TestNamesAreValid(t *testing.T) {
	long := strings.Repeat("a", 100)
	seen := map[string]string{}
	for _, cluster := range []string{"a", "kf", long + "1", long + "2", "x.y.z", "9", strings.Repeat("ab-", 30)} {
		n := namesFor(cluster)
		for _, name := range []string{n.instance, n.address} {
			if !gcp.IsResourceName(name) {
				t.Errorf("cluster %q: %q is not a valid GCE name", cluster, name)
			}
		}
		if l := len(n.serviceAccount); l < 6 || l > gcp.MaxAccountIDLength || !gcp.IsResourceName(n.serviceAccount) {
			t.Errorf("cluster %q: %q is not a valid service account id", cluster, n.serviceAccount)
		}
		if other, dup := seen[n.serviceAccount]; dup {
			t.Errorf("clusters %q and %q share the service account id %q", other, cluster, n.serviceAccount)
		}
		seen[n.serviceAccount] = cluster
		if n != namesFor(cluster) {
			t.Errorf("cluster %q: names differ between calls", cluster)
		}
	}
}

func TestZones(t *testing.T) {
	for zone, want := range map[string]string{
		"us-central1-a":             "",
		"northamerica-northeast2-b": "",
		"europe-west10-c":           "",
		"us-central1":               `"us-central1" is a region: name one of its zones, such as us-central1-a`,
		"europe-west1":              `"europe-west1" is a region: name one of its zones, such as europe-west1-b`,
		"us-central1-ab":            `"us-central1-ab" is not a zone name such as us-central1-a`,
		"US-CENTRAL1-A":             `"US-CENTRAL1-A" is not a zone name such as us-central1-a`,
	} {
		if got := checkZone(zone); got != want {
			t.Errorf("checkZone(%q) = %q, want %q", zone, got, want)
		}
	}
	if z := firstZone("us-east1"); z != "us-east1-b" {
		t.Errorf("firstZone(us-east1) = %q: us-east1 has no zone a", z)
	}
}

func TestMachineTypes(t *testing.T) {
	for mt, valid := range map[string]bool{
		"e2-small": true, "n2-standard-4": true, "n2d-highcpu-2": true, "e2-custom-2-4096": true,
		"f1-micro": true, "small": false, "E2-small": false, "e2_small": false, "e2-": false, "-e2": false,
	} {
		if got := machineName.MatchString(mt); got != valid {
			t.Errorf("machine type %q: valid %v, want %v", mt, got, valid)
		}
	}
}
