package nodeidentity

import "github.com/lockdown-krm/lockdown/internal/gcp"

// Name suffixes, after the cluster's name.
const (
	accountSuffix  = "nodes"
	nodeRoleSuffix = "node-service-account"
	registrySuffix = "registry-reader"
)

// names are the names of one cluster's generated objects, all derived
// from the cluster's name so that each run, and each machine, picks the
// same ones.
type names struct {
	account  string // IAMServiceAccount, and so its account id
	nodeRole string // IAMPolicyMember of gcp.NodeServiceAccountRole on the project
	registry string // IAMPolicyMember of gcp.RegistryReaderRole on the repository
}

// namesFor names a cluster's objects as gcp.Namer does: a cluster name
// IAM would refuse is mended (a leading digit gets gcp.ClusterLead), and
// one too long for an account id (gcp.MaxAccountIDLength) is cut and
// followed by a hash of it, so the account id is always valid
// (TestAccountIDsValid holds it to IAM's rule): at least "c-nodes", seven
// characters.
func namesFor(cluster string) names {
	return names{
		account:  gcp.Namer{Max: gcp.MaxAccountIDLength, Lead: gcp.ClusterLead}.Name(cluster, accountSuffix),
		nodeRole: gcp.ClusterName(cluster, accountSuffix, nodeRoleSuffix),
		registry: gcp.ClusterName(cluster, accountSuffix, registrySuffix),
	}
}
