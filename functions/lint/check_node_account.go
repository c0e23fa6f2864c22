package lint

import (
	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// nodeAccounts is the node-account check. It catches nodes that run as
// the project's Compute Engine default service account, at every place
// GKE takes the nodes' account from (facts.Cluster.NodeAccounts: the
// default pool, each node pool, and the nodes Autopilot and node
// auto-provisioning create): no serviceAccountRef, "default", or the
// account's e-mail. That account often holds Editor on the project, and
// every pod that reaches the metadata server acts with it; cloud-nat's
// FQDN rule cannot target such nodes either. The user runs node-identity,
// or names an account of their own. It also warns of the roles the
// package grants a node account beyond what GKE asks for nodes
// (gcp.IsNodeRole), once per grant.
func nodeAccounts(l *linter) []finding {
	var out []finding
	iam := facts.ReadIAM(l.pkg, l.res)
	seen := map[*facts.ServiceAccount]bool{}
	for _, c := range l.pkg.Clusters {
		for _, a := range c.NodeAccounts() {
			if a.IsDefault() {
				out = append(out, errorAt(a.Object, a.Field,
					"%s (ContainerCluster %s) run as the Compute Engine default service account (%s), which often holds Editor on the project, and every pod on them that reaches the metadata server acts with it: run node-identity, or set %s to an IAMServiceAccount that holds only %s",
					a.Nodes, c.Name(), defaultAs(a), a.Field, gcp.NodeServiceAccountRole))
				continue
			}
			account := iam.Account(a.Object, a.Ref)
			if account == nil || seen[account] {
				continue
			}
			seen[account] = true
			for _, g := range iam.BroadGrants(account) {
				out = append(out, warningAt(g.Object, g.Field,
					"grants %s to %s, which the nodes of ContainerCluster %s run as: every pod on them that reaches the metadata server holds it too; grant a node account only %s (and %s on the repository the nodes pull from)",
					g.Role, results.Describe(account.Object), c.Name(), gcp.NodeServiceAccountRole, gcp.RegistryReaderRole))
			}
		}
	}
	return out
}

// defaultAs says how a place names the default account, for messages.
func defaultAs(a facts.NodeAccount) string {
	if a.Ref.External == "" {
		return "no serviceAccountRef"
	}
	return "external " + a.Ref.External
}
