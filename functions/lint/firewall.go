package lint

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// rule is an enabled ComputeFirewall read for matching traffic against it.
type rule struct {
	fw      *facts.Firewall
	ingress bool
	allow   bool
	entries []entry
	// ranges are the sourceRanges of an INGRESS rule, the
	// destinationRanges of an EGRESS one; 0.0.0.0/0, as GCP takes it,
	// when the rule names no source (or destination) at all.
	ranges         []netip.Prefix
	sourceTags     []string
	sourceAccounts []string
	targetTags     []string
	targetAccounts []string
}

// entry is one protocol of a rule's allow or deny list and its ports.
type entry struct {
	protocol string      // "all", or the IP protocol number: "6" for tcp
	ports    []portRange // nil: every port
}

type portRange struct{ lo, hi int }

var everywhere = netip.MustParsePrefix("0.0.0.0/0")

// protocolNumbers are the protocol names GCP firewall rules accept.
var protocolNumbers = map[string]string{
	"icmp": "1", "tcp": "6", "udp": "17", "esp": "50", "ah": "51", "ipip": "94", "sctp": "132",
}

const tcp = "6"

// readRule reads a firewall rule; a field GCP would refuse is an error
// result naming it, and the rule is left out of every check.
func readRule(f *facts.Firewall, res *results.Collector) (*rule, bool) {
	s := &f.Spec
	if s.Disabled != nil && *s.Disabled {
		return nil, false
	}
	r := &rule{fw: f, allow: len(s.Allow) > 0, sourceTags: s.SourceTags, targetTags: s.TargetTags,
		sourceAccounts: accountKeys(f, s.SourceServiceAccounts), targetAccounts: accountKeys(f, s.TargetServiceAccounts)}
	ok := true
	switch strings.ToUpper(deref(s.Direction)) {
	case "", "INGRESS":
		r.ingress = true
	case "EGRESS":
	default:
		res.Error(f.Object, "spec.direction", "direction %q: use INGRESS or EGRESS", deref(s.Direction))
		ok = false
	}
	entriesOK := r.readEntries(res)
	rangesOK := r.readRanges(res)
	return r, ok && entriesOK && rangesOK && (len(s.Allow) > 0 || len(s.Deny) > 0)
}

// readEntries reads the protocols and ports the rule allows or denies.
func (r *rule) readEntries(res *results.Collector) bool {
	s := &r.fw.Spec
	list, field := s.Allow, "spec.allow"
	if !r.allow {
		field = "spec.deny"
		for _, d := range s.Deny {
			list = append(list, compute.FirewallAllow(d)) // the same fields
		}
	}
	ok := true
	for i, e := range list {
		parsed, good := readEntry(r.fw, fmt.Sprintf("%s[%d]", field, i), e.Protocol, e.Ports, res)
		r.entries = append(r.entries, parsed)
		ok = ok && good
	}
	return ok
}

// readRanges reads the rule's source (INGRESS) or destination (EGRESS)
// ranges as GCP does (gcp.ParseRange: a bare address is one host); a rule
// that names none matches 0.0.0.0/0, as GCP reads it.
func (r *rule) readRanges(res *results.Collector) bool {
	s := &r.fw.Spec
	ranges, field := s.DestinationRanges, "spec.destinationRanges"
	if r.ingress {
		ranges, field = s.SourceRanges, "spec.sourceRanges"
	}
	ok := true
	for i, text := range ranges {
		p, err := gcp.ParseRange(text)
		var hostBits *gcp.HostBitsError
		switch {
		case errors.As(err, &hostBits):
			// Google's pages do not say what the API does with host bits:
			// lint warns and checks the whole range, the reading that
			// matches the most traffic.
			res.Warning(r.fw.Object, fmt.Sprintf("%s[%d]", field, i), "%v (lint reads it as %s)", err, hostBits.Prefix.Masked())
			p = hostBits.Prefix.Masked()
		case err != nil:
			res.Error(r.fw.Object, fmt.Sprintf("%s[%d]", field, i), "%v", err)
			ok = false
			continue
		}
		r.ranges = append(r.ranges, p)
	}
	if len(ranges) == 0 && (!r.ingress || (len(r.sourceTags) == 0 && len(r.sourceAccounts) == 0)) {
		r.ranges = []netip.Prefix{everywhere}
	}
	return ok
}

func readEntry(f *facts.Firewall, field, protocol string, ports []string, res *results.Collector) (entry, bool) {
	e := entry{protocol: strings.ToLower(protocol)}
	if n, named := protocolNumbers[e.protocol]; named {
		e.protocol = n
	} else if n, err := strconv.Atoi(e.protocol); err == nil && n >= 0 && n <= 255 {
		e.protocol = strconv.Itoa(n)
	} else if e.protocol != "all" {
		res.Error(f.Object, field+".protocol", "protocol %q: use tcp, udp, icmp, esp, ah, sctp, ipip, all or an IP protocol number", protocol)
		return e, false
	}
	for i, p := range ports {
		r, ok := parsePortRange(p)
		if !ok {
			res.Error(f.Object, fmt.Sprintf("%s.ports[%d]", field, i), "%q is not a port or port range such as 443 or 8000-9000", p)
			return e, false
		}
		e.ports = append(e.ports, r)
	}
	return e, true
}

func parsePortRange(s string) (portRange, bool) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	if !isRange {
		hi = lo
	}
	a, errA := strconv.Atoi(lo)
	b, errB := strconv.Atoi(hi)
	if errA != nil || errB != nil || a < 0 || b > 65535 || a > b {
		return portRange{}, false
	}
	return portRange{a, b}, true
}

// accountKeys names service accounts the same way however they are
// referred to, so that two rules' lists can be compared.
func accountKeys(f *facts.Firewall, refs []kccref.ResourceRef) []string {
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

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// allTargets tells whether the rule applies to every instance of its
// network.
func (r *rule) allTargets() bool { return len(r.targetTags) == 0 && len(r.targetAccounts) == 0 }

// matchesTCP tells whether the rule matches TCP traffic to port.
func (r *rule) matchesTCP(port int) bool {
	return slices.ContainsFunc(r.entries, func(e entry) bool {
		return e.protocol == "all" || (e.protocol == tcp && (e.ports == nil ||
			slices.ContainsFunc(e.ports, func(p portRange) bool { return p.lo <= port && port <= p.hi })))
	})
}

// matchesAnyTCP tells whether the rule matches TCP traffic on some port.
func (r *rule) matchesAnyTCP() bool {
	return slices.ContainsFunc(r.entries, func(e entry) bool { return e.protocol == "all" || e.protocol == tcp })
}

// coversTraffic tells whether every packet that a matches, d matches too,
// on the instances both apply to: protocols and ports, and sources (or
// destinations).
func (d *rule) coversTraffic(a *rule) bool {
	for _, e := range a.entries {
		if !coversEntry(d.entries, e) {
			return false
		}
	}
	return d.coversPeers(a)
}

func (d *rule) coversPeers(a *rule) bool {
	anywhere := containsRange(d.ranges, everywhere)
	for _, p := range a.ranges {
		if !containsRange(d.ranges, p) {
			return false
		}
	}
	// Tagged sources and service accounts are instances of the network,
	// whose addresses only a deny from anywhere is sure to hold.
	for _, t := range a.sourceTags {
		if !anywhere && !slices.Contains(d.sourceTags, t) {
			return false
		}
	}
	for _, s := range a.sourceAccounts {
		if !anywhere && !slices.Contains(d.sourceAccounts, s) {
			return false
		}
	}
	return true
}

// coversEntry tells whether the entries of a deny match everything that
// one entry of an allow matches.
func coversEntry(deny []entry, a entry) bool {
	var ports []portRange
	for _, d := range deny {
		switch {
		case d.protocol == "all":
			return true
		case d.protocol != a.protocol:
			continue
		case d.ports == nil:
			return true
		}
		ports = append(ports, d.ports...)
	}
	if a.protocol == "all" {
		return false
	}
	want := a.ports
	if want == nil {
		want = []portRange{{0, 65535}}
	}
	for _, w := range want {
		if !portsCover(ports, w) {
			return false
		}
	}
	return true
}

// portsCover tells whether the ranges together hold every port of w.
func portsCover(ranges []portRange, w portRange) bool {
	sorted := slices.Clone(ranges)
	slices.SortFunc(sorted, func(a, b portRange) int { return cmp.Compare(a.lo, b.lo) })
	next := w.lo
	for _, r := range sorted {
		if r.lo <= next && r.hi >= next {
			next = r.hi + 1
		}
	}
	return next > w.hi
}

// containsRange tells whether one of ranges holds all of p.
func containsRange(ranges []netip.Prefix, p netip.Prefix) bool {
	return slices.ContainsFunc(ranges, func(r netip.Prefix) bool { return r.Bits() <= p.Bits() && r.Contains(p.Addr()) })
}

// overlapsRange tells whether one of ranges shares an address with p.
func overlapsRange(ranges []netip.Prefix, p netip.Prefix) bool {
	return slices.ContainsFunc(ranges, func(r netip.Prefix) bool { return r.Overlaps(p) })
}

// sharedTargets says which instances both rules apply to, for messages,
// and whether there are any the package can be sure of. Tags and service
// accounts cannot be compared: an instance's account is not in the rules.
func sharedTargets(a, d *rule) (string, bool) {
	switch {
	case a.allTargets() && d.allTargets():
		return "every instance of the network", true
	case d.allTargets():
		return describeTargets(a), true
	case a.allTargets():
		return describeTargets(d), true
	}
	if tags := intersect(a.targetTags, d.targetTags); len(tags) > 0 {
		return "instances tagged " + strings.Join(tags, ", "), true
	}
	if accounts := intersect(a.targetAccounts, d.targetAccounts); len(accounts) > 0 {
		return "instances running as " + strings.Join(accounts, ", "), true
	}
	return "", false
}

func describeTargets(r *rule) string {
	if len(r.targetTags) > 0 {
		return "instances tagged " + strings.Join(r.targetTags, ", ")
	}
	return "instances running as " + strings.Join(r.targetAccounts, ", ")
}

func intersect(a, b []string) []string {
	var out []string
	for _, s := range a {
		if slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func direction(r *rule) string {
	if r.ingress {
		return "INGRESS"
	}
	return "EGRESS"
}

// shadowedAllows reports allow rules that a deny of the same network and
// direction wins over on every packet they match, on some instances they
// apply to: the deny is evaluated first (a lower or equal priority number:
// GCP gives a tie to the deny). A deny that takes only part of the allow's
// traffic (some ports, some ranges) is an exception carved out on purpose
// and is not reported.
func shadowedAllows(l *linter) {
	rules := l.rules()
	for _, a := range rules {
		if !a.allow || a.fw.NetworkID() == "" {
			continue
		}
		var winner *rule
		var on string
		for _, d := range rules {
			if d.allow || d.ingress != a.ingress || d.fw.NetworkID() != a.fw.NetworkID() || d.fw.Priority > a.fw.Priority {
				continue
			}
			where, shared := sharedTargets(a, d)
			if !shared || !d.coversTraffic(a) {
				continue
			}
			if winner == nil || d.fw.Priority < winner.fw.Priority {
				winner, on = d, where
			}
		}
		if winner != nil {
			l.reportShadowed(a, winner, on)
		}
	}
}

func (l *linter) reportShadowed(a, d *rule, on string) {
	fix := fmt.Sprintf("give this rule a priority number below %d", d.fw.Priority)
	if d.fw.Priority == 0 {
		fix = "give the deny a larger priority number (0 is evaluated before everything)"
	}
	l.error(a.fw.Object, "spec.priority",
		"this %s allow at priority %d lets nothing through on %s: %s denies all of its traffic at priority %d, and GCP evaluates the lower number first (a deny wins a tie): %s, or narrow the deny",
		direction(a), a.fw.Priority, on, results.Describe(d.fw.Object), d.fw.Priority, fix)
}
