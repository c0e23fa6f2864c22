package gcp

import "testing"

func TestKCCService(t *testing.T) {
	for group, want := range map[string]string{
		"container.cnrm.cloud.google.com":       "container.googleapis.com",
		"sql.cnrm.cloud.google.com":             "sqladmin.googleapis.com",
		"resourcemanager.cnrm.cloud.google.com": "cloudresourcemanager.googleapis.com",
		"kms.cnrm.cloud.google.com":             "cloudkms.googleapis.com",
		"notebooks.cnrm.cloud.google.com":       "",
	} {
		if got, _ := KCCService(group); got != want {
			t.Errorf("KCCService(%q) = %q, want %q", group, got, want)
		}
	}
	for group, want := range map[string]bool{
		"compute.cnrm.cloud.google.com": true,
		"core.cnrm.cloud.google.com":    false,
		"apps":                          false,
	} {
		if got := IsKCCGroup(group); got != want {
			t.Errorf("IsKCCGroup(%q) = %v, want %v", group, got, want)
		}
	}
}

func TestResourceRefGroup(t *testing.T) {
	for _, c := range []struct{ apiVersion, kind, want string }{
		{"storage.cnrm.cloud.google.com/v1beta1", "StorageBucket", "storage.cnrm.cloud.google.com"},
		{"", "Project", "resourcemanager.cnrm.cloud.google.com"},
		{"", "StorageBucket", ""},
	} {
		if got := ResourceRefGroup(c.apiVersion, c.kind); got != c.want {
			t.Errorf("ResourceRefGroup(%q, %q) = %q, want %q", c.apiVersion, c.kind, got, c.want)
		}
	}
}
