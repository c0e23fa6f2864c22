package lint

import (
	"github.com/distribution/reference"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/images"
)

// unreachableImages is the unreachable-image check. It catches every image
// field, as image-mirror finds them, whose image comes from a registry the
// private nodes cannot reach: not Google's (gcr.io, *.gcr.io, *.pkg.dev,
// through Private Google Access), not the mirror, not one of
// allowedRegistries (images.Reachable decides, as it does for
// image-mirror). Private nodes have no way to the internet, so the pod
// would stay in ImagePullBackOff. The user runs image-mirror, which copies
// the image to the mirror and rewrites the field, or lists the registry in
// allowedRegistries if the nodes reach it another way.
func unreachableImages(l *linter) []finding {
	var out []finding
	for _, u := range l.images() {
		if images.Reachable(u.Named, l.cfg.Mirror, l.cfg.AllowedRegistries) != images.Unreachable {
			continue
		}
		out = append(out, findingOn(fn.Error, u.Subject, u.Field.Path,
			"%s pulls %q from %s, which private nodes cannot reach: run image-mirror (it copies the image to the mirror and rewrites this field), or list the registry in allowedRegistries if the nodes reach it another way",
			u.Subject.DescribeInFile("an object"), u.Field.Node.Value, reference.Domain(u.Named)))
	}
	return out
}
