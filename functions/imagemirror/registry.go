package imagemirror

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// tagAndDigest is the ":tag@digest" end of a reference, either part
// missing when the reference has none.
func tagAndDigest(named reference.Named) string {
	var s string
	if t, ok := named.(reference.Tagged); ok {
		s += ":" + t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		s += "@" + d.Digest().String()
	}
	return s
}

// hostComponent turns a registry host into a repository path component:
// lower case, and the port's colon as an underscore (which a host never
// has, so the mirror path can be read back).
func hostComponent(domain string) string {
	return strings.Replace(strings.ToLower(domain), ":", "_", 1)
}

// destination is where an image is mirrored: <mirror>/<registry>/<path>,
// tag and digest kept.
func destination(mirror string, named reference.Named) (reference.Named, error) {
	s := mirror + "/" + hostComponent(reference.Domain(named)) + "/" + reference.Path(named) + tagAndDigest(named)
	dst, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return nil, fmt.Errorf("the mirrored name %q is not a valid reference: %v", s, err)
	}
	return dst, nil
}

// sourceOf reads back the original of an image under the mirror, as
// destination wrote it; false when the path is not one it writes.
func sourceOf(mirror string, named reference.Named) (reference.Named, bool) {
	rest := strings.TrimPrefix(named.Name(), mirror+"/")
	host, path, found := strings.Cut(rest, "/")
	if !found || !(strings.ContainsAny(host, "._") || host == "localhost") {
		return nil, false
	}
	src, err := reference.ParseNormalizedNamed(strings.Replace(host, "_", ":", 1) + "/" + path + tagAndDigest(named))
	if err != nil || reference.Domain(src) != strings.Replace(host, "_", ":", 1) {
		return nil, false
	}
	if dst, err := destination(mirror, src); err != nil || dst.String() != named.String() {
		return nil, false
	}
	return src, true
}
