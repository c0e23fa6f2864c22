package gcp

import "testing"

func TestIsDefaultNodeServiceAccount(t *testing.T) {
	for in, want := range map[string]bool{
		"":        true, // GKE then uses the default account
		"default": true,
		"123456789012-compute@developer.gserviceaccount.com": true,
		"kf-nodes@kf-project.iam.gserviceaccount.com":        false,
		"Default": false, // GKE's word is lower case
	} {
		if got := IsDefaultNodeServiceAccount(in); got != want {
			t.Errorf("IsDefaultNodeServiceAccount(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestIsNodeRole(t *testing.T) {
	for in, want := range map[string]bool{
		NodeServiceAccountRole:                      true,
		RegistryReaderRole:                          true,
		"roles/logging.logWriter":                   true,
		"roles/stackdriver.resourceMetadata.writer": true,
		"roles/storage.objectViewer":                false,
		"roles/editor":                              false,
		"roles/container.admin":                     false,
	} {
		if got := IsNodeRole(in); got != want {
			t.Errorf("IsNodeRole(%q) = %v, want %v", in, got, want)
		}
	}
	if !IsBasicRole("roles/owner") || IsBasicRole(NodeServiceAccountRole) {
		t.Error("IsBasicRole: want roles/owner basic, the node role not")
	}
}

func TestServiceAccountMember(t *testing.T) {
	email := ServiceAccountEmail("kf-nodes", "kf-project")
	if email != "kf-nodes@kf-project.iam.gserviceaccount.com" {
		t.Errorf("ServiceAccountEmail = %q", email)
	}
	if got, ok := ServiceAccountOfMember("serviceAccount:" + email); !ok || got != email {
		t.Errorf("ServiceAccountOfMember = %q, %v", got, ok)
	}
	if _, ok := ServiceAccountOfMember("user:alex@example.com"); ok {
		t.Error("ServiceAccountOfMember took a user")
	}
}
