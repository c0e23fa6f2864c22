package lint

// locations is the location check. It catches a cluster, its node pools
// and its subnetwork that do not agree on their region, or a location
// that is no GCP name (a placeholder such as REGION left in):
// facts.Cluster.LocationProblems, the rule private-cluster applies. GKE
// refuses such a cluster, and the functions that follow the subnetwork's
// region (cloud-nat, bastion) would build the fence in the wrong one. The
// user moves the cluster, the subnetwork or the node pool into one region.
func locations(l *linter) []finding {
	var out []finding
	for _, c := range l.pkg.Clusters {
		for _, p := range c.LocationProblems() {
			out = append(out, errorAt(p.Object, p.Field, "%s", p.Message))
		}
	}
	return out
}
