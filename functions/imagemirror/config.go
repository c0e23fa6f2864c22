package imagemirror

import (
	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/images"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "ImageMirror"

// ImageMirror is the function config (spec of kind ImageMirror, or the
// keys mirror, allowedRegistries, checkOnly and parallel in a ConfigMap).
type ImageMirror struct {
	// Mirror is the repository images are copied under, for example
	// us-docker.pkg.dev/my-project/mirror. Required unless checkOnly.
	Mirror string `json:"mirror,omitempty"`
	// AllowedRegistries the private nodes can reach besides gcr.io,
	// *.gcr.io and *.pkg.dev: a registry host (quay.io,
	// registry.internal:5000), a wildcard host (*.example.com) or a
	// repository prefix (docker.io/mycompany).
	AllowedRegistries []string `json:"allowedRegistries,omitempty"`
	// CheckOnly rewrites nothing and reports an error per image the nodes
	// cannot pull.
	CheckOnly bool `json:"checkOnly,omitempty"`
	// Parallel makes every Cloud Build step start at once (waitFor: ['-']).
	// Default true.
	Parallel *bool `json:"parallel,omitempty"`
	// ImagePaths names more image fields in custom resources, added to the
	// built-in ones (pod templates, KServe runtimes, Knative Image).
	ImagePaths []ImagePath `json:"imagePaths,omitempty"`
}

// ImagePath is an image field of a kind: path is dotted, with [] after a
// list, for example spec.containers[].image.
type ImagePath = images.Path

// Validate checks every field before anything runs; the mirror is
// normalized (a final slash dropped).
func (c *ImageMirror) Validate(src fnconfig.Source, res *results.Collector) {
	c.Mirror = images.NormalizeMirror(c.Mirror)
	switch {
	case c.Mirror == "" && !c.CheckOnly:
		src.Error(res, "mirror", "set mirror to a repository the private nodes can pull from, for example us-docker.pkg.dev/PROJECT/mirror (or set checkOnly: true to only report)")
	case c.Mirror != "":
		if problem := images.CheckMirror(c.Mirror); problem != "" {
			src.Error(res, "mirror", "%s", problem)
		}
	}
	for i, r := range c.AllowedRegistries {
		if problem := images.CheckAllowed(r); problem != "" {
			src.Error(res, fnconfig.Index("allowedRegistries", i), "%s", problem)
		}
	}
	for i, p := range c.ImagePaths {
		field := fnconfig.Index("imagePaths", i)
		if p.Kind == "" {
			src.Error(res, field+".kind", "give the kind whose image field this is, for example ClusterServingRuntime")
		}
		if problem := images.CheckPath(p.Path); problem != "" {
			src.Error(res, field+".path", "%s", problem)
		}
	}
}
