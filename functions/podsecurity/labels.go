package podsecurity

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	psaapi "k8s.io/pod-security-admission/api"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/pssconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// ExemptionAnnotation holds, on an exempt Namespace, why its enforce
// label is privileged. It also tells a later run that the privileged
// label was written for the exemption, and may go with it.
const ExemptionAnnotation = "fn.lockdown.dev/pod-security-exemption"

// Pod Security Admission's modes, in the order their labels are written.
const (
	modeEnforce = "enforce"
	modeAudit   = "audit"
	modeWarn    = "warn"
)

// psaLabelPrefix starts every Pod Security Admission label.
const psaLabelPrefix = "pod-security.kubernetes.io/"

func levelLabel(mode string) string   { return psaLabelPrefix + mode }
func versionLabel(mode string) string { return psaLabelPrefix + mode + "-version" }

// namespacePlan is what to change on one Namespace. Plans are made for
// every Namespace before any is edited, so that an error leaves all of
// them as they were.
type namespacePlan struct {
	obj     *fn.KubeObject
	subject results.Subject
	set     [][2]string // label key, value
	remove  []string    // label keys
	// annotation is the exemption reason to write; dropAnnotation removes
	// a stale one.
	annotation     string
	dropAnnotation bool
	final          map[string]string // the PSA labels after the edit
}

// planNamespaces decides the Pod Security Admission labels of every
// Namespace of the package.
func planNamespaces(items fn.KubeObjects, cfg *pssconfig.PodSecurity, res *results.Collector) []*namespacePlan {
	var plans []*namespacePlan
	for _, obj := range items {
		if !isNamespace(obj) {
			continue
		}
		if !editableMetadata(obj, res) {
			continue
		}
		plans = append(plans, planNamespace(obj, cfg, res))
	}
	return plans
}

// isNamespace tells whether obj is a Namespace that will be applied: one
// that is not local-config (owned.IsLocalConfig).
func isNamespace(obj *fn.KubeObject) bool {
	return obj.GetAPIVersion() == "v1" && obj.GetKind() == "Namespace" && !owned.IsLocalConfig(obj)
}

// editableMetadata reports labels or annotations that are not maps of
// strings, which the edit could not keep.
func editableMetadata(obj *fn.KubeObject, res *results.Collector) bool {
	ok := true
	for _, field := range []string{"labels", "annotations"} {
		if _, _, err := obj.NestedStringMap("metadata", field); err != nil {
			res.Error(obj, "metadata."+field, "metadata.%s of Namespace %s is not a map of names to strings: write it as name: value lines, so that it can take the Pod Security Admission labels", field, obj.GetName())
			ok = false
		}
	}
	return ok
}

func planNamespace(obj *fn.KubeObject, cfg *pssconfig.PodSecurity, res *results.Collector) *namespacePlan {
	p := &namespacePlan{obj: obj, subject: results.SubjectOf(obj), final: map[string]string{}}
	current := obj.GetLabels()
	exemption, exempt := cfg.NamespaceExemption(obj.GetName())
	wasExempt := obj.GetAnnotation(ExemptionAnnotation) != ""
	switch {
	case exempt:
		if obj.GetAnnotation(ExemptionAnnotation) != exemption.Reason {
			p.annotation = exemption.Reason
		}
	case wasExempt:
		p.dropAnnotation = true
	}
	for _, mode := range []string{modeEnforce, modeAudit, modeWarn} {
		want := cfg.Level
		switch {
		case mode == modeEnforce && exempt:
			want = string(psaapi.LevelPrivileged)
		case mode == modeEnforce && cfg.ValidationFailureAction == pssconfig.Audit:
			p.auditOnlyEnforce(current, wasExempt, res)
			continue
		}
		p.mode(mode, want, cfg.Version.Text, current, exempt, wasExempt, res)
	}
	return p
}

// mode plans the level and version labels of one mode. A label the user
// set to a stricter level is kept; a weaker one is raised with a warning,
// since the user may have meant it.
func (p *namespacePlan) mode(mode, want, version string, current map[string]string, exempt, wasExempt bool, res *results.Collector) {
	have, haveVersion := current[levelLabel(mode)], current[versionLabel(mode)]
	ns := p.obj.GetName()
	field := "metadata.labels[" + levelLabel(mode) + "]"
	haveLevel, parseErr := psaapi.ParseLevel(have)
	switch {
	case have == "" || (have == want && orLatest(haveVersion) == version):
		// new, or the same: a missing version label means latest
	case exempt:
		if have != want {
			res.Report(fn.Info, p.subject, field, "Namespace %s is exempt: its %s label becomes %s instead of %s", ns, mode, want, have)
		}
	case wasExempt && mode == modeEnforce && haveLevel == psaapi.LevelPrivileged:
		res.Report(fn.Info, p.subject, field, "Namespace %s is no longer exempt: its %s label becomes %s instead of privileged", ns, mode, want)
	case parseErr == nil && psaapi.CompareLevels(haveLevel, psaapi.Level(want)) > 0:
		res.Report(fn.Info, p.subject, field, "Namespace %s keeps its stricter %s label %s (version %s) rather than %s", ns, mode, have, orLatest(haveVersion), want)
		p.final[mode] = have + ":" + orLatest(haveVersion)
		return
	case have == want:
		res.Report(fn.Info, p.subject, "metadata.labels["+versionLabel(mode)+"]", "Namespace %s: %s version %s becomes %s", ns, mode, orLatest(haveVersion), version)
	default:
		res.Report(fn.Warning, p.subject, field, "Namespace %s had %s label %q, weaker than %s: it is raised to %s; to keep %s, add the namespace to exemptNamespaces with the reason", ns, mode, have, want, want, have)
	}
	p.final[mode] = want + ":" + version
	if have != want {
		p.set = append(p.set, [2]string{levelLabel(mode), want})
	}
	if haveVersion != version {
		p.set = append(p.set, [2]string{versionLabel(mode), version})
	}
}

// auditOnlyEnforce handles the enforce label when the config only
// audits: a user's enforce label is theirs and stays; the privileged one
// written for a former exemption goes with the exemption.
func (p *namespacePlan) auditOnlyEnforce(current map[string]string, wasExempt bool, res *results.Collector) {
	have := current[levelLabel(modeEnforce)]
	switch {
	case have == "":
	case wasExempt && have == string(psaapi.LevelPrivileged):
		p.remove = append(p.remove, levelLabel(modeEnforce), versionLabel(modeEnforce))
	default:
		res.Report(fn.Info, p.subject, "metadata.labels["+levelLabel(modeEnforce)+"]",
			"Namespace %s keeps its enforce label %s: validationFailureAction Audit writes only the audit and warn labels; remove the enforce label to stop enforcing", p.obj.GetName(), have)
		p.final[modeEnforce] = have + ":" + orLatest(current[versionLabel(modeEnforce)])
	}
}

func orLatest(version string) string {
	if version == "" {
		return "latest"
	}
	return version
}

// apply makes the planned edits, keeping the Namespace's comments and
// field order.
func (p *namespacePlan) apply() error {
	return yamledit.Edit(p.obj, func(root *yaml.Node) error {
		for _, kv := range p.set {
			if _, err := yamledit.SetString(root, kv[1], "metadata", "labels", kv[0]); err != nil {
				return err
			}
		}
		for _, key := range p.remove {
			yamledit.Remove(root, "metadata", "labels", key)
		}
		if p.annotation != "" {
			if _, err := yamledit.SetString(root, p.annotation, "metadata", "annotations", ExemptionAnnotation); err != nil {
				return err
			}
		}
		if p.dropAnnotation {
			yamledit.Remove(root, "metadata", "annotations", ExemptionAnnotation)
			if a := yamledit.Lookup(root, "metadata", "annotations"); a != nil && len(a.Content) == 0 {
				yamledit.Remove(root, "metadata", "annotations")
			}
		}
		return nil
	})
}

// summary says which labels the Namespace ends up with.
func (p *namespacePlan) summary() string {
	var parts []string
	for _, mode := range []string{modeEnforce, modeAudit, modeWarn} {
		if v, ok := p.final[mode]; ok {
			parts = append(parts, mode+"="+v)
		}
	}
	return fmt.Sprintf("Namespace %s: Pod Security Admission labels %s", p.obj.GetName(), strings.Join(parts, ", "))
}

// warnUnexpressible warns about every workload that a name or label
// exemption exempts in a labelled, not exempt namespace: Pod Security
// Admission labels apply to the whole namespace and cannot exempt it.
func warnUnexpressible(items fn.KubeObjects, cfg *pssconfig.PodSecurity, plans []*namespacePlan, res *results.Collector) {
	labelled := map[string]bool{}
	for _, p := range plans {
		labelled[p.obj.GetName()] = true
	}
	for _, obj := range items {
		ns := obj.GetNamespace()
		if _, workload := pssconfig.TemplatePath(obj, cfg.PodTemplatePaths); !workload || !labelled[ns] {
			continue
		}
		if _, nsExempt := cfg.NamespaceExemption(ns); nsExempt {
			continue
		}
		if why, exempt := cfg.Exemption(obj); exempt {
			res.Warning(obj, "metadata", "%s is exempt (%s), but the Pod Security Admission labels of namespace %s apply to every pod in it and cannot exempt one workload: use output kyverno, or exempt namespace %s with a reason",
				results.Describe(obj), why, ns, ns)
		}
	}
}
