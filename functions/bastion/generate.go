package bastion

import (
	"fmt"
	"strings"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	iam "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/iam/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kinds bastion generates.
const (
	kindInstance       = "ComputeInstance"
	kindAddress        = "ComputeAddress"
	kindServiceAccount = "IAMServiceAccount"
	kindPolicyMember   = "IAMPolicyMember"
	kindFirewall       = "ComputeFirewall"
)

// What the instance is made of.
const (
	// BootImage is Debian 12's image family: GCP resolves it to the newest
	// image when the instance is created, and it supports Shielded VM.
	BootImage = "projects/debian-cloud/global/images/family/debian-12"
	bootDisk  = "pd-balanced"
	// allScopes leaves access to IAM: the service account's roles are what
	// limit the instance, as Google recommends.
	allScopes = "https://www.googleapis.com/auth/cloud-platform"
)

// Roles is all the generated service account is granted on the project:
// enough for the guest agents to write the instance's logs and metrics.
// Operators reach the cluster with their own credentials, never the
// bastion's.
var Roles = []struct{ Role, Purpose string }{
	{"roles/logging.logWriter", "log-writer"},
	{"roles/monitoring.metricWriter", "metric-writer"},
}

// generator builds the bastion's objects from Config Connector's typed
// structs.
type generator struct {
	res *results.Collector
	out []*fn.KubeObject
}

func (g *generator) bastion(pl *plan) {
	like := pl.cluster.Object
	g.add(&compute.ComputeAddress{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", kindAddress),
		ObjectMeta: kcc.ObjectMeta(pl.names.address, like),
		Spec: compute.ComputeAddressSpec{
			Description:   kcc.Ptr(fmt.Sprintf("Static internal address of the bastion of ContainerCluster %s", pl.cluster.Name())),
			AddressType:   kcc.Ptr("INTERNAL"),
			Purpose:       kcc.Ptr("GCE_ENDPOINT"),
			Address:       kcc.Ptr(pl.address.String()),
			Location:      pl.region,
			SubnetworkRef: subnetworkRef(pl),
		},
	})
	g.add(instance(pl))
	if pl.account == "" {
		g.serviceAccount(pl)
	}
	g.firewalls(pl)
	g.operators(pl)
}

func instance(pl *plan) *compute.ComputeInstance {
	return &compute.ComputeInstance{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", kindInstance),
		ObjectMeta: kcc.ObjectMeta(pl.names.instance, pl.cluster.Object),
		Spec: compute.ComputeInstanceSpec{
			Description: kcc.Ptr(fmt.Sprintf("Bastion of ContainerCluster %s: no external address, reached through IAP, OS Login", pl.cluster.Name())),
			Zone:        kcc.Ptr(pl.zone),
			MachineType: kcc.Ptr(pl.machineType),
			BootDisk: &compute.InstanceBootDisk{
				AutoDelete: kcc.Ptr(true),
				InitializeParams: &compute.InstanceInitializeParams{
					SourceImageRef: &kccref.ResourceRef{External: BootImage},
					Type:           kcc.Ptr(bootDisk),
				},
			},
			// No accessConfig: the instance gets no external address.
			NetworkInterface: []compute.InstanceNetworkInterface{{
				SubnetworkRef: subnetworkRef(pl),
				NetworkIpRef:  &kccref.ResourceRef{Kind: kindAddress, Name: pl.names.address},
			}},
			Metadata: []compute.InstanceMetadata{
				{Key: "enable-oslogin", Value: "TRUE"},
				// OS Login ignores metadata keys anyway; this says so to
				// anyone reading the instance, and holds if it is turned off.
				{Key: "block-project-ssh-keys", Value: "TRUE"},
			},
			ServiceAccount: &compute.InstanceServiceAccount{
				Scopes:            []string{allScopes},
				ServiceAccountRef: accountRef(pl),
			},
			ShieldedInstanceConfig: &compute.InstanceShieldedInstanceConfig{
				EnableSecureBoot:          kcc.Ptr(true),
				EnableVtpm:                kcc.Ptr(true),
				EnableIntegrityMonitoring: kcc.Ptr(true),
			},
			Tags: []string{pl.tag},
		},
	}
}

// serviceAccount adds the bastion's own service account and its roles.
// Without a project id the roles cannot name the project: the account is
// still made, and a warning says what is missing.
func (g *generator) serviceAccount(pl *plan) {
	c := pl.cluster
	g.add(&iam.IAMServiceAccount{
		TypeMeta:   kcc.TypeMeta("iam", "v1beta1", kindServiceAccount),
		ObjectMeta: kcc.ObjectMeta(pl.names.serviceAccount, c.Object),
		Spec: iam.IAMServiceAccountSpec{
			DisplayName: kcc.Ptr(fmt.Sprintf("Bastion of %s", c.Name())),
			Description: kcc.Ptr(fmt.Sprintf("Runs the bastion instance %s: writes its logs and metrics, nothing else", pl.names.instance)),
		},
	})
	if c.ProjectID == "" {
		g.res.Warning(c.Object, "metadata.annotations",
			"the project id is unknown, so the bastion's service account gets no roles and its logs and metrics are not written: set the %s annotation on the cluster or its Namespace",
			kcc.ProjectIDAnnotation)
		return
	}
	for _, r := range Roles {
		g.add(&iam.IAMPolicyMember{
			TypeMeta:   kcc.TypeMeta("iam", "v1beta1", kindPolicyMember),
			ObjectMeta: kcc.ObjectMeta(pl.names.instance+"-"+r.Purpose, c.Object),
			Spec: iam.IAMPolicyMemberSpec{
				MemberFrom:  &iam.PolicymemberMemberFrom{ServiceAccountRef: &kccref.IAMResourceRef{Name: pl.names.serviceAccount}},
				Role:        r.Role,
				ResourceRef: kccref.IAMResourceRef{Kind: "Project", External: "projects/" + c.ProjectID},
			},
		})
	}
}

func subnetworkRef(pl *plan) *kccref.ResourceRef {
	return &kccref.ResourceRef{Name: pl.subnetwork.Name, Namespace: pl.subnetwork.Namespace, External: pl.subnetwork.External}
}

// accountRef refers to the generated service account, or the user's: an
// e-mail is external, anything else an IAMServiceAccount's name.
func accountRef(pl *plan) *kccref.ResourceRef {
	switch {
	case pl.account == "":
		return &kccref.ResourceRef{Name: pl.names.serviceAccount}
	case strings.Contains(pl.account, "@"):
		return &kccref.ResourceRef{External: pl.account}
	}
	return &kccref.ResourceRef{Name: pl.account}
}

func (g *generator) add(typed any) {
	if obj := kcc.Build(g.res, typed); obj != nil {
		g.out = append(g.out, obj)
	}
}
