package gcp

import "testing"

// A server port is a firewall port without the reserved port 0.
func TestMinServerPort(t *testing.T) {
	if _, err := ParsePortRange("0", MinServerPort); err == nil {
		t.Error("port 0 is not a server's")
	}
	if _, err := ParsePortRange("0-443", MinServerPort); err == nil {
		t.Error("a range from port 0 is not a server's")
	}
	if r, err := ParsePortRange("1-1024", MinServerPort); err != nil || r != (PortRange{1, 1024}) {
		t.Errorf("1-1024 = %v, %v", r, err)
	}
	if _, err := ParsePortRange("0", MinPort); err != nil {
		t.Errorf("a firewall rule may name port 0: %v", err)
	}
}
