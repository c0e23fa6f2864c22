package gcp

import (
	"slices"
	"strings"
)

// What GKE documents about the service account its nodes run as.

// NodeServiceAccountRole is the one role GKE asks of a node service
// account, on the cluster's project: "At a minimum, these node service
// accounts must have the Kubernetes Engine Default Node Service Account
// (roles/container.defaultNodeServiceAccount) role on your project."
// https://cloud.google.com/kubernetes-engine/security/configure-node-service-accounts
// (read 2026-12-02). Config Connector's own sample of the hardening guide
// grants the same on the project
// (config/samples/tutorials/hardening-your-cluster/policy-least-privilege.yaml
// of GoogleCloudPlatform/k8s-config-connector v1.154.1).
const NodeServiceAccountRole = "roles/container.defaultNodeServiceAccount"

// RegistryReaderRole lets nodes pull images from an Artifact Registry
// repository; granted on the repository rather than the project, the
// nodes read that repository and no other. "To pull container images from
// Artifact Registry repositories, you must grant the ... service account
// the Artifact Registry Reader role (roles/artifactregistry.reader)", and
// permissions can be granted "at the repository level":
// https://cloud.google.com/artifact-registry/docs/integrate-compute (read
// 2026-12-02); Config Connector's hardening sample grants it on an
// ArtifactRegistryRepository
// (config/samples/tutorials/hardening-your-cluster/policy-artifact-registry-reader.yaml).
const RegistryReaderRole = "roles/artifactregistry.reader"

// LegacyNodeRoles are the roles older guidance gave a node service
// account instead of NodeServiceAccountRole, which holds their
// permissions: Config Connector's hardening samples (policy-logging.yaml,
// policy-metrics-writer.yaml, policy-monitoring.yaml,
// policy-autoscaling-metrics-writer.yaml) and Google's
// terraform-google-kubernetes-engine module (modules/beta-private-cluster/sa.tf,
// which adds stackdriver.resourceMetadata.writer), both read 2026-12-02.
// A node account holding them is not broader than GKE needs.
var LegacyNodeRoles = []string{
	"roles/logging.logWriter",
	"roles/monitoring.metricWriter",
	"roles/monitoring.viewer",
	"roles/stackdriver.resourceMetadata.writer",
	"roles/autoscaling.metricsWriter",
}

// IsNodeRole tells whether a role is one a node service account needs:
// NodeServiceAccountRole, one of LegacyNodeRoles, or RegistryReaderRole.
// Any other role on a node account is more than GKE asks for, and every
// pod on the node that can reach the metadata server holds it too.
func IsNodeRole(role string) bool {
	return role == NodeServiceAccountRole || role == RegistryReaderRole || slices.Contains(LegacyNodeRoles, role)
}

// IsBasicRole tells whether a role is one of IAM's basic roles, Owner,
// Editor or Viewer: "highly permissive roles" over every Google Cloud
// service, https://cloud.google.com/iam/docs/understanding-roles#basic
// (read 2026-12-02).
func IsBasicRole(role string) bool {
	return role == "roles/owner" || role == "roles/editor" || role == "roles/viewer"
}

// DefaultNodeServiceAccount is the word GKE takes for the Compute Engine
// default service account in a node configuration: "Specify the email
// address of the Service Account; otherwise, if no Service Account is
// specified, the "default" service account is used." (GKE API, NodeConfig.serviceAccount,
// https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/NodeConfig).
const DefaultNodeServiceAccount = "default"

// IsDefaultNodeServiceAccount tells whether a node configuration's
// service account is the Compute Engine default one: unset, the word
// "default", or its e-mail (IsComputeDefaultServiceAccount).
func IsDefaultNodeServiceAccount(account string) bool {
	return account == "" || account == DefaultNodeServiceAccount || IsComputeDefaultServiceAccount(account)
}

// serviceAccountDomain ends the e-mail of a service account a user makes
// in a project: SERVICE_ACCOUNT_NAME@PROJECT_ID.iam.gserviceaccount.com,
// https://cloud.google.com/iam/docs/service-accounts-create (read
// 2026-12-02).
const serviceAccountDomain = ".iam.gserviceaccount.com"

// ServiceAccountEmail is the e-mail of the account id in a project.
func ServiceAccountEmail(id, project string) string {
	return id + "@" + project + serviceAccountDomain
}

// ServiceAccountOfMember returns the e-mail of an IAM member that names a
// service account, and whether it does.
func ServiceAccountOfMember(member string) (string, bool) {
	return strings.CutPrefix(member, ServiceAccountMember)
}
