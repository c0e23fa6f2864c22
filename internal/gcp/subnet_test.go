package gcp

import (
	"net/netip"
	"testing"
)

func TestUsableIPv4Range(t *testing.T) {
	for in, want := range map[string][2]string{
		"10.0.0.0/24":   {"10.0.0.2", "10.0.0.253"},
		"10.0.0.0/29":   {"10.0.0.2", "10.0.0.5"}, // the smallest primary range
		"10.0.0.0/22":   {"10.0.0.2", "10.0.3.253"},
		"10.0.3.0/24":   {"10.0.3.2", "10.0.3.253"},
		"10.1.2.3/16":   {"10.1.0.2", "10.1.255.253"}, // host bits do not matter
		"172.16.0.0/12": {"172.16.0.2", "172.31.255.253"},
	} {
		first, last, ok := UsableIPv4Range(netip.MustParsePrefix(in))
		if !ok || first.String() != want[0] || last.String() != want[1] {
			t.Errorf("UsableIPv4Range(%s) = %s-%s %v, want %s-%s", in, first, last, ok, want[0], want[1])
		}
	}
	for _, in := range []string{"10.0.0.0/30", "10.0.0.7/32", "2001:db8::/64", "fd00::/64"} {
		if first, last, ok := UsableIPv4Range(netip.MustParsePrefix(in)); ok {
			t.Errorf("UsableIPv4Range(%s) = %s-%s, want no usable range", in, first, last)
		}
	}
	if _, _, ok := UsableIPv4Range(netip.Prefix{}); ok {
		t.Errorf("UsableIPv4Range of no prefix is ok")
	}
}
