// Package podsecuritycheck is the pod-security-check validator: it applies
// the Pod Security Standards (baseline or restricted, at a pinned version or
// latest) to every pod template in the package, with the checks of
// k8s.io/pod-security-admission, and reports each violation with the
// object, its file, the exact field path and what to change. It never
// changes the package.
package podsecuritycheck

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"k8s.io/utils/ptr"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/pssconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/workloads"
)

// Name is the function's name, as in its image and binary.
const Name = "pod-security-check"

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
	return krmfn.Processor[Config]{
		Kind:     Kind,
		Defaults: pssconfig.Defaults,
		Run:      run,
	}
}

// PodTemplate is one pod spec found in the package.
type PodTemplate struct {
	Object   *fn.KubeObject
	SpecPath string // "spec.template.spec"
	MetaPath string // "spec.template.metadata", "" when there is none
	Meta     *metav1.ObjectMeta
	Spec     *corev1.PodSpec
}

// FindTemplates returns the pod templates of items, in order. Objects that
// are not valid pod specs are reported as errors.
func FindTemplates(items fn.KubeObjects, custom []PodTemplatePath, res *results.Collector) []PodTemplate {
	var out []PodTemplate
	for _, obj := range items {
		where, found := pssconfig.TemplatePath(obj, custom)
		if !found {
			continue
		}
		t, ok := decodeTemplate(obj, where.Path, res)
		if ok {
			out = append(out, t)
		}
	}
	return out
}

func decodeTemplate(obj *fn.KubeObject, specPath string, res *results.Collector) (PodTemplate, bool) {
	t := PodTemplate{Object: obj, SpecPath: specPath, Spec: &corev1.PodSpec{}, Meta: &metav1.ObjectMeta{}}
	sub, found, err := obj.NestedSubObject(strings.Split(specPath, ".")...)
	if err != nil {
		res.Error(obj, specPath, "%s is not a pod spec: %v", specPath, err)
		return t, false
	}
	if !found {
		return t, false // nothing to check
	}
	if err := sub.As(t.Spec); err != nil {
		res.Error(obj, specPath, "%s is not a valid pod spec: %v", specPath, err)
		return t, false
	}
	applyAPIServerDefaults(t.Spec)
	t.MetaPath = workloads.MetadataBeside(specPath)
	if t.MetaPath != "" {
		if m, found, err := obj.NestedSubObject(strings.Split(t.MetaPath, ".")...); err == nil && found {
			if err := m.As(t.Meta); err != nil {
				res.Error(obj, t.MetaPath, "%s is not valid object metadata: %v", t.MetaPath, err)
				return t, false
			}
		}
	}
	return t, true
}

func run(in krmfn.Input[Config]) fn.KubeObjects {
	cfg := in.Config
	lv := cfg.LevelVersion()
	severity := fn.Error
	if cfg.EnforcementAction == Warn {
		severity = fn.Warning
	}
	templates := FindTemplates(in.Items, cfg.PodTemplatePaths, in.Results)
	if in.Results.HasErrors() {
		return in.Items
	}
	if len(templates) == 0 {
		in.Results.Info(nil, "", "no pod templates in the package: nothing to check")
		return in.Items
	}
	violations := 0
	for _, t := range templates {
		if reason, exempt := cfg.Exemption(t.Object); exempt {
			in.Results.Info(t.Object, t.SpecPath, "%s is exempt from the %s Pod Security Standard: %s", results.Describe(t.Object), lv, reason)
			continue
		}
		for _, v := range Evaluate(lv, t.Meta, t.Spec) {
			for _, loc := range v.Locate(t.Meta, t.Spec) {
				violations++
				field := t.SpecPath + "." + loc.path
				if rest, isMeta := strings.CutPrefix(loc.path, "@annotations."); isMeta {
					field = t.MetaPath + ".annotations[" + rest + "]"
				} else if loc.path == "" {
					field = t.SpecPath
				}
				in.Results.Report(severity, results.SubjectOf(t.Object), field,
					"%s violates the %s Pod Security Standard (check %s): %s; %s", results.Describe(t.Object), lv, v.ID, v.Reason(), loc.fix)
			}
		}
	}
	in.Results.Info(nil, "", "checked %d pod templates against the %s Pod Security Standard: %d violations", len(templates), lv, violations)
	return in.Items
}

// Violation is one failed check of k8s.io/pod-security-admission.
type Violation struct {
	ID     policy.CheckID
	Result policy.CheckResult
	// evaluator and at run the same check at the same level and version
	// on a probe pod (probeLocators).
	evaluator policy.Evaluator
	at        psaapi.LevelVersion
}

// fails tells whether the violation's check fails on a probe pod too.
func (v Violation) fails(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
	for _, r := range v.evaluator.EvaluatePod(v.at, meta, spec) {
		if !r.Allowed {
			return true
		}
	}
	return false
}

// Reason is the check's reason with its detail.
func (v Violation) Reason() string {
	if v.Result.ForbiddenDetail == "" {
		return v.Result.ForbiddenReason
	}
	return v.Result.ForbiddenReason + " (" + v.Result.ForbiddenDetail + ")"
}

// Locate returns the fields of the pod the violation is about, from the
// table in paths.go; at least one, the pod spec itself, when the table
// knows no better.
func (v Violation) Locate(meta *metav1.ObjectMeta, spec *corev1.PodSpec) []location {
	info, known := checkTable[string(v.ID)]
	if locate, probes := probeLocators[string(v.ID)]; probes && v.evaluator != nil {
		if locs := locate(meta, spec, v.fails); len(locs) > 0 {
			return locs
		}
	}
	if known {
		if info.locate != nil {
			if locs := info.locate(meta, spec); len(locs) > 0 {
				return locs
			}
		}
		return []location{{"", info.fix}}
	}
	return []location{{"", "see the Pod Security Standards for " + string(v.ID)}}
}

// checkEvaluator is one check of policy.DefaultChecks with an evaluator of
// its own, so that every failure can be told apart by check ID.
type checkEvaluator struct {
	check     policy.Check
	evaluator policy.Evaluator
}

var evaluators = func() []checkEvaluator {
	checks := policy.DefaultChecks()
	// Baseline checks first, then restricted ones, each sorted by ID, as
	// the evaluator itself orders them.
	slices.SortFunc(checks, func(a, b policy.Check) int {
		if a.Level != b.Level {
			return psaapi.CompareLevels(a.Level, b.Level)
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	out := make([]checkEvaluator, len(checks))
	for i, c := range checks {
		e, err := policy.NewEvaluator([]policy.Check{c}, nil)
		if err != nil {
			panic(fmt.Sprintf("pod-security-admission check %s: %v", c.ID, err))
		}
		out[i] = checkEvaluator{check: c, evaluator: e}
	}
	return out
}()

// overridden tells whether a restricted check replaces baseline check id at
// version v (for example seccompProfile_restricted replaces
// seccompProfile_baseline), exactly as the evaluator's registry does.
func overridden(id policy.CheckID, v psaapi.Version) bool {
	for _, ce := range evaluators {
		if ce.check.Level != psaapi.LevelRestricted {
			continue
		}
		var current *policy.VersionedCheck
		for i := range ce.check.Versions {
			if !v.Older(ce.check.Versions[i].MinimumVersion) {
				current = &ce.check.Versions[i]
			}
		}
		if current != nil && slices.Contains(current.OverrideCheckIDs, id) {
			return true
		}
	}
	return false
}

// Evaluate runs the checks of lv on a pod and returns what failed.
func Evaluate(lv psaapi.LevelVersion, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []Violation {
	var out []Violation
	for _, ce := range evaluators {
		if psaapi.CompareLevels(ce.check.Level, lv.Level) > 0 {
			continue // a restricted check at baseline
		}
		if lv.Level == psaapi.LevelRestricted && ce.check.Level == psaapi.LevelBaseline && overridden(ce.check.ID, lv.Version) {
			continue
		}
		at := psaapi.LevelVersion{Level: ce.check.Level, Version: lv.Version}
		for _, r := range ce.evaluator.EvaluatePod(at, meta, spec) {
			if !r.Allowed {
				out = append(out, Violation{ID: ce.check.ID, Result: r, evaluator: ce.evaluator, at: at})
			}
		}
	}
	return out
}

// applyAPIServerDefaults sets the defaults the API server gives a pod
// before Pod Security admission sees it, where they change a check's
// verdict or the fields it names. Kubernetes' pkg/apis/core/v1/defaults.go
// (v1.32): SetDefaults_Volume makes a volume with no source an emptyDir
// (which restrictedVolumes allows), and SetDefaults_Pod gives every port
// of a hostNetwork pod's containers and init containers its containerPort
// as hostPort (which hostPorts refuses). The other defaults there (pull
// policy, DNS policy, grace period, an empty pod securityContext, ...) no
// check reads.
func applyAPIServerDefaults(spec *corev1.PodSpec) {
	for i := range spec.Volumes {
		if ptr.AllPtrFieldsNil(&spec.Volumes[i].VolumeSource) {
			spec.Volumes[i].VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
		}
	}
	if !spec.HostNetwork {
		return
	}
	for _, containers := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range containers {
			for j := range containers[i].Ports {
				if p := &containers[i].Ports[j]; p.HostPort == 0 {
					p.HostPort = p.ContainerPort
				}
			}
		}
	}
}
