package facts

import (
	"fmt"
	"slices"
	"strings"

	computealpha "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// KindNetworkFirewallPolicyRule is the kind of a rule of a global network
// firewall policy.
const KindNetworkFirewallPolicyRule = "ComputeNetworkFirewallPolicyRule"

// FQDNAllow is an EGRESS allow rule of a network firewall policy that
// names destination host names (match.destFqdns): what lets nodes out to
// a host whose addresses the package cannot know. Networks are those the
// package associates the rule's policy with.
type FQDNAllow struct {
	Object *fn.KubeObject
	Hosts  []string // in lower case, without a final dot
	// TCPPorts are the TCP ports the rule matches: nil when it matches
	// every port (layer4Configs "all", or "tcp" without ports).
	TCPPorts []gcp.PortRange
	// MatchesTCP is false when no layer4Config matches TCP at all.
	MatchesTCP bool
	Networks   []NetworkID
	// TargetsAccounts tells whether the rule applies to some service
	// accounts only (targetServiceAccountRefs); else to every VM.
	TargetsAccounts bool
}

// AllowsHost tells whether the rule lets TCP to host on port out.
func (a *FQDNAllow) AllowsHost(host string, port int) bool {
	if !a.MatchesTCP || !slices.Contains(a.Hosts, host) {
		return false
	}
	want := gcp.PortRange{First: port, Last: port}
	return a.TCPPorts == nil || slices.ContainsFunc(a.TCPPorts, func(r gcp.PortRange) bool { return r.Contains(want) })
}

// readFQDNAllows reads the package's enabled EGRESS allow policy rules
// with destination host names, linked through their policy to the
// networks its associations attach it to. A rule whose ports cannot be
// read is an error result and left out.
func (p *Package) readFQDNAllows(res *results.Collector) []*FQDNAllow {
	var out []*FQDNAllow
	for obj, spec := range specsOf[computealpha.ComputeNetworkFirewallPolicyRuleSpec](p.Items, KindNetworkFirewallPolicyRule, res) {
		if len(spec.Match.DestFqdns) == 0 || !strings.EqualFold(spec.Action, "allow") ||
			!strings.EqualFold(spec.Direction, "EGRESS") || (spec.Disabled != nil && *spec.Disabled) {
			continue
		}
		a, ok := readFQDNAllow(obj, spec, res)
		if !ok {
			continue
		}
		policy := policyKey(obj, refOf(&spec.FirewallPolicyRef))
		for _, assoc := range p.FirewallPolicyAssociations() {
			if policy != "" && policyKey(assoc.Object, refOf(&assoc.Spec.FirewallPolicyRef)) == policy {
				a.Networks = append(a.Networks, assoc.Network)
			}
		}
		out = append(out, a)
	}
	return out
}

// policyKey names the firewall policy a reference from obj points at, so
// that a rule and an association of one policy compare equal; "" when the
// reference names nothing.
func policyKey(from *fn.KubeObject, r Ref) string {
	if r.External != "" {
		return "external:" + r.External
	}
	if k := refKey("ComputeNetworkFirewallPolicy", from, r); k.Name != "" {
		return k.Namespace + "/" + k.Name
	}
	return ""
}

func readFQDNAllow(obj *fn.KubeObject, spec computealpha.ComputeNetworkFirewallPolicyRuleSpec, res *results.Collector) (*FQDNAllow, bool) {
	a := &FQDNAllow{Object: obj, TargetsAccounts: len(spec.TargetServiceAccountRefs) > 0}
	for _, h := range spec.Match.DestFqdns {
		a.Hosts = append(a.Hosts, strings.TrimSuffix(strings.ToLower(h), "."))
	}
	var ports []gcp.PortRange
	every := false
	for i, l4 := range spec.Match.Layer4Configs {
		proto := strings.ToLower(l4.IpProtocol)
		if proto != "tcp" && proto != "all" {
			continue
		}
		a.MatchesTCP = true
		if proto == "all" || len(l4.Ports) == 0 {
			every = true
			continue
		}
		for j, text := range l4.Ports {
			r, err := gcp.ParsePortRange(text, gcp.MinPort)
			if err != nil {
				res.Error(obj, fmt.Sprintf("spec.match.layer4Configs[%d].ports[%d]", i, j), "%q is not a port or port range such as 443 or 8000-9000", text)
				return nil, false
			}
			ports = append(ports, r)
		}
	}
	if !every {
		a.TCPPorts = ports
	}
	return a, true
}
