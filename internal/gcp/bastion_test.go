package gcp

import "testing"

func TestServiceAccountProject(t *testing.T) {
	for email, want := range map[string]string{
		"ops@kf-project.iam.gserviceaccount.com":          "kf-project",
		ServiceAccountEmail("bastion", "p-1"):             "p-1",
		"123456789-compute@developer.gserviceaccount.com": "",
		"ops@.iam.gserviceaccount.com":                    "",
		"ops":                                             "",
	} {
		got, ok := ServiceAccountProject(email)
		if got != want && ok || ok != (want != "") {
			t.Errorf("ServiceAccountProject(%q) = %q, %v; want %q", email, got, ok, want)
		}
	}
}
