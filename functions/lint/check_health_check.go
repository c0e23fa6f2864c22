package lint

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// healthChecks is the health-check check. It catches a private cluster
// whose nodes Google Cloud's health checkers (gcp.CoreHealthCheckRanges)
// cannot reach, and a port of a load-balanced Service they cannot reach:
// a load balancer then sees no healthy backend and serves nothing, which
// on a fenced network is what happens unless a rule lets the checkers in.
// The user runs cluster-firewall with the Services in the package (it adds
// the rule and opens the ports it finds), or opens the ports to the
// health-check ranges. Without a load-balanced Service or Ingress in the
// package the missing rule is a warning (Kubeflow's ingress gateway will
// need it); with one, an error.
func healthChecks(l *linter) []finding {
	// Ports that cannot be resolved are cluster-firewall's to report: lint
	// checks the ports that can.
	lbs, _ := l.pkg.LoadBalanced()
	var out []finding
	for _, c := range l.privateClusters() {
		if c.NetworkID() == "" {
			out = append(out, infoAt(c.Object, "spec.networkRef", "%s names no network, so its firewall rules cannot be found: health checks not checked", results.Describe(c.Object)))
			continue
		}
		var missing []string
		for _, r := range gcp.CoreHealthCheckRanges {
			if !l.hasIngressAllow(c, r) {
				missing = append(missing, r.String())
			}
		}
		if len(missing) > 0 {
			out = append(out, noHealthCheckRule(c, missing, lbs))
			continue
		}
		for _, lb := range lbs {
			out = append(out, l.blockedHealthPorts(c, lb)...)
		}
	}
	return out
}

func noHealthCheckRule(c *facts.Cluster, missing []string, lbs []facts.LoadBalanced) finding {
	msg := fmt.Sprintf("no INGRESS allow rule on network %s lets Google Cloud's health checks (%s) reach the nodes of %s, so a load balancer finds no healthy backend: run cluster-firewall (it adds the rule), or allow tcp from %s to the nodes on the ports of the load-balanced Services",
		c.NetworkID().Name(), strings.Join(missing, ", "), results.Describe(c.Object), strings.Join(missing, ", "))
	if len(lbs) == 0 {
		return warningAt(c.Object, "spec.networkRef", "%s (no load-balanced Service or Ingress is in this package yet)", msg)
	}
	names := make([]string, len(lbs))
	for i, lb := range lbs {
		names[i] = lb.Service.GetNamespace() + "/" + lb.Service.GetName()
	}
	return errorAt(c.Object, "spec.networkRef", "%s; load balanced here: %s", msg, strings.Join(names, ", "))
}

// blockedHealthPorts reports the ports of a load-balanced Service that the
// health checks cannot reach on the cluster's nodes.
func (l *linter) blockedHealthPorts(c *facts.Cluster, lb facts.LoadBalanced) []finding {
	var blocked []string
	for _, port := range lb.Ports {
		for _, src := range gcp.CoreHealthCheckRanges {
			if !l.ingressTCP(c, src, int(port)).reaches() {
				blocked = append(blocked, fmt.Sprint(port))
				break
			}
		}
	}
	if len(blocked) == 0 {
		return nil
	}
	return []finding{errorAt(lb.Service, "spec.ports",
		"Service %s/%s is load balanced (%s) and health-checked on tcp %s, but the firewall of %s does not let %s in to the nodes on it: run cluster-firewall with this Service in the package (it opens the ports it finds), or add the ports to the INGRESS allow from the health-check ranges",
		lb.Service.GetNamespace(), lb.Service.GetName(), strings.Join(lb.Reasons, ", "), strings.Join(blocked, ", "),
		results.Describe(c.Object), joinPrefixes(gcp.CoreHealthCheckRanges))}
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " and ")
}
