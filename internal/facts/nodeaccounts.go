package facts

import (
	"strconv"

	iam "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/iam/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Config Connector's IAM kinds, which say who a node runs as and what it
// may do.
const (
	KindServiceAccount = "IAMServiceAccount"
	KindPolicyMember   = "IAMPolicyMember"
	KindPartialPolicy  = "IAMPartialPolicy"
	KindPolicy         = "IAMPolicy"
)

// Where a ContainerCluster and a ContainerNodePool name the service
// account of their nodes (Config Connector v1.154.1's CRDs).
const (
	NodeConfigAccountField      = "spec.nodeConfig.serviceAccountRef"
	AutoProvisionedAccountField = "spec.clusterAutoscaling.autoProvisioningDefaults.serviceAccountRef"
)

// NodeAccount is one place GKE takes the service account of some of a
// cluster's nodes from.
type NodeAccount struct {
	Object *fn.KubeObject // the ContainerCluster, or the ContainerNodePool
	Field  string         // the serviceAccountRef's path in Object
	Nodes  string         // which nodes, for messages
	Ref    Ref            // as written; the zero Ref when unset
	// Pool is the ContainerNodePool whose nodes these are; nil for the
	// cluster's default pool and the nodes GKE provisions itself.
	Pool *NodePool
}

// IsDefault tells whether these nodes run as the project's Compute Engine
// default service account: no account, the word "default", or its e-mail
// (gcp.IsDefaultNodeServiceAccount).
func (a NodeAccount) IsDefault() bool {
	return a.Ref.Name == "" && gcp.IsDefaultNodeServiceAccount(a.Ref.External)
}

// NodeAccounts lists every place the cluster's nodes take their service
// account from:
//   - spec.clusterAutoscaling.autoProvisioningDefaults.serviceAccountRef,
//     on Autopilot and with node auto-provisioning on: the defaults "for a
//     node pool created by NAP", whose serviceAccount is "the Google Cloud
//     Platform Service Account to be used by the node VMs" (GKE API,
//     AutoprovisioningNodePoolDefaults,
//     https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#AutoprovisioningNodePoolDefaults);
//     Autopilot's nodes are provisioned that way and run as the Compute
//     Engine default account unless told otherwise
//     (https://cloud.google.com/kubernetes-engine/docs/how-to/creating-an-autopilot-cluster,
//     "Set up IAM service accounts for GKE", read 2026-12-02);
//   - the default node pool's spec.nodeConfig.serviceAccountRef, on a
//     Standard cluster that declares spec.nodeConfig or no
//     ContainerNodePool (its only nodes are then the default pool's);
//   - each ContainerNodePool's spec.nodeConfig.serviceAccountRef.
func (c *Cluster) NodeAccounts() []NodeAccount {
	var out []NodeAccount
	if c.IsAutopilot() || c.AutoProvisionsNodes() {
		var r *kccref.ResourceRef
		if a := c.Spec.ClusterAutoscaling; a != nil && a.AutoProvisioningDefaults != nil {
			r = a.AutoProvisioningDefaults.ServiceAccountRef
		}
		nodes := "the nodes of the pools node auto-provisioning creates"
		if c.IsAutopilot() {
			nodes = "the nodes Autopilot provisions"
		}
		out = append(out, NodeAccount{Object: c.Object, Field: AutoProvisionedAccountField, Nodes: nodes, Ref: optionalRef(r)})
	}
	if !c.IsAutopilot() && (c.Spec.NodeConfig != nil || len(c.NodePools) == 0) {
		var r *kccref.ResourceRef
		if c.Spec.NodeConfig != nil {
			r = c.Spec.NodeConfig.ServiceAccountRef
		}
		out = append(out, NodeAccount{Object: c.Object, Field: NodeConfigAccountField, Nodes: "the nodes of the default node pool", Ref: optionalRef(r)})
	}
	for _, np := range c.NodePools {
		var r *kccref.ResourceRef
		if np.Spec.NodeConfig != nil {
			r = np.Spec.NodeConfig.ServiceAccountRef
		}
		out = append(out, NodeAccount{Object: np.Object, Field: NodeConfigAccountField, Nodes: "the nodes of node pool " + np.Object.GetName(), Ref: optionalRef(r), Pool: np})
	}
	return out
}

func optionalRef(r *kccref.ResourceRef) Ref {
	if r == nil {
		return Ref{}
	}
	return refOf(r)
}

// ServiceAccount is an IAMServiceAccount of the package.
type ServiceAccount struct {
	Object *fn.KubeObject
	// ID is the account id: spec.resourceID, else metadata.name.
	ID string
	// Project is the account's project; "" when the package cannot say.
	Project string
}

// Email is the account's e-mail (gcp.ServiceAccountEmail); "" when its
// project is unknown.
func (s *ServiceAccount) Email() string {
	if s.Project == "" {
		return ""
	}
	return gcp.ServiceAccountEmail(s.ID, s.Project)
}

// Grant is a role an IAM object of the package grants to one of its
// IAMServiceAccounts.
type Grant struct {
	Object  *fn.KubeObject // the IAMPolicyMember, IAMPartialPolicy or IAMPolicy
	Field   string         // the role's path in Object
	Role    string
	Account *ServiceAccount
}

// IAM is what the package says about its service accounts: the
// accounts, and the roles its IAMPolicyMembers, IAMPartialPolicies and
// IAMPolicies grant them.
type IAM struct {
	Accounts []*ServiceAccount
	Grants   []Grant
	byKey    map[Key]*ServiceAccount
}

// ReadIAM reads the package's IAMServiceAccounts and what is granted to
// them. A member is matched to an account by reference (memberFrom's
// serviceAccountRef) or by e-mail ("serviceAccount:EMAIL",
// gcp.ServiceAccountOfMember); grants to anyone else are left out. An
// object that cannot be read as its kind is an error result.
func ReadIAM(p *Package, res *results.Collector) *IAM {
	m := &IAM{byKey: map[Key]*ServiceAccount{}}
	for obj, spec := range specsOf[iam.IAMServiceAccountSpec](p.Items, KindServiceAccount, res) {
		a := &ServiceAccount{Object: obj, ID: obj.GetName(), Project: p.ProjectID(obj)}
		if spec.ResourceID != nil && *spec.ResourceID != "" {
			a.ID = *spec.ResourceID
		}
		m.Accounts = append(m.Accounts, a)
		m.byKey[keyOf(obj)] = a
	}
	for obj, spec := range specsOf[iam.IAMPolicyMemberSpec](p.Items, KindPolicyMember, res) {
		var from *kccref.IAMResourceRef
		if spec.MemberFrom != nil {
			from = spec.MemberFrom.ServiceAccountRef
		}
		m.grant(obj, "spec.role", spec.Role, m.member(obj, spec.Member, from))
	}
	for obj, spec := range specsOf[iam.IAMPartialPolicySpec](p.Items, KindPartialPolicy, res) {
		for i, b := range spec.Bindings {
			for _, mem := range b.Members {
				var from *kccref.IAMResourceRef
				if mem.MemberFrom != nil {
					from = mem.MemberFrom.ServiceAccountRef
				}
				m.grant(obj, bindingRole(i), b.Role, m.member(obj, mem.Member, from))
			}
		}
	}
	for obj, spec := range specsOf[iam.IAMPolicySpec](p.Items, KindPolicy, res) {
		for i, b := range spec.Bindings {
			for _, mem := range b.Members {
				m.grant(obj, bindingRole(i), b.Role, m.member(obj, &mem, nil))
			}
		}
	}
	return m
}

func bindingRole(i int) string { return "spec.bindings[" + strconv.Itoa(i) + "].role" }

func (m *IAM) grant(obj *fn.KubeObject, field, role string, a *ServiceAccount) {
	if a != nil {
		m.Grants = append(m.Grants, Grant{Object: obj, Field: field, Role: role, Account: a})
	}
}

// member is the account of the package a member names, or nil.
func (m *IAM) member(obj *fn.KubeObject, member *string, from *kccref.IAMResourceRef) *ServiceAccount {
	if from != nil {
		return m.Account(obj, Ref{Name: from.Name, Namespace: from.Namespace, External: from.External})
	}
	if member != nil {
		if email, ok := gcp.ServiceAccountOfMember(*member); ok {
			return m.byEmail(email)
		}
	}
	return nil
}

// Account is the IAMServiceAccount of the package that a reference from
// obj names, by name or by e-mail; nil when it names none.
func (m *IAM) Account(from *fn.KubeObject, r Ref) *ServiceAccount {
	if r.External != "" {
		email, _ := gcp.ServiceAccountOfMember(r.External)
		if email == "" {
			email = r.External
		}
		return m.byEmail(email)
	}
	return m.byKey[refKey(KindServiceAccount, from, r)]
}

func (m *IAM) byEmail(email string) *ServiceAccount {
	for _, a := range m.Accounts {
		if e := a.Email(); e != "" && e == email {
			return a
		}
	}
	return nil
}

// GrantsTo lists what the package grants the account, in package order.
func (m *IAM) GrantsTo(a *ServiceAccount) []Grant {
	var out []Grant
	for _, g := range m.Grants {
		if g.Account == a {
			out = append(out, g)
		}
	}
	return out
}

// BroadGrants are the roles the package grants the account beyond what
// a node's account needs (gcp.IsNodeRole): on a node account, each is
// also held by every pod of the node that reaches the metadata server.
func (m *IAM) BroadGrants(a *ServiceAccount) []Grant {
	var out []Grant
	for _, g := range m.GrantsTo(a) {
		if !gcp.IsNodeRole(g.Role) {
			out = append(out, g)
		}
	}
	return out
}
