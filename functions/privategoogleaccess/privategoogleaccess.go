// Package privategoogleaccess is the private-google-access generator: for
// every VPC network that the package's ContainerClusters use it generates
// private Cloud DNS zones that resolve googleapis.com, gcr.io and pkg.dev
// (or the domains the config lists) to the restricted (or private) Google
// API VIP, and the routes that carry the VIP's ranges to Google through the
// default internet gateway with a priority that beats every route to the
// internet. Private nodes then reach Google APIs and registries without
// internet access, and VPC Service Controls can fence what they reach.
package privategoogleaccess

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/owned"
)

// Name is the function's name, as in its image and binary.
const Name = "private-google-access"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Processor[PrivateGoogleAccess]{
		Kind:     Kind,
		Defaults: defaults,
		Run:      run,
	}
}

func run(in krmfn.Input[PrivateGoogleAccess]) fn.KubeObjects {
	owner := owned.OwnerOf(Name, in.Source.Object)
	pkg := facts.Read(in.Items, in.Results)
	if len(pkg.Clusters) == 0 {
		if !in.Results.HasErrors() {
			in.Results.Info(nil, "", "no ContainerCluster in the package: nothing generated")
		}
		// What earlier runs generated for clusters now gone goes too.
		return owned.Reconcile(in.Items, owner, nil, in.Results)
	}
	vip, _ := gcp.VIPFor(in.Config.Mode) // Validate has checked the mode
	p := &planner{cfg: in.Config, src: in.Source, pkg: pkg, res: in.Results, vip: vip, owner: owner}
	nets := p.networks()
	p.checkZones(nets, pkg.ManagedZones())
	p.checkPrivateGoogleAccess(nets)
	if in.Results.HasErrors() {
		return in.Items
	}
	g := &generator{cfg: in.Config, vip: vip, res: in.Results}
	for _, n := range nets {
		g.network(n)
	}
	out := owned.Reconcile(in.Items, owner, g.out, in.Results)
	if !in.Results.HasErrors() {
		for _, n := range nets {
			summarize(in, vip, n)
		}
	}
	return out
}

// summarize reports, per network, what was generated and why the route
// priority is what it is.
func summarize(in krmfn.Input[PrivateGoogleAccess], vip gcp.VIP, n *network) {
	var s strings.Builder
	fmt.Fprintf(&s, "network %s (%s): private zones for %s resolve to %s (%s); route %s to %s at priority %d, which beats %s",
		n, clusterList(n), strings.Join(in.Config.Domains, ", "), vip.Host, vip.IPv4,
		routeName(n, vip), vip.IPv4, n.priority.priority, beatsWhat(n.priority))
	if n.dualStack {
		fmt.Fprintf(&s, "; dual-stack: AAAA records and route %s to %s at priority %d, which beats %s",
			routeName(n, vip, "ipv6"), vip.IPv6, n.priority6.priority, beatsWhat(n.priority6))
	}
	in.Results.Info(n.like, "", "%s", s.String())
}

func beatsWhat(r route) string {
	switch b := r.beats; {
	case b.Object != nil:
		return fmt.Sprintf("%s %s (%d)", b.Object.GetKind(), b.Object.GetName(), b.Priority)
	case b.Dest.IsValid():
		return fmt.Sprintf("GCP's default route to %s (%d)", b.Dest, b.Priority)
	}
	return fmt.Sprintf("GCP's default priority (%d), as the network has no route to the internet", r.beats.Priority)
}

func clusterList(n *network) string {
	names := make([]string, len(n.clusters))
	for i, c := range n.clusters {
		names[i] = c.Name()
	}
	word := "cluster"
	if len(names) > 1 {
		word = "clusters"
	}
	return word + " " + strings.Join(names, ", ")
}
