package podsecuritycheck

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "PodSecurityCheck"

// Enforcement actions.
const (
	Deny = "deny"
	Warn = "warn"
)

// PodSecurityCheck is the function config (spec of kind PodSecurityCheck,
// or the keys level, version, enforcementAction and exemptNamespaces in a
// ConfigMap's data).
type PodSecurityCheck struct {
	// Level is the Pod Security Standard: baseline (default) or restricted.
	Level string `json:"level,omitempty"`
	// Version pins the standard to a Kubernetes minor (v1.30) or "latest".
	Version string `json:"version,omitempty"`
	// EnforcementAction is deny (violations are errors) or warn.
	EnforcementAction string `json:"enforcementAction,omitempty"`
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
	for _, entry := range fnconfig.SplitList(text) {
		ns, reason, _ := strings.Cut(entry, "=")
		list = append(list, ExemptNamespace{Namespace: strings.TrimSpace(ns), Reason: strings.TrimSpace(reason)})
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
	Selector string `json:"selector"`
	Reason   string `json:"reason"`
}

// PodTemplatePath says where a custom resource keeps its pod spec.
type PodTemplatePath struct {
	// APIVersion (group/version) or Group selects the resource with Kind.
	APIVersion string `json:"apiVersion,omitempty"`
	Group      string `json:"group,omitempty"`
	Kind       string `json:"kind"`
	// Path is the dotted path of the pod spec, e.g. spec.template.spec.
	Path string `json:"path"`
}

// Defaults returns the config user settings are applied on.
func Defaults() PodSecurityCheck {
	return PodSecurityCheck{
		Level:             string(psaapi.LevelBaseline),
		Version:           "latest",
		EnforcementAction: Deny,
		PodTemplatePaths: []PodTemplatePath{
			{Group: "kubeflow.org", Kind: "Notebook", Path: "spec.template.spec"},
		},
	}
}

// Validate checks every field before anything runs.
func (c *PodSecurityCheck) Validate(src fnconfig.Source, res *results.Collector) {
	switch c.Level {
	case string(psaapi.LevelBaseline), string(psaapi.LevelRestricted):
	default:
		src.Error(res, "level", "unknown level %q: use baseline or restricted", c.Level)
	}
	if _, err := psaapi.ParseVersion(c.Version); err != nil {
		src.Error(res, "version", "unknown version %q: %v, for example v1.30 or latest", c.Version, err)
	}
	switch c.EnforcementAction {
	case Deny, Warn:
	default:
		src.Error(res, "enforcementAction", "unknown enforcementAction %q: use %s or %s", c.EnforcementAction, Deny, Warn)
	}
	for i, e := range c.ExemptNamespaces {
		field := fmt.Sprintf("exemptNamespaces[%d]", i)
		if e.Namespace == "" {
			src.Error(res, field+".namespace", "empty namespace")
		}
		requireReason(src, res, field, e.Reason, "namespace "+e.Namespace)
	}
	for i, e := range c.ExemptNames {
		field := fmt.Sprintf("exemptNames[%d]", i)
		if e.Name == "" {
			src.Error(res, field+".name", "empty name")
		}
		requireReason(src, res, field, e.Reason, "name "+e.Name)
	}
	for i, e := range c.ExemptLabels {
		field := fmt.Sprintf("exemptLabels[%d]", i)
		if strings.TrimSpace(e.Selector) == "" {
			src.Error(res, field+".selector", "empty selector: an empty selector would exempt everything")
		} else if _, err := labels.Parse(e.Selector); err != nil {
			src.Error(res, field+".selector", "not a label selector: %v; write it like app=istio-cni", err)
		}
		requireReason(src, res, field, e.Reason, "selector "+e.Selector)
	}
	for i, p := range c.PodTemplatePaths {
		field := fmt.Sprintf("podTemplatePaths[%d]", i)
		if p.Kind == "" {
			src.Error(res, field+".kind", "empty kind")
		}
		if p.APIVersion != "" && p.Group != "" {
			src.Error(res, field+".group", "set apiVersion or group, not both")
		}
		if p.Path == "" || slicesContainsEmpty(strings.Split(p.Path, ".")) {
			src.Error(res, field+".path", "%q is not a dotted field path such as spec.template.spec", p.Path)
		}
	}
}

func requireReason(src fnconfig.Source, res *results.Collector, field, reason, what string) {
	if strings.TrimSpace(reason) == "" {
		if src.Field("") == "data." {
			src.Error(res, strings.SplitN(field, "[", 2)[0], "the exemption of %s has no reason: write it as %s=<why it needs the exemption>", strings.TrimPrefix(what, "namespace "), strings.TrimPrefix(what, "namespace "))
			return
		}
		src.Error(res, field+".reason", "the exemption of %s has no reason: say why it needs the exemption, so reviewers can judge it", what)
	}
}

func slicesContainsEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}
