package facts

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lockdown-krm/lockdown/internal/results"
)

const firewallsYAML = `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: net, namespace: ns}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-all, namespace: ns}
spec: {networkRef: {name: net}, direction: EGRESS, priority: 65534, destinationRanges: [0.0.0.0/0], deny: [{protocol: all}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-tcp-tagged, namespace: ns}
spec: {networkRef: {name: net}, direction: EGRESS, destinationRanges: [10.0.0.0/8, 0.0.0.0/0], deny: [{protocol: tcp}], targetTags: [a-node]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-some-ports, namespace: ns}
spec: {networkRef: {name: net}, direction: EGRESS, destinationRanges: [0.0.0.0/0], deny: [{protocol: tcp, ports: ["25"]}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-disabled, namespace: ns}
spec: {networkRef: {name: net}, direction: EGRESS, disabled: true, destinationRanges: [0.0.0.0/0], deny: [{protocol: all}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-ingress, namespace: ns}
spec: {networkRef: {name: net}, sourceRanges: [0.0.0.0/0], deny: [{protocol: all}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-private, namespace: ns}
spec: {networkRef: {name: net}, direction: EGRESS, destinationRanges: [10.0.0.0/8], deny: [{protocol: all}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-by-sa, namespace: ns}
spec: {networkRef: {external: projects/h/global/networks/shared}, direction: EGRESS, destinationRanges: [0.0.0.0/0], deny: [{protocol: all}], targetTags: [x], targetServiceAccounts: [{name: sa}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-no-destination, namespace: ns}
spec: {networkRef: {name: net}, direction: EGRESS, deny: [{protocol: "6"}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-ipv6, namespace: ns}
spec: {networkRef: {name: net}, direction: EGRESS, destinationRanges: ["::/0"], deny: [{protocol: all}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: deny-udp, namespace: ns}
spec: {networkRef: {name: net}, direction: EGRESS, destinationRanges: [0.0.0.0/0], deny: [{protocol: udp}]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetworkFirewallPolicyAssociation
metadata: {name: assoc, namespace: ns}
spec: {attachmentTargetRef: {name: net}, firewallPolicyRef: {name: pol}, projectRef: {external: p}}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetworkFirewallPolicyAssociation
metadata: {name: assoc-shared, namespace: other}
spec: {attachmentTargetRef: {external: projects/h/global/networks/shared}, firewallPolicyRef: {name: pol}, projectRef: {external: p}}
`

func TestFirewalls(t *testing.T) {
	var res results.Collector
	pkg := Read(parseObjects(t, firewallsYAML), &res)
	var got []string
	for _, f := range pkg.Firewalls() {
		got = append(got, fmt.Sprintf("%s net=%s prio=%d denyAll=%v a-node=%v b-node=%v",
			f.Object.GetName(), f.NetworkID(), f.Priority, f.DeniesAllEgress(), f.MayApplyTo("a-node"), f.MayApplyTo("b-node")))
	}
	want := []string{
		"deny-all net=ns/net prio=65534 denyAll=true a-node=true b-node=true",
		"deny-tcp-tagged net=ns/net prio=1000 denyAll=true a-node=true b-node=false",
		"deny-some-ports net=ns/net prio=1000 denyAll=false a-node=true b-node=true",
		"deny-disabled net=ns/net prio=1000 denyAll=false a-node=true b-node=true",
		"deny-ingress net=ns/net prio=1000 denyAll=false a-node=true b-node=true",
		"deny-private net=ns/net prio=1000 denyAll=false a-node=true b-node=true",
		"deny-by-sa net=external:projects/h/global/networks/shared prio=1000 denyAll=true a-node=true b-node=true",
		// GCP reads an egress rule without destinations as one to
		// 0.0.0.0/0 (FirewallRule), and protocol 6 is tcp.
		"deny-no-destination net=ns/net prio=1000 denyAll=true a-node=true b-node=true",
		"deny-ipv6 net=ns/net prio=1000 denyAll=false a-node=true b-node=true",
		"deny-udp net=ns/net prio=1000 denyAll=false a-node=true b-node=true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("firewalls (-want +got):\n%s", diff)
	}
	if res.HasErrors() {
		t.Errorf("unexpected errors: %v", res.Results())
	}
}

func TestFirewallPolicyAssociations(t *testing.T) {
	var res results.Collector
	pkg := Read(parseObjects(t, firewallsYAML), &res)
	var got []string
	for _, a := range pkg.FirewallPolicyAssociations() {
		got = append(got, a.Object.GetName()+" -> "+string(a.Network))
	}
	want := []string{"assoc -> ns/net", "assoc-shared -> external:projects/h/global/networks/shared"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("associations (-want +got):\n%s", diff)
	}
}

func TestFirewallsBadSpec(t *testing.T) {
	var res results.Collector
	pkg := Read(parseObjects(t, `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: broken}
spec: {networkRef: {name: net}, priority: high}
`), &res)
	if got := pkg.Firewalls(); len(got) != 0 {
		t.Errorf("a rule that is not a ComputeFirewall was read: %v", got)
	}
	if !res.HasErrors() {
		t.Error("no error result for a ComputeFirewall with a bad priority")
	}
	// Every function that asks again gets the same facts, and the broken
	// rule is not reported a second time.
	before := len(res.Results())
	if got := pkg.Firewalls(); len(got) != 0 {
		t.Errorf("the second read differs: %v", got)
	}
	if after := len(res.Results()); after != before {
		t.Errorf("asking twice reported %d more results", after-before)
	}
}
