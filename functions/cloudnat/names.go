package cloudnat

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxNameLength is GCP's limit on resource names (RFC 1035 labels).
const maxNameLength = 63

// gcpName names a generated object, which is also its GCP name: the stem
// (a network or cluster name) and what the object is, such as
// "us-central1-router". GCP wants lower-case letters, digits and hyphens,
// starting with a letter, at most 63 characters. Kubernetes names may hold
// dots or start with a digit, so those are mended. When the name would be
// too long the stem is cut and a hash of the whole stem put in its place,
// so that what the object is still reads at the end, two long stems that
// share a beginning still differ, and the same input gives the same name.
func gcpName(stem string, what ...string) string {
	tail := strings.Join(what, "-")
	s := sanitize(stem)
	if len(s)+1+len(tail) <= maxNameLength {
		return s + "-" + tail
	}
	hash := shortHash(stem)
	keep := max(maxNameLength-len(tail)-len(hash)-2, 1)
	return strings.TrimRight(s[:min(keep, len(s))], "-") + "-" + hash + "-" + tail
}

// sanitize turns a Kubernetes name into the start of a GCP name.
func sanitize(name string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '-'
	}, name)
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "n" + s
	}
	return strings.TrimRight(s, "-")
}

// shortHash is 8 hex digits of the SHA-256 of s.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}
