package lint

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/images"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// linter is what every check reads: the config, the package's items and
// facts (internal/facts, read once by facts.Package's lazy accessors), and
// what lint derives from them for several checks. Checks only read it:
// what they find, they return (checks.go).
//
// What is a fact of the package lives in internal/facts, for every
// function: how GCP evaluates a firewall rule (facts.FirewallRule), what a
// DNS record resolves to (RecordSet.VIPs), a cluster's authorized
// networks. What stays here is lint's own: the memo of the readings that
// facts.Package does not keep itself (so that an unreadable object is
// reported once however many checks ask), lint's leniency with host bits,
// the image fields (read by internal/images, as image-mirror reads them)
// and which clusters are private.
type linter struct {
	cfg   *Lint
	items fn.KubeObjects
	pkg   *facts.Package
	// res takes what the readers below cannot read (a firewall rule GCP
	// would refuse, an image field that is not a reference): errors
	// without a check's name, not findings to disable or soften.
	res *results.Collector

	// The derivations, on first use: doing one twice would report every
	// unreadable rule or image twice.
	ruleList  facts.Lazy[[]*facts.FirewallRule]
	imageList facts.Lazy[[]images.Use]
}

// rules are the package's enabled firewall rules as GCP evaluates them
// (facts.FirewallRules). A range with host bits set is a warning: lint
// checks it as its whole range, the reading that matches the most traffic.
// (Memoized here until facts.Package has an accessor of its own.)
func (l *linter) rules() []*facts.FirewallRule {
	return l.ruleList.Get(func() []*facts.FirewallRule {
		rules, loose := facts.FirewallRules(l.pkg.Firewalls(), l.res)
		for _, h := range loose {
			l.res.Warning(h.Object, h.Field, "%v (lint reads it as %s)", h.Err, h.Err.Prefix.Masked())
		}
		return rules
	})
}

// images are the image fields of the package, read as image-mirror reads
// them (images.Table.UsesOf). A field that is not a string or not an
// image reference is an error result: nothing can pull it.
func (l *linter) images() []images.Use {
	return l.imageList.Get(func() []images.Use {
		uses, problems := images.NewTable(nil).UsesOf(l.items)
		for _, p := range problems {
			l.res.Report(fn.Error, p.Subject, p.Path, "%s", p.Message)
		}
		return uses
	})
}

// privateClusters are the clusters whose control plane reaches the nodes
// over the VPC, through the firewall: by peering (a /28) or Private
// Service Connect (facts.Cluster.ControlPlane).
func (l *linter) privateClusters() []*facts.Cluster {
	var out []*facts.Cluster
	for _, c := range l.pkg.Clusters {
		if c.ControlPlane().IsPrivate() {
			out = append(out, c)
		}
	}
	return out
}
