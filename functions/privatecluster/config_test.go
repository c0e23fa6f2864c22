package privatecluster

import (
	"slices"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// TestRangesReadOnce checks that the config's ranges are read when it is
// loaded, from either form (authorized networks as name=cidr in a
// ConfigMap), and that Validate reports each bad one at its own indexed
// path, beside the other fields' mistakes.
func TestRangesReadOnce(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		networks     []string // the authorized networks read
		master       string   // the control plane range read
		findings     []string
	}{{
		name:     "ConfigMap",
		config:   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pc\ndata:\n  masterIpv4CidrBlock: ' 192.168.100.0/28'\n  masterAuthorizedNetworks: office=203.0.113.0/24, vpn = 10.20.0.0/16\n",
		networks: []string{"203.0.113.0/24", "10.20.0.0/16"},
		master:   "192.168.100.0/28",
	}, {
		name:   "ConfigMap with bad ranges",
		config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pc\ndata:\n  masterAuthorizedNetworks: office=203.0.113.5,vpn=10.20.0.1/16,all=0.0.0.0/0\n  nodeTag: Workers\n",
		findings: []string{
			`error data.masterAuthorizedNetworks[0].cidrBlock: "203.0.113.5" is not a CIDR range such as 203.0.113.0/24`,
			`error data.masterAuthorizedNetworks[1].cidrBlock: 10.20.0.1/16 has host bits set: did you mean 10.20.0.0/16?`,
			`error data.masterAuthorizedNetworks[2].cidrBlock: 0.0.0.0/0 opens the control plane to a public /0: list the operators' ranges instead, or set allowPublicAuthorizedNetworks: true if you really mean it`,
			`error data.nodeTag: "Workers" is not a valid network tag: lower-case letters, digits and hyphens, starting with a letter, at most 63 characters`,
		},
	}, {
		name: "typed, public allowed",
		config: `apiVersion: fn.lockdown.dev/v1alpha1
kind: PrivateCluster
metadata:
  name: pc
spec:
  masterIpv4CidrBlock: 172.16.0.33/28
  allowPublicAuthorizedNetworks: true
  masterAuthorizedNetworks:
  - displayName: office
    cidrBlock: 203.0.113.0/24
  - displayName: everyone
    cidrBlock: 0.0.0.0/0
  clusterIpv4CidrBlock: 10.4.0.0/14
  servicesIpv4CidrBlock: 10.4.0.0/20
`,
		networks: []string{"203.0.113.0/24", "0.0.0.0/0"},
		master:   "172.16.0.33/28",
		findings: []string{
			`error spec.masterIpv4CidrBlock: 172.16.0.33/28 has host bits set: did you mean 172.16.0.32/28?`,
			`error spec.servicesIpv4CidrBlock: 10.4.0.0/20 overlaps clusterIpv4CidrBlock 10.4.0.0/14: pods and Services need separate ranges`,
			`warning spec.masterAuthorizedNetworks[1].cidrBlock: allowed by allowPublicAuthorizedNetworks, but the control plane is open to the internet: 0.0.0.0/0`,
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := fn.ParseKubeObject([]byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			var res results.Collector
			var cfg PrivateCluster
			src, ok := fnconfig.Load(obj, Kind, &cfg, &res)
			if !ok {
				t.Fatalf("Load failed: %v", res.Results())
			}
			cfg.Validate(src, &res)
			var got []string
			for _, r := range res.Results() {
				got = append(got, string(r.Severity)+" "+r.Field.Path+": "+r.Message)
			}
			if !slices.Equal(got, tc.findings) {
				t.Errorf("results:\n%q\nwant:\n%q", got, tc.findings)
			}
			if tc.master != "" && cfg.MasterIPv4CIDRBlock.Prefix.String() != tc.master {
				t.Errorf("master range %v, want %s", cfg.MasterIPv4CIDRBlock.Prefix, tc.master)
			}
			if tc.networks != nil {
				var read []string
				for _, n := range *cfg.MasterAuthorizedNetworks {
					read = append(read, n.CIDRBlock.Prefix.String())
				}
				if !slices.Equal(read, tc.networks) {
					t.Errorf("authorized networks %q, want %q", read, tc.networks)
				}
			}
		})
	}
}

// TestSubnetworkRef checks the two forms privateEndpointSubnetwork takes.
func TestSubnetworkRef(t *testing.T) {
	for text, want := range map[string]bool{
		"kf-control-plane": true,
		"projects/host/regions/us-central1/subnetworks/kf-cp": true,
		"Bad_Name": false,
		"projects/host/regions/us-central1/subnetworks": false,
		"projects/host/global/networks/kf-net":          false,
		"projects//regions/us-central1/subnetworks/kf":  false,
	} {
		if got := isSubnetworkRef(text); got != want {
			t.Errorf("isSubnetworkRef(%q) = %v, want %v", text, got, want)
		}
	}
	if r := endpointRefOf("projects/h/regions/r/subnetworks/s"); r.external == "" || r.name != "" {
		t.Errorf("an external form is written as external: %+v", r)
	}
}
