package gcp

import "testing"

func TestFirewallProtocol(t *testing.T) {
	for _, tc := range []struct{ in, want, wantErr string }{
		{in: "all", want: "all"},
		{in: "tcp", want: ProtocolTCP},
		{in: "6", want: ProtocolTCP},
		{in: "sctp", want: "132"},
		{in: "0", want: "0"},
		{in: "255", want: "255"},
		{in: "256", wantErr: "protocol number 256 is out of range 0-255"},
		{in: "-1", wantErr: "protocol number -1 is out of range 0-255"},
		{in: "TCP", wantErr: `"TCP": use one of all, ah, esp, icmp, ipip, sctp, tcp, udp, or an IP protocol number`},
		{in: "", wantErr: `"": use one of all, ah, esp, icmp, ipip, sctp, tcp, udp, or an IP protocol number`},
	} {
		got, err := FirewallProtocol(tc.in)
		switch {
		case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
			t.Errorf("FirewallProtocol(%q) error = %v, want %s", tc.in, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("FirewallProtocol(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
