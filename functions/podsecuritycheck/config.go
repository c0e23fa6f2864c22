package podsecuritycheck

import "github.com/lockdown-krm/lockdown/internal/pssconfig"

// Kind is the typed config kind of this function. It is the kind of the
// pod-security generator too: one PodSecurity object configures both, so
// that the check applies the standard the generated policies enforce.
const Kind = pssconfig.Kind

// Enforcement actions.
const (
	Deny = pssconfig.Deny
	Warn = pssconfig.Warn
)

// Config is the function config, shared with pod-security
// (internal/pssconfig): level, version, enforcementAction, the
// exemptions and podTemplatePaths are this function's;
// validationFailureAction and output are validated but only the
// generator uses them.
type Config = pssconfig.PodSecurity

// PodTemplatePath says where a custom resource keeps its pod spec.
type PodTemplatePath = pssconfig.PodTemplatePath
