package lint

import (
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// perimeterDeployers is the perimeter-deployer check. It reports an error
// for an enforced service perimeter (spec.status) that does not let the
// package's deployer call, from outside, every restricted service the
// package's Config Connector kinds are managed through: once Config
// Connector applies the perimeter, its next call to, say,
// container.googleapis.com is refused, and the package can no longer be
// applied or even fixed from it. The deployer is what the package can
// say: the Google service account of a ConfigConnector (cluster mode) or
// ConfigConnectorContext object in it. Who else applies the package
// (Config Controller's account, which lives in its own cluster; Cloud
// Build's, which depends on the organization's settings and the build)
// the package does not say, so the check cannot judge it. The perimeter
// is judged as VPC Service Controls documents it
// (facts.ServicePerimeter.EnforcedAllows): an access level of the
// perimeter admits the account, or an ingress rule matches it from
// anywhere to every method of the service. The user runs vpc-sc, which
// lets the package's deployers in to exactly those services, or adds an
// ingress policy for the account.
func perimeterDeployers(l *linter) []finding {
	perimeters := l.pkg.ServicePerimeters()
	if len(perimeters) == 0 {
		return nil
	}
	deployers := facts.Deployers(l.items, l.res)
	if len(deployers) == 0 {
		return nil
	}
	needed, _ := facts.DeployerServices(l.items)
	levels := facts.AccessLevels(l.items, l.res)
	var out []finding
	for _, p := range perimeters {
		st := p.Spec.Status
		if st == nil {
			continue
		}
		projects := perimeterProjects(p)
		for _, d := range deployers {
			var refused []string
			for _, n := range needed {
				for _, project := range projects {
					if !p.EnforcedAllows(levels, facts.Call{Identity: d.Member, Service: n.Service, Project: project}) {
						refused = append(refused, n.Service+" (for "+results.Describe(n.Object)+")")
						break
					}
				}
			}
			if len(refused) > 0 {
				out = append(out, errorAt(p.Object, "spec.status.ingressPolicies",
					"%s, enforced, refuses %s, the account Config Connector applies the package as (%s), the restricted services the package's kinds are managed through: %s; the package could no longer be applied. Run vpc-sc (it lets the package's deployers in to exactly these services), or add an ingress policy from anywhere for %s to every method of them",
					results.Describe(p.Object), d.Member, results.Describe(d.Object), strings.Join(refused, ", "), d.Member))
			}
		}
	}
	return out
}

// perimeterProjects are the numbers of the projects the enforced config
// fences.
func perimeterProjects(p *facts.ServicePerimeter) []string {
	var out []string
	for _, r := range p.Spec.Status.Resources {
		if r.ProjectRef != nil {
			if n, ok := strings.CutPrefix(r.ProjectRef.External, "projects/"); ok {
				out = append(out, n)
			}
		}
	}
	return out
}
