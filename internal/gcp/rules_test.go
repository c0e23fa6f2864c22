package gcp

import "testing"

func TestParsePortRange(t *testing.T) {
	for _, tc := range []struct {
		in      string
		min     int
		want    PortRange
		wantErr string
	}{
		{in: "443", min: 1, want: PortRange{443, 443}},
		{in: " 8000 - 8100 ", min: 1, want: PortRange{8000, 8100}},
		{in: "0-65535", min: MinPort, want: AllPorts},
		{in: "0", min: 1, wantErr: `"0" is out of range: ports are 1 to 65535`},
		{in: "65536", min: 0, wantErr: `"65536" is out of range: ports are 0 to 65535`},
		{in: "90-80", min: 1, wantErr: `"90-80" starts after it ends: write 80-90`},
		{in: "https", min: 1, wantErr: `"https" is not a port such as 443 or a range such as 8000-8100`},
		{in: "1-", min: 1, wantErr: `"1-" is not a port such as 443 or a range such as 8000-8100`},
	} {
		got, err := ParsePortRange(tc.in, tc.min)
		switch {
		case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
			t.Errorf("ParsePortRange(%q) error = %v, want %s", tc.in, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("ParsePortRange(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestNameRules(t *testing.T) {
	for _, tc := range []struct {
		in                 string
		resource, dnsLabel bool
	}{
		{"kubeflow-node", true, true},
		{"1cluster", false, true},
		{"a", true, true},
		{"ends-", false, false},
		{"UPPER", false, false},
		{"a.b", false, false},
		{"a23456789012345678901234567890123456789012345678901234567890123", true, true},
		{"a234567890123456789012345678901234567890123456789012345678901234", false, false},
		{"", false, false},
	} {
		if got := IsResourceName(tc.in); got != tc.resource {
			t.Errorf("IsResourceName(%q) = %v", tc.in, got)
		}
		if got := IsNetworkTag(tc.in); got != tc.resource {
			t.Errorf("IsNetworkTag(%q) = %v", tc.in, got)
		}
		if got := IsDNSLabel(tc.in); got != tc.dnsLabel {
			t.Errorf("IsDNSLabel(%q) = %v", tc.in, got)
		}
	}
	if NodeTag("kf") != "kf-node" {
		t.Errorf("NodeTag(kf) = %q", NodeTag("kf"))
	}
}

// The rules that say in words what is wrong: each function that takes a
// tag or a priority reports these messages as they are.
func TestCheckTagAndPriority(t *testing.T) {
	if err := CheckNetworkTag("kf-node"); err != nil {
		t.Errorf("CheckNetworkTag(kf-node) = %v", err)
	}
	want := `"-node" is not a valid network tag: ` + ResourceNameRule
	if err := CheckNetworkTag("-node"); err == nil || err.Error() != want {
		t.Errorf("CheckNetworkTag(-node) = %v, want %s", err, want)
	}
	for _, p := range []int64{MinPriority, DefaultPriority, MaxPriority} {
		if err := CheckPriority(p); err != nil {
			t.Errorf("CheckPriority(%d) = %v", p, err)
		}
	}
	want = "priority 65536 is out of range: GCP priorities go from 0 (first) to 65535 (last)"
	if err := CheckPriority(MaxPriority + 1); err == nil || err.Error() != want {
		t.Errorf("CheckPriority(65536) = %v, want %s", err, want)
	}
	if err := CheckPriority(-1); err == nil {
		t.Error("CheckPriority(-1) accepted")
	}
}
