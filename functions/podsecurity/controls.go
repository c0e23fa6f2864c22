package podsecurity

import (
	psaapi "k8s.io/pod-security-admission/api"
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
}

// controls are the policies of the baseline standard, then those the
// restricted standard adds. Two restricted policies share a control name
// with a baseline one: Capabilities and Seccomp are stricter at
// restricted, so the strict policy evaluates the control at that level.
var controls = []control{
	{"disallow-capabilities", "Capabilities", psaapi.LevelBaseline, containerLevel, "Disallow Capabilities",
		"Containers may add only the Linux capabilities of the baseline standard's default set."},
	{"disallow-host-namespaces", "Host Namespaces", psaapi.LevelBaseline, podLevel, "Disallow Host Namespaces",
		"Pods may not share the node's network, process or IPC namespace (hostNetwork, hostPID, hostIPC)."},
	{"disallow-host-path", "HostPath Volumes", psaapi.LevelBaseline, podLevel, "Disallow hostPath",
		"Pods may not mount hostPath volumes, which expose the node's file system."},
	{"disallow-host-ports", "Host Ports", psaapi.LevelBaseline, containerLevel, "Disallow hostPorts",
		"Containers may not bind ports of the node (hostPort)."},
	{"disallow-host-process", "HostProcess", psaapi.LevelBaseline, podAndContainerLevel, "Disallow HostProcess",
		"Windows pods may not run HostProcess containers, which have the node's privileges."},
	{"disallow-privileged-containers", "Privileged Containers", psaapi.LevelBaseline, containerLevel, "Disallow Privileged Containers",
		"Containers may not run privileged."},
	{"disallow-proc-mount", "/proc Mount Type", psaapi.LevelBaseline, containerLevel, "Disallow procMount",
		"Containers must use the default /proc mount, which masks sensitive paths."},
	{"disallow-selinux", "SELinux", psaapi.LevelBaseline, podAndContainerLevel, "Disallow SELinux",
		"Pods and containers may not set a custom SELinux user or role, and only the container SELinux types."},
	{"restrict-apparmor-profiles", "AppArmor", psaapi.LevelBaseline, podAndContainerLevel, "Restrict AppArmor",
		"Pods and containers may not turn AppArmor off: only the runtime default or a profile on the node."},
	{"restrict-seccomp", "Seccomp", psaapi.LevelBaseline, podAndContainerLevel, "Restrict Seccomp",
		"Pods and containers may not run Unconfined by seccomp."},
	{"restrict-sysctls", "Sysctls", psaapi.LevelBaseline, podLevel, "Restrict sysctls",
		"Pods may set only the sysctls the standard lists as safe."},

	{"disallow-capabilities-strict", "Capabilities", psaapi.LevelRestricted, containerLevel, "Disallow Capabilities (Strict)",
		"Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE."},
	{"disallow-privilege-escalation", "Privilege Escalation", psaapi.LevelRestricted, containerLevel, "Disallow Privilege Escalation",
		"Containers must set allowPrivilegeEscalation to false."},
	{"require-run-as-nonroot", "Running as Non-root", psaapi.LevelRestricted, podAndContainerLevel, "Require runAsNonRoot",
		"Pods or all their containers must set runAsNonRoot to true."},
	{"require-run-as-non-root-user", "Running as Non-root user", psaapi.LevelRestricted, podAndContainerLevel, "Require Run As Non-Root User",
		"Pods and containers may not set runAsUser to 0."},
	{"restrict-seccomp-strict", "Seccomp", psaapi.LevelRestricted, podAndContainerLevel, "Restrict Seccomp (Strict)",
		"Pods or all their containers must use the RuntimeDefault or a Localhost seccomp profile."},
	{"restrict-volume-types", "Volume Types", psaapi.LevelRestricted, podLevel, "Restrict Volume Types",
		"Pods may use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes."},
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
