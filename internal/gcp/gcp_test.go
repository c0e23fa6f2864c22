package gcp

import (
	"fmt"
	"testing"
)

func TestVIPAddresses(t *testing.T) {
	for _, tt := range []struct {
		mode, want string
	}{
		{"restricted", "[199.36.153.4 199.36.153.5 199.36.153.6 199.36.153.7]"},
		{"private", "[199.36.153.8 199.36.153.9 199.36.153.10 199.36.153.11]"},
	} {
		vip, ok := VIPFor(tt.mode)
		if !ok {
			t.Fatalf("no VIP for %q", tt.mode)
		}
		if got := fmt.Sprint(Addresses(vip.IPv4)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.mode, got, tt.want)
		}
	}
	if _, ok := VIPFor("public"); ok {
		t.Error("an unknown mode must not resolve")
	}
}
