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
	// principals are the user: and serviceAccount: members (Cloud Build's
	// included), sorted; groups the group: members, sorted.
	principals, groups []string
	// level goes on the perimeter; nil when nothing would be in it.
	level *level
	// networkLevel holds only the network conditions, for the groups to
	// meet under AND; nil otherwise.
	networkLevel *level
	// groupSource is where the groups' ingress policy lets them in from:
	// networkLevel, or anywhere ("*").
	groupSource kccref.ResourceRef
	// levelRefs are the access levels each of the config's ingress
	// policies lets in from (from.sources.accessLevels), resolved once.
	levelRefs [][]kccref.ResourceRef
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
	p.checkSources(cfg, in.Source, in.Results)
	return p
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
	if cfg.IncludeCloudBuild {
		for _, n := range cfg.ProjectNumbers {
			p.principals = append(p.principals, cloudBuildMember(n))
		}
	}
	p.principals = sortedUnique(p.principals)
	p.groups = sortedUnique(p.groups)
}

// cloudBuildMember is the legacy Cloud Build service account of a project,
// which runs builds (and so kpt live apply in a pipeline) from outside.
func cloudBuildMember(project ID) string {
	return serviceAccountPrefix + string(project) + "@cloudbuild.gserviceaccount.com"
}

// planLevels turns members and network conditions into access levels.
// The config means "a member, combined (AND/OR) with the networks".
// Groups cannot be level members, so they come in through an ingress
// policy of the perimeter, which accepts them:
//
//   - OR: the level holds the users, service accounts and networks, and
//     the groups' ingress policy lets them in from anywhere;
//   - AND: the level holds the users and service accounts AND the
//     networks; the groups' ingress policy lets them in from a second
//     level that holds only the networks (from anywhere without networks).
//     With groups but no user or service account there is no first level:
//     a level without members would let in anyone from the networks.
func (p *plan) planLevels(cfg *VPCServiceControls, src fnconfig.Source, res *results.Collector) {
	network := &level{ipSubnetworks: sortedUnique(fnconfig.Texts(cfg.IPSubnetworks)), regions: sortedUnique(cfg.Regions)}
	hasNetwork := len(network.ipSubnetworks)+len(network.regions) > 0
	if len(p.principals) > 0 || (hasNetwork && (cfg.CombiningFunction == Or || len(p.groups) == 0)) {
		p.level = &level{name: cfg.LevelName, members: p.principals, ipSubnetworks: network.ipSubnetworks, regions: network.regions}
	}
	if len(p.groups) == 0 {
		return
	}
	p.groupSource = kccref.ResourceRef{External: "*"}
	if cfg.CombiningFunction == And && hasNetwork {
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
				"%s comes in through the perimeter's ingress policy for groups, from %s: access levels accept only users and service accounts",
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

// checkSources checks the access levels the config's ingress policies
// name: the generated level by its name, any level of an existing policy,
// or "*".
func (p *plan) checkSources(cfg *VPCServiceControls, src fnconfig.Source, res *results.Collector) {
	p.levelRefs = make([][]kccref.ResourceRef, len(cfg.IngressPolicies))
	for i, ip := range cfg.IngressPolicies {
		for j, name := range ip.From.Sources.AccessLevels {
			ref, problem := p.levelRef(cfg, name)
			if problem != "" {
				src.Error(res, fnconfig.Index(fnconfig.Index("ingressPolicies", i)+".from.sources.accessLevels", j), "%s", problem)
			}
			p.levelRefs[i] = append(p.levelRefs[i], ref)
		}
	}
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
