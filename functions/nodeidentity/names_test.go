package nodeidentity

import (
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
		if !gcp.IsAccountID(n.account) {
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
