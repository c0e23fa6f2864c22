// Package networkpolicy is the network-policy generator: it fences every
// namespace of the package with a default-deny NetworkPolicy (of ingress,
// and of egress on request, with DNS to kube-dns let through), and opens
// the paths the config declares by pod label and namespace label, plus,
// behind one switch, the paths Kubeflow's profile namespaces need, and
// the path Google Cloud's health checks take to the pods of a Service
// behind a container-native load balancer.
package networkpolicy

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Name is the function's name, as in its image and binary.
const Name = "network-policy"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Metadata is the function's entry in the kpt function catalog's format
// (image, description, tags, example packages), shown by --doc.
//
//go:embed metadata.yaml
var Metadata []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Generator[NetworkPolicyConfig]{
		Name:     Name,
		Kind:     Kind,
		Defaults: defaults,
		Plan:     plan,
	}.Processor()
}

func plan(run *krmfn.Run[NetworkPolicyConfig]) krmfn.Plan {
	cfg := run.Config
	pkg := read(run.Items)
	g := &generator{cfg: cfg, res: run.Results}
	var fenced, skipped []string
	for _, ns := range pkg.namespaceNames() {
		if isSkipped(ns, cfg.SkipNamespaces) {
			skipped = append(skipped, ns)
			continue
		}
		fenced = append(fenced, ns)
		g.namespace(ns, pkg)
	}
	if cfg.KubeflowDefaults {
		g.kubeflow(pkg, cfg.SkipNamespaces)
	}
	for i, a := range cfg.Allows {
		if _, known := pkg.namespaces[a.Namespace]; !known {
			run.Source.Error(run.Results, fnconfig.Index("allows", i)+".namespace",
				"namespace %q is not in the package (it has %s): the allow would be a NetworkPolicy for pods this package does not have; correct the name",
				a.Namespace, results.ListOrNone(pkg.namespaceNames()))
			continue
		}
		g.allow(a)
	}
	g.healthChecks(run.Items)
	return krmfn.Plan{Desired: g.out, Finish: func(fn.KubeObjects) { summarize(run.Results, cfg, fenced, skipped) }}
}

// summarize says which namespaces are fenced and which were skipped.
func summarize(res *results.Collector, cfg *NetworkPolicyConfig, fenced, skipped []string) {
	if len(fenced) == 0 {
		res.Info(nil, "", "no namespace to fence in the package (no Namespace and no namespaced workload outside the skipped namespaces)")
	} else {
		kinds := "ingress"
		if cfg.DenyEgress {
			kinds = "ingress and egress"
		}
		res.Info(nil, "", "default-deny of %s in %s: %s", kinds, count(len(fenced), "namespace"), strings.Join(fenced, ", "))
	}
	if len(skipped) > 0 {
		res.Info(nil, "", "skipped system or listed namespaces: %s", strings.Join(skipped, ", "))
	}
}

// systemNamespaces get no default-deny: GKE, Config Sync and Config
// Connector run there and are fenced by Google, not by the package.
var systemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease", "gke-*", "config-management-system", "cnrm-system"}

func isSkipped(ns string, extra []string) bool {
	for _, pattern := range slices.Concat(systemNamespaces, extra) {
		if prefix, isPrefix := strings.CutSuffix(pattern, "*"); isPrefix && strings.HasPrefix(ns, prefix) || ns == pattern {
			return true
		}
	}
	return false
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
