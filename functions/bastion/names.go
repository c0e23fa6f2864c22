package bastion

import "github.com/lockdown-krm/lockdown/internal/gcp"

// Name suffixes, after the cluster's name.
const (
	instanceSuffix = "bastion"
	addressSuffix  = "bastion-ip"
)

// names are the names of one bastion's objects, all derived from the
// cluster's name so that each run, and each machine, picks the same ones.
type names struct {
	instance       string // ComputeInstance, and the authorized network's displayName
	address        string // ComputeAddress
	serviceAccount string // IAMServiceAccount (its account id)
	logWriter      string // IAMPolicyMembers
	metricWriter   string
}

// namesFor names the bastion's objects as gcp.ClusterName does: a cluster
// name GCP would refuse is mended, and one too long is cut and followed by
// a hash of it. The instance is named like its default network tag,
// gcp.BastionTag.
func namesFor(cluster string) names {
	instance := gcp.ClusterName(cluster, instanceSuffix)
	return names{
		instance:       instance,
		address:        gcp.ClusterName(cluster, addressSuffix),
		serviceAccount: gcp.Namer{Max: gcp.MaxAccountIDLength, Lead: gcp.ClusterLead}.Name(cluster, instanceSuffix),
		logWriter:      instance + "-log-writer",
		metricWriter:   instance + "-metric-writer",
	}
}
