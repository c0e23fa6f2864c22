package lint

import (
	"strings"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// entries reads "tcp:22,80 udp" as a rule's entries, protocols by name or
// number, ports as a rule writes them.
func entries(t *testing.T, spec string) []facts.FirewallEntry {
	t.Helper()
	numbers := map[string]string{"tcp": gcp.ProtocolTCP, "udp": "17", "icmp": "1"}
	var out []facts.FirewallEntry
	for _, part := range strings.Fields(spec) {
		proto, ports, _ := strings.Cut(part, ":")
		e := facts.FirewallEntry{Protocol: proto}
		if n, ok := numbers[proto]; ok {
			e.Protocol = n
		}
		for _, p := range strings.Split(ports, ",") {
			if p == "" {
				continue
			}
			r, err := gcp.ParsePortRange(p, gcp.MinPort)
			if err != nil {
				t.Fatal(err)
			}
			e.Ports = append(e.Ports, r)
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
