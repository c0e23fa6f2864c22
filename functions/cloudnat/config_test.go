package cloudnat

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

func ptr[T any](v T) *T { return &v }

// TestValidate covers each rule of Validate by the field paths it reports;
// the golden error cases show the messages.
func TestValidate(t *testing.T) {
	for name, tt := range map[string]struct {
		cfg  CloudNAT
		want []string // field paths of the errors, sorted
	}{
		"empty":                {CloudNAT{}, nil},
		"manual":               {CloudNAT{NatIPAllocateOption: ManualOnly, StaticAddressCount: ptr(3)}, nil},
		"manual zero":          {CloudNAT{NatIPAllocateOption: ManualOnly, StaticAddressCount: ptr(0)}, []string{"spec.staticAddressCount"}},
		"manual too many":      {CloudNAT{NatIPAllocateOption: ManualOnly, StaticAddressCount: ptr(301)}, []string{"spec.staticAddressCount"}},
		"count with auto":      {CloudNAT{NatIPAllocateOption: AutoOnly, StaticAddressCount: ptr(1)}, []string{"spec.staticAddressCount"}},
		"subnetworks":          {CloudNAT{Subnetworks: "some"}, []string{"spec.subnetworks"}},
		"log filter":           {CloudNAT{LogFilter: "errors"}, []string{"spec.logFilter"}},
		"log filter ok":        {CloudNAT{LogFilter: "TRANSLATIONS_ONLY"}, nil},
		"static min ports":     {CloudNAT{MinPortsPerVM: ptr[int64](100)}, nil},
		"static min too low":   {CloudNAT{MinPortsPerVM: ptr[int64](1)}, []string{"spec.minPortsPerVm"}},
		"static max":           {CloudNAT{MaxPortsPerVM: ptr[int64](1024)}, []string{"spec.maxPortsPerVm"}},
		"dynamic ok":           {CloudNAT{DynamicPortAllocation: ptr(true), MinPortsPerVM: ptr[int64](32), MaxPortsPerVM: ptr[int64](65536)}, nil},
		"dynamic default min":  {CloudNAT{DynamicPortAllocation: ptr(true), MaxPortsPerVM: ptr[int64](32)}, []string{"spec.maxPortsPerVm"}},
		"dynamic max <= min":   {CloudNAT{DynamicPortAllocation: ptr(true), MinPortsPerVM: ptr[int64](1024), MaxPortsPerVM: ptr[int64](1024)}, []string{"spec.maxPortsPerVm"}},
		"dynamic max not pow2": {CloudNAT{DynamicPortAllocation: ptr(true), MaxPortsPerVM: ptr[int64](1000)}, []string{"spec.maxPortsPerVm"}},
		"dynamic min too low":  {CloudNAT{DynamicPortAllocation: ptr(true), MinPortsPerVM: ptr[int64](16)}, []string{"spec.minPortsPerVm"}},
		"dynamic with eim off": {CloudNAT{DynamicPortAllocation: ptr(true), EndpointIndependentMapping: ptr(false)}, nil},
		"eim without dynamic":  {CloudNAT{DynamicPortAllocation: ptr(false), EndpointIndependentMapping: ptr(true)}, nil},
		"ipv6 cidr":            {CloudNAT{AllowedCIDRs: parsedCIDRs("2001:db8::/32")}, []string{"spec.allowedCidrs[0]"}},
		"bare addresses":       {CloudNAT{AllowedCIDRs: parsedCIDRs("203.0.113.7", "2001:db8::1", "203.0.113.7/24")}, []string{"spec.allowedCidrs[1]", "spec.allowedCidrs[2]"}},
		"empty cidr":           {CloudNAT{AllowedCIDRs: parsedCIDRs("")}, []string{"spec.allowedCidrs[0]"}},
		"hosts":                {CloudNAT{AllowedHosts: []string{"GitHub.com.", "a-b.example.co.uk", "localhost", "-bad.example.com", "x.123"}}, []string{"spec.allowedHosts[2]", "spec.allowedHosts[3]", "spec.allowedHosts[4]"}},
		"ports":                {CloudNAT{AllowedPorts: parsedPorts("443", "8000-8100", "0", "9-8", "http", "")}, []string{"spec.allowedPorts[2]", "spec.allowedPorts[3]", "spec.allowedPorts[4]", "spec.allowedPorts[5]"}},
		"no ports":             {CloudNAT{AllowedPorts: fnconfig.Ports{}}, []string{"spec.allowedPorts"}},
		"route priority":       {CloudNAT{InternetRoutePriority: ptr[int64](-1)}, []string{"spec.internetRoutePriority"}},
		"too many hosts":       {CloudNAT{AllowedHosts: manyHosts(MaxHosts + 1)}, []string{"spec.allowedHosts"}},
		"most hosts":           {CloudNAT{AllowedHosts: manyHosts(MaxHosts)}, nil},
		"allow priority edges": {CloudNAT{AllowPriority: ptr[int64](0), InternetRoutePriority: ptr[int64](65535)}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			var res results.Collector
			src, ok := fnconfig.Load(typedConfig(t), Kind, &CloudNAT{}, &res)
			if !ok {
				t.Fatalf("cannot load an empty config: %v", res.Results())
			}
			tt.cfg.Validate(src, &res)
			var got []string
			for _, r := range res.Results() {
				if r.Severity == fn.Error && r.Field != nil {
					got = append(got, r.Field.Path)
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error fields (-want +got):\n%s\n%v", diff, res.Results())
			}
		})
	}
}

// parsedCIDRs and parsedPorts are the config's values as Load leaves them.
func parsedCIDRs(texts ...string) []fnconfig.Range {
	out := make([]fnconfig.Range, len(texts))
	for i, s := range texts {
		out[i] = fnconfig.ValueOf[fnconfig.Range](s)
	}
	return out
}

func parsedPorts(texts ...string) fnconfig.Ports {
	out := make(fnconfig.Ports, len(texts))
	for i, s := range texts {
		out[i] = fnconfig.ValueOf[fnconfig.Port](s)
	}
	return out
}

func manyHosts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("h%d.example.com", i)
	}
	return out
}

func typedConfig(t *testing.T) *fn.KubeObject {
	t.Helper()
	obj, err := fn.ParseKubeObject([]byte("apiVersion: fn.lockdown.dev/v1alpha1\nkind: CloudNAT\nmetadata: {name: c}\n"))
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

func TestHostsAndCIDRsAreNormalized(t *testing.T) {
	c := CloudNAT{
		AllowedHosts: []string{"PyPI.org.", "github.com", "pypi.org"},
		AllowedCIDRs: parsedCIDRs("203.0.113.0/24", " 198.51.100.0/24", "203.0.113.0/24", "10.0.0.0/8", "203.0.113.9", "203.0.113.9/32"),
	}
	if diff := cmp.Diff([]string{"github.com", "pypi.org"}, c.hosts()); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	// A bare address is the /32 it stands for, written so, once.
	if diff := cmp.Diff([]string{"10.0.0.0/8", "198.51.100.0/24", "203.0.113.0/24", "203.0.113.9/32"}, c.cidrs()); diff != "" {
		t.Errorf("cidrs (-want +got):\n%s", diff)
	}
}

// The ranges and ports are parsed as the config is loaded, in either
// form, and what is wrong with them is reported by Validate beside the
// config's other mistakes, at each item's path.
func TestValuesParsedOnLoad(t *testing.T) {
	for _, tc := range []struct{ name, config string }{
		{"typed", "apiVersion: fn.lockdown.dev/v1alpha1\nkind: CloudNAT\nmetadata: {name: c}\nspec: {allowedCidrs: [203.0.113.0/24, 10.0.0.1/8], allowedPorts: [\"80 - 90\", http, 8443], logFilter: errors}\n"},
		{"ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {allowedCidrs: \"203.0.113.0/24, 10.0.0.1/8\", allowedPorts: \"80 - 90, http, 8443\", logFilter: errors}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := fn.ParseKubeObject([]byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			var cfg CloudNAT
			var res results.Collector
			src, ok := fnconfig.Load(obj, Kind, &cfg, &res)
			if !ok {
				t.Fatalf("load failed: %v", res.Results())
			}
			cfg.Validate(src, &res)
			var got []string
			for _, r := range res.Results() {
				got = append(got, r.Field.Path)
			}
			prefix := src.Field("")
			want := []string{prefix + "allowedCidrs[1]", prefix + "allowedPorts[1]", prefix + "logFilter"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error fields (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"203.0.113.0/24"}, cfg.cidrs()); diff != "" {
				t.Errorf("cidrs (-want +got):\n%s", diff)
			}
			if got := cfg.AllowedPorts[0].Range.String(); got != "80-90" {
				t.Errorf("port %q parsed as %s, want 80-90", cfg.AllowedPorts[0].Text, got)
			}
			if got := cfg.AllowedPorts[2]; got.Text != "8443" || got.Range.First != 8443 {
				t.Errorf("port %+v, want 8443 (a number in the typed config)", got)
			}
		})
	}
}

// An address goes to allowedCidrs; a name whose top-level label is all
// digits is no address, and is refused by the DNS rules (gcp.CheckDNSName)
// rather than sent to allowedCidrs as "x.123/32".
func TestCheckHostAddresses(t *testing.T) {
	for host, want := range map[string]string{
		"192.0.2.1":    `"192.0.2.1" is an address, not a host name: put it in allowedCidrs as 192.0.2.1/32`,
		"x.123":        `"x.123" is not a DNS name: its top-level label "123" is all digits, as in an IP address`,
		"PyPI.org.":    "",
		"ghcr.io:443":  `"ghcr.io:443" is not a host name: give the name alone, such as github.com (the ports are allowedPorts)`,
		"*.github.com": `"*.github.com": firewall policy FQDN rules take no wildcards: list each host, such as github.com and codeload.github.com`,
	} {
		if got := checkHost(host); got != want {
			t.Errorf("checkHost(%q) = %q, want %q", host, got, want)
		}
	}
}
