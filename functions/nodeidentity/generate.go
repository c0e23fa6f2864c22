package nodeidentity

import (
	"fmt"

	iam "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/iam/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// generator builds the node accounts from Config Connector's typed
// structs.
type generator struct {
	res *results.Collector
	out []*fn.KubeObject
}

// account adds a cluster's node service account, in the cluster's
// namespace and project, with the node role on the cluster's project and
// read access to the repository (when there is one).
func (g *generator) account(pl *plan, repo *fn.KubeObject) {
	c := pl.cluster
	g.add(&iam.IAMServiceAccount{
		TypeMeta:   kcc.TypeMeta("iam", "v1beta1", facts.KindServiceAccount),
		ObjectMeta: kcc.ObjectMeta(pl.names.account, c.Object),
		Spec: iam.IAMServiceAccountSpec{
			DisplayName: kcc.Ptr(fmt.Sprintf("Nodes of %s", c.Name())),
			Description: kcc.Ptr(fmt.Sprintf("The nodes of GKE cluster %s run as this account: it writes their logs and metrics and reads their images, nothing else", c.Name())),
		},
	})
	g.member(pl, pl.names.nodeRole, gcp.NodeServiceAccountRole,
		kccref.IAMResourceRef{Kind: "Project", External: "projects/" + c.ProjectID})
	if repo != nil {
		ref := kccref.IAMResourceRef{APIVersion: repo.GetAPIVersion(), Kind: kindRepository, Name: repo.GetName()}
		if repo.GetNamespace() != c.Object.GetNamespace() {
			ref.Namespace = repo.GetNamespace()
		}
		g.member(pl, pl.names.registry, gcp.RegistryReaderRole, ref)
	}
}

func (g *generator) member(pl *plan, name, role string, on kccref.IAMResourceRef) {
	g.add(&iam.IAMPolicyMember{
		TypeMeta:   kcc.TypeMeta("iam", "v1beta1", facts.KindPolicyMember),
		ObjectMeta: kcc.ObjectMeta(name, pl.cluster.Object),
		Spec: iam.IAMPolicyMemberSpec{
			MemberFrom:  &iam.PolicymemberMemberFrom{ServiceAccountRef: &kccref.IAMResourceRef{Name: pl.names.account}},
			Role:        role,
			ResourceRef: on,
		},
	})
}

func (g *generator) add(typed any) {
	if obj := kcc.Build(g.res, typed); obj != nil {
		g.out = append(g.out, obj)
	}
}
