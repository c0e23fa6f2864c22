package gcp

import (
	"net/netip"
	"testing"
)

func TestFreeIPv4Prefix(t *testing.T) {
	p := netip.MustParsePrefix
	for _, tc := range []struct {
		name   string
		within string
		bits   int
		taken  []netip.Prefix
		want   string // "" when none is free
	}{
		{"nothing taken", "10.0.0.0/8", 14, nil, "10.0.0.0/14"},
		{"first taken", "10.0.0.0/8", 14, []netip.Prefix{p("10.1.0.0/16")}, "10.4.0.0/14"},
		{"a wide range taken", "10.0.0.0/8", 20, []netip.Prefix{p("10.0.0.0/9")}, "10.128.0.0/20"},
		{"several", "172.16.0.0/12", 28, []netip.Prefix{p("172.16.0.0/28"), p("172.16.0.16/28")}, "172.16.0.32/28"},
		{"all taken", "192.168.0.0/16", 17, []netip.Prefix{p("192.168.0.0/17"), p("192.168.128.1/32")}, ""},
		{"the last block", "10.0.0.0/8", 9, []netip.Prefix{p("10.0.0.0/9")}, "10.128.0.0/9"},
		{"bits wider than within", "10.0.0.0/16", 8, nil, ""},
	} {
		got, ok := FreeIPv4Prefix(p(tc.within), tc.bits, tc.taken)
		if tc.want == "" {
			if ok {
				t.Errorf("%s: got %s, want none free", tc.name, got)
			}
			continue
		}
		if !ok || got != p(tc.want) {
			t.Errorf("%s: got %s (%v), want %s", tc.name, got, ok, tc.want)
		}
	}
}
