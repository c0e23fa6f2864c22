// Package privategoogleaccess is the private-google-access generator: for
// every VPC network that the package's ContainerClusters use it generates
// private Cloud DNS zones that resolve the domains Google documents for the
// restricted (or private) Google API VIP (or the domains the config lists)
// to that VIP, the routes that carry the VIP's ranges to Google through the
// default internet gateway with a priority that beats every route to the
// internet, and on request a DNS server policy that logs the network's
// queries. Private nodes then reach Google APIs and registries without
// internet access, and VPC Service Controls can fence what they reach.
package privategoogleaccess

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// Name is the function's name, as in its image and binary.
const Name = "private-google-access"

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
	return krmfn.Generator[PrivateGoogleAccess]{
		Name:     Name,
		Kind:     Kind,
		Defaults: defaults,
		Plan:     plan,
	}.Processor()
}

func plan(run *krmfn.Run[PrivateGoogleAccess]) krmfn.Plan {
	pkg := run.Package()
	if len(pkg.Clusters) == 0 {
		if !run.Results.HasErrors() {
			run.Results.Info(nil, "", "no ContainerCluster in the package: nothing generated")
		}
		return krmfn.Plan{} // what earlier runs generated for clusters now gone goes too
	}
	vip := run.Config.Mode.VIP
	p := &planner{cfg: run.Config, src: run.Source, pkg: pkg, res: run.Results, vip: vip, owner: run.Owner}
	nets := p.networks()
	p.checkZones(nets, pkg.ManagedZones())
	p.checkPrivateGoogleAccess(nets)
	p.planLogging(nets, run.Items)
	if run.Results.HasErrors() {
		return krmfn.Plan{}
	}
	g := &generator{cfg: run.Config, vip: vip, res: run.Results}
	for _, n := range nets {
		g.network(n)
	}
	return krmfn.Plan{Desired: g.out, Finish: func(fn.KubeObjects) {
		for _, n := range nets {
			if n.userPolicy != nil {
				enableLogging(n, run.Results)
			}
			summarize(run.Input, vip, n)
		}
	}}
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
	s.WriteString(describeLogging(n, in.Config.QueryLogging))
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
