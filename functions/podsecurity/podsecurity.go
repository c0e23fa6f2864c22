// Package podsecurity is the pod-security generator: for the configured
// Pod Security Standard (baseline or restricted, at a version) it writes
// one Kyverno ClusterPolicy per control, each a podSecurity subrule that
// evaluates that control alone, and/or the Pod Security Admission labels
// of the package's Namespaces, with the exemptions of the config. Its
// config, kind PodSecurity, is pod-security-check's too, so the validator
// checks at render time what the cluster will enforce.
package podsecurity

import (
	_ "embed"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/pssconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Name is the function's name, as in its image and binary.
const Name = "pod-security"

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
	return krmfn.Generator[pssconfig.PodSecurity]{
		Name:     Name,
		Kind:     pssconfig.Kind,
		Defaults: pssconfig.Defaults,
		Plan:     plan,
	}.Processor()
}

func plan(run *krmfn.Run[pssconfig.PodSecurity]) krmfn.Plan {
	in, cfg := run.Input, run.Config
	var desired []*fn.KubeObject
	kyverno := cfg.Output == pssconfig.OutputKyverno || cfg.Output == pssconfig.OutputBoth
	if kyverno {
		version, err := kyvernoVersion(cfg.Version)
		if err != nil {
			in.Source.Error(in.Results, "version", "%v", err)
			return krmfn.Plan{}
		}
		if version != cfg.Version.Text {
			in.Results.Info(in.Source.Object, in.Source.Field("version"), "the Kyverno policies say version %s: Kyverno %s accepts no newer pinned version, and the standard is the same at %s and %s",
				version, KyvernoVersion, version, cfg.Version.Text)
		}
		desired = policies(cfg, version, in.Results)
	}
	var plans []*namespacePlan
	if cfg.Output == pssconfig.OutputPSALabels || cfg.Output == pssconfig.OutputBoth {
		plans = planNamespaces(in.Items, cfg, in.Results)
	}
	return krmfn.Plan{Desired: desired, Finish: func(fn.KubeObjects) {
		for _, p := range plans {
			if err := p.apply(); err != nil {
				in.Results.Report(fn.Error, p.subject, "metadata.labels", "cannot write the Pod Security Admission labels: %v", err)
			}
		}
		report(in, kyverno, len(desired), plans)
	}}
}

// report says what was written and which exemptions apply, with their
// reasons, so that a reviewer of the render sees every exemption.
func report(in krmfn.Input[pssconfig.PodSecurity], kyverno bool, policies int, plans []*namespacePlan) {
	cfg, res := in.Config, in.Results
	for i, e := range cfg.ExemptNamespaces {
		field := in.Source.Field(fnconfig.Index("exemptNamespaces", i))
		if in.Source.IsConfigMap() {
			field = in.Source.Field("exemptNamespaces") // one text, "ns=reason,ns2=reason2"
		}
		res.Info(in.Source.Object, field, "namespace %s is exempt: %s", e.Namespace, e.Reason)
	}
	for i, e := range cfg.ExemptNames {
		res.Info(in.Source.Object, in.Source.Field(fnconfig.Index("exemptNames", i)), "name %s is exempt (in Kyverno also %s-*, what its controller creates): %s", e.Name, e.Name, e.Reason)
	}
	for i, e := range cfg.ExemptLabels {
		res.Info(in.Source.Object, in.Source.Field(fnconfig.Index("exemptLabels", i)), "labels %s are exempt: %s", e.Selector.Text, e.Reason)
	}
	lv := cfg.LevelVersion()
	if kyverno {
		res.Info(nil, "", "%d Kyverno ClusterPolicies for the %s Pod Security Standard, failureAction %s", policies, lv, cfg.ValidationFailureAction)
		if policies > 0 {
			res.Info(nil, "", "the ClusterPolicies need Kyverno %s in the cluster before they are applied (without it kpt live apply fails on their kind, and nothing is enforced): %s", KyvernoVersion, KyvernoInstall)
		}
		warnBroadNames(in.Items, cfg, res)
	}
	if cfg.Output == pssconfig.OutputKyverno {
		return
	}
	if len(plans) == 0 {
		res.Info(nil, "", "no Namespace object in the package: no Pod Security Admission label written; declare the namespaces to label them")
		return
	}
	for _, p := range plans {
		res.Report(fn.Info, p.subject, "metadata.labels", "%s", p.summary())
	}
	warnUnexpressible(in.Items, cfg, plans, res)
}

// warnBroadNames warns about workloads of the package that Kyverno
// exempts only through the name-* pattern of a name exemption, which
// pod-security-check does not exempt: the two would disagree on them.
func warnBroadNames(items fn.KubeObjects, cfg *pssconfig.PodSecurity, res *results.Collector) {
	for _, obj := range items {
		if _, workload := pssconfig.TemplatePath(obj, cfg.PodTemplatePaths); !workload {
			continue
		}
		if _, exempt := cfg.Exemption(obj); exempt {
			continue
		}
		for _, e := range cfg.ExemptNames {
			if strings.HasPrefix(obj.GetName(), e.Name+"-") {
				res.Warning(obj, "metadata.name", "%s is exempt from the Kyverno policies through %s-* (meant for what %s's controller creates), but not from pod-security-check: rename it, or exempt it by its own name with a reason",
					results.Describe(obj), e.Name, e.Name)
			}
		}
	}
}
