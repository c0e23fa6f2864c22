package pssconfig

import (
	"fmt"

	psaapi "k8s.io/pod-security-admission/api"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
)

// Version is the version of the standard a config pins: a Kubernetes
// minor (v1.30) or latest. Text is as written, which is what the labels
// and messages show; Version is what it names, once the config is loaded.
// An empty text is no version either (Err): the field has a default, so
// "" can only be written on purpose.
type Version struct {
	fnconfig.Scalar
	Version psaapi.Version
}

var _ fnconfig.Value = &Version{}

// LatestVersion is the default version, parsed already: without a config
// fnconfig.Load parses nothing.
func LatestVersion() Version { return fnconfig.ValueOf[Version]("latest") }

// Parse implements fnconfig.Value.
func (v *Version) Parse() {
	parsed, err := psaapi.ParseVersion(v.Text)
	v.Version = parsed
	v.SetErr(nil)
	if err != nil {
		v.SetErr(fmt.Errorf("unknown version %q: %v, for example v1.30 or latest", v.Text, err))
	}
}
