package gcp

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Name limits.
const (
	// MaxNameLength is the longest name GCP gives most resources
	// (instances, addresses, firewall rules, routes, zones, network tags):
	// an RFC 1035 label.
	MaxNameLength = 63
	// MaxAccountIDLength is the longest service account id.
	MaxAccountIDLength = 30
	// NameHashLength is how many hex digits of a SHA-256 a shortened name
	// carries.
	NameHashLength = 6
)

// ClusterLead goes before a cluster name that does not start with a letter.
const ClusterLead = "c-"

// Namer makes GCP resource names from Kubernetes names. GCP wants lower-case
// letters, digits and hyphens, starting with a letter and not ending with a
// hyphen; a Kubernetes name may hold dots or upper-case letters (in a
// config) and start with a digit, so those are mended.
type Namer struct {
	// Max is the longest name: MaxNameLength when 0.
	Max int
	// Lead goes before a stem that does not start with a letter, such as
	// "c-" for a cluster; it must start with a letter.
	Lead string
}

// Name is "<stem>-<suffix>-<suffix>..." (empty suffixes left out), a valid
// GCP name of at most Max characters. The suffixes say what the object is,
// so they are kept whole: when the name would be too long, the stem is cut
// and followed by NameHashLength hex digits of the SHA-256 of the stem as
// given. The same input always gives the same name, and two long stems that
// share their beginning still give different names. Only when the suffixes
// leave no room for a stem and a hash is the whole name cut instead, ending
// in a hash of all of it.
func (n Namer) Name(stem string, suffix ...string) string {
	limit := n.limit()
	head := n.Sanitize(stem)
	var parts []string
	for _, s := range suffix {
		if s != "" {
			parts = append(parts, s)
		}
	}
	tail := strings.TrimRight(mapChars(strings.Join(parts, "-")), "-")
	name := head
	if tail != "" {
		name += "-" + tail
	}
	if len(name) <= limit {
		return name
	}
	if tail == "" {
		return WithHash(head, stem, limit)
	}
	if room := limit - len("-") - len(tail); room >= len("a-")+NameHashLength {
		return WithHash(head, stem, room) + "-" + tail
	}
	return WithHash(name, stem+"-"+strings.Join(parts, "-"), limit)
}

// Sanitize turns s into the start of a GCP name: lower case, every
// character other than a letter, digit or hyphen made a hyphen, no
// hyphen at the end, and Lead in front when it does not start with a
// letter. It does not shorten s.
func (n Namer) Sanitize(s string) string {
	s = strings.TrimRight(mapChars(s), "-")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = strings.TrimRight(n.Lead+s, "-")
	}
	return s
}

func (n Namer) limit() int {
	if n.Max <= 0 {
		return MaxNameLength
	}
	return n.Max
}

// WithHash is s cut to leave room for a hyphen and NameHashLength hex
// digits of the SHA-256 of key, which follow it: at most limit characters.
// The hash is added even when s is short, which keeps apart two names that
// would otherwise be the same (key says what each stands for).
func WithHash(s, key string, limit int) string {
	suffix := "-" + Hash(key, NameHashLength)
	if keep := max(limit-len(suffix), 0); len(s) > keep {
		s = s[:keep]
	}
	return strings.TrimRight(s, "-") + suffix
}

// Hash is the first digits hex digits of the SHA-256 of s (at most 64).
func Hash(s string, digits int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:digits]
}

// ClusterName is "<cluster>-<suffix>...", a valid GCP name of at most 63
// characters, for what is generated for a cluster: its firewall rules,
// its bastion.
func ClusterName(cluster string, suffix ...string) string {
	return Namer{Lead: ClusterLead}.Name(cluster, suffix...)
}

// BastionTag is the default network tag of a cluster's bastion, which
// bastion puts on the instance and cluster-firewall's IAP SSH rule targets:
// both must compute it here, so that they agree for every cluster name.
// (Both refuse a cluster name that would need mending, such as one that
// starts with a digit, rather than use the mended tag.)
func BastionTag(cluster string) string {
	return ClusterName(cluster, "bastion")
}

// mapChars lower-cases ASCII letters and makes every character other than
// a-z, 0-9 and '-' a hyphen.
func mapChars(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '-'
	}, s)
}
