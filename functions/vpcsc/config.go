package vpcsc

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// Kind is the typed config kind of this function.
const Kind = "VPCServiceControls"

// Modes of the perimeter.
const (
	// DryRun writes the perimeter's dry-run config (spec.spec): violations
	// are logged, nothing is blocked.
	DryRun = "dry-run"
	// Enforce writes the enforced config (spec.status).
	Enforce = "enforce"
)

// Combining functions of an access level's conditions.
const (
	And = "AND"
	Or  = "OR"
)

// RestrictedServicesKeyword stands, in vpcAccessibleServices, for every
// service the perimeter restricts.
const RestrictedServicesKeyword = "RESTRICTED-SERVICES"

// Default names. A perimeter's name cannot change once it exists, so the
// defaults are fixed words rather than derived from a cluster that might
// be renamed.
const (
	DefaultLevelName     = "kubeflow_access"
	DefaultPerimeterName = "kubeflow_perimeter"
)

// Cloud Build's service accounts, for cloudBuildServiceAccount. Which one
// runs a project's builds by default depends on the organization:
// "Depending on your organization's settings, Cloud Build may use the
// Compute Engine default service account or the legacy Cloud Build
// service account", and a build may name its own.
// https://cloud.google.com/build/docs/cloud-build-service-account and
// https://cloud.google.com/build/docs/securing-builds/configure-user-specified-service-accounts
// (read 2026-12-02).
const (
	// CloudBuildLegacy is PROJECT_NUMBER@cloudbuild.gserviceaccount.com.
	CloudBuildLegacy = "legacy"
	// CloudBuildComputeDefault is
	// PROJECT_NUMBER-compute@developer.gserviceaccount.com, the default of
	// newer organizations.
	CloudBuildComputeDefault = "compute-default"
)

// DefaultMemberServices are the restricted services the config's groups
// may reach from outside: what people of a Kubeflow team do from their
// desks, not what the cluster does. container: kubectl's credentials and
// the console's view of the cluster; storage: pipelines' artifacts and
// data; artifactregistry: the images they build and push; logging,
// monitoring: the logs and metrics of their runs.
var DefaultMemberServices = []string{
	"artifactregistry.googleapis.com",
	"container.googleapis.com",
	"logging.googleapis.com",
	"monitoring.googleapis.com",
	"storage.googleapis.com",
}

// VPCServiceControls is the function config (spec of kind
// VPCServiceControls, or the same keys in a ConfigMap's data; the
// policies, vpcAccessibleServices and proposed only in the typed kind).
type VPCServiceControls struct {
	// AccessPolicy is the id of the organization's existing access policy.
	AccessPolicy ID `json:"accessPolicy,omitempty"`
	// CreateAccessPolicy generates the access policy instead.
	CreateAccessPolicy bool `json:"createAccessPolicy,omitempty"`
	// OrganizationID owns a generated access policy.
	OrganizationID ID `json:"organizationId,omitempty"`
	// ProjectNumbers are the projects inside the perimeter.
	ProjectNumbers IDs `json:"projectNumbers,omitempty"`
	// Members may reach the perimeter's services from outside:
	// user:EMAIL, group:EMAIL or serviceAccount:EMAIL.
	Members []string `json:"members,omitempty"`
	// IncludeCloudBuild is cloudBuildServiceAccount: legacy, kept for the
	// configs that say it.
	IncludeCloudBuild bool `json:"includeCloudBuild,omitempty"`
	// CloudBuildServiceAccount makes Cloud Build a deployer: legacy or
	// compute-default (the account of that form of each project of the
	// perimeter), or the email of the service account the builds name.
	CloudBuildServiceAccount string `json:"cloudBuildServiceAccount,omitempty"`
	// IPSubnetworks and Regions are the access level's network conditions.
	// Access Context Manager takes the subnetworks in CIDR notation only
	// (fnconfig.CIDR; Validate refuses host bits), and the level carries
	// them as written.
	IPSubnetworks []fnconfig.CIDR `json:"ipSubnetworks,omitempty"`
	Regions       []string        `json:"regions,omitempty"`
	// CombiningFunction joins the level's conditions: AND (default) or OR.
	CombiningFunction string `json:"combiningFunction,omitempty"`
	// AllowGroupsFromAnywhere lets the groups of Members in from anywhere,
	// not only from IPSubnetworks and Regions.
	AllowGroupsFromAnywhere bool `json:"allowGroupsFromAnywhere,omitempty"`
	// Content is what the perimeter itself says; with mode enforce it is
	// the enforced config.
	Content
	// Proposed, with mode enforce, is a change to Content that goes to the
	// dry-run config first: each key given replaces Content's.
	Proposed *Content `json:"proposed,omitempty"`
	// Mode is dry-run (the default) or enforce.
	Mode string `json:"mode,omitempty"`
	// LevelName and PerimeterName are the names in Access Context Manager.
	LevelName     string `json:"levelName,omitempty"`
	PerimeterName string `json:"perimeterName,omitempty"`
	// Namespace of the generated objects; default: the clusters'.
	Namespace string `json:"namespace,omitempty"`
}

// Content is the config of the perimeter itself, which the perimeter holds
// twice: enforced (spec.status) and dry-run (spec.spec). Access levels are
// objects of their own that take effect at once, without a dry run, so
// members and networks are not part of it.
type Content struct {
	// RestrictedServices replaces gcp.VPCSCServices, every service VPC
	// Service Controls supports.
	RestrictedServices []string `json:"restrictedServices"`
	// Exclude leaves services out of RestrictedServices.
	Exclude []string `json:"exclude,omitempty"`
	// VPCAccessibleServices limits the APIs the VPC may call.
	VPCAccessibleServices *VPCAccessibleServices `json:"vpcAccessibleServices,omitempty"`
	// IngressPolicies and EgressPolicies go into the perimeter as given.
	IngressPolicies []IngressPolicy `json:"ingressPolicies,omitempty"`
	EgressPolicies  []EgressPolicy  `json:"egressPolicies,omitempty"`
	// Deployers apply the package from outside (user: or
	// serviceAccount:), beside the package's Config Connector accounts and
	// Cloud Build's.
	Deployers []string `json:"deployers,omitempty"`
	// DeployerServices are restricted services the deployers need beyond
	// those of the package's Config Connector kinds.
	DeployerServices []string `json:"deployerServices,omitempty"`
	// MemberServices are the restricted services the groups of Members may
	// reach (DefaultMemberServices).
	MemberServices []string `json:"memberServices,omitempty"`
}

// VPCAccessibleServices says which APIs the perimeter's VPC networks may
// call.
type VPCAccessibleServices struct {
	EnableRestriction *bool    `json:"enableRestriction,omitempty"`
	AllowedServices   []string `json:"allowedServices,omitempty"`
}

// IngressPolicy lets requests from outside reach the perimeter.
type IngressPolicy struct {
	From IngressFrom `json:"from"`
	To   IngressTo   `json:"to"`
}

// IngressFrom is who may come in, and from where.
type IngressFrom struct {
	// Identities are members as in Members (groups included).
	Identities []string `json:"identities,omitempty"`
	// IdentityType instead of Identities: ANY_IDENTITY, ANY_USER_ACCOUNT
	// or ANY_SERVICE_ACCOUNT.
	IdentityType string  `json:"identityType,omitempty"`
	Sources      Sources `json:"sources"`
}

// Sources are where requests may come from.
type Sources struct {
	// AccessLevels are level names of the policy, or "*" for anywhere.
	AccessLevels []string `json:"accessLevels,omitempty"`
	// Projects are project numbers whose resources may call in.
	Projects IDs `json:"projects,omitempty"`
}

// IngressTo is what they may reach.
type IngressTo struct {
	// Projects of the perimeter, or "*"; default: all of them.
	Projects   IDs         `json:"projects,omitempty"`
	Operations []Operation `json:"operations"`
}

// EgressPolicy lets requests from inside reach out of the perimeter.
type EgressPolicy struct {
	From EgressFrom `json:"from"`
	To   EgressTo   `json:"to"`
}

// EgressFrom is who may go out.
type EgressFrom struct {
	Identities   []string `json:"identities,omitempty"`
	IdentityType string   `json:"identityType,omitempty"`
}

// EgressTo is what they may reach outside.
type EgressTo struct {
	// Projects outside the perimeter, or "*".
	Projects IDs `json:"projects,omitempty"`
	// ExternalResources such as s3://bucket/path.
	ExternalResources []string    `json:"externalResources,omitempty"`
	Operations        []Operation `json:"operations"`
}

// Operation is a service and, optionally, some of its methods or
// permissions (all of them when none are given).
type Operation struct {
	// Service is NAME.googleapis.com, or "*" for every service.
	Service     string   `json:"service"`
	Methods     []string `json:"methods,omitempty"`
	Permissions []string `json:"permissions,omitempty"`
}

// defaults is the config that the user's settings are applied on.
func defaults() VPCServiceControls {
	return VPCServiceControls{
		Content: Content{
			RestrictedServices: gcp.VPCSCServices(),
			MemberServices:     slices.Clone(DefaultMemberServices),
		},
		CombiningFunction: And,
		Mode:              DryRun,
		LevelName:         DefaultLevelName,
		PerimeterName:     DefaultPerimeterName,
	}
}

// ID is a numeric Google Cloud id (an access policy, an organization, a
// project number). YAML writes an unquoted number as readily as a string,
// so both are read; Validate checks the digits.
type ID string

// UnmarshalJSON reads a string or a number.
func (id *ID) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		// The decoder adds the field path to this error.
		return &json.UnmarshalTypeError{Value: jsonKind(data), Type: reflect.TypeFor[string]()}
	}
	*id = ID(n.String())
	return nil
}

// IDs is a list of ids; in a ConfigMap it is comma-separated.
type IDs []ID

var _ fnconfig.ConfigMapValue = &IDs{}

// SetFromConfigMap reads "123,456".
func (ids *IDs) SetFromConfigMap(text string) error {
	list := IDs{}
	for _, s := range fnconfig.SplitList(text) {
		list = append(list, ID(s))
	}
	*ids = list
	return nil
}

// jsonKind names the JSON type of a value for an error message.
func jsonKind(data []byte) string {
	if len(data) == 0 {
		return "nothing"
	}
	switch data[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "value"
}
