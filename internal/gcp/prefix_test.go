package gcp

import (
	"net/netip"
	"testing"
)

func TestLastAddr(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.0/24":     "10.0.0.255",
		"10.0.0.0/29":     "10.0.0.7",
		"172.16.0.0/12":   "172.31.255.255",
		"10.1.2.3/8":      "10.255.255.255", // host bits do not matter
		"10.0.0.7/32":     "10.0.0.7",
		"0.0.0.0/0":       "255.255.255.255",
		"2001:db8::/64":   "2001:db8::ffff:ffff:ffff:ffff",
		"2001:db8::1/128": "2001:db8::1",
		"::/0":            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	} {
		if got := LastAddr(netip.MustParsePrefix(in)); got.String() != want {
			t.Errorf("LastAddr(%s) = %s, want %s", in, got, want)
		}
	}
	if got := LastAddr(netip.Prefix{}); got.IsValid() {
		t.Errorf("LastAddr of no prefix = %s", got)
	}
}

func TestNextPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"172.16.0.0/28":   "172.16.0.16/28",
		"172.16.0.240/28": "172.16.1.0/28", // carries into the next octet
		"10.255.255.0/24": "11.0.0.0/24",
		"10.0.0.7/32":     "10.0.0.8/32",
		"2001:db8::/64":   "2001:db8:0:1::/64",
	} {
		got, ok := NextPrefix(netip.MustParsePrefix(in))
		if !ok || got.String() != want {
			t.Errorf("NextPrefix(%s) = %s %v, want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"255.255.255.240/28", "0.0.0.0/0", "ffff:ffff:ffff:ffff::/64"} {
		if got, ok := NextPrefix(netip.MustParsePrefix(in)); ok {
			t.Errorf("NextPrefix(%s) = %s, want none past the end", in, got)
		}
	}
}
