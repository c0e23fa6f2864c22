package gcp

import (
	"fmt"
	"testing"
)

// The documented AAAA addresses must lie in the VIP's own IPv6 range, or
// the route to that range would not carry the traffic DNS sends there.
func TestIPv6Records(t *testing.T) {
	for _, tt := range []struct {
		vip  VIP
		want string
	}{
		{RestrictedVIP, "[2600:2d00:2:1000::]"},
		{PrivateVIP, "[2600:2d00:2:2000::]"},
	} {
		got := tt.vip.IPv6Records()
		if fmt.Sprint(got) != tt.want {
			t.Errorf("%s: %v, want %s", tt.vip.Mode, got, tt.want)
		}
		for _, a := range got {
			if !tt.vip.IPv6.Contains(a) {
				t.Errorf("%s: %s is outside %s", tt.vip.Mode, a, tt.vip.IPv6)
			}
		}
	}
	if got := (VIP{Mode: "public"}).IPv6Records(); got != nil {
		t.Errorf("an unknown VIP has records %v", got)
	}
}
