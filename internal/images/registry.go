package images

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/distribution/reference"
)

// GoogleRegistry tells whether private nodes reach domain through Private
// Google Access: gcr.io, *.gcr.io and Artifact Registry's *.pkg.dev.
func GoogleRegistry(domain string) bool {
	return domain == "gcr.io" || strings.HasSuffix(domain, ".gcr.io") || strings.HasSuffix(domain, ".pkg.dev")
}

// Allowed tells whether an allowedRegistries entry covers the image.
func Allowed(entry string, named reference.Named) bool {
	domain := reference.Domain(named)
	if wildcard, ok := strings.CutPrefix(entry, "*."); ok {
		return strings.HasSuffix(domain, "."+wildcard)
	}
	if !strings.Contains(entry, "/") {
		return domain == entry
	}
	return named.Name() == entry || strings.HasPrefix(named.Name(), entry+"/")
}

// UnderMirror tells whether an image already lives under the mirror.
func UnderMirror(mirror string, named reference.Named) bool {
	return mirror != "" && strings.HasPrefix(named.Name(), mirror+"/")
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
