// Package lint is the lint validator: it catches at render time what
// otherwise fails only after apply, on a GKE cluster whose nodes are
// private and whose network is fenced. Each check has a stable short name,
// shown in front of every message it reports ("[webhook-port] ...") and
// accepted by the config's disable list. It never changes the package.
package lint

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Name is the function's name, as in its image and binary.
const Name = "lint"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Processor[Lint]{
		Kind:     Kind,
		Defaults: func() Lint { return Lint{} },
		Run:      run,
	}
}

// check is one rule of lint: the name users know it by, and what it does.
type check struct {
	name string
	run  func(l *linter)
}

// checks is every check, in the order they run. The names are part of the
// config (disable) and of every message: never rename one.
var checks = []check{
	{"dangling-ref", danglingRefs},
	{"shadowed-allow", shadowedAllows},
	{"webhook-port", webhookPorts},
	{"health-check", healthChecks},
	{"default-route", defaultRoutes},
	{"vip-route", vipRoutes},
	{"unreachable-image", unreachableImages},
	{"registry-dns", registryDNS},
	{"perimeter-dns", perimeterDNS},
	{"open-master", openMasters},
	{"public-nodes", publicNodes},
	{"location", locations},
	{"auto-provisioned-tags", autoProvisionedTags},
}

// CheckNames lists the names of the checks in the order they run.
func CheckNames() []string {
	names := make([]string, len(checks))
	for i, c := range checks {
		names[i] = c.name
	}
	return names
}

func run(in krmfn.Input[Lint]) fn.KubeObjects {
	l := &linter{cfg: in.Config, items: in.Items, res: in.Results, findings: map[string]int{}}
	l.pkg = facts.Read(in.Items, in.Results)
	var ran []string
	for _, c := range checks {
		if in.Config.disabled(c.name) {
			continue
		}
		l.current = c.name
		c.run(l)
		ran = append(ran, c.name)
	}
	l.current = ""
	l.summarize(ran)
	return in.Items
}

// summarize reports which checks ran and how many findings each made.
func (l *linter) summarize(ran []string) {
	var counts []string
	for _, name := range ran {
		if n := l.findings[name]; n > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", name, n))
		}
	}
	s := fmt.Sprintf("ran %d checks", len(ran))
	if len(counts) == 0 {
		s += ": no findings"
	} else {
		s += "; findings: " + strings.Join(counts, ", ")
	}
	if len(l.cfg.Disable) > 0 {
		s += "; disabled: " + strings.Join(l.cfg.Disable, ", ")
	}
	if l.cfg.WarnOnly {
		s += "; warnOnly: errors are reported as warnings"
	}
	l.res.Info(nil, "", "%s", s)
}

// linter holds the package's facts, each read once and shared by the
// checks that need it, and reports every finding under the name of the
// check that made it.
type linter struct {
	cfg      *Lint
	items    fn.KubeObjects
	pkg      *facts.Package
	res      *results.Collector
	current  string         // the check that is running
	findings map[string]int // errors and warnings per check

	// What lint derives from the facts, on first use (facts.go): doing it
	// twice would report every unreadable rule or image twice.
	ruleList  facts.Lazy[[]*rule]
	imageList facts.Lazy[[]imageUse]
}

// error reports a finding of the current check that breaks the cluster;
// with warnOnly it becomes a warning.
func (l *linter) error(obj *fn.KubeObject, field, format string, args ...any) {
	l.report(fn.Error, results.SubjectOf(obj), field, format, args...)
}

// warning reports a finding of the current check that may be intended.
func (l *linter) warning(obj *fn.KubeObject, field, format string, args ...any) {
	l.report(fn.Warning, results.SubjectOf(obj), field, format, args...)
}

// info reports what the current check could not look at, and why.
func (l *linter) info(obj *fn.KubeObject, field, format string, args ...any) {
	l.report(fn.Info, results.SubjectOf(obj), field, format, args...)
}

func (l *linter) report(sev fn.Severity, subject results.Subject, field, format string, args ...any) {
	if sev == fn.Error && l.cfg.WarnOnly {
		sev = fn.Warning
	}
	if sev != fn.Info {
		l.findings[l.current]++
	}
	l.res.Report(sev, subject, field, "[%s] %s", l.current, fmt.Sprintf(format, args...))
}

// privateClusters are the clusters with a control plane range: those
// whose master reaches the nodes over the VPC, through the firewall.
func (l *linter) privateClusters() []*facts.Cluster {
	var out []*facts.Cluster
	for _, c := range l.pkg.Clusters {
		if _, ok := c.MasterCIDR(); ok {
			out = append(out, c)
		}
	}
	return out
}
