package imagemirror

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/distribution/reference"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
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
type ImagePath struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	Path  string `json:"path"`
}

var segment = regexp.MustCompile(`^[A-Za-z0-9_-]+(\[\])?$`)

// Validate checks every field before anything runs; the mirror is
// normalized (a final slash dropped).
func (c *ImageMirror) Validate(src fnconfig.Source, res *results.Collector) {
	c.Mirror = strings.TrimSuffix(strings.TrimSpace(c.Mirror), "/")
	switch {
	case c.Mirror == "" && !c.CheckOnly:
		src.Error(res, "mirror", "set mirror to a repository the private nodes can pull from, for example us-docker.pkg.dev/PROJECT/mirror (or set checkOnly: true to only report)")
	case c.Mirror != "":
		if problem := checkMirror(c.Mirror); problem != "" {
			src.Error(res, "mirror", "%s", problem)
		}
	}
	for i, r := range c.AllowedRegistries {
		if problem := checkAllowed(r); problem != "" {
			src.Error(res, fmt.Sprintf("allowedRegistries[%d]", i), "%s", problem)
		}
	}
	for i, p := range c.ImagePaths {
		field := fmt.Sprintf("imagePaths[%d]", i)
		if p.Kind == "" {
			src.Error(res, field+".kind", "give the kind whose image field this is, for example ClusterServingRuntime")
		}
		if _, problem := parsePath(p.Path); problem != "" {
			src.Error(res, field+".path", "%s", problem)
		}
	}
}

// checkMirror says what is wrong with a mirror repository, or "".
func checkMirror(m string) string {
	named, err := reference.ParseNamed(m)
	if err != nil {
		return fmt.Sprintf("%q is not a registry/repository path such as us-docker.pkg.dev/PROJECT/mirror: %v", m, err)
	}
	if _, tagged := named.(reference.Tagged); tagged {
		return fmt.Sprintf("%q has a tag: give the repository only, such as us-docker.pkg.dev/PROJECT/mirror", m)
	}
	if _, digested := named.(reference.Digested); digested {
		return fmt.Sprintf("%q has a digest: give the repository only, such as us-docker.pkg.dev/PROJECT/mirror", m)
	}
	if !strings.HasPrefix(m, reference.Domain(named)+"/") {
		return fmt.Sprintf("%q does not start with a registry host: write it like us-docker.pkg.dev/PROJECT/mirror", m)
	}
	return ""
}

var hostPart = regexp.MustCompile(`^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?$`)

// checkAllowed says what is wrong with an allowedRegistries entry, or "".
func checkAllowed(r string) string {
	host, rest, _ := strings.Cut(r, "/")
	switch {
	case r == "":
		return "empty entry: give a registry host such as quay.io"
	case strings.Contains(r, "://"):
		return fmt.Sprintf("%q: give the registry without a scheme, such as quay.io", r)
	case !hostPart.MatchString(host):
		return fmt.Sprintf("%q: start with a registry host in lower case (quay.io, registry.internal:5000, *.example.com)", r)
	case rest != "" && strings.HasPrefix(host, "*."):
		return fmt.Sprintf("%q: a wildcard host cannot have a repository path", r)
	case rest != "":
		if _, err := reference.ParseNormalizedNamed(r); err != nil || strings.ContainsAny(rest, ":@") {
			return fmt.Sprintf("%q is not a registry host or repository prefix such as docker.io/mycompany", r)
		}
	}
	return ""
}

// parsePath splits spec.containers[].image into its segments.
func parsePath(p string) ([]pathSegment, string) {
	if p == "" {
		return nil, "empty path: give the image field, for example spec.containers[].image"
	}
	var out []pathSegment
	for _, s := range strings.Split(p, ".") {
		if !segment.MatchString(s) {
			return nil, fmt.Sprintf("%q is not a field path such as spec.containers[].image: segment %q", p, s)
		}
		name, list := strings.CutSuffix(s, "[]")
		out = append(out, pathSegment{name: name, list: list})
	}
	return out, ""
}

type pathSegment struct {
	name string
	list bool
}
