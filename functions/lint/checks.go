package lint

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// check is one rule of lint. Each lives in its own file, check_<name>.go
// (hyphens as underscores), in a function whose doc comment says what it
// catches, why that breaks a private, fenced cluster, and what to change
// (TestOneFilePerCheck holds the layout).
type check struct {
	// name is what users know the check by: the config's disable list
	// takes it and every message starts with it ("[webhook-port] ...").
	name string
	// run reads the package and returns what it finds; it reports
	// nothing itself (the runner does, lint.go).
	run func(l *linter) []finding
	// summary says in one line what the check catches; README.md says it
	// at length, under a section named after the check.
	summary string
}

// checks is every check, in the order they run. The names are part of the
// config (disable) and of every message: never rename one.
// TestChecksMatchReadme holds this table against README.md.
var checks = []check{
	{"dangling-ref", danglingRefs, "a reference by name to an object that is not in the package"},
	{"shadowed-allow", shadowedAllows, "a firewall allow that a deny evaluated first wins over on all of its traffic"},
	{"webhook-port", webhookPorts, "an admission webhook port the control plane cannot reach on the nodes"},
	{"health-check", healthChecks, "nodes or load-balanced ports that Google Cloud's health checks cannot reach"},
	{"default-route", defaultRoutes, "a route to the internet that does not lose to the route to a Google API VIP"},
	{"vip-route", vipRoutes, "private nodes that no route takes to Google APIs"},
	{"unreachable-image", unreachableImages, "an image from a registry private nodes cannot pull from"},
	{"registry-dns", registryDNS, "a Google registry the images use that has no private DNS zone"},
	{"perimeter-dns", perimeterDNS, "a service perimeter with DNS sending Google APIs to the private VIP"},
	{"open-master", openMasters, "a control plane open to the internet"},
	{"public-nodes", publicNodes, "nodes that get external addresses"},
	{"location", locations, "a cluster, its node pools and its subnetwork in different regions"},
	{"auto-provisioned-tags", autoProvisionedTags, "nodes GKE provisions itself without the tags the firewall rules target"},
	{"perimeter-deployer", perimeterDeployers, "an enforced perimeter that locks out the package's Config Connector account"},
	{"node-account", nodeAccounts, "nodes that run as the Compute Engine default service account"},
	{"egress-endpoint", egressEndpoints, "an outside endpoint the package calls (JWT keys, OIDC issuer, ServiceEntry) that the fence keeps in"},
	{"gcp-rules", gcpRules, "a Config Connector object GCP would refuse: a port, priority or name off its scale, a firewall rule with IPv4 and IPv6 ranges, a zone its region lacks, one GCP name twice in a project"},
}

// CheckNames lists the names of the checks in the order they run.
func CheckNames() []string {
	names := make([]string, len(checks))
	for i, c := range checks {
		names[i] = c.name
	}
	return names
}

// finding is one thing a check found, about a field of an object. The
// runner reports it under the check's name.
type finding struct {
	severity fn.Severity
	subject  results.Subject // the zero Subject: about no single object
	field    string
	message  string
}

// errorAt is a finding that breaks the cluster; with warnOnly the runner
// reports it as a warning.
func errorAt(obj *fn.KubeObject, field, format string, args ...any) finding {
	return findingOn(fn.Error, results.SubjectOf(obj), field, format, args...)
}

// warningAt is a finding that may be intended.
func warningAt(obj *fn.KubeObject, field, format string, args ...any) finding {
	return findingOn(fn.Warning, results.SubjectOf(obj), field, format, args...)
}

// infoAt says what a check could not look at, and why; it is not counted
// as a finding in the summary.
func infoAt(obj *fn.KubeObject, field, format string, args ...any) finding {
	return findingOn(fn.Info, results.SubjectOf(obj), field, format, args...)
}

// findingOn is a finding about a subject captured earlier (an image field,
// whose object's YAML was read directly).
func findingOn(sev fn.Severity, subject results.Subject, field, format string, args ...any) finding {
	return finding{severity: sev, subject: subject, field: field, message: fmt.Sprintf(format, args...)}
}
