package podsecuritycheck

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/pssconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Reads tells the validator fast path (krmfn.MainValidator) which items
// the check reads: the built-in workload kinds and the kinds of the
// config's podTemplatePaths, by kind alone (FindTemplates then matches
// the group or apiVersion as always). For a config that does not load,
// the processor reports the errors and reads no item: the defaults do.
func Reads(functionConfig *fn.KubeObject) func(kind string) bool {
	cfg := pssconfig.Defaults()
	var ignored results.Collector // the processor reports them
	if _, loaded := fnconfig.Load(functionConfig, Kind, &cfg, &ignored); !loaded {
		cfg = pssconfig.Defaults()
	}
	kinds := map[string]bool{}
	for _, p := range pssconfig.BuiltinTemplates {
		kinds[p.Kind] = true
	}
	for _, p := range cfg.PodTemplatePaths {
		kinds[p.Kind] = true
	}
	return func(kind string) bool { return kinds[kind] }
}
