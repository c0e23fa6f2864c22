package lint

import (
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/images"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "Lint"

// Lint is the function config (spec of kind Lint, or the same keys in a
// ConfigMap's data; lists there are comma-separated).
type Lint struct {
	// AllowedRegistries the private nodes can pull from besides gcr.io,
	// *.gcr.io, *.pkg.dev and the mirror: a registry host (quay.io), a
	// wildcard host (*.example.com) or a repository prefix
	// (docker.io/mycompany), as image-mirror takes them.
	AllowedRegistries []string `json:"allowedRegistries,omitempty"`
	// Mirror is the repository image-mirror copies images to; images under
	// it are reachable.
	Mirror string `json:"mirror,omitempty"`
	// Disable lists checks to skip, by name (see Checks).
	Disable []string `json:"disable,omitempty"`
	// WarnOnly reports every finding of a check as a warning, so that the
	// package renders while its problems are being fixed.
	WarnOnly bool `json:"warnOnly,omitempty"`
}

// Validate checks every field before anything runs; the mirror is
// normalized (a final slash dropped).
func (c *Lint) Validate(src fnconfig.Source, res *results.Collector) {
	c.Mirror = images.NormalizeMirror(c.Mirror)
	if c.Mirror != "" {
		if problem := images.CheckMirror(c.Mirror); problem != "" {
			src.Error(res, "mirror", "%s", problem)
		}
	}
	for i, r := range c.AllowedRegistries {
		if problem := images.CheckAllowed(r); problem != "" {
			src.Error(res, fnconfig.Index("allowedRegistries", i), "%s", problem)
		}
	}
	names := CheckNames()
	for i, d := range c.Disable {
		if !slices.Contains(names, d) {
			src.Error(res, fnconfig.Index("disable", i), "unknown check %q: the checks are %s", d, strings.Join(names, ", "))
		}
	}
}

// disabled tells whether the check called name is to be skipped.
func (c *Lint) disabled(name string) bool { return slices.Contains(c.Disable, name) }
