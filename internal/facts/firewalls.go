package facts

import (
	"slices"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// Config Connector kinds of VPC firewall rules and network firewall policies.
const (
	KindFirewall                  = "ComputeFirewall"
	KindFirewallPolicyAssociation = "ComputeNetworkFirewallPolicyAssociation"
)

// DefaultFirewallPriority is the priority GCP gives a firewall rule that
// names none.
const DefaultFirewallPriority = 1000

// Firewall is a ComputeFirewall (a VPC firewall rule) of the package.
type Firewall struct {
	Object   *fn.KubeObject
	Spec     compute.ComputeFirewallSpec
	Priority int64    // DefaultFirewallPriority when unset
	Network  *Network // nil when outside the package
}

// readFirewalls reads the package's VPC firewall rules. A rule that cannot be
// read as a ComputeFirewall is an error result and left out. They are read
// on demand rather than by Read because only a few functions need them.
func (p *Package) readFirewalls(res *results.Collector) []*Firewall {
	var out []*Firewall
	for obj, spec := range specsOf[compute.ComputeFirewallSpec](p.Items, KindFirewall, res) {
		f := &Firewall{Object: obj, Spec: spec, Priority: DefaultFirewallPriority}
		if f.Spec.Priority != nil {
			f.Priority = *f.Spec.Priority
		}
		f.Network = p.networks[refKey(KindNetwork, obj, refOf(&f.Spec.NetworkRef))]
		out = append(out, f)
	}
	return out
}

// NetworkID is the network the rule belongs to.
func (f *Firewall) NetworkID() NetworkID {
	if f.Network != nil {
		return f.Network.ID()
	}
	return networkID(f.Object, refOf(&f.Spec.NetworkRef))
}

// DeniesAllEgress tells whether the rule is an enabled deny-all egress
// rule, read as GCP evaluates it (FirewallRule.DeniesAllEgress). A rule GCP
// would refuse denies nothing; reporting what is wrong with it is
// FirewallRules' job, for the functions that judge rules, so it is read
// here without results.
func (f *Firewall) DeniesAllEgress() bool {
	r, _, ok := readFirewallRule(f, &results.Collector{})
	return ok && r.DeniesAllEgress()
}

// MayApplyTo tells whether the rule may apply to instances that carry the
// network tag: it has no targets (all instances), or names the tag, or
// targets service accounts, which the package cannot match to tags.
func (f *Firewall) MayApplyTo(tag string) bool {
	if len(f.Spec.TargetTags) == 0 {
		return true
	}
	return slices.Contains(f.Spec.TargetTags, tag) || len(f.Spec.TargetServiceAccounts) > 0
}

// FirewallPolicyAssociation is a ComputeNetworkFirewallPolicyAssociation of
// the package. GCP lets a network have one global network firewall policy.
type FirewallPolicyAssociation struct {
	Object  *fn.KubeObject
	Spec    compute.ComputeNetworkFirewallPolicyAssociationSpec
	Network NetworkID // the network it attaches to
}

// readFirewallPolicyAssociations reads the package's associations of network
// firewall policies with networks.
func (p *Package) readFirewallPolicyAssociations(res *results.Collector) []*FirewallPolicyAssociation {
	var out []*FirewallPolicyAssociation
	for obj, spec := range specsOf[compute.ComputeNetworkFirewallPolicyAssociationSpec](p.Items, KindFirewallPolicyAssociation, res) {
		a := &FirewallPolicyAssociation{Object: obj, Spec: spec}
		a.Network = networkID(obj, refOf(&a.Spec.AttachmentTargetRef))
		out = append(out, a)
	}
	return out
}
