package facts

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lockdown-krm/lockdown/internal/results"
)

const firewallRulesYAML = `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: allow-web, namespace: ns}
spec: {networkRef: {name: net}, sourceRanges: [10.0.0.0/8, 3.211.199.249], allow: [{protocol: TCP, ports: ["443", "8000-9000"]}, {protocol: "17"}], targetTags: [web]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-egress, namespace: ns}
spec: {networkRef: {name: net}, direction: egress, deny: [{protocol: all}], targetServiceAccounts: [{name: sa}, {external: x@p.iam.gserviceaccount.com}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: allow-tagged, namespace: ns}
spec: {networkRef: {name: net}, sourceTags: [bastion], allow: [{protocol: tcp, ports: ["0", "65535"]}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: host-bits, namespace: ns}
spec: {networkRef: {name: net}, sourceRanges: [10.1.2.3/8], allow: [{protocol: tcp}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: disabled, namespace: ns}
spec: {networkRef: {name: net}, disabled: true, sourceRanges: [10.0.0.0/8], allow: [{protocol: tcp}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: bad, namespace: ns}
spec: {networkRef: {name: net}, sourceRanges: [10.0.0.0/33, 10.9.8.7/16], allow: [{protocol: tpc}, {protocol: tcp, ports: ["8000-70000", "9-8", "1-", ""]}]}
`

func describeRule(r *FirewallRule) string {
	var entries []string
	for _, e := range r.Entries {
		var ports []string
		for _, p := range e.Ports {
			ports = append(ports, p.String())
		}
		entries = append(entries, e.Protocol+":"+strings.Join(ports, ","))
	}
	return fmt.Sprintf("%s %s allow=%v entries=%v ranges=%v sources=%v/%v targets=%v/%v all=%v tcp443=%v tcp22=%v anyTCP=%v",
		r.Firewall.Object.GetName(), r.Direction(), r.Allow, entries, r.Ranges, r.SourceTags, r.SourceAccounts,
		r.TargetTags, r.TargetAccounts, r.AllTargets(), r.MatchesTCP(443), r.MatchesTCP(22), r.MatchesAnyTCP())
}

// TestFirewallRules reads rules as GCP evaluates them: protocols by name
// or number, ports from 0, a bare address as one host, 0.0.0.0/0 for a
// rule without sources, service accounts named alike however referred to;
// disabled and refused rules left out, host bits handed back.
func TestFirewallRules(t *testing.T) {
	var res results.Collector
	pkg := Read(parseObjects(t, firewallRulesYAML), &res)
	rules, loose := FirewallRules(pkg.Firewalls(), &res)
	var got []string
	for _, r := range rules {
		got = append(got, describeRule(r))
	}
	want := []string{
		"allow-web INGRESS allow=true entries=[6:443,8000-9000 17:] ranges=[10.0.0.0/8 3.211.199.249/32] sources=[]/[] targets=[web]/[] all=false tcp443=true tcp22=false anyTCP=true",
		"deny-egress EGRESS allow=false entries=[all:] ranges=[0.0.0.0/0] sources=[]/[] targets=[]/[ns/sa x@p.iam.gserviceaccount.com] all=false tcp443=true tcp22=true anyTCP=true",
		"allow-tagged INGRESS allow=true entries=[6:0,65535] ranges=[] sources=[bastion]/[] targets=[]/[] all=true tcp443=false tcp22=false anyTCP=true",
		"host-bits INGRESS allow=true entries=[6:] ranges=[10.0.0.0/8] sources=[]/[] targets=[]/[] all=true tcp443=true tcp22=true anyTCP=true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	var hostBits []string
	for _, h := range loose {
		hostBits = append(hostBits, h.Object.GetName()+" "+h.Field+" "+h.Err.Prefix.String())
	}
	if diff := cmp.Diff([]string{"host-bits spec.sourceRanges[0] 10.1.2.3/8", "bad spec.sourceRanges[1] 10.9.8.7/16"}, hostBits); diff != "" {
		t.Errorf("ranges with host bits (-want +got):\n%s", diff)
	}
	var errs []string
	for _, r := range res.Results() {
		errs = append(errs, r.Field.Path+": "+r.Message)
	}
	wantErrs := []string{
		`spec.allow[0].protocol: "tpc": use one of all, ah, esp, icmp, ipip, sctp, tcp, udp, or an IP protocol number`,
		`spec.allow[1].ports[0]: "8000-70000" is not a port or port range such as 443 or 8000-9000`,
		`spec.sourceRanges[0]: "10.0.0.0/33" is not a range: write a CIDR range such as 10.0.0.0/8, or a single address such as 10.0.0.7`,
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// TestFirewallPortRanges holds the ports a rule may name: 0 to 65535, a
// range not reversed.
func TestFirewallPortRanges(t *testing.T) {
	for s, ok := range map[string]bool{"443": true, "8000-9000": true, "0": true, "65535": true, "65536": false, "9-8": false, "a": false, "1-": false, "": false} {
		var res results.Collector
		_, got := readFirewallEntry(&Firewall{Object: parseObjects(t, "apiVersion: v1\nkind: X\nmetadata: {name: x}\n")[0]}, "spec.allow[0]", "tcp", []string{s}, &res)
		if got != ok || res.HasErrors() == ok {
			t.Errorf("port %q: read %v, errors %v; want read %v", s, got, res.HasErrors(), ok)
		}
	}
}
