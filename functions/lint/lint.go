// Package lint is the lint validator: it catches at render time what
// otherwise fails only after apply, on a GKE cluster whose nodes are
// private and whose network is fenced. Each check has a stable short name,
// shown in front of every message it reports ("[webhook-port] ...") and
// accepted by the config's disable list. It never changes the package.
//
// The layout follows the checks: checks.go is the registry (every check,
// its name and a one-line summary, in the order they run); each check is
// one file, check_<name>.go, a function from the package to its findings;
// this file runs them and reports what they return; derived.go is what
// lint works out from the package's facts for several checks; shared_*.go
// are helpers several checks use.
package lint

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// Name is the function's name, as in its image and binary.
const Name = "lint"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Metadata is the function's entry in the kpt function catalog's format
// (image, description, tags, example packages), shown by --doc.
//
//go:embed metadata.yaml
var Metadata []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Processor[Lint]{
		Kind:     Kind,
		Defaults: func() Lint { return Lint{} },
		Run:      run,
	}
}

func run(in krmfn.Input[Lint]) fn.KubeObjects {
	l := &linter{cfg: in.Config, items: in.Items, pkg: facts.Read(in.Items, in.Results), res: in.Results}
	var ran []tally
	for _, c := range checks {
		if in.Config.disabled(c.name) {
			continue
		}
		ran = append(ran, tally{c.name, l.report(c.name, c.run(l))})
	}
	l.summarize(ran)
	return in.Items
}

// tally is how many findings a check that ran made: its errors and
// warnings, not its infos.
type tally struct {
	name     string
	findings int
}

// report writes a check's findings, each under the check's name; with
// warnOnly an error becomes a warning. It returns the check's tally.
func (l *linter) report(name string, found []finding) int {
	n := 0
	for _, f := range found {
		sev := f.severity
		if sev == fn.Error && l.cfg.WarnOnly {
			sev = fn.Warning
		}
		if sev != fn.Info {
			n++
		}
		l.res.Report(sev, f.subject, f.field, "[%s] %s", name, f.message)
	}
	return n
}

// summarize reports which checks ran and how many findings each made.
func (l *linter) summarize(ran []tally) {
	var counts []string
	for _, t := range ran {
		if t.findings > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", t.name, t.findings))
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
