package nodeidentity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// kindRepository is the Config Connector kind of an Artifact Registry
// repository.
const kindRepository = "ArtifactRegistryRepository"

// plan is what node-identity does for one cluster, worked out and
// checked before anything is generated or edited.
type plan struct {
	cluster *facts.Cluster
	names   names
	// replace are the places whose nodes run as the Compute Engine
	// default account: they get the generated one.
	replace []facts.NodeAccount
	// ours are the places that name the generated account already (an
	// earlier run): they keep it, and it keeps being generated.
	ours []facts.NodeAccount
	// kept are the places that name an account of the user's.
	kept []facts.NodeAccount
}

// generates tells whether the cluster's nodes need the generated account.
func (pl *plan) generates() bool { return len(pl.replace)+len(pl.ours) > 0 }

// planner holds what the plans are checked against.
type planner struct {
	cfg *NodeIdentity
	src fnconfig.Source
	pkg *facts.Package
	res *results.Collector
	iam *facts.IAM
}

func (p *planner) plan(c *facts.Cluster) *plan {
	pl := &plan{cluster: c, names: namesFor(c.Name())}
	for _, a := range c.NodeAccounts() {
		switch {
		case a.IsDefault():
			pl.replace = append(pl.replace, a)
		case p.namesGenerated(pl, a):
			pl.ours = append(pl.ours, a)
		default:
			pl.kept = append(pl.kept, a)
		}
	}
	if pl.generates() && c.ProjectID == "" {
		p.res.Error(c.Object, "metadata.annotations",
			"the project of ContainerCluster %s is unknown, so node-identity cannot grant its nodes' service account %s on it: set the %s annotation on the cluster or on its Namespace",
			c.Name(), gcp.NodeServiceAccountRole, kcc.ProjectIDAnnotation)
	}
	return pl
}

// namesGenerated tells whether a place names the account this function
// generates for the cluster, in the cluster's namespace.
func (p *planner) namesGenerated(pl *plan, a facts.NodeAccount) bool {
	ns := a.Ref.Namespace
	if ns == "" {
		ns = a.Object.GetNamespace()
	}
	return a.Ref.External == "" && a.Ref.Name == pl.names.account && ns == pl.cluster.Object.GetNamespace()
}

// checkDistinct refuses two clusters whose generated accounts would have
// the same id in the same project: IAM keeps account ids unique in a
// project, and the second would take the first's.
func (p *planner) checkDistinct(plans []*plan) {
	seen := map[string]*plan{}
	for _, pl := range plans {
		if !pl.generates() || pl.cluster.ProjectID == "" {
			continue
		}
		key := pl.cluster.ProjectID + "/" + pl.names.account
		if first, taken := seen[key]; taken {
			p.res.Error(pl.cluster.Object, "metadata.name",
				"ContainerClusters %s and %s would both get the node service account %s in project %s, and an account id is unique in its project: rename one of the clusters",
				clusterKey(first.cluster), clusterKey(pl.cluster), pl.names.account, pl.cluster.ProjectID)
			continue
		}
		seen[key] = pl
	}
}

// repository is the ArtifactRegistryRepository the node accounts may
// read: the config's, else the package's only DOCKER repository; nil
// when there is none (and an error recorded when the config names one
// that is not in the package, or several could be meant).
func (p *planner) repository() *fn.KubeObject {
	var repos []*fn.KubeObject
	for _, obj := range p.pkg.Items {
		if obj.GetKind() == kindRepository && strings.HasPrefix(obj.GetAPIVersion(), "artifactregistry.cnrm.cloud.google.com/") {
			repos = append(repos, obj)
		}
	}
	if p.cfg.Repository != "" {
		return p.namedRepository(repos)
	}
	docker := slices.DeleteFunc(slices.Clone(repos), func(o *fn.KubeObject) bool {
		format, _, _ := o.NestedString("spec", "format")
		return !strings.EqualFold(format, "DOCKER")
	})
	switch len(docker) {
	case 0:
		return nil
	case 1:
		return docker[0]
	}
	p.src.Error(p.res, "repository", "the package has %d DOCKER ArtifactRegistryRepositories (%s): set repository to the one the nodes pull their images from",
		len(docker), results.ListOrNone(results.Keys(docker)))
	return nil
}

func (p *planner) namedRepository(repos []*fn.KubeObject) *fn.KubeObject {
	ns, name := splitKey(p.cfg.Repository)
	var found []*fn.KubeObject
	for _, r := range repos {
		if r.GetName() == name && (ns == "" || r.GetNamespace() == ns) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 1:
		return found[0]
	case 0:
		p.src.Error(p.res, "repository", "no ArtifactRegistryRepository %q in the package; it has %s: name one of them, or add the repository to the package",
			p.cfg.Repository, results.ListOrNone(results.Keys(repos)))
	default:
		p.src.Error(p.res, "repository", "%d ArtifactRegistryRepositories are named %q (%s): write repository as namespace/name",
			len(found), name, results.ListOrNone(results.Keys(found)))
	}
	return nil
}

// finish points the places that run as the default account at the
// generated one, and says what was kept and what it costs.
func (p *planner) finish(pl *plan, repo *fn.KubeObject) {
	for _, a := range pl.replace {
		setAccount(a, pl, p.res)
	}
	if pl.generates() {
		p.summarize(pl, repo)
	}
	p.checkKept(pl)
}

func (p *planner) summarize(pl *plan, repo *fn.KubeObject) {
	read := fmt.Sprintf("; no registry read: the package has no DOCKER ArtifactRegistryRepository (grant %s on the repository the images come from)", gcp.RegistryReaderRole)
	if repo != nil {
		read = fmt.Sprintf(" and %s on %s", gcp.RegistryReaderRole, results.Describe(repo))
	}
	p.res.Info(pl.cluster.Object, "", "the nodes of ContainerCluster %s run as the service account %s, which holds %s on project %s%s",
		pl.cluster.Name(), pl.names.account, gcp.NodeServiceAccountRole, pl.cluster.ProjectID, read)
}

// checkKept says which accounts of the user's are kept, and warns of the
// broad roles the package grants those it holds.
func (p *planner) checkKept(pl *plan) {
	warned := map[*facts.ServiceAccount]bool{}
	for _, a := range pl.kept {
		p.res.Info(a.Object, a.Field, "%s keep their service account %s", a.Nodes, a.Ref)
		account := p.iam.Account(a.Object, a.Ref)
		if account == nil || warned[account] {
			continue
		}
		warned[account] = true
		for _, g := range p.iam.BroadGrants(account) {
			p.res.Warning(g.Object, g.Field, "%s",
				broadRoleMessage(g, "the nodes of ContainerCluster "+pl.cluster.Name()))
		}
	}
}

// broadRoleMessage says what is wrong with a broad grant to a node
// account, and what to grant instead.
func broadRoleMessage(g facts.Grant, nodes string) string {
	what := "more than GKE needs for nodes"
	if gcp.IsBasicRole(g.Role) {
		what = "a basic role, with power over nearly every resource of the project"
	}
	return fmt.Sprintf("grants %s to %s, the service account of %s: that is %s, and every pod on those nodes that reaches the metadata server holds it too; grant the nodes' account only %s (and %s on the repository they pull from), and give workloads their own accounts through Workload Identity",
		g.Role, results.Describe(g.Account.Object), nodes, what, gcp.NodeServiceAccountRole, gcp.RegistryReaderRole)
}

func clusterKey(c *facts.Cluster) string {
	if ns := c.Object.GetNamespace(); ns != "" {
		return ns + "/" + c.Name()
	}
	return c.Name()
}
