package vpcsc

import (
	"regexp"
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// digits is the form of a numeric id: an access policy's, an
// organization's, a project number.
var digits = regexp.MustCompile(`^[0-9]+$`)

// Member prefixes.
const (
	userPrefix           = gcp.UserMember
	groupPrefix          = gcp.GroupMember
	serviceAccountPrefix = gcp.ServiceAccountMember
)

// Validate checks every field before anything runs, and fills in what the
// defaults leave open.
func (c *VPCServiceControls) Validate(src fnconfig.Source, res *results.Collector) {
	c.validatePolicy(src, res)
	c.validateProjects(src, res)
	checkMembers(src, res, "members", c.Members)
	c.validateCloudBuild(src, res)
	c.validateNetworks(src, res)
	switch c.Mode {
	case DryRun, Enforce:
	default:
		src.Error(res, "mode", "unknown mode %q: use %s (the default: violations are logged, nothing is blocked) or %s", c.Mode, DryRun, Enforce)
	}
	c.Content.validate(src, res, "", c.Mode == Enforce)
	if c.VPCAccessibleServices == nil {
		c.VPCAccessibleServices = &VPCAccessibleServices{AllowedServices: []string{RestrictedServicesKeyword}}
	}
	c.VPCAccessibleServices.validate(src, res, "vpcAccessibleServices")
	c.validateProposed(src, res)
	c.validateNames(src, res)
}

// validateProposed checks the keys the proposed change gives. A proposed
// change is what the dry-run config holds beside an enforced one: in
// mode dry-run the dry-run config is the content itself.
func (c *VPCServiceControls) validateProposed(src fnconfig.Source, res *results.Collector) {
	if c.Proposed == nil {
		return
	}
	if c.Mode != Enforce {
		src.Error(res, "proposed", "proposed is a change to an enforced perimeter, dry-run first: it needs mode: %s; in mode %s, change the keys themselves", Enforce, DryRun)
		return
	}
	c.Proposed.validate(src, res, "proposed.", false)
	if v := c.Proposed.VPCAccessibleServices; v != nil {
		v.validate(src, res, "proposed.vpcAccessibleServices")
	}
}

// validateCloudBuild reads includeCloudBuild as cloudBuildServiceAccount:
// legacy, and wants a service account's email, or one of the two default
// forms.
func (c *VPCServiceControls) validateCloudBuild(src fnconfig.Source, res *results.Collector) {
	c.CloudBuildServiceAccount = strings.TrimPrefix(c.CloudBuildServiceAccount, serviceAccountPrefix)
	switch account := c.CloudBuildServiceAccount; {
	case c.IncludeCloudBuild && account != "" && account != CloudBuildLegacy:
		src.Error(res, "includeCloudBuild", "includeCloudBuild means cloudBuildServiceAccount: %s, and cloudBuildServiceAccount says %s: remove includeCloudBuild", CloudBuildLegacy, account)
	case c.IncludeCloudBuild:
		c.CloudBuildServiceAccount = CloudBuildLegacy
	case account == "", account == CloudBuildLegacy, account == CloudBuildComputeDefault:
	default:
		if _, err := gcp.ParsePrincipal(serviceAccountPrefix + account); err != nil {
			src.Error(res, "cloudBuildServiceAccount", "%q is not a Cloud Build service account: write %s (PROJECT_NUMBER@cloudbuild.gserviceaccount.com), %s (PROJECT_NUMBER-compute@developer.gserviceaccount.com) or the email of the service account your builds name (gcloud builds get-default-service-account)",
				account, CloudBuildLegacy, CloudBuildComputeDefault)
		}
	}
}

// validatePolicy wants exactly one of an existing policy and a generated
// one. "accessPolicies/123" and "organizations/456" are read as 123, 456.
func (c *VPCServiceControls) validatePolicy(src fnconfig.Source, res *results.Collector) {
	c.AccessPolicy = ID(strings.TrimPrefix(string(c.AccessPolicy), "accessPolicies/"))
	c.OrganizationID = ID(strings.TrimPrefix(string(c.OrganizationID), "organizations/"))
	switch {
	case c.AccessPolicy != "" && c.CreateAccessPolicy:
		src.Error(res, "createAccessPolicy", "set accessPolicy (use an existing policy) or createAccessPolicy (generate one), not both")
	case c.AccessPolicy == "" && !c.CreateAccessPolicy:
		src.Error(res, "accessPolicy", "no access policy: set accessPolicy to the id of your organization's access policy (gcloud access-context-manager policies list --organization=ORGANIZATION_ID), or set createAccessPolicy: true and organizationId to generate one")
	case c.AccessPolicy != "" && !digits.MatchString(string(c.AccessPolicy)):
		src.Error(res, "accessPolicy", "%q is not an access policy id: write the number that gcloud access-context-manager policies list shows, such as 123456789012", c.AccessPolicy)
	}
	switch {
	case c.CreateAccessPolicy && c.OrganizationID == "":
		src.Error(res, "organizationId", "createAccessPolicy needs organizationId, the number of the organization the policy belongs to (gcloud organizations list)")
	case c.OrganizationID != "" && !digits.MatchString(string(c.OrganizationID)):
		src.Error(res, "organizationId", "%q is not an organization id: write the number that gcloud organizations list shows, such as 123456789012", c.OrganizationID)
	case c.OrganizationID != "" && !c.CreateAccessPolicy:
		res.Warning(src.Object, src.Field("organizationId"), "organizationId is only used with createAccessPolicy: true; the existing policy %s already belongs to its organization", c.AccessPolicy)
	}
}

func (c *VPCServiceControls) validateProjects(src fnconfig.Source, res *results.Collector) {
	if len(c.ProjectNumbers) == 0 {
		src.Error(res, "projectNumbers", "no projects: list the numbers of the projects to put inside the perimeter (gcloud projects describe PROJECT_ID --format='value(projectNumber)')")
		return
	}
	checkProjectNumbers(src, res, "projectNumbers", c.ProjectNumbers, false)
}

// checkProjectNumbers wants project numbers, not ids, each once; with
// wildcard, "*" (every project) too.
func checkProjectNumbers(src fnconfig.Source, res *results.Collector, field string, list IDs, wildcard bool) {
	seen := map[ID]bool{}
	for i, n := range list {
		f := fnconfig.Index(field, i)
		switch {
		case wildcard && n == "*":
		case n == "*":
			src.Error(res, f, "\"*\" is not allowed here: list project numbers")
		case !digits.MatchString(string(n)):
			src.Error(res, f, "%q is not a project number: Access Context Manager names projects by number, not id (gcloud projects describe %s --format='value(projectNumber)')", n, n)
		case seen[n]:
			src.Error(res, f, "project %s is listed twice", n)
		}
		seen[n] = true
	}
}

// checkMembers wants each member once, as user:, group: or
// serviceAccount: followed by an email address.
func checkMembers(src fnconfig.Source, res *results.Collector, field string, members []string) {
	seen := map[string]bool{}
	for i, m := range members {
		f := fnconfig.Index(field, i)
		if _, err := gcp.ParsePrincipal(m); err != nil {
			src.Error(res, f, "%v", err)
		} else if seen[m] {
			src.Error(res, f, "%s is listed twice", m)
		}
		seen[m] = true
	}
}

func (c *VPCServiceControls) validateNetworks(src fnconfig.Source, res *results.Collector) {
	// An access level's ipSubnetworks are CIDR blocks whose "IP address
	// portion must be properly truncated (i.e. all the host bits must be
	// zero) or the input is considered malformed".
	// https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.accessLevels
	// (Condition, field ipSubnetworks). The level carries them as written.
	fnconfig.CheckValues(src, res, "ipSubnetworks", c.IPSubnetworks)
	for i, s := range c.IPSubnetworks {
		if p := s.Prefix; p.IsValid() && p.Masked() != p {
			src.Error(res, fnconfig.Index("ipSubnetworks", i), "%s has host bits set, which Access Context Manager refuses: did you mean %s?", s, p.Masked())
		}
	}
	for i, r := range c.Regions {
		if !gcp.IsRegionCode(r) {
			src.Error(res, fnconfig.Index("regions", i), "%q is not a region code: write an ISO 3166-1 alpha-2 country code in capitals, such as US or DE", r)
		}
	}
	if c.CombiningFunction != And && c.CombiningFunction != Or {
		src.Error(res, "combiningFunction", "unknown combiningFunction %q: use AND (every condition must hold) or OR (any one is enough)", c.CombiningFunction)
	}
}

// validate checks the perimeter's own config; prefix is "" or
// "proposed.", enforced says whether it is the enforced config.
func (c *Content) validate(src fnconfig.Source, res *results.Collector, prefix string, enforced bool) {
	if c.RestrictedServices != nil || prefix == "" {
		checkSupportedServices(src, res, prefix+"restrictedServices", c.RestrictedServices)
	}
	checkSupportedServices(src, res, prefix+"exclude", c.Exclude)
	if c.RestrictedServices != nil && len(c.restricted()) == 0 {
		if enforced {
			src.Error(res, prefix+"restrictedServices", "an enforced perimeter that restricts no service protects nothing: list the services to restrict (by default every service VPC Service Controls supports), or use mode: %s", DryRun)
		} else {
			res.Warning(src.Object, src.Field(prefix+"restrictedServices"), "the perimeter restricts no service: it protects nothing, and mode: %s will refuse it", Enforce)
		}
	}
	for i := range c.IngressPolicies {
		c.IngressPolicies[i].validate(src, res, fnconfig.Index(prefix+"ingressPolicies", i))
	}
	for i := range c.EgressPolicies {
		c.EgressPolicies[i].validate(src, res, fnconfig.Index(prefix+"egressPolicies", i))
	}
	checkMembers(src, res, prefix+"deployers", c.Deployers)
	for i, d := range c.Deployers {
		if strings.HasPrefix(d, groupPrefix) {
			src.Error(res, fnconfig.Index(prefix+"deployers", i), "%s is a group: a deployer is the user or service account that applies the package (serviceAccount:EMAIL); put groups in members", d)
		}
	}
	checkSupportedServices(src, res, prefix+"deployerServices", c.DeployerServices)
	checkSupportedServices(src, res, prefix+"memberServices", c.MemberServices)
}

// restricted is RestrictedServices without Exclude, sorted.
func (c *Content) restricted() []string {
	var out []string
	for _, s := range c.RestrictedServices {
		if !slices.Contains(c.Exclude, s) {
			out = append(out, s)
		}
	}
	return sortedUnique(out)
}

func (v *VPCAccessibleServices) validate(src fnconfig.Source, res *results.Collector, field string) {
	if v.EnableRestriction == nil {
		on := true
		v.EnableRestriction = &on
	}
	checkServices(src, res, field+".allowedServices", v.AllowedServices, true)
	switch {
	case !*v.EnableRestriction && len(v.AllowedServices) > 0:
		src.Error(res, field+".allowedServices", "allowedServices must be empty unless enableRestriction is true: remove the list, or set enableRestriction: true")
	case *v.EnableRestriction && len(v.AllowedServices) == 0:
		res.Warning(src.Object, src.Field(field+".allowedServices"), "no service is allowed: the perimeter's VPC networks cannot call any Google API; add %s to allow the restricted ones", RestrictedServicesKeyword)
	}
}

// checkSupportedServices is checkServices for lists of services the
// perimeter restricts, which VPC Service Controls must support: a name it
// does not know gets the nearest one it does.
func checkSupportedServices(src fnconfig.Source, res *results.Collector, field string, services []string) {
	checkServices(src, res, field, services, false)
	for i, s := range services {
		if !gcp.IsServiceName(s) || gcp.IsVPCSCService(s) {
			continue
		}
		hint := "check the name against gcloud access-context-manager supported-services list (lockdown's table of them was read on 2026-12-02: a service Google added since needs adding there first)"
		if near := gcp.NearestVPCSCService(s); near != "" {
			hint = "did you mean " + near + "?"
		}
		src.Error(res, fnconfig.Index(field, i), "%s is not a service VPC Service Controls supports: %s", s, hint)
	}
}

// checkServices wants each service once, as NAME.googleapis.com; with
// keyword, RESTRICTED-SERVICES too.
func checkServices(src fnconfig.Source, res *results.Collector, field string, services []string, keyword bool) {
	seen := map[string]bool{}
	for i, s := range services {
		f := fnconfig.Index(field, i)
		switch {
		case keyword && s == RestrictedServicesKeyword:
		case s == RestrictedServicesKeyword:
			src.Error(res, f, "%s only has a meaning in vpcAccessibleServices.allowedServices: list the services themselves here", s)
		case !gcp.IsServiceName(s):
			example := "storage.googleapis.com"
			if near := gcp.NearestVPCSCService(s); near != "" {
				example = near
			}
			src.Error(res, f, "%q is not a service name: write NAME.googleapis.com, for example %s (gcloud access-context-manager supported-services list)", s, example)
		case seen[s]:
			src.Error(res, f, "%s is listed twice", s)
		}
		seen[s] = true
	}
}

func (c *VPCServiceControls) validateNames(src fnconfig.Source, res *results.Collector) {
	checkName(src, res, "levelName", c.LevelName)
	checkName(src, res, "perimeterName", c.PerimeterName)
	if c.Namespace != "" && !gcp.IsDNSLabel(c.Namespace) {
		src.Error(res, "namespace", "%q is not a namespace name: lower-case letters, digits and hyphens, at most 63 characters", c.Namespace)
	}
}

// checkName checks an Access Context Manager name (an access level's or a
// perimeter's). Kubernetes names take hyphens, these do not: the likeliest
// mistake gets its own message.
func checkName(src fnconfig.Source, res *results.Collector, field, name string) {
	switch {
	case gcp.IsAccessContextName(name):
	case strings.Contains(name, "-") && gcp.IsAccessContextName(strings.ReplaceAll(name, "-", "_")):
		src.Error(res, field, "%q has a hyphen, which Access Context Manager does not allow in names (letters, digits and underscores only): write %s",
			name, strings.ReplaceAll(name, "-", "_"))
	case len(name) > gcp.MaxAccessContextNameLength:
		src.Error(res, field, "%q is %d characters long: Access Context Manager allows at most %d", name, len(name), gcp.MaxAccessContextNameLength)
	default:
		src.Error(res, field, "%q is not a valid name: start with a letter, then letters, digits and underscores only, at most %d characters", name, gcp.MaxAccessContextNameLength)
	}
}

func (p *IngressPolicy) validate(src fnconfig.Source, res *results.Collector, field string) {
	checkFrom(src, res, field+".from", p.From.Identities, p.From.IdentityType)
	s := p.From.Sources
	if len(s.AccessLevels) == 0 && len(s.Projects) == 0 {
		src.Error(res, field+".from.sources", "say where requests may come from: accessLevels (level names, or \"*\" for anywhere) or projects (project numbers)")
	}
	for i, l := range s.AccessLevels {
		if l != "*" {
			checkName(src, res, fnconfig.Index(field+".from.sources.accessLevels", i), l)
		}
	}
	checkProjectNumbers(src, res, field+".from.sources.projects", s.Projects, false)
	checkProjectNumbers(src, res, field+".to.projects", p.To.Projects, true)
	checkOperations(src, res, field+".to.operations", p.To.Operations)
}

func (p *EgressPolicy) validate(src fnconfig.Source, res *results.Collector, field string) {
	checkFrom(src, res, field+".from", p.From.Identities, p.From.IdentityType)
	if len(p.To.Projects) == 0 && len(p.To.ExternalResources) == 0 {
		src.Error(res, field+".to", "say what may be reached outside the perimeter: projects (project numbers, or \"*\") or externalResources")
	}
	checkProjectNumbers(src, res, field+".to.projects", p.To.Projects, true)
	for i, r := range p.To.ExternalResources {
		if r == "" || r == "*" {
			src.Error(res, fnconfig.Index(field+".to.externalResources", i), "name an external resource such as s3://bucket/path; \"*\" is not allowed")
		}
	}
	checkOperations(src, res, field+".to.operations", p.To.Operations)
}

var identityTypes = []string{"ANY_IDENTITY", "ANY_USER_ACCOUNT", "ANY_SERVICE_ACCOUNT"}

// checkFrom wants identities or an identity type, not both.
func checkFrom(src fnconfig.Source, res *results.Collector, field string, identities []string, identityType string) {
	switch {
	case len(identities) > 0 && identityType != "":
		src.Error(res, field+".identityType", "give identities or identityType, not both")
	case len(identities) == 0 && identityType == "":
		src.Error(res, field, "say who: identities (user:, group: or serviceAccount: members) or identityType (%s)", strings.Join(identityTypes, ", "))
	case identityType != "" && !slices.Contains(identityTypes, identityType):
		src.Error(res, field+".identityType", "unknown identityType %q: use %s", identityType, strings.Join(identityTypes, ", "))
	}
	checkMembers(src, res, field+".identities", identities)
}

func checkOperations(src fnconfig.Source, res *results.Collector, field string, ops []Operation) {
	if len(ops) == 0 {
		src.Error(res, field, "say which services: list operations, each with a service (NAME.googleapis.com, or \"*\" for every service)")
	}
	for i, op := range ops {
		f := fnconfig.Index(field, i)
		switch {
		case op.Service == "*" && len(op.Methods)+len(op.Permissions) > 0:
			src.Error(res, f+".service", "service \"*\" allows every method of every service: name one service to limit methods or permissions")
		case op.Service != "*" && !gcp.IsServiceName(op.Service):
			src.Error(res, f+".service", "%q is not a service name: write NAME.googleapis.com, or \"*\" for every service", op.Service)
		}
	}
}
