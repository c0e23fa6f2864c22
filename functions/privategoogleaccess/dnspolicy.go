package privategoogleaccess

import (
	"fmt"

	dns "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/dns/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// DNS query logging (queryLogging) is a Cloud DNS server policy's
// enableLogging: "Controls whether logging is enabled for the networks
// bound to this policy. Defaults to no logging if not set." (Cloud DNS
// API, Policy, https://cloud.google.com/dns/docs/reference/v1/policies;
// the DNSPolicy CRD of Config Connector v1.154.1 says the same of
// spec.enableLogging). A network takes one server policy only: "You can
// configure one DNS server policy for each Virtual Private Cloud (VPC)
// network." (https://cloud.google.com/dns/docs/server-policies-overview).
// So a network that already has a DNSPolicy in the package gets logging
// turned on in that one, and never a second policy. Read 2026-12-02.

// kindDNSPolicy is Config Connector's kind for a Cloud DNS server policy.
const kindDNSPolicy = "DNSPolicy"

// policySuffix ends the name of a generated DNSPolicy: <network>-dns-logging.
const policySuffix = "dns-logging"

// dnsPolicy is a DNSPolicy of the package and the networks it binds.
type dnsPolicy struct {
	object   *fn.KubeObject
	spec     dns.DNSPolicySpec
	networks []facts.NetworkID
}

// logs tells whether the policy already has query logging on.
func (p *dnsPolicy) logs() bool { return p.spec.EnableLogging != nil && *p.spec.EnableLogging }

// readDNSPolicies reads the package's DNSPolicies, leaving out those this
// run's owner generated: they are replaced or pruned as its other objects
// are. A policy that cannot be read as one is an error result.
func (p *planner) readDNSPolicies(items fn.KubeObjects) []*dnsPolicy {
	var out []*dnsPolicy
	for _, obj := range items {
		group, _ := fn.ParseGroupVersion(obj.GetAPIVersion())
		if obj.GetKind() != kindDNSPolicy || group != "dns.cnrm.cloud.google.com" || p.owner.Owns(obj) {
			continue
		}
		var typed dns.DNSPolicy
		if err := obj.As(&typed); err != nil {
			p.res.Error(obj, "spec", "%s cannot be read as a DNSPolicy: %v", results.Describe(obj), err)
			continue
		}
		pol := &dnsPolicy{object: obj, spec: typed.Spec}
		for _, n := range typed.Spec.Networks {
			pol.networks = append(pol.networks, networkOf(obj, n.NetworkRef))
		}
		out = append(out, pol)
	}
	return out
}

// networkOf resolves a policy's network reference as facts resolves a
// cluster's or a zone's (facts.NetworkID): an external reference as
// written, a name in the referrer's namespace unless it gives one, as
// Config Connector resolves it.
func networkOf(from *fn.KubeObject, ref kccref.ResourceRef) facts.NetworkID {
	switch {
	case ref.External != "":
		return facts.NetworkID("external:" + ref.External)
	case ref.Name == "":
		return ""
	}
	ns := ref.Namespace
	if ns == "" {
		ns = from.GetNamespace()
	}
	return facts.NetworkID(ns + "/" + ref.Name)
}

// planLogging finds, with queryLogging on, each network's own DNSPolicy in
// the package. Two of them on one network is an error: GCP takes one, and
// this function would not know which to log with.
func (p *planner) planLogging(nets []*network, items fn.KubeObjects) {
	if !p.cfg.QueryLogging {
		return
	}
	policies := p.readDNSPolicies(items)
	for _, n := range nets {
		for _, pol := range policies {
			if !bindsNetwork(pol, n.id) {
				continue
			}
			if n.userPolicy != nil {
				p.res.Error(pol.object, "spec.networks",
					"%s and %s both apply to network %s, and GCP allows one DNS server policy per network: remove one of them (%s turns on query logging in the one that stays)",
					results.Describe(n.userPolicy.object), results.Describe(pol.object), n, Name)
				continue
			}
			n.userPolicy = pol
		}
	}
}

func bindsNetwork(pol *dnsPolicy, id facts.NetworkID) bool {
	for _, n := range pol.networks {
		if n == id {
			return true
		}
	}
	return false
}

func policyName(n *network) string { return gceName(n.base, policySuffix) }

// loggingPolicy adds the DNSPolicy that logs the network's DNS queries,
// bound to the network the way its zones are.
func (g *generator) loggingPolicy(n *network) {
	g.add(&dns.DNSPolicy{
		TypeMeta:   kcc.TypeMeta("dns", "v1beta1", kindDNSPolicy),
		ObjectMeta: n.inNetworkProject(policyName(n)),
		Spec: dns.DNSPolicySpec{
			Description:   kcc.Ptr(fmt.Sprintf("Private Google Access: logs the DNS queries of network %s", n)),
			EnableLogging: kcc.Ptr(true),
			Networks:      []dns.PolicyNetworks{{NetworkRef: n.ref}},
		},
	})
}

// inNetworkProject is the metadata of an object that GCP keeps in the
// network's own project: beside the network, and for a network outside
// the package in the host project its reference names. A route must be
// there; for a server policy the pages read do not say whether another
// project's network may be bound (zones may be), so the policy goes where
// it is certainly allowed, as Google's foundation blueprint puts it
// (google_dns_policy in the network's project,
// terraform-example-foundation 3-networks-svpc/modules/shared_vpc/dns.tf).
func (n *network) inNetworkProject(name string) metav1.ObjectMeta {
	meta := kcc.ObjectMeta(name, n.like)
	if n.networkProject != "" {
		meta.Annotations = map[string]string{kcc.ProjectIDAnnotation: n.networkProject}
	}
	return meta
}

// enableLogging turns query logging on in the package's own DNSPolicy of
// the network, after the reconcile, and says so; a policy that logs
// already is only reported. The edit keeps the object's comments and
// order; a kpt-set setter on the field would undo it, which is a warning.
func enableLogging(n *network, res *results.Collector) {
	pol := n.userPolicy
	if pol.logs() {
		res.Info(pol.object, "spec.enableLogging",
			"network %s logs its DNS queries through this policy (queryLogging), GCP's one DNS server policy of the network", n)
		return
	}
	subject := results.SubjectOf(pol.object) // taken before the node is out for editing
	var marker string
	err := yamledit.Edit(pol.object, func(root *yaml.Node) error {
		marker = yamledit.SetterMarker(root, "spec", "enableLogging")
		_, err := yamledit.SetBool(root, true, "spec", "enableLogging")
		return err
	})
	switch {
	case err != nil:
		res.Report(fn.Error, subject, "spec.enableLogging", "cannot turn on query logging: %v", err)
	case marker != "":
		res.Report(fn.Warning, subject, "spec.enableLogging",
			"set to true for queryLogging on network %s, but the field has the setter marker %q: change the setter's value instead, or apply-setters will undo this", n, marker)
	default:
		res.Report(fn.Info, subject, "spec.enableLogging",
			"set to true for queryLogging: this policy applies to network %s, and GCP allows one DNS server policy per network, so %s logs the network's DNS queries here instead of in a policy of its own", n, Name)
	}
}

// describeLogging says, for the network's summary, which policy logs its
// DNS queries; "" with queryLogging off.
func describeLogging(n *network, on bool) string {
	switch {
	case !on:
		return ""
	case n.userPolicy != nil:
		return "; DNS queries logged by the package's " + results.Name(n.userPolicy.object)
	}
	return "; DNS queries logged by DNSPolicy " + policyName(n)
}
