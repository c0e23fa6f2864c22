// Package vpcsc is the vpc-sc generator: it fences the package's projects
// with a VPC Service Controls perimeter. It generates an access level for
// the members (and networks) allowed in from outside, the service
// perimeter around the projects with its restricted services, the APIs the
// VPC may call and the ingress and egress policies, and, when asked, the
// access policy they live in. The perimeter starts in dry-run (violations
// are logged, nothing is blocked); mode: enforce moves the same content to
// the enforced config.
package vpcsc

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// Name is the function's name, as in its image and binary.
const Name = "vpc-sc"

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
	return krmfn.Generator[VPCServiceControls]{
		Name:     Name,
		Kind:     Kind,
		Defaults: defaults,
		Plan:     planPerimeter,
	}.Processor()
}

func planPerimeter(run *krmfn.Run[VPCServiceControls]) krmfn.Plan {
	p := newPlan(run.Input, run.Package())
	if run.Results.HasErrors() {
		return krmfn.Plan{}
	}
	g := &generator{plan: p, cfg: run.Config, res: run.Results}
	return krmfn.Plan{Desired: g.objects(), Finish: func(fn.KubeObjects) {
		warnPrivateVIP(run.Items, run.Config, run.Results)
		summarize(run.Input, p, g.perimeterObject)
	}}
}

// summarize says in one result what the perimeter fences and who gets in.
func summarize(in krmfn.Input[VPCServiceControls], p *plan, perimeter *fn.KubeObject) {
	cfg := in.Config
	var s strings.Builder
	fmt.Fprintf(&s, "perimeter %s (%s) fences %s and restricts %s", cfg.PerimeterName, cfg.Mode,
		projectList(cfg.ProjectNumbers), plural(len(p.enforced.restricted), "service"))
	if p.level != nil {
		fmt.Fprintf(&s, "; access level %s lets in %s", p.level.name, p.level.describe(cfg.CombiningFunction))
	} else {
		s.WriteString("; no access level")
	}
	if d := p.enforced; len(d.deployers) > 0 && len(d.deployerServices) > 0 {
		fmt.Fprintf(&s, "; %s may apply the package, to %s", strings.Join(d.deployers, ", "), strings.Join(d.deployerServices, ", "))
	}
	if len(p.groups) > 0 && len(p.enforced.memberServices) > 0 {
		verb := "comes"
		if len(p.groups) > 1 {
			verb = "come"
		}
		fmt.Fprintf(&s, "; %s %s in from %s to %s", strings.Join(p.groups, ", "), verb, p.describeGroupSource(), strings.Join(p.enforced.memberServices, ", "))
	}
	switch {
	case cfg.Mode == DryRun:
		s.WriteString("; dry-run: violations are only logged, set mode: enforce when the logs show none")
	case p.proposed != nil:
		fmt.Fprintf(&s, "; the proposed change (restricting %s) is in the dry-run config: when its logs show no violation you did not expect, move it out of proposed",
			plural(len(p.proposed.restricted), "service"))
	}
	in.Results.Info(perimeter, "", "%s", s.String())
}

// sortedUnique returns a sorted copy of list without repeats.
func sortedUnique(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}
