package nodeidentity

import (
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// setAccount points one place of a cluster's nodes at the generated
// account, in place: the rest of the object, its comments and setter
// markers stay as they are. Whatever the serviceAccountRef said (nothing,
// "default", the default account's e-mail) is replaced.
func setAccount(a facts.NodeAccount, pl *plan, res *results.Collector) {
	path := strings.Split(a.Field, ".")
	subject := results.SubjectOf(a.Object)
	ref := yamledit.StringMapping("name", pl.names.account)
	if ns := a.Object.GetNamespace(); ns != pl.cluster.Object.GetNamespace() {
		ref = yamledit.StringMapping("name", pl.names.account, "namespace", pl.cluster.Object.GetNamespace())
	}
	_ = yamledit.Edit(a.Object, func(root *yaml.Node) error {
		marker := yamledit.SetterMarker(root, path...)
		if marker == "" {
			marker = yamledit.SetterMarker(root, append(path, "external")...)
		}
		if err := yamledit.SetNode(root, ref, path...); err != nil {
			res.Report(fn.Error, subject, a.Field, "cannot edit: %v", err)
			return nil
		}
		if marker != "" {
			res.Report(fn.Warning, subject, a.Field, "set to %s, but the field had the setter marker %q: apply-setters will undo this; set the setter's value to %s instead",
				pl.names.account, marker, pl.names.account)
		}
		res.Report(fn.Info, subject, a.Field, "%s ran as the Compute Engine default service account (%s); they now run as %s. %s",
			a.Nodes, was(a), pl.names.account, recreates(a))
		return nil
	})
}

// was says how the place named the default account, for messages.
func was(a facts.NodeAccount) string {
	if a.Ref.External == "" {
		return "no serviceAccountRef"
	}
	return "external " + a.Ref.External
}

// recreates says what applying the change does to running nodes. A node
// pool's service account is fixed when its nodes are made: GKE's node
// pool update (UpdateNodePoolRequest,
// https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.nodePools/update)
// takes no service account, and the ContainerCluster's spec.nodeConfig
// is immutable in Config Connector (v1.154.1's CRD: "Immutable. The
// configuration of the nodepool."). Node auto-provisioning's defaults
// apply to the pools GKE creates from then on.
func recreates(a facts.NodeAccount) string {
	switch {
	case a.Field == facts.AutoProvisionedAccountField:
		return "Only nodes GKE provisions from now on get it: existing auto-provisioned nodes keep their account until they are replaced."
	case a.Pool != nil:
		return "A node pool's service account is fixed when its nodes are created: on a pool that exists, the pool and its nodes must be created anew (add a new pool and drain the old one, or delete and re-apply it)."
	}
	return "A ContainerCluster's spec.nodeConfig is immutable in Config Connector: a cluster that exists must be created anew to take the account; nodes in ContainerNodePools (with the default pool removed) change accounts without that."
}
