package podsecurity

import (
	"strings"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/pssconfig"
)

func TestKyvernoVersion(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"latest", "latest", ""},
		{"v1.19", "v1.19", ""},
		{"v1.25", "v1.25", ""},
		{"v1.29", "v1.29", ""},
		{"v1.30", "v1.29", ""}, // no check changed at v1.30
		{"v1.31", "", "check seLinuxOptions at v1.31"},
		{"v1.33", "", "check sysctls at v1.32"},
		{"v1.40", "", "check sysctls at v1.37"},
		{"v1.18", "", "older than Kyverno's podSecurity accepts"},
	} {
		got, err := kyvernoVersion(parseVersion(t, tc.in))
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want one with %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// parseVersion is text as a loaded config holds it.
func parseVersion(t *testing.T, text string) pssconfig.Version {
	t.Helper()
	v := fnconfig.ValueOf[pssconfig.Version](text)
	if err := v.Err(); err != nil || v.Version.String() != text {
		t.Fatalf("%s: parsed as %s, %v", text, v.Version, err)
	}
	return v
}
