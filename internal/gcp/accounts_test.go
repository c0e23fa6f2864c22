package gcp

import "testing"

func TestIsComputeDefaultServiceAccount(t *testing.T) {
	for in, want := range map[string]bool{
		"123456789-compute@developer.gserviceaccount.com": true,
		"ops@kf-project.iam.gserviceaccount.com":          false,
		"compute@developer.gserviceaccount.com":           false,
		"bastion-runner":                                  false,
	} {
		if got := IsComputeDefaultServiceAccount(in); got != want {
			t.Errorf("IsComputeDefaultServiceAccount(%q) = %v, want %v", in, got, want)
		}
	}
}
