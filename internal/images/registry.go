package images

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/distribution/reference"
)

// GoogleRegistryDomain returns the domain a Google registry host is
// under: gcr.io for Container Registry (gcr.io itself, us.gcr.io, ...),
// pkg.dev for Artifact Registry (us-docker.pkg.dev, ...). Private nodes
// reach those registries through Private Google Access once DNS sends the
// domain to the Google API VIP, which is why the domain, not the host, is
// what a private zone is made for: "route requests to the pkg.dev and
// gcr.io domains" (https://cloud.google.com/artifact-registry/docs/gke-private-clusters).
// False for any other host.
func GoogleRegistryDomain(host string) (string, bool) {
	switch {
	case host == "gcr.io" || strings.HasSuffix(host, ".gcr.io"):
		return "gcr.io", true
	case strings.HasSuffix(host, ".pkg.dev"):
		return "pkg.dev", true
	}
	return "", false
}

// Reach says how private nodes pull an image, or that they cannot.
type Reach int

const (
	// Unreachable: nothing takes the nodes to the image's registry.
	Unreachable Reach = iota
	// FromMirror: the image is under the mirror, where image-mirror copies
	// images to.
	FromMirror
	// FromGoogle: the image is in a Google registry (GoogleRegistryDomain).
	FromGoogle
	// FromAllowed: an allowedRegistries entry covers the image.
	FromAllowed
)

// Reachable decides whether private nodes can pull the image, and how:
// the one place where image-mirror (what to copy) and lint (what to
// report) decide it, so that they never disagree. The mirror is asked
// first: it is often itself in Artifact Registry, and image-mirror needs to
// know that an image is a copy under it. mirror is normalized
// (NormalizeMirror); "" means none.
func Reachable(named reference.Named, mirror string, allowed []string) Reach {
	switch {
	case underMirror(mirror, named):
		return FromMirror
	case IsGoogleRegistry(reference.Domain(named)):
		return FromGoogle
	case slices.ContainsFunc(allowed, func(entry string) bool { return covers(entry, named) }):
		return FromAllowed
	}
	return Unreachable
}

// IsGoogleRegistry tells whether host is a Google registry's
// (GoogleRegistryDomain).
func IsGoogleRegistry(host string) bool {
	_, ok := GoogleRegistryDomain(host)
	return ok
}

// covers tells whether an allowedRegistries entry covers the image: a
// host (quay.io, the port included), a wildcard host (*.example.com: its
// subdomains, not itself) or a repository prefix (docker.io/mycompany).
func covers(entry string, named reference.Named) bool {
	domain := reference.Domain(named)
	if wildcard, ok := strings.CutPrefix(entry, "*."); ok {
		return strings.HasSuffix(domain, "."+wildcard)
	}
	if !strings.Contains(entry, "/") {
		return domain == entry
	}
	return named.Name() == entry || strings.HasPrefix(named.Name(), entry+"/")
}

// underMirror tells whether an image already lives under the mirror.
func underMirror(mirror string, named reference.Named) bool {
	return mirror != "" && strings.HasPrefix(named.Name(), mirror+"/")
}

// NormalizeMirror is the mirror repository as both functions compare
// images with it: blanks around it and a final slash dropped.
func NormalizeMirror(m string) string {
	return strings.TrimSuffix(strings.TrimSpace(m), "/")
}

// CheckMirror says what is wrong with a mirror repository, or "".
func CheckMirror(m string) string {
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

// CheckAllowed says what is wrong with an allowedRegistries entry, or "".
func CheckAllowed(r string) string {
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
