package privategoogleaccess

import (
	"strings"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

func TestGCEName(t *testing.T) {
	long := strings.Repeat("network-", 10)
	for _, tt := range []struct {
		parts []string
		want  string
	}{
		{[]string{"kf-net", "googleapis-com"}, "kf-net-googleapis-com"},
		{[]string{"KF.Net_01"}, "kf-net-01"},
		{[]string{"01-net"}, "n-01-net"},
		{[]string{"net-", ""}, "net"},
		{[]string{long, "a"}, "network-network-network-network-network-network-networ-3a7fd6-a"},
	} {
		got := gceName(tt.parts[0], tt.parts[1:]...)
		if got != tt.want {
			t.Errorf("gceName(%q) = %q, want %q", tt.parts, got, tt.want)
		}
		if len(got) > gcp.MaxNameLength {
			t.Errorf("gceName(%q) = %q is longer than %d", tt.parts, got, gcp.MaxNameLength)
		}
	}
	// Two long names that share their first 63 characters stay apart.
	if a, b := gceName(long, "a"), gceName(long, "b"); a == b {
		t.Errorf("both are %q", a)
	}
}

func TestCheckDomain(t *testing.T) {
	for d, want := range map[string]string{
		"gcr.io":                         "",
		"packages.cloud.google.com":      "",
		"europe-docker.pkg.dev":          "",
		"":                               "empty domain",
		"*.gcr.io":                       "without the wildcard",
		"GCR.io":                         "lower case",
		"io":                             "top-level name would capture",
		"10.0.0.1":                       "IP address",
		"-bad.io":                        `label "-bad"`,
		"a..io":                          `label ""`,
		strings.Repeat("a.", 127) + "io": "longer than the 253",
	} {
		got := checkDomain(d)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("checkDomain(%q) = %q, want it to say %q", d, got, want)
		}
	}
}
