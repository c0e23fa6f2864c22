package gcp

import "testing"

func TestParseCIDR(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.0/8":     "10.0.0.0/8",
		"172.16.0.32/28": "172.16.0.32/28",
		"10.1.2.3/8":     "10.1.2.3/8", // host bits kept: the caller words them
		"2001:db8::/32":  "2001:db8::/32",
		"0.0.0.0/0":      "0.0.0.0/0",
	} {
		if got, ok := ParseCIDR(in); !ok || got.String() != want {
			t.Errorf("ParseCIDR(%q) = %s %v, want %s", in, got, ok, want)
		}
	}
	// No bare address, unlike ParseRange; nothing netip cannot read.
	for _, in := range []string{"", "10.0.0.7", "10.0.0.0/33", "10.0.0.0/", "fe80::1%eth0/64", " 10.0.0.0/8", "ten/8"} {
		if got, ok := ParseCIDR(in); ok || got.IsValid() {
			t.Errorf("ParseCIDR(%q) = %s, want it refused", in, got)
		}
	}
}
