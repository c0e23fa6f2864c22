package gcp

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRange(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"3.211.199.249", "3.211.199.249/32"}, // bare IPv4: one host
		{"2001:db8::1", "2001:db8::1/128"},    // bare IPv6: one host
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"203.0.113.7/32", "203.0.113.7/32"},
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"::/0", "::/0"},
		{"2600:2d00:2:1000::/64", "2600:2d00:2:1000::/64"},
		{"::ffff:10.0.0.1", "::ffff:10.0.0.1/128"}, // IPv4-mapped stays IPv6, as netip reads it
	} {
		p, err := ParseRange(tt.in)
		if err != nil || p.String() != tt.want {
			t.Errorf("ParseRange(%q) = %v, %v; want %s", tt.in, p, err, tt.want)
		}
	}
}

func TestParseRangeRefuses(t *testing.T) {
	for _, tt := range []struct {
		in, says string
	}{
		{"10.1.2.3/8", "10.1.2.3/8 has host bits set: did you mean 10.0.0.0/8 (the range) or 10.1.2.3/32 (the address)?"},
		{"2001:db8::1/64", "did you mean 2001:db8::/64 (the range) or 2001:db8::1/128 (the address)?"},
		{"10.0.0.0/33", `"10.0.0.0/33" is not a range`},
		{"", `"" is not a range`},
		{"10.0.0", "is not a range"},
		{"010.0.0.1", "is not a range"}, // leading zeros are ambiguous
		{"10.0.0.1/", "is not a range"},
		{"/8", "is not a range"},
		{" 10.0.0.0/8", "is not a range"}, // the API gets the text as written
		{"fe80::1%eth0", "is not a range"},
		{"fe80::1%eth0/64", "is not a range"},
		{"10.0.0.0-10.0.0.9", "is not a range"},
		{"example.com", "is not a range"},
	} {
		p, err := ParseRange(tt.in)
		if err == nil {
			t.Errorf("ParseRange(%q) = %v, want an error", tt.in, p)
			continue
		}
		if !strings.Contains(err.Error(), tt.says) {
			t.Errorf("ParseRange(%q): %q, want it to say %q", tt.in, err, tt.says)
		}
		if p.IsValid() {
			t.Errorf("ParseRange(%q) returned %v beside its error", tt.in, p)
		}
	}
}

// TestHostBitsErrorKeepsTheRange: a check that needs only the family of a
// range (cluster-firewall's IPv4/IPv6 mix) still gets it.
func TestHostBitsErrorKeepsTheRange(t *testing.T) {
	_, err := ParseRange("2001:db8::1/64")
	var hostBits *HostBitsError
	if !errors.As(err, &hostBits) || hostBits.Prefix.String() != "2001:db8::1/64" {
		t.Fatalf("ParseRange(2001:db8::1/64): %v, want a HostBitsError holding the range", err)
	}
	if _, err := ParseRange("10.0.0.0/33"); errors.As(err, &hostBits) {
		t.Errorf("a range that does not parse is no HostBitsError: %v", err)
	}
}
