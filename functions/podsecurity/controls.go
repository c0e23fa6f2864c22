package podsecurity

import (
	"slices"

	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// scope says where a control looks, which decides how Kyverno's
// podSecurity.exclude must name it: a pod-level control without images,
// a container-level control with images, a control that looks at both
// with one entry of each (Kyverno's policy validation refuses the other
// combinations).
type scope int

const (
	podLevel scope = iota
	containerLevel
	podAndContainerLevel
)

// control is one control of the Pod Security Standards, as Kyverno's
// podSecurity subrule names it, and the ClusterPolicy that enforces it
// alone.
type control struct {
	// Policy is the ClusterPolicy's name, as in Kyverno's policy library.
	Policy string
	// Name is Kyverno's controlName.
	Name string
	// Level is the level of the standard that brings the control in.
	Level psaapi.Level
	Scope scope
	// Title and Description are shown to reviewers and in policy reports.
	Title, Description string
	// Checks are the checks of k8s.io/pod-security-admission that the
	// policy enforces (by Kyverno's mapping of control names to check IDs,
	// which a test holds this table to), at Level.
	Checks []policy.CheckID
}

// controls are the policies of the baseline standard, then those the
// restricted standard adds. Two restricted policies share a control name
// with a baseline one: Capabilities and Seccomp are stricter at
// restricted, so the strict policy evaluates the control at that level.
var controls = []control{
	{"disallow-capabilities", "Capabilities", psaapi.LevelBaseline, containerLevel, "Disallow Capabilities",
		"Containers may add only the Linux capabilities of the baseline standard's default set.", []policy.CheckID{"capabilities_baseline"}},
	{"disallow-host-namespaces", "Host Namespaces", psaapi.LevelBaseline, podLevel, "Disallow Host Namespaces",
		"Pods may not share the node's network, process or IPC namespace (hostNetwork, hostPID, hostIPC).", []policy.CheckID{"hostNamespaces"}},
	{"disallow-host-path", "HostPath Volumes", psaapi.LevelBaseline, podLevel, "Disallow hostPath",
		"Pods may not mount hostPath volumes, which expose the node's file system.", []policy.CheckID{"hostPathVolumes"}},
	{"disallow-host-ports", "Host Ports", psaapi.LevelBaseline, containerLevel, "Disallow hostPorts",
		"Containers may not bind ports of the node (hostPort).", []policy.CheckID{"hostPorts"}},
	{"disallow-host-process", "HostProcess", psaapi.LevelBaseline, podAndContainerLevel, "Disallow HostProcess",
		"Windows pods may not run HostProcess containers, which have the node's privileges.", []policy.CheckID{"windowsHostProcess"}},
	{"disallow-privileged-containers", "Privileged Containers", psaapi.LevelBaseline, containerLevel, "Disallow Privileged Containers",
		"Containers may not run privileged.", []policy.CheckID{"privileged"}},
	{"disallow-proc-mount", "/proc Mount Type", psaapi.LevelBaseline, containerLevel, "Disallow procMount",
		"Containers must use the default /proc mount, which masks sensitive paths.", []policy.CheckID{"procMount"}},
	{"disallow-selinux", "SELinux", psaapi.LevelBaseline, podAndContainerLevel, "Disallow SELinux",
		"Pods and containers may not set a custom SELinux user or role, and only the container SELinux types.", []policy.CheckID{"seLinuxOptions"}},
	{"restrict-apparmor-profiles", "AppArmor", psaapi.LevelBaseline, podAndContainerLevel, "Restrict AppArmor",
		"Pods and containers may not turn AppArmor off: only the runtime default or a profile on the node.", []policy.CheckID{"appArmorProfile"}},
	{"restrict-seccomp", "Seccomp", psaapi.LevelBaseline, podAndContainerLevel, "Restrict Seccomp",
		"Pods and containers may not run Unconfined by seccomp.", []policy.CheckID{"seccompProfile_baseline"}},
	{"restrict-sysctls", "Sysctls", psaapi.LevelBaseline, podLevel, "Restrict sysctls",
		"Pods may set only the sysctls the standard lists as safe.", []policy.CheckID{"sysctls"}},

	{"disallow-capabilities-strict", "Capabilities", psaapi.LevelRestricted, containerLevel, "Disallow Capabilities (Strict)",
		"Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE.", []policy.CheckID{"capabilities_restricted"}},
	{"disallow-privilege-escalation", "Privilege Escalation", psaapi.LevelRestricted, containerLevel, "Disallow Privilege Escalation",
		"Containers must set allowPrivilegeEscalation to false.", []policy.CheckID{"allowPrivilegeEscalation"}},
	{"require-run-as-nonroot", "Running as Non-root", psaapi.LevelRestricted, podAndContainerLevel, "Require runAsNonRoot",
		"Pods or all their containers must set runAsNonRoot to true.", []policy.CheckID{"runAsNonRoot"}},
	{"require-run-as-non-root-user", "Running as Non-root user", psaapi.LevelRestricted, podAndContainerLevel, "Require Run As Non-Root User",
		"Pods and containers may not set runAsUser to 0.", []policy.CheckID{"runAsUser"}},
	{"restrict-seccomp-strict", "Seccomp", psaapi.LevelRestricted, podAndContainerLevel, "Restrict Seccomp (Strict)",
		"Pods or all their containers must use the RuntimeDefault or a Localhost seccomp profile.", []policy.CheckID{"seccompProfile_restricted"}},
	{"restrict-volume-types", "Volume Types", psaapi.LevelRestricted, podLevel, "Restrict Volume Types",
		"Pods may use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes.", []policy.CheckID{"restrictedVolumes"}},
}

// existsAt tells whether the standard has the control at version v: a
// check the policy enforces is in pod-security-admission's registry at
// that version. Kyverno's podSecurity subrule does not ask: pinned to
// v1.21, its Capabilities control at restricted still refuses a pod that
// does not drop ALL, a rule the standard has only from v1.22
// (capabilities_restricted), and likewise runAsUser (v1.23). So a policy
// is written only where its control exists.
func (c control) existsAt(v psaapi.Version) bool {
	for _, check := range policy.DefaultChecks() {
		if slices.Contains(c.Checks, check.ID) && check.Level == c.Level && (v.Latest() || !v.Older(check.Versions[0].MinimumVersion)) {
			return true
		}
	}
	return false
}

// since returns the version from which the standard has the control.
func (c control) since() psaapi.Version {
	since := psaapi.LatestVersion()
	for _, check := range policy.DefaultChecks() {
		if slices.Contains(c.Checks, check.ID) && check.Versions[0].MinimumVersion.Older(since) {
			since = check.Versions[0].MinimumVersion
		}
	}
	return since
}

// controlsOf returns the controls of the standard at level: baseline's
// at baseline, all of them at restricted.
func controlsOf(level psaapi.Level) []control {
	var out []control
	for _, c := range controls {
		if psaapi.CompareLevels(c.Level, level) <= 0 {
			out = append(out, c)
		}
	}
	return out
}

// controlNames returns the distinct control names of the standard at
// level, in the order of controls.
func controlNames(level psaapi.Level) []control {
	var out []control
	seen := map[string]bool{}
	for _, c := range controlsOf(level) {
		if !seen[c.Name] {
			seen[c.Name] = true
			out = append(out, c)
		}
	}
	return out
}
