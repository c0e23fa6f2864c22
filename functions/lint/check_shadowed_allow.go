package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// shadowedAllows is the shadowed-allow check. It catches a ComputeFirewall
// allow that a deny of the same network and direction wins over on every
// packet it matches, on some instances both apply to: the deny is
// evaluated first (a lower priority number, or the same: GCP gives a tie
// to the deny), so the allow lets nothing through there. On a fenced
// network that is the allow the nodes were to reach Google APIs, the
// control plane or the health checks by. The user gives the allow a lower
// priority number than the deny, or narrows the deny. A deny that takes
// only part of the allow's traffic (some ports, some ranges) is an
// exception carved out on purpose and is not reported.
func shadowedAllows(l *linter) []finding {
	rules := l.rules()
	var out []finding
	for _, a := range rules {
		if !a.Allow || a.Firewall.NetworkID() == "" {
			continue
		}
		if d, on := shadowingDeny(a, rules); d != nil {
			out = append(out, shadowed(a, d, on))
		}
	}
	return out
}

// shadowingDeny returns the deny evaluated first among those that take all
// of a's traffic on instances both apply to, and which instances those
// are; nil when there is none.
func shadowingDeny(a *facts.FirewallRule, rules []*facts.FirewallRule) (*facts.FirewallRule, string) {
	var winner *facts.FirewallRule
	var on string
	for _, d := range rules {
		if d.Allow || d.Ingress != a.Ingress || d.Firewall.NetworkID() != a.Firewall.NetworkID() || d.Firewall.Priority > a.Firewall.Priority {
			continue
		}
		where, shared := sharedTargets(a, d)
		if !shared || !coversTraffic(d, a) {
			continue
		}
		if winner == nil || d.Firewall.Priority < winner.Firewall.Priority {
			winner, on = d, where
		}
	}
	return winner, on
}

func shadowed(a, d *facts.FirewallRule, on string) finding {
	fix := fmt.Sprintf("give this rule a priority number below %d", d.Firewall.Priority)
	if d.Firewall.Priority == 0 {
		fix = "give the deny a larger priority number (0 is evaluated before everything)"
	}
	return errorAt(a.Firewall.Object, "spec.priority",
		"this %s allow at priority %d lets nothing through on %s: %s denies all of its traffic at priority %d, and GCP evaluates the lower number first (a deny wins a tie): %s, or narrow the deny",
		a.Direction(), a.Firewall.Priority, on, results.Describe(d.Firewall.Object), d.Firewall.Priority, fix)
}

// coversTraffic tells whether every packet that a matches, d matches too,
// on the instances both apply to: protocols and ports, and sources (or
// destinations).
func coversTraffic(d, a *facts.FirewallRule) bool {
	for _, e := range a.Entries {
		if !coversEntry(d.Entries, e) {
			return false
		}
	}
	return coversPeers(d, a)
}

func coversPeers(d, a *facts.FirewallRule) bool {
	anywhere := containsRange(d.Ranges, everywhere)
	for _, p := range a.Ranges {
		if !containsRange(d.Ranges, p) {
			return false
		}
	}
	// Tagged sources and service accounts are instances of the network,
	// whose addresses only a deny from anywhere is sure to hold.
	for _, t := range a.SourceTags {
		if !anywhere && !slices.Contains(d.SourceTags, t) {
			return false
		}
	}
	for _, s := range a.SourceAccounts {
		if !anywhere && !slices.Contains(d.SourceAccounts, s) {
			return false
		}
	}
	return true
}

// coversEntry tells whether the entries of a deny match everything that
// one entry of an allow matches.
func coversEntry(deny []facts.FirewallEntry, a facts.FirewallEntry) bool {
	var ports []gcp.PortRange
	for _, d := range deny {
		switch {
		case d.Protocol == gcp.ProtocolAll:
			return true
		case d.Protocol != a.Protocol:
			continue
		case d.Ports == nil:
			return true
		}
		ports = append(ports, d.Ports...)
	}
	if a.Protocol == gcp.ProtocolAll {
		return false
	}
	want := a.Ports
	if want == nil {
		want = []gcp.PortRange{gcp.AllPorts}
	}
	for _, w := range want {
		if !portsCover(ports, w) {
			return false
		}
	}
	return true
}

// portsCover tells whether the ranges together hold every port of w.
func portsCover(ranges []gcp.PortRange, w gcp.PortRange) bool {
	sorted := slices.Clone(ranges)
	slices.SortFunc(sorted, func(a, b gcp.PortRange) int { return cmp.Compare(a.First, b.First) })
	next := w.First
	for _, r := range sorted {
		if r.First <= next && r.Last >= next {
			next = r.Last + 1
		}
	}
	return next > w.Last
}

// sharedTargets says which instances both rules apply to, for messages,
// and whether there are any the package can be sure of. Tags and service
// accounts cannot be compared: an instance's account is not in the rules.
func sharedTargets(a, d *facts.FirewallRule) (string, bool) {
	switch {
	case a.AllTargets() && d.AllTargets():
		return "every instance of the network", true
	case d.AllTargets():
		return describeTargets(a), true
	case a.AllTargets():
		return describeTargets(d), true
	}
	if tags := intersect(a.TargetTags, d.TargetTags); len(tags) > 0 {
		return "instances tagged " + strings.Join(tags, ", "), true
	}
	if accounts := intersect(a.TargetAccounts, d.TargetAccounts); len(accounts) > 0 {
		return "instances running as " + strings.Join(accounts, ", "), true
	}
	return "", false
}

func describeTargets(r *facts.FirewallRule) string {
	if len(r.TargetTags) > 0 {
		return "instances tagged " + strings.Join(r.TargetTags, ", ")
	}
	return "instances running as " + strings.Join(r.TargetAccounts, ", ")
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
