package podsecurity

import (
	"fmt"
	"slices"
	"strings"

	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/lockdown-krm/lockdown/internal/pssconfig"
)

// KyvernoVersion is the Kyverno release whose ClusterPolicy CRD the
// policies are written for and validated against.
const KyvernoVersion = "v1.15.2"

// KyvernoInstall is the install step for that release: chart 3.5.2 is
// the one whose appVersion is v1.15.2 (charts/kyverno/Chart.yaml of the
// Kyverno module at that tag), installed as that chart's README says.
const KyvernoInstall = "helm repo add kyverno https://kyverno.github.io/kyverno/ && helm install kyverno --namespace kyverno --create-namespace kyverno/kyverno --version 3.5.2"

// Kyverno's CRD accepts podSecurity.version v1.19 to v1.29, or latest.
var (
	kyvernoOldest = psaapi.MajorMinorVersion(1, 19)
	kyvernoNewest = psaapi.MajorMinorVersion(1, 29)
)

// kyvernoVersion returns the podSecurity.version that evaluates the
// standard at version exactly as configured. A version newer than the
// CRD's newest is written as that newest one when no check of
// pod-security-admission changed in between (v1.30 is v1.29's standard);
// otherwise Kyverno cannot pin it, and the error says what to do.
func kyvernoVersion(version pssconfig.Version) (written string, err error) {
	v := version.Version
	if v.Latest() {
		return "latest", nil
	}
	switch {
	case v.Older(kyvernoOldest):
		return "", fmt.Errorf("version %s is older than Kyverno's podSecurity accepts (%s to %s, or latest): pin %s or later, or use output %s",
			version.Text, kyvernoOldest, kyvernoNewest, kyvernoOldest, "psa-labels")
	case !kyvernoNewest.Older(v):
		return v.String(), nil
	}
	if change, changed := lastChange(v); changed && kyvernoNewest.Older(change.version) {
		return "", fmt.Errorf("version %s cannot be pinned in a Kyverno %s policy: its podSecurity accepts %s to %s, or latest, and the standard changed after %s (check %s at %s); use latest, %s or older, or output psa-labels",
			version.Text, KyvernoVersion, kyvernoOldest, kyvernoNewest, kyvernoNewest, change.check, change.version, kyvernoNewest)
	}
	return kyvernoNewest.String(), nil
}

type checkChange struct {
	check   policy.CheckID
	version psaapi.Version
}

// lastChange returns the newest version, up to v, at which a check of the
// Pod Security Standards changed, by pod-security-admission's registry.
func lastChange(v psaapi.Version) (checkChange, bool) {
	var changes []checkChange
	for _, c := range policy.DefaultChecks() {
		for _, vc := range c.Versions {
			if !v.Older(vc.MinimumVersion) {
				changes = append(changes, checkChange{c.ID, vc.MinimumVersion})
			}
		}
	}
	if len(changes) == 0 {
		return checkChange{}, false
	}
	return slices.MaxFunc(changes, func(a, b checkChange) int {
		switch {
		case a.version.Older(b.version):
			return -1
		case b.version.Older(a.version):
			return 1
		}
		return strings.Compare(string(b.check), string(a.check)) // the first ID of the newest version
	}), true
}
