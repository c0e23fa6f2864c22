package vpcsc

import (
	"fmt"
	"slices"
	"strings"

	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// networkLevelSuffix names the level that holds only the network
// conditions, when groups must meet them (see planLevels).
const networkLevelSuffix = "_network"

// plan is what the generated objects say, worked out and checked before
// any object is built.
type plan struct {
	namespace string
	// policyRef is how the level and the perimeter name their policy.
	policyRef kccref.ResourceRef
	// principals are the user: and serviceAccount: members, sorted;
	// groups the group: members, sorted.
	principals, groups []string
	// level goes on the perimeter; nil when nothing would be in it.
	level *level
	// networkLevel holds only the network conditions, for the groups to
	// meet; nil otherwise.
	networkLevel *level
	// groupSource is where the groups' ingress policy lets them in from:
	// networkLevel, or anywhere ("*") when the config asks for it.
	groupSource kccref.ResourceRef
	// packageDeployers are the package's Config Connector accounts and
	// Cloud Build's, sorted; neededServices the Google APIs the package's
	// Config Connector kinds are managed through.
	packageDeployers []string
	neededServices   []facts.NeededService
	// enforced is the content of the mode's config (enforced with mode
	// enforce, dry-run otherwise); proposed, the dry-run config beside an
	// enforced one, or nil.
	enforced, proposed *contentPlan
}

// contentPlan is one config of the perimeter, worked out.
type contentPlan struct {
	content    *Content
	restricted []string
	// levelRefs are the access levels each of the content's ingress
	// policies lets in from (from.sources.accessLevels), resolved once.
	levelRefs [][]kccref.ResourceRef
	// deployers apply the package; deployerServices are the restricted
	// services they need, memberServices those the groups may reach.
	deployers, deployerServices, memberServices []string
}

// level is one basic access level: its conditions, combined by the
// config's combiningFunction.
type level struct {
	name                   string // the Access Context Manager name
	members                []string
	ipSubnetworks, regions []string
}

func newPlan(in krmfn.Input[VPCServiceControls], pkg *facts.Package) *plan {
	cfg := in.Config
	p := &plan{namespace: planNamespace(cfg, in.Source, pkg, in.Results)}
	if cfg.CreateAccessPolicy {
		p.policyRef = kccref.ResourceRef{Name: policyObjectName(cfg)}
	} else {
		p.policyRef = kccref.ResourceRef{External: "accessPolicies/" + string(cfg.AccessPolicy)}
	}
	checkPackageProjects(cfg, in.Source, pkg, in.Results)
	p.splitMembers(cfg)
	p.planLevels(cfg, in.Source, in.Results)
	p.planDeployers(cfg, in.Source, pkg, in.Results)
	p.enforced = p.planContent(cfg, &cfg.Content, "", in.Source, in.Results)
	if cfg.Proposed != nil {
		merged := cfg.Content.with(cfg.Proposed)
		p.proposed = p.planContent(cfg, &merged, "proposed.", in.Source, in.Results)
	}
	return p
}

// with is the content with each key the change gives replaced.
func (c Content) with(change *Content) Content {
	replace := func(to *[]string, from []string) {
		if from != nil {
			*to = from
		}
	}
	replace(&c.RestrictedServices, change.RestrictedServices)
	replace(&c.Exclude, change.Exclude)
	replace(&c.Deployers, change.Deployers)
	replace(&c.DeployerServices, change.DeployerServices)
	replace(&c.MemberServices, change.MemberServices)
	if change.VPCAccessibleServices != nil {
		c.VPCAccessibleServices = change.VPCAccessibleServices
	}
	if change.IngressPolicies != nil {
		c.IngressPolicies = change.IngressPolicies
	}
	if change.EgressPolicies != nil {
		c.EgressPolicies = change.EgressPolicies
	}
	return c
}

// planContent works out one config of the perimeter: what it restricts,
// the levels its ingress policies name, who deploys the package and what
// the deployers and the groups may reach.
func (p *plan) planContent(cfg *VPCServiceControls, c *Content, prefix string, src fnconfig.Source, res *results.Collector) *contentPlan {
	cp := &contentPlan{content: c, restricted: c.restricted()}
	if prefix != "" && cfg.Proposed.IngressPolicies == nil {
		cp.levelRefs = p.enforced.levelRefs // checked once, as the enforced config's
	} else {
		cp.levelRefs = p.checkSources(cfg, c, prefix, src, res)
	}
	cp.deployers = sortedUnique(append(slices.Clone(p.packageDeployers), c.Deployers...))
	var needed []string
	for _, n := range p.neededServices {
		needed = append(needed, n.Service)
	}
	cp.deployerServices = restrictedOf(cp.restricted, append(needed, c.DeployerServices...))
	cp.memberServices = restrictedOf(cp.restricted, c.MemberServices)
	if len(p.groups) > 0 && len(cp.memberServices) == 0 && (prefix == "" || len(p.enforced.memberServices) > 0) {
		res.Warning(src.Object, src.Field(prefix+"memberServices"), "the groups of members reach none of the restricted services, so they get no ingress policy: list in memberServices the services they need, among %s", strings.Join(DefaultMemberServices, ", "))
	}
	return cp
}

// restrictedOf are the services of list the perimeter restricts, sorted:
// an ingress policy for any other service would let in nothing the
// perimeter keeps out.
func restrictedOf(restricted, list []string) []string {
	var out []string
	for _, s := range list {
		if slices.Contains(restricted, s) {
			out = append(out, s)
		}
	}
	return sortedUnique(out)
}

// planDeployers finds who applies the package: the Google service
// accounts Config Connector acts as (facts.Deployers), and Cloud Build's
// when the config names it; and the Google APIs the package's Config
// Connector kinds are managed through. Both sit outside the perimeter:
// once it is enforced, they get in only through an ingress policy.
func (p *plan) planDeployers(cfg *VPCServiceControls, src fnconfig.Source, pkg *facts.Package, res *results.Collector) {
	for _, d := range facts.Deployers(pkg.Items, res) {
		p.packageDeployers = append(p.packageDeployers, d.Member)
	}
	p.packageDeployers = append(p.packageDeployers, cloudBuildMembers(cfg)...)
	p.packageDeployers = sortedUnique(p.packageDeployers)
	needed, unknown := facts.DeployerServices(pkg.Items)
	p.neededServices = needed
	for _, obj := range unknown {
		res.Warning(obj, "apiVersion", "vpc-sc does not know which Google API Config Connector manages %s through: if that API is restricted, add it to deployerServices of %s, or the perimeter may lock out the deployment of this object",
			obj.GetKind(), src.Object.GetName())
	}
}

// planNamespace places the generated objects. Access levels and
// perimeters live in the organization, not in a project, but Config
// Connector objects are namespaced: they go where the package's clusters
// are, so that the Config Connector that manages the clusters manages
// them too. Clusters in several namespaces leave the choice to the config.
func planNamespace(cfg *VPCServiceControls, src fnconfig.Source, pkg *facts.Package, res *results.Collector) string {
	if cfg.Namespace != "" {
		return cfg.Namespace
	}
	var namespaces []string
	for _, c := range pkg.Clusters {
		namespaces = append(namespaces, c.Object.GetNamespace())
	}
	namespaces = sortedUnique(namespaces)
	if len(namespaces) > 1 {
		src.Error(res, "namespace", "the package's clusters are in several namespaces (%s): set namespace to the one the perimeter's objects should go to",
			strings.Join(quoteAll(namespaces), ", "))
		return ""
	}
	if len(namespaces) == 1 {
		return namespaces[0]
	}
	return ""
}

// checkPackageProjects warns when the clusters live in more projects than
// the config gives numbers for: the others would stay outside.
func checkPackageProjects(cfg *VPCServiceControls, src fnconfig.Source, pkg *facts.Package, res *results.Collector) {
	var ids []string
	for _, c := range pkg.Clusters {
		if c.ProjectID != "" {
			ids = append(ids, c.ProjectID)
		}
	}
	ids = sortedUnique(ids)
	if len(ids) > len(cfg.ProjectNumbers) {
		res.Warning(src.Object, src.Field("projectNumbers"),
			"the package's clusters are in %d projects (%s) but projectNumbers lists %d: a project left out stays outside the perimeter (gcloud projects describe PROJECT_ID --format='value(projectNumber)')",
			len(ids), strings.Join(ids, ", "), len(cfg.ProjectNumbers))
	}
}

// splitMembers separates what an access level can hold (users and service
// accounts) from groups, which Access Context Manager refuses in levels.
func (p *plan) splitMembers(cfg *VPCServiceControls) {
	for _, m := range cfg.Members {
		if strings.HasPrefix(m, groupPrefix) {
			p.groups = append(p.groups, m)
		} else {
			p.principals = append(p.principals, m)
		}
	}
	p.principals = sortedUnique(p.principals)
	p.groups = sortedUnique(p.groups)
}

// cloudBuildMembers are the service accounts Cloud Build runs builds (and
// so kpt live apply in a pipeline) as, from outside: the legacy
// PROJECT_NUMBER@cloudbuild.gserviceaccount.com or the Compute Engine
// default PROJECT_NUMBER-compute@developer.gserviceaccount.com of each
// project of the perimeter, or the account the builds name.
// https://cloud.google.com/build/docs/cloud-build-service-account (read
// 2026-12-02).
func cloudBuildMembers(cfg *VPCServiceControls) []string {
	var out []string
	for _, n := range cfg.ProjectNumbers {
		switch cfg.CloudBuildServiceAccount {
		case "":
			return nil
		case CloudBuildLegacy:
			out = append(out, serviceAccountPrefix+string(n)+"@cloudbuild.gserviceaccount.com")
		case CloudBuildComputeDefault:
			out = append(out, serviceAccountPrefix+string(n)+"-compute@developer.gserviceaccount.com")
		default:
			return []string{serviceAccountPrefix + cfg.CloudBuildServiceAccount}
		}
	}
	return out
}

// planLevels turns members and network conditions into access levels.
// The config means "a member, combined (AND/OR) with the networks".
// Groups cannot be level members, so they come in through an ingress
// policy of the perimeter, which accepts them, to memberServices only and
// from the networks only: from a second level that holds only the
// networks. A stolen group credential then reads nothing from elsewhere.
// Without networks the groups would come in from anywhere, which only
// allowGroupsFromAnywhere asks for.
//
//   - OR: the level holds the users, service accounts and networks;
//   - AND: the level holds the users and service accounts AND the
//     networks. With groups but no user or service account there is no
//     first level: a level without members would let in anyone from the
//     networks.
func (p *plan) planLevels(cfg *VPCServiceControls, src fnconfig.Source, res *results.Collector) {
	network := &level{ipSubnetworks: sortedUnique(fnconfig.Texts(cfg.IPSubnetworks)), regions: sortedUnique(cfg.Regions)}
	hasNetwork := len(network.ipSubnetworks)+len(network.regions) > 0
	if len(p.principals) > 0 || (hasNetwork && (cfg.CombiningFunction == Or || len(p.groups) == 0)) {
		p.level = &level{name: cfg.LevelName, members: p.principals, ipSubnetworks: network.ipSubnetworks, regions: network.regions}
	}
	if len(p.groups) == 0 {
		return
	}
	firstGroup := fnconfig.Index("members", slices.IndexFunc(cfg.Members, func(m string) bool { return strings.HasPrefix(m, groupPrefix) }))
	switch {
	case cfg.AllowGroupsFromAnywhere:
		p.groupSource = kccref.ResourceRef{External: "*"}
		res.Warning(src.Object, src.Field("allowGroupsFromAnywhere"),
			"%s may reach %s from anywhere: anyone holding a group member's credentials can read the perimeter's data from any network; give ipSubnetworks or regions and remove allowGroupsFromAnywhere to let them in only from there",
			strings.Join(p.groups, ", "), "the perimeter's memberServices")
	case !hasNetwork:
		src.Error(res, firstGroup, "%s would come in from anywhere, as no ipSubnetworks or regions are given: give the networks group members call from, or set allowGroupsFromAnywhere: true to let them in from any network",
			strings.Join(p.groups, ", "))
		return
	default:
		network.name = cfg.LevelName + networkLevelSuffix
		if len(network.name) > gcp.MaxAccessContextNameLength {
			src.Error(res, "levelName", "%q is too long for the level %s that makes groups meet the network conditions: at most %d characters",
				cfg.LevelName, network.name, gcp.MaxAccessContextNameLength-len(networkLevelSuffix))
			return
		}
		p.networkLevel = network
		p.groupSource = kccref.ResourceRef{Name: objectName(network.name)}
	}
	for i, m := range cfg.Members {
		if strings.HasPrefix(m, groupPrefix) {
			res.Info(src.Object, src.Field(fnconfig.Index("members", i)),
				"%s comes in through the perimeter's ingress policy for groups, from %s, to memberServices: access levels accept only users and service accounts",
				m, p.describeGroupSource())
		}
	}
}

func (p *plan) describeGroupSource() string {
	if p.networkLevel != nil {
		return "the networks of access level " + p.networkLevel.name
	}
	return "anywhere"
}

// checkSources checks the access levels a content's ingress policies
// name: the generated level by its name, any level of an existing policy,
// or "*"; and returns them resolved.
func (p *plan) checkSources(cfg *VPCServiceControls, c *Content, prefix string, src fnconfig.Source, res *results.Collector) [][]kccref.ResourceRef {
	refs := make([][]kccref.ResourceRef, len(c.IngressPolicies))
	for i, ip := range c.IngressPolicies {
		for j, name := range ip.From.Sources.AccessLevels {
			ref, problem := p.levelRef(cfg, name)
			if problem != "" {
				src.Error(res, fnconfig.Index(fnconfig.Index(prefix+"ingressPolicies", i)+".from.sources.accessLevels", j), "%s", problem)
			}
			refs[i] = append(refs[i], ref)
		}
	}
	return refs
}

// levelRef refers to an access level by its Access Context Manager name.
func (p *plan) levelRef(cfg *VPCServiceControls, name string) (kccref.ResourceRef, string) {
	switch {
	case name == "*":
		return kccref.ResourceRef{External: "*"}, ""
	case p.level != nil && name == p.level.name, p.networkLevel != nil && name == p.networkLevel.name:
		return kccref.ResourceRef{Name: objectName(name)}, ""
	case name == cfg.LevelName:
		return kccref.ResourceRef{}, fmt.Sprintf("access level %s is not generated, as no user, service account or network is given for it: add members, or name another level", name)
	case cfg.CreateAccessPolicy && p.levelNames() == "":
		return kccref.ResourceRef{}, fmt.Sprintf("the generated access policy has no level %s, nor any other: name \"*\", or use an existing policy (accessPolicy) that has the level", name)
	case cfg.CreateAccessPolicy:
		return kccref.ResourceRef{}, fmt.Sprintf("the generated access policy has no level %s, only those vpc-sc generates (%s): name one of them, or \"*\"", name, p.levelNames())
	}
	return kccref.ResourceRef{External: "accessPolicies/" + string(cfg.AccessPolicy) + "/accessLevels/" + name}, ""
}

// levelNames lists the generated levels for messages.
func (p *plan) levelNames() string {
	var names []string
	for _, l := range []*level{p.level, p.networkLevel} {
		if l != nil {
			names = append(names, l.name)
		}
	}
	return strings.Join(names, ", ")
}

// describe says who the level lets in, for the summary.
func (l *level) describe(combining string) string {
	var parts []string
	if len(l.members) > 0 {
		parts = append(parts, plural(len(l.members), "member"))
	}
	if len(l.ipSubnetworks) > 0 {
		parts = append(parts, "requests from "+strings.Join(l.ipSubnetworks, ", "))
	}
	if len(l.regions) > 0 {
		parts = append(parts, "requests from "+strings.Join(l.regions, ", "))
	}
	return strings.Join(parts, " "+strings.ToLower(combining)+" ")
}

// objectName is the Kubernetes name of the object for an Access Context
// Manager name, which may hold capitals and underscores that Kubernetes
// names may not; spec.resourceID keeps the real name.
func objectName(acmName string) string {
	return strings.Trim(strings.ReplaceAll(strings.ToLower(acmName), "_", "-"), "-")
}

// policyObjectName names a generated access policy after its perimeter.
func policyObjectName(cfg *VPCServiceControls) string {
	return objectName(cfg.PerimeterName) + "-policy"
}

func quoteAll(list []string) []string {
	out := slices.Clone(list)
	for i, s := range out {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// plural writes "1 member", "2 members".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
