package privatecluster

import (
	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// networkingRoutes is the networkingMode of a routes-based cluster.
const networkingRoutes = "ROUTES"

// checkMode refuses what private-cluster cannot make private and fenced
// without replacing the cluster. A routes-based cluster cannot become
// VPC-native: networkingMode is immutable (the ContainerCluster CRD), and
// GKE says "you can't convert a routes-based cluster into a VPC-native
// cluster" (https://cloud.google.com/kubernetes-engine/docs/how-to/alias-ips,
// Limitations). The fence needs the pod range that only VPC-native
// clusters have, so a routes-based cluster is an error, never a silent
// rewrite.
func (p *planner) checkMode(c *facts.Cluster) {
	if m := c.Spec.NetworkingMode; m != nil && *m == networkingRoutes {
		p.res.Error(c.Object, "spec.networkingMode",
			"ContainerCluster %s is routes-based (networkingMode: ROUTES): GKE cannot convert it to VPC-native in place, and networkingMode is immutable, so lockdown will not rewrite it; create a new cluster with networkingMode: VPC_NATIVE (and without spec.clusterIpv4Cidr), move the workloads, and delete this one",
			c.Name())
		return
	}
	// The CRD: clusterIpv4Cidr "will only work for routes-based clusters,
	// where ip_allocation_policy is not defined", and private-cluster
	// always defines ipAllocationPolicy.
	if c.Spec.ClusterIpv4Cidr != nil {
		p.res.Error(c.Object, "spec.clusterIpv4Cidr",
			"spec.clusterIpv4Cidr works only for routes-based clusters, and a VPC-native cluster has spec.ipAllocationPolicy instead: move %s to spec.ipAllocationPolicy.clusterIpv4CidrBlock (both are immutable: on an existing cluster this replaces it)",
			*c.Spec.ClusterIpv4Cidr)
	}
}

// checkLocations refuses a cluster, node pool and subnetwork that do not
// agree on their region (facts.Cluster.LocationProblems): cloud-nat and
// bastion would otherwise follow the subnetwork's region silently.
func (p *planner) checkLocations(c *facts.Cluster) {
	for _, problem := range c.LocationProblems() {
		p.res.Error(problem.Object, problem.Field, "%s", problem.Message)
	}
}

// planNodeTag is the tag the firewall will target: the config's, else
// <cluster>-node, which must itself be a valid network tag. A placeholder
// name such as NAME would give NAME-node, which GCP refuses.
func (p *planner) planNodeTag(c *facts.Cluster) string {
	if p.cfg.NodeTag != "" {
		return p.cfg.NodeTag
	}
	tag := gcp.NodeTag(c.Name())
	if !gcp.IsNetworkTag(tag) {
		p.res.Error(c.Object, "metadata.name",
			"the nodes of ContainerCluster %s would be tagged %q, which is not a valid network tag (RFC 1035: %s): give the cluster such a name (is %q a placeholder a setter should replace?), or set nodeTag in %s's config",
			c.Name(), tag, gcp.ResourceNameRule, c.Name(), Name)
	}
	return tag
}
