package gcp

import (
	"net/netip"
	"testing"
)

func TestOpensControlPlane(t *testing.T) {
	for _, tt := range []struct {
		cidr string
		open bool
	}{
		{"0.0.0.0/0", true},
		{"8.0.0.0/7", true},
		{"64.0.0.0/8", true},
		{"64.0.0.0/9", false},    // narrower than a /8
		{"10.0.0.0/8", false},    // private
		{"172.16.0.0/12", false}, // private
		{"172.0.0.0/8", true},    // holds public addresses beside 172.16/12
		{"203.0.113.0/24", false},
		{"::/0", false}, // authorized networks are IPv4
	} {
		if got := OpensControlPlane(netip.MustParsePrefix(tt.cidr)); got != tt.open {
			t.Errorf("OpensControlPlane(%s) = %v, want %v", tt.cidr, got, tt.open)
		}
	}
}

func TestVIPLookups(t *testing.T) {
	for _, tt := range []struct {
		addr, mode string
	}{
		{"199.36.153.4", "restricted"},
		{"199.36.153.7", "restricted"},
		{"199.36.153.8", "private"},
		{"2600:2d00:2:2000::", "private"},
		{"199.36.153.12", ""},
	} {
		v, ok := VIPOf(netip.MustParseAddr(tt.addr))
		if ok != (tt.mode != "") || v.Mode != tt.mode {
			t.Errorf("VIPOf(%s) = %q %v, want %q", tt.addr, v.Mode, ok, tt.mode)
		}
	}
	if v, ok := VIPOfHost("Restricted.GoogleAPIs.com."); !ok || v.Mode != "restricted" {
		t.Errorf("VIPOfHost: %q %v", v.Mode, ok)
	}
	if _, ok := VIPOfHost("googleapis.com."); ok {
		t.Error("googleapis.com is not a VIP's host")
	}
	if v, ok := IsVIPRange(netip.MustParsePrefix("199.36.153.8/30")); !ok || v.Mode != "private" {
		t.Errorf("IsVIPRange: %q %v", v.Mode, ok)
	}
	if _, ok := IsVIPRange(netip.MustParsePrefix("199.36.153.0/24")); ok {
		t.Error("only a VIP's own range is a route to it")
	}
	for i, r := range CoreHealthCheckRanges {
		if r != HealthCheckRanges[i] {
			t.Errorf("CoreHealthCheckRanges[%d] = %s is not HealthCheckRanges[%d] = %s", i, r, i, HealthCheckRanges[i])
		}
	}
}
