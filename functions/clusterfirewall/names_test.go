package clusterfirewall

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// Every rule name is a valid GCP name for every cluster name GKE allows
// (up to 40 characters) and longer ones Config Connector may carry, and
// no two rules of a cluster share a name.
func TestRuleNames(t *testing.T) {
	suffixes := []string{denyEgress, allowVIP, allowMasterEgress, allowMasterIngress, allowHealthChecks,
		allowIntraCluster, allowIAPSSH, denyEgress + ipv6Suffix, allowVIP + ipv6Suffix,
		allowIntraCluster + ipv6Suffix, extraPrefix + strings.Repeat("x", 30), "bastion"}
	for n := 1; n <= 63; n++ {
		cluster := "c" + strings.Repeat("a-b", 21)[:n-1]
		seen := map[string]string{}
		for _, s := range suffixes {
			name := ruleName(cluster, s)
			if !gcp.IsResourceName(name) {
				t.Errorf("cluster %q, %s: %q is not a valid GCP name", cluster, s, name)
			}
			if other, dup := seen[name]; dup {
				t.Errorf("cluster %q: %s and %s are both named %q", cluster, other, s, name)
			}
			seen[name] = s
			if ruleName(cluster, s) != name {
				t.Errorf("ruleName is not stable")
			}
		}
	}
	if got := ruleName("kubeflow", denyEgress); got != "kubeflow-deny-all-egress" {
		t.Errorf("short names are kept as they are, got %q", got)
	}
}

func TestNormalizePorts(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
	}{
		{[]string{"443", "80", "443"}, []string{"80", "443"}},
		{[]string{"8443", "8000-9000", "443"}, []string{"443", "8000-9000"}},
		{[]string{"8000-8100", "8050-8200", "443", "444"}, []string{"443", "444", "8000-8200"}},
		{[]string{" 22 ", "1-65535"}, []string{"1-65535"}},
	} {
		var ports fnconfig.Ports
		for _, text := range tc.in {
			p := fnconfig.ValueOf[fnconfig.Port](text)
			if p.Err() != nil {
				t.Fatalf("%q: %v", text, p.Err())
			}
			ports = append(ports, p)
		}
		if diff := cmp.Diff(tc.want, normalize(ports.Ranges())); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tc.in, diff)
		}
	}
	for _, bad := range []string{"", "0", "65536", "-1", "1-", "-", "2-1", "a", "1.5", "1-2-3"} {
		if fnconfig.ValueOf[fnconfig.Port](bad).Err() == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
