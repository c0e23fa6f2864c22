package facts

import (
	"slices"
	"strings"

	acm "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/accesscontextmanager/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kinds that install and configure Config Connector itself.
const (
	KindConfigConnector        = "ConfigConnector"
	KindConfigConnectorContext = "ConfigConnectorContext"
	KindAccessLevel            = "AccessContextManagerAccessLevel"
)

// serviceAccountPrefix is how IAM and Access Context Manager name a
// service account as a principal.
const serviceAccountPrefix = "serviceAccount:"

// Deployer is a Google service account the package says Config Connector
// acts as: spec.googleServiceAccount of a ConfigConnector (cluster mode)
// or a ConfigConnectorContext (namespaced mode, one per namespace; Config
// Controller's is in namespace config-control). Config Connector calls
// Google's APIs as this account, so a perimeter that does not let it in
// locks out the package's own deployment.
// https://github.com/GoogleCloudPlatform/k8s-config-connector/blob/v1.154.1/operator/pkg/apis/core/v1beta1/configconnector_types.go
// and configconnectorcontext_types.go (field googleServiceAccount), read
// 2026-12-02.
type Deployer struct {
	Object *fn.KubeObject
	// Member is serviceAccount:EMAIL.
	Member string
}

// configConnectorSpec is the part of the spec of both kinds read here.
type configConnectorSpec struct {
	GoogleServiceAccount string `json:"googleServiceAccount"`
}

// Deployers are the service accounts of the package's ConfigConnector and
// ConfigConnectorContext objects, in package order. A ConfigConnector
// without one (namespaced mode, or a key in a Secret) names none.
func Deployers(items fn.KubeObjects, res *results.Collector) []Deployer {
	var out []Deployer
	for _, obj := range items {
		kind := obj.GetKind()
		if kind != KindConfigConnector && kind != KindConfigConnectorContext || !isKCC(obj) {
			continue
		}
		var spec configConnectorSpec
		if decode(obj, &spec, res) && spec.GoogleServiceAccount != "" {
			out = append(out, Deployer{Object: obj, Member: serviceAccountPrefix + spec.GoogleServiceAccount})
		}
	}
	return out
}

// NeededService is a Google API the package's Config Connector objects
// are managed through, with the first object that needs it.
type NeededService struct {
	Service string
	Object  *fn.KubeObject
}

// DeployerServices are the Google APIs Config Connector calls to apply
// the package's objects (gcp.KCCService of each object's API group; for
// the IAM policy kinds, the API of the resource the policy is on), sorted,
// and the objects whose API group gcp does not know, in package order.
func DeployerServices(items fn.KubeObjects) (needed []NeededService, unknown []*fn.KubeObject) {
	first := map[string]*fn.KubeObject{}
	add := func(group string, obj *fn.KubeObject) bool {
		service, ok := gcp.KCCService(group)
		if ok && first[service] == nil {
			first[service] = obj
		}
		return ok
	}
	for _, obj := range items {
		group, _ := fn.ParseGroupVersion(obj.GetAPIVersion())
		if !gcp.IsKCCGroup(group) {
			continue
		}
		if !add(group, obj) {
			unknown = append(unknown, obj)
		}
		if gcp.IsIAMPolicyKind(obj.GetKind()) {
			apiVersion, _, _ := obj.NestedString("spec", "resourceRef", "apiVersion")
			kind, _, _ := obj.NestedString("spec", "resourceRef", "kind")
			if target := gcp.ResourceRefGroup(apiVersion, kind); target != "" {
				add(target, obj)
			}
		}
	}
	for service, obj := range first {
		needed = append(needed, NeededService{Service: service, Object: obj})
	}
	slices.SortFunc(needed, func(a, b NeededService) int { return strings.Compare(a.Service, b.Service) })
	return needed, unknown
}

// AccessLevel is an AccessContextManagerAccessLevel of the package.
type AccessLevel struct {
	Object *fn.KubeObject
	Spec   acm.AccessContextManagerAccessLevelSpec
}

// AccessLevels reads the package's access levels. One that cannot be read
// as its kind is an error result and left out.
func AccessLevels(items fn.KubeObjects, res *results.Collector) []*AccessLevel {
	var out []*AccessLevel
	for obj, spec := range specsOf[acm.AccessContextManagerAccessLevelSpec](items, KindAccessLevel, res) {
		out = append(out, &AccessLevel{Object: obj, Spec: spec})
	}
	return out
}

// Call is a request to a Google API from outside the perimeter, as VPC
// Service Controls judges it.
type Call struct {
	// Identity is the caller as a principal: user:EMAIL, serviceAccount:EMAIL.
	Identity string
	// Service is the API called, such as container.googleapis.com.
	Service string
	// Project is the project the call is about, by number.
	Project string
	// From anywhere: no IP range, region or source project of a level or
	// an ingress rule holds for it, only "*".
}

// EnforcedAllows tells whether the perimeter's enforced config
// (spec.status) lets the call in, as VPC Service Controls documents it:
// a call from outside to a restricted service of a project inside the
// perimeter is allowed when an access level of the perimeter admits it,
// or an ingress rule's from (identities or identityType, AND sources) and
// to (resources, AND operations) both match it.
// https://cloud.google.com/vpc-service-controls/docs/ingress-egress-rules
// ("ingress rules"), https://cloud.google.com/vpc-service-controls/docs/service-perimeters
// (access levels), and the API's IngressFrom ("The request must satisfy
// what is defined in sources AND identity related fields in order to
// match"):
// https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.servicePerimeters#ingressfrom
// A call to a service the perimeter does not restrict, or about a project
// outside it, is not the perimeter's to judge, and is allowed. levels are
// the package's access levels, which the perimeter's refer to by name.
func (s *ServicePerimeter) EnforcedAllows(levels []*AccessLevel, c Call) bool {
	st := s.Spec.Status
	if st == nil {
		return true
	}
	if !slices.Contains(st.RestrictedServices, c.Service) || !containsProject(st.Resources, c.Project) {
		return true
	}
	for _, ref := range st.AccessLevels {
		if levelAdmits(levels, ref, c.Identity) {
			return true
		}
	}
	for _, rule := range st.IngressPolicies {
		if ingressFromMatches(levels, rule.IngressFrom, c.Identity) && ingressToMatches(rule.IngressTo, c) {
			return true
		}
	}
	return false
}

func containsProject(resources []acm.ServiceperimeterResources, project string) bool {
	return slices.ContainsFunc(resources, func(r acm.ServiceperimeterResources) bool {
		return r.ProjectRef != nil && (r.ProjectRef.External == "*" || r.ProjectRef.External == "projects/"+project)
	})
}

func ingressFromMatches(levels []*AccessLevel, from *acm.ServiceperimeterIngressFrom, identity string) bool {
	if from == nil || !identityMatches(from.IdentityType, from.Identities, identity) {
		return false
	}
	return slices.ContainsFunc(from.Sources, func(src acm.ServiceperimeterSources) bool {
		if src.AccessLevelRef == nil {
			return false // a source project: the call comes from anywhere, not from it
		}
		return src.AccessLevelRef.External == "*" || levelAdmits(levels, *src.AccessLevelRef, identity)
	})
}

// identityMatches applies identityType, or else the identities as Config
// Connector writes them: user gets "user:" put in front, a reference's
// external value is the principal as written.
func identityMatches(identityType *string, identities []acm.ServiceperimeterIdentities, identity string) bool {
	if identityType != nil && *identityType != "IDENTITY_TYPE_UNSPECIFIED" {
		switch *identityType {
		case "ANY_IDENTITY":
			return true
		case "ANY_USER_ACCOUNT":
			return strings.HasPrefix(identity, "user:")
		case "ANY_SERVICE_ACCOUNT":
			return strings.HasPrefix(identity, serviceAccountPrefix)
		}
		return false
	}
	return slices.ContainsFunc(identities, func(id acm.ServiceperimeterIdentities) bool {
		return id.User != nil && "user:"+*id.User == identity ||
			id.ServiceAccountRef != nil && id.ServiceAccountRef.External == identity
	})
}

func ingressToMatches(to *acm.ServiceperimeterIngressTo, c Call) bool {
	if to == nil || !containsProject(to.Resources, c.Project) {
		return false
	}
	return slices.ContainsFunc(to.Operations, func(op acm.ServiceperimeterOperations) bool {
		if op.ServiceName == nil {
			return false
		}
		if *op.ServiceName == "*" {
			return true
		}
		// Every method of the service: a selector with method "*".
		return *op.ServiceName == c.Service && slices.ContainsFunc(op.MethodSelectors, func(m acm.ServiceperimeterMethodSelectors) bool {
			return m.Method != nil && *m.Method == "*"
		})
	})
}

// levelAdmits tells whether the access level a reference names admits the
// identity calling from anywhere: a basic level whose conditions, joined
// by its combining function (AND by default), hold for it, where a
// condition holds when it lists the identity among its members and says
// nothing of networks, regions, devices or other levels, unnegated. A level outside the package
// is not known to admit anyone.
// https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.accessLevels#basiclevel
func levelAdmits(levels []*AccessLevel, ref kccref.ResourceRef, identity string) bool {
	i := slices.IndexFunc(levels, func(l *AccessLevel) bool { return ref.Name != "" && l.Object.GetName() == ref.Name })
	if i < 0 || levels[i].Spec.Basic == nil {
		return false
	}
	basic := levels[i].Spec.Basic
	holds := func(c acm.AccesslevelConditions) bool {
		if len(c.IpSubnetworks)+len(c.Regions)+len(c.RequiredAccessLevels) > 0 || c.DevicePolicy != nil || c.Negate != nil && *c.Negate {
			return false
		}
		return slices.ContainsFunc(c.Members, func(m acm.AccesslevelMembers) bool {
			return m.User != nil && "user:"+*m.User == identity ||
				m.ServiceAccountRef != nil && m.ServiceAccountRef.External == identity
		})
	}
	if basic.CombiningFunction != nil && *basic.CombiningFunction == "OR" {
		return slices.ContainsFunc(basic.Conditions, holds)
	}
	return len(basic.Conditions) > 0 && !slices.ContainsFunc(basic.Conditions, func(c acm.AccesslevelConditions) bool { return !holds(c) })
}
