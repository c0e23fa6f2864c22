// Package pssconfig is the Pod Security Standards config: the one config
// of the two functions that apply the standards, the pod-security
// generator (Kyverno ClusterPolicies and Pod Security Admission labels)
// and the pod-security-check validator. Both read the same kind,
// PodSecurity, so that one file in a kpt pipeline gives both the same
// level, version and exemptions. It also holds what the two must decide
// alike from that config: which objects are exempt, and where a workload
// keeps its pod template.
package pssconfig

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"k8s.io/apimachinery/pkg/labels"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind both functions read.
const Kind = "PodSecurity"

// Enforcement actions of pod-security-check.
const (
	Deny = "deny"
	Warn = "warn"
)

// Validation failure actions of the generated Kyverno policies.
const (
	Enforce = "Enforce"
	Audit   = "Audit"
)

// Outputs of the generator.
const (
	OutputKyverno   = "kyverno"
	OutputPSALabels = "psa-labels"
	OutputBoth      = "both"
)

// PodSecurity is the function config of pod-security and
// pod-security-check (spec of kind PodSecurity, or the keys level,
// version, enforcementAction, validationFailureAction, output and
// exemptNamespaces in a ConfigMap's data).
type PodSecurity struct {
	// Level is the Pod Security Standard: baseline (default) or restricted.
	Level string `json:"level,omitempty"`
	// Version pins the standard to a Kubernetes minor (v1.30) or "latest".
	Version Version `json:"version,omitempty"`
	// EnforcementAction is what pod-security-check makes of a violation:
	// deny (an error) or warn.
	EnforcementAction string `json:"enforcementAction,omitempty"`
	// ValidationFailureAction is what the generated policies and labels
	// do with a violating pod: Enforce (reject it) or Audit (report it).
	ValidationFailureAction string `json:"validationFailureAction,omitempty"`
	// Output is what the generator writes: kyverno (ClusterPolicies),
	// psa-labels (labels on the package's Namespaces) or both.
	Output string `json:"output,omitempty"`
	// ExemptNamespaces, ExemptNames and ExemptLabels skip objects, each
	// with the reason why.
	ExemptNamespaces ExemptNamespaces `json:"exemptNamespaces,omitempty"`
	ExemptNames      []ExemptName     `json:"exemptNames,omitempty"`
	ExemptLabels     []ExemptLabel    `json:"exemptLabels,omitempty"`
	// PodTemplatePaths names custom resources that embed a pod spec. It
	// replaces the default, which covers Kubeflow's Notebook.
	PodTemplatePaths []PodTemplatePath `json:"podTemplatePaths,omitempty"`
}

// ExemptNamespace exempts every object of a namespace.
type ExemptNamespace struct {
	Namespace string `json:"namespace"`
	Reason    string `json:"reason"`
}

// ExemptNamespaces is written "ns=reason,ns2=reason2" in a ConfigMap.
type ExemptNamespaces []ExemptNamespace

var _ fnconfig.ConfigMapValue = &ExemptNamespaces{}

// SetFromConfigMap reads "kube-system=managed by GKE,istio-system=CNI".
// An entry without "=reason" is kept with an empty reason, which
// Validate then reports with its field path.
func (e *ExemptNamespaces) SetFromConfigMap(text string) error {
	list := ExemptNamespaces{}
	for _, p := range fnconfig.SplitPairs(text) {
		list = append(list, ExemptNamespace{Namespace: p.Key, Reason: p.Value})
	}
	*e = list
	return nil
}

// ExemptName exempts objects by metadata.name.
type ExemptName struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// ExemptLabel exempts objects whose labels match a label selector
// ("app=istio-cni", "tier in (system)").
type ExemptLabel struct {
	Selector Selector `json:"selector"`
	Reason   string   `json:"reason"`
}

// Defaults returns the config user settings are applied on.
func Defaults() PodSecurity {
	return PodSecurity{
		Level:                   string(psaapi.LevelBaseline),
		Version:                 LatestVersion(),
		EnforcementAction:       Deny,
		ValidationFailureAction: Enforce,
		Output:                  OutputKyverno,
		PodTemplatePaths: []PodTemplatePath{
			{Group: "kubeflow.org", Kind: "Notebook", Path: "spec.template.spec"},
		},
	}
}

// Validate checks every field before anything runs. Both functions check
// all fields, their own and the other's, so that a shared config file
// that one of them would refuse is refused by both.
func (c *PodSecurity) Validate(src fnconfig.Source, res *results.Collector) {
	switch c.Level {
	case string(psaapi.LevelBaseline), string(psaapi.LevelRestricted):
	default:
		src.Error(res, "level", "unknown level %q: use baseline or restricted", c.Level)
	}
	src.CheckValue(res, "version", &c.Version)
	oneOf(src, res, "enforcementAction", c.EnforcementAction, Deny, Warn)
	oneOf(src, res, "validationFailureAction", c.ValidationFailureAction, Enforce, Audit)
	oneOf(src, res, "output", c.Output, OutputKyverno, OutputPSALabels, OutputBoth)
	c.validateExemptions(src, res)
	for i, p := range c.PodTemplatePaths {
		field := fnconfig.Index("podTemplatePaths", i)
		if p.Kind == "" {
			src.Error(res, field+".kind", "empty kind")
		}
		if p.APIVersion != "" && p.Group != "" {
			src.Error(res, field+".group", "set apiVersion or group, not both")
		}
		if p.Path == "" || slices.Contains(strings.Split(p.Path, "."), "") {
			src.Error(res, field+".path", "%q is not a dotted field path such as spec.template.spec", p.Path)
		}
	}
}

func oneOf(src fnconfig.Source, res *results.Collector, field, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		last := len(allowed) - 1
		src.Error(res, field, "unknown %s %q: use %s or %s", field, value, strings.Join(allowed[:last], ", "), allowed[last])
	}
}

func (c *PodSecurity) validateExemptions(src fnconfig.Source, res *results.Collector) {
	for i, e := range c.ExemptNamespaces {
		field := fnconfig.Index("exemptNamespaces", i)
		if e.Namespace == "" {
			src.Error(res, field+".namespace", "empty namespace")
		}
		requireReason(src, res, field, e.Reason, "namespace "+e.Namespace)
	}
	for i, e := range c.ExemptNames {
		field := fnconfig.Index("exemptNames", i)
		if e.Name == "" {
			src.Error(res, field+".name", "empty name")
		}
		requireReason(src, res, field, e.Reason, "name "+e.Name)
	}
	for i, e := range c.ExemptLabels {
		field := fnconfig.Index("exemptLabels", i)
		src.CheckValue(res, field+".selector", &e.Selector)
		requireReason(src, res, field, e.Reason, "selector "+e.Selector.Text)
	}
}

func requireReason(src fnconfig.Source, res *results.Collector, field, reason, what string) {
	if strings.TrimSpace(reason) != "" {
		return
	}
	if src.IsConfigMap() {
		ns := strings.TrimPrefix(what, "namespace ")
		src.Error(res, strings.SplitN(field, "[", 2)[0], "the exemption of %s has no reason: write it as %s=<why it needs the exemption>", ns, ns)
		return
	}
	src.Error(res, field+".reason", "the exemption of %s has no reason: say why it needs the exemption, so reviewers can judge it", what)
}

// LevelVersion is the validated level and version.
func (c *PodSecurity) LevelVersion() psaapi.LevelVersion {
	return psaapi.LevelVersion{Level: psaapi.Level(c.Level), Version: c.Version.Version}
}

// Exemption returns why obj is exempt, if it is: its namespace, its
// metadata.name or its own labels match an exemption.
func (c *PodSecurity) Exemption(obj *fn.KubeObject) (string, bool) {
	if e, ok := c.NamespaceExemption(obj.GetNamespace()); ok {
		return fmt.Sprintf("namespace %s is exempt: %s", e.Namespace, e.Reason), true
	}
	for _, e := range c.ExemptNames {
		if obj.GetName() == e.Name {
			return fmt.Sprintf("name %s is exempt: %s", e.Name, e.Reason), true
		}
	}
	for _, e := range c.ExemptLabels {
		if e.Selector.Matches(labels.Set(obj.GetLabels())) {
			return fmt.Sprintf("labels match %s: %s", e.Selector.Text, e.Reason), true
		}
	}
	return "", false
}

// NamespaceExemption returns the exemption of namespace ns, if any.
func (c *PodSecurity) NamespaceExemption(ns string) (ExemptNamespace, bool) {
	for _, e := range c.ExemptNamespaces {
		if ns != "" && ns == e.Namespace {
			return e, true
		}
	}
	return ExemptNamespace{}, false
}
