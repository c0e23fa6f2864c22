package bastion

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Limits GCP puts on the names of what bastion generates.
const (
	maxGCEName     = 63 // instances, addresses
	maxAccountID   = 30 // service account ids (and at least 6)
	instanceSuffix = "-bastion"
	addressSuffix  = "-bastion-ip"
	hashLength     = 6
	namePrefix     = "c-" // before a cluster name that does not start with a letter
)

// names are the names of one bastion's objects, all derived from the
// cluster's name so that each run, and each machine, picks the same ones.
type names struct {
	instance       string // ComputeInstance, and the authorized network's displayName
	address        string // ComputeAddress
	serviceAccount string // IAMServiceAccount (its account id)
	logWriter      string // IAMPolicyMembers
	metricWriter   string
}

func namesFor(cluster string) names {
	instance := gcpName(cluster, instanceSuffix, maxGCEName)
	return names{
		instance:       instance,
		address:        gcpName(cluster, addressSuffix, maxGCEName),
		serviceAccount: gcpName(cluster, instanceSuffix, maxAccountID),
		logWriter:      instance + "-log-writer",
		metricWriter:   instance + "-metric-writer",
	}
}

// gcpName builds prefix+suffix as a name GCP accepts (lower-case letters,
// digits and hyphens, starting with a letter) of at most max characters.
// A Kubernetes name may hold dots or start with a digit, so those are
// mended; a prefix too long is cut and followed by a hash of the whole
// name, so that two long cluster names that share a beginning still get
// different names.
func gcpName(prefix, suffix string, max int) string {
	clean := sanitize(prefix)
	if len(clean)+len(suffix) <= max {
		return clean + suffix
	}
	sum := sha256.Sum256([]byte(prefix))
	hash := "-" + hex.EncodeToString(sum[:])[:hashLength]
	keep := max - len(suffix) - len(hash)
	return strings.TrimRight(clean[:keep], "-") + hash + suffix
}

func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = namePrefix + s
	}
	return s
}
