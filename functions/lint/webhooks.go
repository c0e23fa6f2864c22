package lint

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// gkeMasterPorts are the ports GKE's own firewall rule opens from the
// control plane to the nodes of every private cluster.
var gkeMasterPorts = []int32{443, 10250}

// webhookPorts reports admission webhook ports that the control plane of a
// private cluster cannot reach on the nodes: without an INGRESS allow from
// the master range, the API server's call to the webhook times out and
// every request the webhook intercepts fails. The webhooks (the Kubeflow
// side) and the clusters (the Config Connector side) may live in different
// packages; the check runs where both are.
func webhookPorts(l *linter) {
	clusters := l.privateClusters()
	hooks := l.webhooks()
	switch {
	case len(clusters) == 0 && len(hooks) == 0:
		return
	case len(clusters) == 0:
		l.info(nil, "", "the package has %d admission webhooks but no private ContainerCluster (one with spec.privateClusterConfig.masterIpv4CidrBlock): run lint on the cluster's package and this one together to check that the control plane reaches every webhook port", len(hooks))
		return
	case len(hooks) == 0:
		l.info(nil, "", "the package has private clusters but no admission webhook that calls a Service: run lint on the cluster's package together with the workloads' (Kubeflow's) to check that the control plane reaches every webhook port")
		return
	}
	for _, h := range hooks {
		if h.Problem != "" {
			l.warning(h.Config, h.Field, "webhook %s: %s, so lint cannot tell which port the control plane must reach: put the Service and the pods it selects in the package, or check by hand that the firewall lets the master in on the port", h.Name, h.Problem)
		}
	}
	for _, c := range clusters {
		if c.NetworkID() == "" {
			l.info(c.Object, "spec.networkRef", "%s names no network, so its firewall rules cannot be found: webhook ports not checked", results.Describe(c.Object))
			continue
		}
		master, _ := c.MasterCIDR()
		for _, h := range hooks {
			for _, port := range h.TargetPorts {
				if slices.Contains(gkeMasterPorts, port) {
					continue
				}
				if v := l.ingressTCP(c, master.Masked(), int(port)); !v.reaches() {
					l.error(h.Config, h.Field, "%s", webhookBlocked(c, master, h, port, v))
				}
			}
		}
	}
}

func webhookBlocked(c *facts.Cluster, master netip.Prefix, h facts.Webhook, port int32, v ingressVerdict) string {
	var why string
	if v.allow != nil {
		why = fmt.Sprintf("%s at priority %d denies it before %s at priority %d allows it", results.Describe(v.deny.fw.Object), v.deny.fw.Priority, results.Describe(v.allow.fw.Object), v.allow.fw.Priority)
	} else {
		why = "no INGRESS allow rule on its network lets the control plane in on that port (GKE's own rule opens only 443 and 10250)"
	}
	tag := "the nodes' network tag"
	if tags := c.NodeTags(); len(tags) > 0 {
		tag = strings.Join(tags, ", ")
	}
	return fmt.Sprintf("webhook %s calls Service %s/%s, whose pods listen on tcp %d, but the control plane of %s cannot reach the nodes on it from %s: %s; run cluster-firewall on the package with the webhooks in it (it opens every webhook port), or allow tcp %d from %s to %s in an INGRESS rule",
		h.Name, h.Service.Namespace, h.Service.Name, port, results.Describe(c.Object), master, why, port, master, tag)
}
