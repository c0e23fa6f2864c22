package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// webhookPorts is the webhook-port check. It catches an admission webhook
// whose pods listen on a port that the control plane of a private cluster
// cannot reach on the nodes: without an INGRESS allow from the master
// range, the API server's call to the webhook times out and every request
// the webhook intercepts fails (Kubeflow cannot even create its
// namespaces). The user runs cluster-firewall on a package that holds the
// webhooks (it opens every webhook port), or allows the port from the
// control plane's source to the node tag: the /28 with VPC peering, the
// endpoint subnetwork's range with Private Service Connect
// (facts.ControlPlane). When the package cannot say that range (a PSC
// endpoint subnetwork outside it), an info says so. The webhooks (the Kubeflow side) and the
// clusters (the Config Connector side) may live in different packages:
// with only one side, an info says so and nothing is checked.
func webhookPorts(l *linter) []finding {
	clusters := l.privateClusters()
	hooks := l.pkg.Webhooks()
	switch {
	case len(clusters) == 0 && len(hooks) == 0:
		return nil
	case len(clusters) == 0:
		return []finding{infoAt(nil, "", "the package has %d admission webhooks but no private ContainerCluster (one with a control plane range, spec.privateClusterConfig.masterIpv4CidrBlock, or a Private Service Connect control plane): run lint on the cluster's package and this one together to check that the control plane reaches every webhook port", len(hooks))}
	case len(hooks) == 0:
		return []finding{infoAt(nil, "", "the package has private clusters but no admission webhook that calls a Service: run lint on the cluster's package together with the workloads' (Kubeflow's) to check that the control plane reaches every webhook port")}
	}
	var out []finding
	for _, h := range hooks {
		if h.Problem != "" {
			out = append(out, warningAt(h.Config, h.Field, "webhook %s: %s, so lint cannot tell which port the control plane must reach: put the Service and the pods it selects in the package, or check by hand that the firewall lets the master in on the port", h.Name, h.Problem))
		}
	}
	for _, c := range clusters {
		out = append(out, l.webhookPortsOf(c, hooks)...)
	}
	return out
}

// webhookPortsOf reports the webhook ports the control plane of c cannot
// reach on its nodes.
func (l *linter) webhookPortsOf(c *facts.Cluster, hooks []facts.Webhook) []finding {
	if c.NetworkID() == "" {
		return []finding{infoAt(c.Object, "spec.networkRef", "%s names no network, so its firewall rules cannot be found: webhook ports not checked", results.Describe(c.Object))}
	}
	cp := c.ControlPlane()
	if !cp.Source.IsValid() {
		return []finding{infoAt(c.Object, "spec.privateClusterConfig", "%s: webhook ports not checked; render that package with this one", cp.SourceUnknown(c))}
	}
	master := cp.Source
	var out []finding
	for _, h := range hooks {
		for _, port := range h.TargetPorts {
			if slices.Contains(gcp.ControlPlanePorts, port) {
				continue // GKE's own firewall rule opens them
			}
			if v := l.ingressTCP(c, master, int(port)); !v.reaches() {
				out = append(out, errorAt(h.Config, h.Field, "%s", webhookBlocked(c, cp, h, port, v)))
			}
		}
	}
	return out
}

func webhookBlocked(c *facts.Cluster, cp facts.ControlPlane, h facts.Webhook, port int32, v ingressVerdict) string {
	var why string
	if v.allow != nil {
		why = fmt.Sprintf("%s at priority %d denies it before %s at priority %d allows it", results.Describe(v.deny.Firewall.Object), v.deny.Firewall.Priority, results.Describe(v.allow.Firewall.Object), v.allow.Firewall.Priority)
	} else {
		why = "no INGRESS allow rule on its network lets the control plane in on that port (GKE's own rule opens only 443 and 10250)"
	}
	from := cp.Source.String() // the /28 speaks for itself
	if cp.Model == gcp.PSCControlPlane {
		from = cp.SourceWhat()
	}
	tag := "the nodes' network tag"
	if tags := c.NodeTags(); len(tags) > 0 {
		tag = strings.Join(tags, ", ")
	}
	return fmt.Sprintf("webhook %s calls Service %s/%s, whose pods listen on tcp %d, but the control plane of %s cannot reach the nodes on it from %s: %s; run cluster-firewall on the package with the webhooks in it (it opens every webhook port), or allow tcp %d from %s to %s in an INGRESS rule",
		h.Name, h.Service.Namespace, h.Service.Name, port, results.Describe(c.Object), from, why, port, cp.Source, tag)
}
