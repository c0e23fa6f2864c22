package lint

import (
	"github.com/distribution/reference"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/images"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// rules are the package's enabled firewall rules, read for matching.
func (l *linter) rules() []*rule {
	return l.ruleList.Get(func() []*rule {
		var out []*rule
		for _, f := range l.pkg.Firewalls() {
			if r, ok := readRule(f, l.res); ok {
				out = append(out, r)
			}
		}
		return out
	})
}

// The package's facts that several checks read, each read once by the
// package itself (facts.Package's lazy accessors).
func (l *linter) webhooks() []facts.Webhook { return l.pkg.Webhooks() }

// loadBalanced are the Services that Google Cloud load balancers reach.
// Ports that cannot be resolved are cluster-firewall's to report: lint
// checks the ports that can.
func (l *linter) loadBalanced() []facts.LoadBalanced {
	services, _ := l.pkg.LoadBalanced()
	return services
}

func (l *linter) zones() []*facts.ManagedZone { return l.pkg.ManagedZones() }
func (l *linter) records() []*facts.RecordSet { return l.pkg.RecordSets() }

// imageUse is one image field of the package, parsed.
type imageUse struct {
	subject results.Subject
	field   string
	value   string
	named   reference.Named
}

// images are the image fields of the package, found as image-mirror finds
// them. A field that is not a string or not an image reference is an
// error result: nothing can pull it.
func (l *linter) images() []imageUse {
	return l.imageList.Get(func() []imageUse {
		table := images.NewTable(nil)
		var out []imageUse
		for _, obj := range l.items {
			out = append(out, l.imagesOf(obj, table)...)
		}
		return out
	})
}

func (l *linter) imagesOf(obj *fn.KubeObject, table images.Table) []imageUse {
	found, problems := table.FieldsOf(obj)
	if len(found)+len(problems) == 0 {
		return nil
	}
	subject := results.SubjectOf(obj)
	for _, p := range problems {
		l.res.Report(fn.Error, subject, p.Path, "%s is not a string: give the image as name[:tag][@digest]", p.Path)
	}
	var out []imageUse
	for _, f := range found {
		named, err := reference.ParseNormalizedNamed(f.Node.Value)
		if err != nil {
			l.res.Report(fn.Error, subject, f.Path, "%s is %q, which is not an image reference: %v", f.Path, f.Node.Value, err)
			continue
		}
		out = append(out, imageUse{subject: subject, field: f.Path, value: f.Node.Value, named: named})
	}
	return out
}
