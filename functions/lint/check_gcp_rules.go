package lint

import (
	"github.com/lockdown-krm/lockdown/internal/gcprules"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// gcpRules is the gcp-rules check. It catches what GCP refuses of Config Connector
// objects: the rules every lockdown generator holds its own output
// to (internal/gcprules), applied to the objects a user wrote. A firewall
// priority of 70000, a route priority of -5, a rule with IPv4 and IPv6
// ranges, a network tag in capitals, a zone its region lacks: Config
// Connector takes each object and GCP refuses it after apply, leaving the
// resource not ready. Two objects that would be one GCP resource (one
// name, one project, in two namespaces) are reported as well: Config
// Connector would let them fight over it.
//
// Ports and ranges that cannot be read at all are reported by the
// firewall reader the other checks share (with no check's name), so this
// check leaves them to it instead of saying them twice.
func gcpRules(l *linter) []finding {
	l.rules() // reads every firewall rule, reporting the unreadable ports and ranges
	var out []finding
	for _, obj := range l.items {
		for _, v := range gcprules.Check(obj) {
			switch {
			case v.Unreadable && obj.GetKind() == "ComputeFirewall":
			case v.Warning:
				out = append(out, warningAt(obj, v.Field, "%s", v.Message))
			default:
				out = append(out, errorAt(obj, v.Field, "%s: GCP would refuse it after apply", v.Message))
			}
		}
	}
	for _, d := range gcprules.Duplicates(l.items, nil) {
		out = append(out, errorAt(d.Second, "metadata.name",
			"%s and %s are one GCP resource %q in project %s: GCP names are unique in a project, and Config Connector would make the two fight over it; rename one (metadata.name or spec.resourceID)",
			results.Describe(d.First), results.Describe(d.Second), d.Name, d.Project))
	}
	return out
}
