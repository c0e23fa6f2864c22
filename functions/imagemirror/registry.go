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

// readsBackAsHost tells whether a mirror path component written by
// hostComponent is read back as a host: it has a dot or a port (an
// underscore here), or is localhost, the rules by which a reference's
// first component is a host (github.com/distribution/reference,
// splitDockerDomain) once capitals are gone. A host that is one only for
// its capitals ("UPPER/case") does not, so destination refuses it rather
// than writing a copy that the next run would not know as its own.
func readsBackAsHost(component string) bool {
	return strings.ContainsAny(component, "._") || component == "localhost"
}

// destination is where an image is mirrored: <mirror>/<registry>/<path>,
// tag and digest kept.
func destination(mirror string, named reference.Named) (reference.Named, error) {
	if host := reference.Domain(named); !readsBackAsHost(hostComponent(host)) {
		return nil, fmt.Errorf("its first component %s is read as a registry host only because it has capitals (a Docker Hub path is lower case), and the mirror's lower-case copy would read back as a Docker Hub path: if you mean Docker Hub's %s, write it in lower case; if %s is a registry, write its full host name",
			host, strings.ToLower(host)+"/"+reference.Path(named), host)
	}
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
	if !found || !readsBackAsHost(host) {
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
