package lint

import (
	"strings"
	"testing"
)

func entries(t *testing.T, spec string) []entry {
	t.Helper()
	var out []entry
	for _, part := range strings.Fields(spec) {
		proto, ports, _ := strings.Cut(part, ":")
		e := entry{protocol: proto}
		if n, ok := protocolNumbers[proto]; ok {
			e.protocol = n
		}
		for _, p := range strings.Split(ports, ",") {
			if p == "" {
				continue
			}
			r, ok := parsePortRange(p)
			if !ok {
				t.Fatalf("bad port %q", p)
			}
			e.ports = append(e.ports, r)
		}
		out = append(out, e)
	}
	return out
}

// TestCoversEntry is the protocol and port half of shadowing: a deny
// covers an allow's entry only when it matches every packet of it.
func TestCoversEntry(t *testing.T) {
	for _, tt := range []struct {
		deny, allow string
		covers      bool
	}{
		{"all", "tcp:443", true},
		{"all", "all", true},
		{"tcp", "all", false},
		{"tcp", "tcp:22,80", true},
		{"tcp", "udp:53", false},
		{"tcp:22", "tcp", false},
		{"tcp:9000-9100", "tcp:9090,9091-9093", true},
		{"tcp:9000-9100", "tcp:8999-9001", false},
		{"tcp:0-1000 tcp:1001-65535", "tcp", true},
		{"tcp:0-1000 tcp:1002-65535", "tcp", false},
		{"tcp:80 udp", "udp:53", true},
		{"6:443", "tcp:443", true},
		{"icmp", "icmp", true},
	} {
		allow := entries(t, tt.allow)
		if got := coversEntry(entries(t, tt.deny), allow[0]); got != tt.covers {
			t.Errorf("deny %q covers allow %q: %v, want %v", tt.deny, tt.allow, got, tt.covers)
		}
	}
}

func TestPortRanges(t *testing.T) {
	for s, ok := range map[string]bool{"443": true, "8000-9000": true, "0": true, "65535": true, "65536": false, "9-8": false, "a": false, "1-": false, "": false} {
		if _, got := parsePortRange(s); got != ok {
			t.Errorf("parsePortRange(%q): %v, want %v", s, got, ok)
		}
	}
}

func TestCamelWords(t *testing.T) {
	for in, want := range map[string]string{
		"nextHopInstance":      "next Hop Instance",
		"nextHopILB":           "next Hop ILB",
		"bootDiskKMSCryptoKey": "boot Disk KMS Crypto Key",
		"network":              "network",
		"sslPolicy":            "ssl Policy",
	} {
		if got := strings.Join(camelWords(in), " "); got != want {
			t.Errorf("camelWords(%q) = %q, want %q", in, got, want)
		}
	}
}
