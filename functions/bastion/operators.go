package bastion

import (
	"strings"

	iam "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/iam/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
)

// Each operator gets three role bindings, each on the narrowest resource
// Config Connector can grant it on. IAMPolicyMember's resourceRef takes
// these kinds among others, and none for IAP's tunnel resources:
// "Supported Resources" of
// https://cloud.google.com/config-connector/docs/reference/resource-docs/iam/iampolicymember
// (Config Connector 1.154, read 2026-12-02).
//
//   - gcp.IAPTunnelRole on the Project: IAP checks tunnel access on its own
//     tunnel resources (projects/*/iap_tunnel/zones/*/instances/*), which
//     inherit from the project and which Config Connector cannot name.
//     Where a tunnel may go is fenced by the network instead: the only
//     ingress from IAP's range is cluster-firewall's rule to the bastion's
//     tag on port 22.
//   - gcp.OSLoginRole on the ComputeInstance itself.
//   - gcp.ServiceAccountUserRole on the instance's IAMServiceAccount, which
//     OS Login asks for when the VM runs as a service account.
type grant struct {
	role    string
	purpose string // the object name's suffix
}

var (
	tunnelGrant    = grant{gcp.IAPTunnelRole, "iap-tunnel"}
	osLoginGrant   = grant{gcp.OSLoginRole, "os-login"}
	accountGrant   = grant{gcp.ServiceAccountUserRole, "sa-user"}
	operatorGrants = []grant{tunnelGrant, osLoginGrant, accountGrant}
)

// operators adds the role bindings of every operator. The project id is
// checked by the plan: without it there are no operators here.
func (g *generator) operators(pl *plan) {
	for _, member := range pl.operators {
		for _, gr := range operatorGrants {
			g.add(&iam.IAMPolicyMember{
				TypeMeta:   kcc.TypeMeta("iam", "v1beta1", kindPolicyMember),
				ObjectMeta: kcc.ObjectMeta(operatorObjectName(pl, gr, member), pl.cluster.Object),
				Spec: iam.IAMPolicyMemberSpec{
					Member:      kcc.Ptr(member),
					Role:        gr.role,
					ResourceRef: grantResource(pl, gr),
				},
			})
		}
	}
}

// operatorObjectName names one binding after the instance, the grant and
// a hash of the member: an e-mail address does not make a name, and the
// hash keeps the name the same on every run.
func operatorObjectName(pl *plan, gr grant, member string) string {
	return pl.names.instance + "-" + gr.purpose + "-" + gcp.Hash(member, gcp.NameHashLength)
}

// grantResource is what a grant is on.
func grantResource(pl *plan, gr grant) kccref.IAMResourceRef {
	switch gr {
	case tunnelGrant:
		return kccref.IAMResourceRef{Kind: "Project", External: "projects/" + pl.cluster.ProjectID}
	case osLoginGrant:
		return kccref.IAMResourceRef{Kind: kindInstance, Name: pl.names.instance}
	}
	return accountResource(pl)
}

// accountResource refers to the instance's service account: the generated
// one, the user's IAMServiceAccount, or an account named by e-mail, in the
// external form Config Connector documents for IAMServiceAccount
// (projects/PROJECT/serviceAccounts/EMAIL, same page as above).
func accountResource(pl *plan) kccref.IAMResourceRef {
	switch {
	case pl.account == "":
		return kccref.IAMResourceRef{Kind: kindServiceAccount, Name: pl.names.serviceAccount}
	case strings.Contains(pl.account, "@"):
		return kccref.IAMResourceRef{Kind: kindServiceAccount, External: "projects/" + accountProject(pl) + "/serviceAccounts/" + pl.account}
	}
	return kccref.IAMResourceRef{Kind: kindServiceAccount, Name: pl.account}
}

// accountProject is the project of the user's service account: the one
// its e-mail names (gcp.ServiceAccountProject), else the cluster's.
func accountProject(pl *plan) string {
	if p, ok := gcp.ServiceAccountProject(pl.account); ok {
		return p
	}
	return pl.cluster.ProjectID
}
