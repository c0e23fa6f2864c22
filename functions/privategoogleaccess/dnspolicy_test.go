package privategoogleaccess

import (
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/results"
)

func userPolicy(t *testing.T, spec string) *dnsPolicy {
	t.Helper()
	obj, err := fn.ParseKubeObject([]byte("apiVersion: dns.cnrm.cloud.google.com/v1beta1\nkind: DNSPolicy\nmetadata:\n  name: kf-dns\n  namespace: net\nspec:\n" + spec))
	if err != nil {
		t.Fatal(err)
	}
	p := &planner{res: &results.Collector{}, owner: owned.Owner{Function: Name}}
	pols := p.readDNSPolicies(fn.KubeObjects{obj})
	if len(pols) != 1 || p.res.HasErrors() {
		t.Fatalf("cannot read the policy: %v", p.res.Results())
	}
	return pols[0]
}

func TestReadDNSPolicyNetworks(t *testing.T) {
	pol := userPolicy(t, "  networks:\n  - networkRef:\n      name: kf-net\n  - networkRef:\n      name: other\n      namespace: shared\n  - networkRef:\n      external: projects/h/global/networks/vpc\n")
	want := []facts.NetworkID{"net/kf-net", "shared/other", "external:projects/h/global/networks/vpc"}
	if len(pol.networks) != len(want) {
		t.Fatalf("networks %v, want %v", pol.networks, want)
	}
	for i, id := range want {
		if pol.networks[i] != id {
			t.Errorf("networks[%d] = %s, want %s", i, pol.networks[i], id)
		}
	}
}

func TestEnableLogging(t *testing.T) {
	for _, tt := range []struct {
		name, spec string
		severity   fn.Severity
		says       string
		changed    bool
	}{
		{"off", "  enableLogging: false\n", fn.Info, "set to true", true},
		{"unset", "  description: mine\n", fn.Info, "set to true", true},
		{"on already", "  enableLogging: true\n", fn.Info, "logs its DNS queries through this policy", false},
		{"setter", "  enableLogging: false # kpt-set: ${dns-logging}\n", fn.Warning, "setter marker", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pol := userPolicy(t, tt.spec)
			res := &results.Collector{}
			enableLogging(&network{id: "net/kf-net", userPolicy: pol}, res)
			got := res.Results()
			if len(got) != 1 || got[0].Severity != tt.severity || !strings.Contains(got[0].Message, tt.says) {
				t.Fatalf("results %v, want one %s saying %q", got, tt.severity, tt.says)
			}
			on, _, _ := pol.object.NestedBool("spec", "enableLogging")
			if !on {
				t.Errorf("spec.enableLogging is not true:\n%s", pol.object)
			}
			if tt.changed && !strings.Contains(pol.object.String(), "enableLogging: true") {
				t.Errorf("not edited:\n%s", pol.object)
			}
		})
	}
}
