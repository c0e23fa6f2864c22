package bastion

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// TestServiceAccountForms covers the serviceAccount forms the golden cases
// do not: the default compute account is allowed, with a warning.
func TestServiceAccountForms(t *testing.T) {
	cases := map[string]fn.Severity{
		"bastion-runner":                                  "",
		"ops@kf-project.iam.gserviceaccount.com":          "",
		"123456789-compute@developer.gserviceaccount.com": fn.Warning,
		"ops@":           fn.Error,
		"Bastion Runner": fn.Error,
	}
	for sa, want := range cases {
		var res results.Collector
		c := &Bastion{ServiceAccount: sa}
		c.Validate(fnconfig.Source{}, &res)
		var got fn.Severity
		for _, r := range res.Results() {
			got = r.Severity
		}
		if got != want {
			t.Errorf("serviceAccount %q: result %q, want %q (%v)", sa, got, want, res.Results())
		}
	}
}
