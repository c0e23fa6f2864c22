package nodeidentity

import (
	"regexp"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// TestAccountIDsValid holds namesFor to IAM's account id rules for every
// kind of cluster name: short, long, leading digit, dots, upper case.
func TestAccountIDsValid(t *testing.T) {
	for _, cluster := range []string{
		"a", "kf", "kubeflow", "1kf", "kf.prod", "KF", "-kf",
		"kubeflow-production-us-central1", "a-very-long-cluster-name-that-goes-on-and-on",
	} {
		n := namesFor(cluster)
		if !isAccountID(n.account) {
			t.Errorf("namesFor(%q).account = %q, not a valid account id", cluster, n.account)
		}
		if n.account != namesFor(cluster).account {
			t.Errorf("namesFor(%q) is not stable", cluster)
		}
	}
	if a, b := namesFor("kubeflow-production-us-central1").account, namesFor("kubeflow-production-us-east1").account; a == b {
		t.Errorf("two long names share the account id %s", a)
	}
}

// accountIDRule is IAM's rule for a service account id, the oracle of
// TestAccountIDsValid: it "must be 6-30 characters long, and match the
// regular expression [a-z]([-a-z0-9]*[a-z0-9])" (IAM API,
// CreateServiceAccountRequest.accountId,
// https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create,
// read 2026-12-02). namesFor keeps to it by construction (gcp.Namer with
// gcp.MaxAccountIDLength), so only the test needs it.
var accountIDRule = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])$`)

func isAccountID(s string) bool {
	return len(s) >= 6 && len(s) <= gcp.MaxAccountIDLength && accountIDRule.MatchString(s)
}

func TestIsAccountID(t *testing.T) {
	for in, want := range map[string]bool{
		"kf-nodes":                        true,
		"abcdef":                          true,  // 6, the shortest
		"abcde":                           false, // 5
		"a23456789012345678901234567890":  true,  // 30, the longest
		"a234567890123456789012345678901": false, // 31
		"1kf-nodes":                       false, // a letter first
		"kf-nodes-":                       false, // no hyphen last
		"KF-nodes":                        false,
		"kf.nodes":                        false,
	} {
		if got := isAccountID(in); got != want {
			t.Errorf("isAccountID(%q) = %v, want %v", in, got, want)
		}
	}
}
