package clusterfirewall

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// defaultHealthCheckPorts are opened to health checks when the package has
// no load-balanced Service: the usual HTTP, HTTPS and Istio http2 ports.
var defaultHealthCheckPorts = []int32{80, 443, 8080}

// packagePorts are the ports found in the package, shared by all clusters:
// the package is installed on each of them.
type packagePorts struct {
	master []string // tcp ports the control plane reaches on the nodes
	health []string // tcp ports health checks reach
}

// discoverPorts finds the webhook and health-check ports and reports what
// it could not resolve.
func discoverPorts(in krmfn.Input[ClusterFirewall], pkg *facts.Package) packagePorts {
	return packagePorts{master: masterIngressPorts(in, pkg), health: healthCheckPorts(in, pkg)}
}

func masterIngressPorts(in krmfn.Input[ClusterFirewall], pkg *facts.Package) []string {
	hooks := pkg.Webhooks()
	extra := in.Config.ExtraWebhookPorts
	for _, h := range hooks {
		if h.Problem == "" {
			continue
		}
		if len(extra) > 0 {
			in.Results.Info(h.Config, h.Field, "webhook %s: %s; relying on extraWebhookPorts (%s) for it",
				h.Name, h.Problem, joinPorts(extra))
			continue
		}
		in.Results.Warning(h.Config, h.Field,
			"webhook %s: %s, so the control plane may not be let through to it: add its target port to extraWebhookPorts in %s's config",
			h.Name, h.Problem, Name)
	}
	// The control plane reaches the nodes on GKE's own ports in any
	// cluster; webhook ports come on top.
	ports := rangesOf(slices.Concat(gcp.ControlPlanePorts, facts.WebhookPorts(hooks)))
	return normalize(append(ports, extra.Ranges()...))
}

func healthCheckPorts(in krmfn.Input[ClusterFirewall], pkg *facts.Package) []string {
	if ports := in.Config.HealthCheckPorts; len(ports) > 0 {
		return normalize(ports.Ranges()) // the config replaces discovery, warnings and all
	}
	services, problems := pkg.LoadBalanced()
	for _, p := range problems {
		in.Results.Warning(p.Object, p.Field, "%s: health checks may not reach it; fix it, or list every health-check port in healthCheckPorts in %s's config",
			p.Problem, Name)
	}
	for _, s := range services {
		in.Results.Info(s.Service, "", "load balanced (%s): health checks may reach tcp %s",
			strings.Join(s.Reasons, ", "), joinInts(s.Ports))
	}
	found := facts.HealthCheckPorts(services)
	if len(found) == 0 {
		in.Results.Info(nil, "", "no load-balanced Service or ingress gateway in the package: health checks may reach the usual tcp %s; set healthCheckPorts to change them",
			joinInts(defaultHealthCheckPorts))
		found = defaultHealthCheckPorts
	}
	return normalize(rangesOf(found))
}

func rangesOf(ports []int32) []gcp.PortRange {
	out := make([]gcp.PortRange, len(ports))
	for i, p := range ports {
		out[i] = gcp.PortRange{First: int(p), Last: int(p)}
	}
	return out
}

// normalize sorts ports and merges overlapping ones, so that "8443" and
// "8000-9000" become "8000-9000" and the list reads the same every run.
// Adjacent ports stay apart: "443" and "444" are not "443-444".
func normalize(ports []gcp.PortRange) []string {
	sorted := slices.Clone(ports)
	slices.SortFunc(sorted, func(a, b gcp.PortRange) int {
		return cmp.Or(cmp.Compare(a.First, b.First), cmp.Compare(a.Last, b.Last))
	})
	var merged []gcp.PortRange
	for _, r := range sorted {
		if n := len(merged); n > 0 && r.First <= merged[n-1].Last {
			merged[n-1].Last = max(merged[n-1].Last, r.Last)
			continue
		}
		merged = append(merged, r)
	}
	out := make([]string, len(merged))
	for i, r := range merged {
		out[i] = r.String()
	}
	return out
}

func joinInts(ports []int32) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ", ")
}

func joinPorts(ports fnconfig.Ports) string {
	return strings.Join(fnconfig.Texts(ports), ", ")
}
