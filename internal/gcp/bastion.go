package gcp

import "strings"

// What a bastion VM inside the fence relies on: the port of the Google
// API VIP, the IAM roles operators need to reach the VM, and the forms of
// the principals they are granted to.

// VIPPort is the TCP port on which instances reach Google APIs at the
// restricted or private VIP (HTTPS): the egress a fenced VM needs to the
// VIP ranges, "Configure firewall rules" of
// https://cloud.google.com/vpc-service-controls/docs/set-up-private-connectivity
// (read 2026-12-02). cluster-firewall allows the same port to its nodes.
const VIPPort = 443

// ControlPlaneAPIPort is the TCP port of a GKE cluster's Kubernetes API
// server on the control plane's IP-based endpoint, which kubectl reaches
// (an https:// endpoint without a port); it is the first of
// ControlPlanePorts, which GKE's own rules open between control plane and
// nodes, https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules
// (read 2026-12-02). A bastion needs no more than this one.
const ControlPlaneAPIPort = 443

// The roles an operator needs to reach a bastion through IAP and log in
// with OS Login, and nothing more:
//
//   - IAPTunnelRole, "IAP-secured Tunnel User", lets a principal open IAP
//     TCP forwarding tunnels:
//     https://cloud.google.com/iap/docs/using-tcp-forwarding (read
//     2026-12-02), which Google's bastion-host module grants on the tunnel
//     instance (terraform-google-modules/terraform-google-bastion-host,
//     modules/iap-tunneling/main.tf, commit 95ff0622).
//   - OSLoginRole, "Compute OS Login", logs a principal in without
//     administrator rights (roles/compute.osAdminLogin would add sudo):
//     https://cloud.google.com/compute/docs/oslogin/set-up-oslogin (read
//     2026-12-02).
//   - ServiceAccountUserRole on the VM's service account: OS Login asks for
//     it when the VM runs as a service account (same page), and Google's
//     bastion-host module grants it to its members on the bastion's
//     account (main.tf, google_service_account_iam_binding.bastion_sa_user).
const (
	IAPTunnelRole          = "roles/iap.tunnelResourceAccessor"
	OSLoginRole            = "roles/compute.osLogin"
	ServiceAccountUserRole = "roles/iam.serviceAccountUser"
)

// ServiceAccountProject is the project a user-made service account's
// e-mail names (SERVICE_ACCOUNT_NAME@PROJECT_ID.iam.gserviceaccount.com,
// ServiceAccountEmail), and whether it names one: Google's own accounts
// (the Compute Engine default, ...@developer.gserviceaccount.com) do not.
func ServiceAccountProject(email string) (string, bool) {
	_, domain, found := strings.Cut(email, "@")
	project, isUserMade := strings.CutSuffix(domain, serviceAccountDomain)
	return project, found && isUserMade && project != ""
}
