package facts

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// FirewallRule is an enabled Firewall read the way GCP evaluates it
// against a packet: direction, action, the protocols and ports it matches,
// the ranges on the far side and the instances it applies to. This is a
// fact of the package rather than one function's view: any function that
// asks whether traffic gets through must read rules this way, so the
// reading lives here (lint is its first reader). What a function then
// decides from the rules (which rule shadows which, whether the control
// plane reaches a port) stays with that function.
//
// The field semantics are the Compute Engine API's,
// https://cloud.google.com/compute/docs/reference/rest/v1/firewalls:
// direction defaults to INGRESS; a rule without targetTags applies to
// every instance of its network; protocols are read by
// gcp.FirewallProtocol.
type FirewallRule struct {
	Firewall *Firewall
	Ingress  bool // INGRESS (GCP's default); else EGRESS
	Allow    bool // an allow rule; else a deny
	Entries  []FirewallEntry
	// Ranges are the sourceRanges of an INGRESS rule, the
	// destinationRanges of an EGRESS one; 0.0.0.0/0 when the rule names no
	// source (or destination) at all, as GCP reads it.
	Ranges     []netip.Prefix
	SourceTags []string
	TargetTags []string
	// SourceAccounts and TargetAccounts are service accounts named the same
	// way however they are referred to (serviceAccountKeys), so that two rules'
	// lists can be compared.
	SourceAccounts []string
	TargetAccounts []string
}

// FirewallEntry is one protocol of a rule's allow or deny list and its
// ports.
type FirewallEntry struct {
	Protocol string          // gcp.FirewallProtocol: "all", or the IP protocol number (gcp.ProtocolTCP for tcp)
	Ports    []gcp.PortRange // nil: every port
}

// HostBitsRange is a range of a firewall rule written with host bits set
// (10.1.2.3/8). Google's pages do not say what the API does with one, so
// whether to accept, warn or refuse is the caller's to decide and report:
// FirewallRules reads it as its whole range (Err.Prefix.Masked()), the
// reading that matches the most traffic, and hands it back.
type HostBitsRange struct {
	Object *fn.KubeObject
	Field  string
	Err    *gcp.HostBitsError
}

var firewallAnywhere = netip.MustParsePrefix("0.0.0.0/0")

// FirewallRules reads firewalls (Package.Firewalls) as rules. A disabled
// rule, one with neither allow nor deny, and one with a field GCP would
// refuse are left out; each refused field is an error result naming it.
// Ranges with host bits set are returned for the caller to report, those
// of rules left out included.
func FirewallRules(firewalls []*Firewall, res *results.Collector) ([]*FirewallRule, []HostBitsRange) {
	var rules []*FirewallRule
	var loose []HostBitsRange
	for _, f := range firewalls {
		r, hostBits, ok := readFirewallRule(f, res)
		loose = append(loose, hostBits...)
		if ok {
			rules = append(rules, r)
		}
	}
	return rules, loose
}

func readFirewallRule(f *Firewall, res *results.Collector) (*FirewallRule, []HostBitsRange, bool) {
	s := &f.Spec
	if s.Disabled != nil && *s.Disabled {
		return nil, nil, false
	}
	r := &FirewallRule{Firewall: f, Allow: len(s.Allow) > 0, SourceTags: s.SourceTags, TargetTags: s.TargetTags,
		SourceAccounts: serviceAccountKeys(f, s.SourceServiceAccounts), TargetAccounts: serviceAccountKeys(f, s.TargetServiceAccounts)}
	direction := ""
	if s.Direction != nil {
		direction = *s.Direction
	}
	ok := true
	switch strings.ToUpper(direction) {
	case "", "INGRESS":
		r.Ingress = true
	case "EGRESS":
	default:
		res.Error(f.Object, "spec.direction", "direction %q: use INGRESS or EGRESS", direction)
		ok = false
	}
	entriesOK := r.readEntries(res)
	hostBits, rangesOK := r.readRanges(res)
	return r, hostBits, ok && entriesOK && rangesOK && (len(s.Allow) > 0 || len(s.Deny) > 0)
}

// readEntries reads the protocols and ports the rule allows or denies.
func (r *FirewallRule) readEntries(res *results.Collector) bool {
	s := &r.Firewall.Spec
	list, field := s.Allow, "spec.allow"
	if !r.Allow {
		field = "spec.deny"
		for _, d := range s.Deny {
			list = append(list, compute.FirewallAllow(d)) // the same fields
		}
	}
	ok := true
	for i, e := range list {
		parsed, good := readFirewallEntry(r.Firewall, fmt.Sprintf("%s[%d]", field, i), e.Protocol, e.Ports, res)
		r.Entries = append(r.Entries, parsed)
		ok = ok && good
	}
	return ok
}

// readFirewallEntry reads one protocol (gcp.FirewallProtocol, in any case:
// a package's rule is read leniently) and its ports (gcp.ParsePortRange,
// from gcp.MinPort: a rule may name port 0).
func readFirewallEntry(f *Firewall, field, protocol string, ports []string, res *results.Collector) (FirewallEntry, bool) {
	var e FirewallEntry
	var err error
	if e.Protocol, err = gcp.FirewallProtocol(strings.ToLower(protocol)); err != nil {
		res.Error(f.Object, field+".protocol", "%v", err)
		return e, false
	}
	for i, p := range ports {
		r, err := gcp.ParsePortRange(p, gcp.MinPort)
		if err != nil {
			res.Error(f.Object, fmt.Sprintf("%s.ports[%d]", field, i), "%q is not a port or port range such as 443 or 8000-9000", p)
			return e, false
		}
		e.Ports = append(e.Ports, r)
	}
	return e, true
}

// readRanges reads the rule's source (INGRESS) or destination (EGRESS)
// ranges as GCP does (gcp.ParseRange: a bare address is one host); a rule
// that names none matches 0.0.0.0/0, as GCP reads it. It returns the
// ranges with host bits set, read as their whole range.
func (r *FirewallRule) readRanges(res *results.Collector) ([]HostBitsRange, bool) {
	s := &r.Firewall.Spec
	ranges, field := s.DestinationRanges, "spec.destinationRanges"
	if r.Ingress {
		ranges, field = s.SourceRanges, "spec.sourceRanges"
	}
	var loose []HostBitsRange
	ok := true
	for i, text := range ranges {
		p, err := gcp.ParseRange(text)
		var hostBits *gcp.HostBitsError
		switch {
		case errors.As(err, &hostBits):
			loose = append(loose, HostBitsRange{Object: r.Firewall.Object, Field: fmt.Sprintf("%s[%d]", field, i), Err: hostBits})
			p = hostBits.Prefix.Masked()
		case err != nil:
			res.Error(r.Firewall.Object, fmt.Sprintf("%s[%d]", field, i), "%v", err)
			ok = false
			continue
		}
		r.Ranges = append(r.Ranges, p)
	}
	if len(ranges) == 0 && (!r.Ingress || (len(r.SourceTags) == 0 && len(r.SourceAccounts) == 0)) {
		r.Ranges = []netip.Prefix{firewallAnywhere}
	}
	return loose, ok
}

// serviceAccountKeys names service accounts the same way however they are
// referred to: the external name, or namespace/name of the
// IAMServiceAccount (the rule's namespace when the reference gives none).
func serviceAccountKeys(f *Firewall, refs []kccref.ResourceRef) []string {
	var out []string
	for _, r := range refs {
		switch {
		case r.External != "":
			out = append(out, r.External)
		case r.Name != "":
			out = append(out, cmp.Or(r.Namespace, f.Object.GetNamespace())+"/"+r.Name)
		}
	}
	return out
}

// AllTargets tells whether the rule applies to every instance of its
// network: it names no target tag and no target service account.
func (r *FirewallRule) AllTargets() bool {
	return len(r.TargetTags) == 0 && len(r.TargetAccounts) == 0
}

// MatchesTCP tells whether the rule matches TCP traffic to port.
func (r *FirewallRule) MatchesTCP(port int) bool {
	want := gcp.PortRange{First: port, Last: port}
	return slices.ContainsFunc(r.Entries, func(e FirewallEntry) bool {
		return e.Protocol == gcp.ProtocolAll || (e.Protocol == gcp.ProtocolTCP && (e.Ports == nil ||
			slices.ContainsFunc(e.Ports, func(p gcp.PortRange) bool { return p.Contains(want) })))
	})
}

// MatchesAnyTCP tells whether the rule matches TCP traffic on some port.
func (r *FirewallRule) MatchesAnyTCP() bool {
	return slices.ContainsFunc(r.Entries, func(e FirewallEntry) bool { return e.Protocol == gcp.ProtocolAll || e.Protocol == gcp.ProtocolTCP })
}

// DeniesAllEgress tells whether the rule is a deny-all egress rule: an
// EGRESS deny to 0.0.0.0/0 of every protocol (or of all of TCP, which is
// what any allow for web traffic must beat) on every port. A deny of some
// ports only is not one: it does not fence the network.
func (r *FirewallRule) DeniesAllEgress() bool {
	return !r.Ingress && !r.Allow && slices.Contains(r.Ranges, firewallAnywhere) &&
		slices.ContainsFunc(r.Entries, func(e FirewallEntry) bool {
			return e.Ports == nil && (e.Protocol == gcp.ProtocolAll || e.Protocol == gcp.ProtocolTCP)
		})
}

// Direction is the rule's direction as GCP spells it.
func (r *FirewallRule) Direction() string {
	if r.Ingress {
		return "INGRESS"
	}
	return "EGRESS"
}
