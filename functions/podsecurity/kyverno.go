package podsecurity

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/pssconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// The fields of Kyverno's ClusterPolicy (kyverno.io/v1) that the
// generator writes. Kyverno's Go module is not a dependency (its module
// graph is larger than all of lockdown's), so these few structs mirror
// its CRD; the tests validate every generated policy against that CRD,
// strictly, so a field that drifts from it fails there.
type clusterPolicy struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            policySpec        `json:"spec"`
}

type policySpec struct {
	Rules []rule `json:"rules"`
}

type rule struct {
	Name     string     `json:"name"`
	Match    matchAny   `json:"match"`
	Exclude  *matchAny  `json:"exclude,omitempty"`
	Validate validation `json:"validate"`
}

type matchAny struct {
	Any []resourceFilter `json:"any"`
}

type resourceFilter struct {
	Resources resourceDescription `json:"resources"`
}

type resourceDescription struct {
	Kinds      []string              `json:"kinds,omitempty"`
	Names      []string              `json:"names,omitempty"`
	Namespaces []string              `json:"namespaces,omitempty"`
	Selector   *metav1.LabelSelector `json:"selector,omitempty"`
}

type validation struct {
	// FailureAction is the rule's Enforce or Audit: the policy-wide
	// spec.validationFailureAction is deprecated since Kyverno 1.13.
	FailureAction string      `json:"failureAction"`
	PodSecurity   podSecurity `json:"podSecurity"`
}

type podSecurity struct {
	Level   string       `json:"level"`
	Version string       `json:"version"`
	Exclude []pssExclude `json:"exclude"`
}

type pssExclude struct {
	ControlName string   `json:"controlName"`
	Images      []string `json:"images,omitempty"`
}

// Annotations of the generated policies.
const (
	// ExemptionsAnnotation lists the exemptions with their reasons, so
	// that reviewers of the policy see why each is there.
	ExemptionsAnnotation = "fn.lockdown.dev/exemptions"
	titleAnnotation      = "policies.kyverno.io/title"
	categoryAnnotation   = "policies.kyverno.io/category"
	subjectAnnotation    = "policies.kyverno.io/subject"
	descAnnotation       = "policies.kyverno.io/description"
)

// podControllers are the kinds a policy matches beside Pod when its
// exemptions name resources or select them by label.
//
// A Deployment that takes over a node must be refused when it is created,
// not only its pods when its ReplicaSet makes them (the user sees no
// error, only no pods). For a rule that matches Pods, Kyverno writes that
// rule for the pod controllers itself (autogen), unless the rule's match
// or exclude names resources or selects them by label, as exemptions do:
// then it writes none, and its autogen-controllers annotation does not
// bring them back (v1.15.2, pkg/autogen/v1/autogen.go: CanAutoGen,
// checkAutogenSupport, computeRules). So such a rule matches the
// controllers itself, Kyverno's own list of them (PodControllers in the
// same file): its podSecurity validation reads a controller's pod template
// (pkg/engine/handlers/validation/validate_pss.go, getSpec), and the
// exclude block then applies to the controller's own name and labels, as
// pod-security-check's exemptions do.
var podControllers = []string{"DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController", "CronJob"}

// everyImage selects every container of a pod in a container-level
// exclusion.
var everyImage = []string{"*"}

// policies builds one ClusterPolicy per control of the configured level.
func policies(cfg *pssconfig.PodSecurity, version string, res *results.Collector) []*fn.KubeObject {
	exclude := exemptionFilters(cfg)
	var out []*fn.KubeObject
	for _, c := range controlsOf(psaapi.Level(cfg.Level)) {
		if !c.existsAt(cfg.Version.Version) {
			res.Info(nil, "", "no %s policy: the %s standard has its %s control from %s, and the policies are pinned to %s (Kyverno would enforce it at any version)",
				c.Policy, c.Level, c.Name, c.since(), cfg.Version.Text)
			continue
		}
		if obj := kcc.Build(res, policyFor(c, cfg, version, exclude)); obj != nil {
			out = append(out, obj)
		}
	}
	return out
}

func policyFor(c control, cfg *pssconfig.PodSecurity, version string, exclude *matchAny) *clusterPolicy {
	annotations := map[string]string{
		titleAnnotation:    c.Title,
		categoryAnnotation: fmt.Sprintf("Pod Security Standards (%s)", titleCase(string(c.Level))),
		subjectAnnotation:  "Pod",
		descAnnotation:     c.Description,
	}
	if text := exemptionsText(cfg); text != "" {
		annotations[ExemptionsAnnotation] = text
	}
	kinds := []string{"Pod"}
	if len(cfg.ExemptNames) > 0 || len(cfg.ExemptLabels) > 0 {
		kinds = append(kinds, podControllers...)
	}
	return &clusterPolicy{
		TypeMeta: metav1.TypeMeta{APIVersion: "kyverno.io/v1", Kind: "ClusterPolicy"},
		Metadata: metav1.ObjectMeta{Name: c.Policy, Annotations: annotations},
		Spec: policySpec{Rules: []rule{{
			Name:    c.Policy,
			Match:   matchAny{Any: []resourceFilter{{Resources: resourceDescription{Kinds: kinds}}}},
			Exclude: exclude,
			Validate: validation{
				FailureAction: cfg.ValidationFailureAction,
				PodSecurity:   podSecurity{Level: string(c.Level), Version: version, Exclude: otherControls(c)},
			},
		}}},
	}
}

// otherControls excludes from the podSecurity evaluation every control
// of c's level but c's own, so that the policy reports its control only.
func otherControls(c control) []pssExclude {
	var out []pssExclude
	for _, other := range controlNames(c.Level) {
		if other.Name == c.Name {
			continue
		}
		if other.Scope != containerLevel {
			out = append(out, pssExclude{ControlName: other.Name})
		}
		if other.Scope != podLevel {
			out = append(out, pssExclude{ControlName: other.Name, Images: everyImage})
		}
	}
	return out
}

// exemptionFilters turns the exemptions into the rule's exclude block:
// the namespaces, the names, and one filter per label selector (Kyverno
// exempts an object that any filter matches).
//
// A name exempts the workload and what its controller creates from it:
// Kyverno also admits the ReplicaSet of a Deployment (name-<hash>), the
// Jobs of a CronJob (name-<time>) and their Pods (name-...), which an
// exact name would leave to the policy, and Enforce would then block the
// exempt workload's pods.
func exemptionFilters(cfg *pssconfig.PodSecurity) *matchAny {
	var filters []resourceFilter
	if len(cfg.ExemptNamespaces) > 0 {
		var namespaces []string
		for _, e := range cfg.ExemptNamespaces {
			namespaces = append(namespaces, e.Namespace)
		}
		filters = append(filters, resourceFilter{Resources: resourceDescription{Namespaces: namespaces}})
	}
	if len(cfg.ExemptNames) > 0 {
		var names []string
		for _, e := range cfg.ExemptNames {
			names = append(names, e.Name, e.Name+"-*")
		}
		filters = append(filters, resourceFilter{Resources: resourceDescription{Names: names}})
	}
	for _, e := range cfg.ExemptLabels {
		filters = append(filters, resourceFilter{Resources: resourceDescription{Selector: e.Selector.Structured}})
	}
	if len(filters) == 0 {
		return nil
	}
	return &matchAny{Any: filters}
}

// exemptionsText is the exemptions annotation: one line per exemption.
func exemptionsText(cfg *pssconfig.PodSecurity) string {
	var lines []string
	for _, e := range cfg.ExemptNamespaces {
		lines = append(lines, fmt.Sprintf("namespace %s: %s", e.Namespace, e.Reason))
	}
	for _, e := range cfg.ExemptNames {
		lines = append(lines, fmt.Sprintf("name %s (and %s-*): %s", e.Name, e.Name, e.Reason))
	}
	for _, e := range cfg.ExemptLabels {
		lines = append(lines, fmt.Sprintf("labels %s: %s", e.Selector.Text, e.Reason))
	}
	return strings.Join(lines, "\n")
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
