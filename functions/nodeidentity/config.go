package nodeidentity

import (
	"strings"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "NodeIdentity"

// NodeIdentity is the function config (spec of kind NodeIdentity, or the
// same keys in a ConfigMap's data). Every field is optional.
type NodeIdentity struct {
	// Repository names the ArtifactRegistryRepository of the package the
	// nodes pull images from ("name" or "namespace/name"); the node
	// accounts may read it and no other. It may be left out when the
	// package has one repository of format DOCKER.
	Repository string `json:"repository,omitempty"`
}

// Validate checks the form of the repository name before anything runs;
// whether the package holds it is checked by the run.
func (c *NodeIdentity) Validate(src fnconfig.Source, res *results.Collector) {
	if c.Repository == "" {
		return
	}
	// An object is named by DNS subdomain, its namespace by DNS label
	// (RFC 1123, no dots):
	// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
	if ns, name := splitKey(c.Repository); !gcp.IsDNSSubdomain(name) || (ns != "" && !gcp.IsDNSLabel(ns)) {
		src.Error(res, "repository", "%q is not an object name: give the ArtifactRegistryRepository's metadata.name, or namespace/name", c.Repository)
	}
}

// splitKey splits "namespace/name" (or just "name").
func splitKey(key string) (namespace, name string) {
	if ns, n, found := strings.Cut(key, "/"); found {
		return ns, n
	}
	return "", key
}
