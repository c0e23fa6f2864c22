package podsecuritycheck

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The evaluator of k8s.io/pod-security-admission says which check failed
// and why, not where. This table maps each check ID to the fields it is
// about: a locator returns the offending fields of a pod spec, as paths
// relative to the pod spec ("hostPID", "containers[0].securityContext...")
// or, for annotations, relative to the template ("metadata.annotations[...]"
// as "@metadata..."), and fix says what to change.
type location struct {
	path string // relative to the pod spec; "@" prefix: relative to the template's metadata
	fix  string
}

type locator func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) []location

type checkInfo struct {
	locate locator
	fix    string // advice when no more precise location is known
}

var checkTable = map[string]checkInfo{
	"hostNamespaces": {fix: "do not share the host's namespaces", locate: func(_ *metav1.ObjectMeta, s *corev1.PodSpec) (out []location) {
		for _, f := range []struct {
			name string
			on   bool
		}{{"hostNetwork", s.HostNetwork}, {"hostPID", s.HostPID}, {"hostIPC", s.HostIPC}} {
			if f.on {
				out = append(out, location{f.name, "remove " + f.name + " or set it to false"})
			}
		}
		return out
	}},
	"privileged": {fix: "do not run privileged containers", locate: containerField(func(c *container) []location {
		if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
			return []location{{"securityContext.privileged", "remove privileged or set it to false"}}
		}
		return nil
	})},
	"capabilities_baseline": {fix: "add only the capabilities the baseline standard allows"}, // located by probing, in probeLocators
	"capabilities_restricted": {fix: "drop ALL capabilities and add at most NET_BIND_SERVICE", locate: containerField(func(c *container) []location {
		out := addedCapabilities(c, []string{"NET_BIND_SERVICE"}, "remove it from capabilities.add: the restricted standard allows only NET_BIND_SERVICE")
		var drop []corev1.Capability
		if c.SecurityContext != nil && c.SecurityContext.Capabilities != nil {
			drop = c.SecurityContext.Capabilities.Drop
		}
		if !slices.Contains(drop, "ALL") {
			out = append(out, location{"securityContext.capabilities.drop", "add ALL to capabilities.drop"})
		}
		return out
	})},
	"hostPathVolumes": {fix: "do not mount hostPath volumes", locate: volumes(func(v *corev1.Volume) bool { return v.HostPath != nil }, "hostPath",
		"use an emptyDir, configMap, secret or persistentVolumeClaim instead of a hostPath volume")},
	"restrictedVolumes": {fix: restrictedVolumesFix}, // located by probing, in probeLocators
	"hostPorts": {fix: "remove hostPort from the container ports", locate: func(m *metav1.ObjectMeta, s *corev1.PodSpec) []location {
		return containerField(func(c *container) (out []location) {
			for j, p := range c.Ports {
				switch {
				case p.HostPort == 0:
				case s.HostNetwork:
					// Written or not, the API server sets it (applyAPIServerDefaults).
					out = append(out, location{fmt.Sprintf("ports[%d].hostPort", j), "remove hostNetwork and any hostPort: the API server gives a hostNetwork pod's containerPort to hostPort"})
				default:
					out = append(out, location{fmt.Sprintf("ports[%d].hostPort", j), "remove hostPort: reach the pod through a Service"})
				}
			}
			return out
		})(m, s)
	}},
	"procMount":            {fix: "remove procMount or set it to Default", locate: procMount},
	"procMount_restricted": {fix: "remove procMount or set it to Default", locate: procMount},
	"seLinuxOptions": {fix: "remove the SELinux user and role, and use a container_t, container_init_t, container_kvm_t or container_engine_t type", locate: securityContexts(func(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) []location {
		o := seLinux(psc, sc)
		if o == nil {
			return nil
		}
		var out []location
		if !slices.Contains([]string{"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}, o.Type) {
			out = append(out, location{"seLinuxOptions.type", "use container_t, container_init_t, container_kvm_t or container_engine_t, or remove it"})
		}
		if o.User != "" {
			out = append(out, location{"seLinuxOptions.user", "remove the SELinux user"})
		}
		if o.Role != "" {
			out = append(out, location{"seLinuxOptions.role", "remove the SELinux role"})
		}
		return out
	})},
	"seccompProfile_baseline": {fix: "do not use an Unconfined seccomp profile", locate: securityContexts(func(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) []location {
		if p := seccomp(psc, sc); p != nil && p.Type == corev1.SeccompProfileTypeUnconfined {
			return []location{{"seccompProfile.type", "use RuntimeDefault or Localhost instead of Unconfined"}}
		}
		return nil
	})},
	"seccompProfile_restricted": {fix: "set securityContext.seccompProfile.type to RuntimeDefault or Localhost", locate: restrictedSeccomp},
	"allowPrivilegeEscalation": {fix: "set allowPrivilegeEscalation: false", locate: containerField(func(c *container) []location {
		if sc := c.SecurityContext; sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			return []location{{"securityContext.allowPrivilegeEscalation", "set allowPrivilegeEscalation: false"}}
		}
		return nil
	})},
	"runAsNonRoot": {fix: "set securityContext.runAsNonRoot: true", locate: runAsNonRoot},
	"runAsUser": {fix: "do not run as user 0", locate: securityContexts(func(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) []location {
		var u *int64
		if psc != nil {
			u = psc.RunAsUser
		} else if sc != nil {
			u = sc.RunAsUser
		}
		if u != nil && *u == 0 {
			return []location{{"runAsUser", "run as a non-zero user id, or remove runAsUser"}}
		}
		return nil
	})},
	"sysctls": {fix: "set only the sysctls the standard lists as safe"}, // located by probing, in probeLocators
	"windowsHostProcess": {fix: "do not run Windows HostProcess containers", locate: securityContexts(func(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) []location {
		var w *corev1.WindowsSecurityContextOptions
		if psc != nil {
			w = psc.WindowsOptions
		} else if sc != nil {
			w = sc.WindowsOptions
		}
		if w != nil && w.HostProcess != nil && *w.HostProcess {
			return []location{{"windowsOptions.hostProcess", "remove hostProcess or set it to false"}}
		}
		return nil
	})},
	"appArmorProfile": {fix: "use the RuntimeDefault or a Localhost AppArmor profile", locate: appArmor},
	"hostProbesAndHostLifecycle": {fix: "remove host from probes and lifecycle handlers", locate: containerField(func(c *container) (out []location) {
		handler := func(name string, http *corev1.HTTPGetAction, tcp *corev1.TCPSocketAction) {
			if http != nil && http.Host != "" {
				out = append(out, location{name + ".httpGet.host", "remove host: probes and hooks must target the pod itself"})
			}
			if tcp != nil && tcp.Host != "" {
				out = append(out, location{name + ".tcpSocket.host", "remove host: probes and hooks must target the pod itself"})
			}
		}
		for _, p := range []struct {
			name  string
			probe *corev1.Probe
		}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
			if p.probe != nil {
				handler(p.name, p.probe.HTTPGet, p.probe.TCPSocket)
			}
		}
		if c.Lifecycle != nil {
			if h := c.Lifecycle.PostStart; h != nil {
				handler("lifecycle.postStart", h.HTTPGet, h.TCPSocket)
			}
			if h := c.Lifecycle.PreStop; h != nil {
				handler("lifecycle.preStop", h.HTTPGet, h.TCPSocket)
			}
		}
		return out
	})},
}

// restrictedVolumesFix is advice only; which volumes the standard refuses
// is the library's to say (probeLocators).
const restrictedVolumesFix = "use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes"

// probeLocators locate the fields of checks whose rules are lists (the
// safe sysctls, which change with the standard's version; the baseline
// capabilities; the restricted volume types; the seccomp annotations,
// whose keys name containers). Rather than a copy of the
// library's lists, they ask the library itself: fails runs the failed
// check, at the pinned version, on a probe pod that holds one candidate
// field alone, and the candidates it refuses are the ones to name.
var probeLocators = map[string]func(meta *metav1.ObjectMeta, spec *corev1.PodSpec, fails probe) []location{
	"sysctls": func(_ *metav1.ObjectMeta, s *corev1.PodSpec, fails probe) (out []location) {
		if s.SecurityContext == nil {
			return nil
		}
		for i, sysctl := range s.SecurityContext.Sysctls {
			alone := &corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{sysctl}}}
			if fails(&metav1.ObjectMeta{}, alone) {
				out = append(out, location{fmt.Sprintf("securityContext.sysctls[%d].name", i), sysctl.Name + " is not a safe sysctl at this version of the standard: remove it"})
			}
		}
		return out
	},
	"capabilities_baseline": func(_ *metav1.ObjectMeta, s *corev1.PodSpec, fails probe) (out []location) {
		for _, c := range allContainers(s) {
			if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
				continue
			}
			for k, capability := range c.SecurityContext.Capabilities.Add {
				alone := &corev1.PodSpec{Containers: []corev1.Container{{Name: c.Name, SecurityContext: &corev1.SecurityContext{
					Capabilities: &corev1.Capabilities{Add: []corev1.Capability{capability}}}}}}
				if fails(&metav1.ObjectMeta{}, alone) {
					out = append(out, location{fmt.Sprintf("%s.securityContext.capabilities.add[%d]", c.path, k), string(capability) + ": remove it from capabilities.add: the baseline standard does not allow it"})
				}
			}
		}
		return out
	},
	"restrictedVolumes": func(_ *metav1.ObjectMeta, s *corev1.PodSpec, fails probe) (out []location) {
		for i, v := range s.Volumes {
			if fails(&metav1.ObjectMeta{}, &corev1.PodSpec{Volumes: []corev1.Volume{v}}) {
				out = append(out, location{fmt.Sprintf("volumes[%d]", i), restrictedVolumesFix})
			}
		}
		return out
	},
	"seccompProfile_baseline": func(meta *metav1.ObjectMeta, s *corev1.PodSpec, fails probe) []location {
		out := seccompAnnotations(meta, s, fails)
		return append(out, checkTable["seccompProfile_baseline"].locate(meta, s)...)
	},
}

// probe tells whether a failed check fails on a probe pod too.
type probe func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool

// seccompAnnotations names the old seccomp annotations (the pod's,
// seccomp.security.alpha.kubernetes.io/pod, and a container's,
// container.seccomp.security.alpha.kubernetes.io/<name>) that the check
// refuses, each probed alone beside the pod's container names.
func seccompAnnotations(meta *metav1.ObjectMeta, s *corev1.PodSpec, fails probe) (out []location) {
	if meta == nil {
		return nil
	}
	names := &corev1.PodSpec{}
	for _, c := range allContainers(s) {
		names.Containers = append(names.Containers, corev1.Container{Name: c.Name})
	}
	keys := make([]string, 0, len(meta.Annotations))
	for k := range meta.Annotations {
		if strings.Contains(k, "seccomp.security.alpha.kubernetes.io/") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		alone := &metav1.ObjectMeta{Annotations: map[string]string{k: meta.Annotations[k]}}
		if fails(alone, names) {
			out = append(out, location{"@annotations." + k, "set it to runtime/default or localhost/<profile>, or better, remove it and set securityContext.seccompProfile"})
		}
	}
	return out
}

// container is any of a pod's containers, with its path in the pod spec.
type container struct {
	corev1.Container
	path string // "containers[0]"
}

func allContainers(s *corev1.PodSpec) []*container {
	var out []*container
	for i := range s.InitContainers {
		out = append(out, &container{s.InitContainers[i], fmt.Sprintf("initContainers[%d]", i)})
	}
	for i := range s.Containers {
		out = append(out, &container{s.Containers[i], fmt.Sprintf("containers[%d]", i)})
	}
	for i := range s.EphemeralContainers {
		out = append(out, &container{corev1.Container(s.EphemeralContainers[i].EphemeralContainerCommon), fmt.Sprintf("ephemeralContainers[%d]", i)})
	}
	return out
}

// containerField runs f on every container and prefixes its paths.
func containerField(f func(c *container) []location) locator {
	return func(_ *metav1.ObjectMeta, s *corev1.PodSpec) (out []location) {
		for _, c := range allContainers(s) {
			for _, l := range f(c) {
				out = append(out, location{c.path + "." + l.path, l.fix})
			}
		}
		return out
	}
}

// securityContexts runs f on the pod's security context (sc nil) and on
// each container's (psc nil), with paths relative to the security context.
func securityContexts(f func(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) []location) locator {
	return func(_ *metav1.ObjectMeta, s *corev1.PodSpec) (out []location) {
		if s.SecurityContext != nil {
			for _, l := range f(s.SecurityContext, nil) {
				out = append(out, location{"securityContext." + l.path, l.fix})
			}
		}
		for _, c := range allContainers(s) {
			if c.SecurityContext != nil {
				for _, l := range f(nil, c.SecurityContext) {
					out = append(out, location{c.path + ".securityContext." + l.path, l.fix})
				}
			}
		}
		return out
	}
}

func volumes(bad func(v *corev1.Volume) bool, field, fix string) locator {
	return func(_ *metav1.ObjectMeta, s *corev1.PodSpec) (out []location) {
		for i := range s.Volumes {
			if bad(&s.Volumes[i]) {
				p := fmt.Sprintf("volumes[%d]", i)
				if field != "" {
					p += "." + field
				}
				out = append(out, location{p, fix})
			}
		}
		return out
	}
}

func addedCapabilities(c *container, allowed []string, fix string) (out []location) {
	if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
		return nil
	}
	for k, cap := range c.SecurityContext.Capabilities.Add {
		if !slices.Contains(allowed, string(cap)) {
			out = append(out, location{fmt.Sprintf("securityContext.capabilities.add[%d]", k), string(cap) + ": " + fix})
		}
	}
	return out
}

var procMount = containerField(func(c *container) []location {
	if sc := c.SecurityContext; sc != nil && sc.ProcMount != nil && *sc.ProcMount != corev1.DefaultProcMount {
		return []location{{"securityContext.procMount", "remove procMount or set it to Default"}}
	}
	return nil
})

func seLinux(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) *corev1.SELinuxOptions {
	if psc != nil {
		return psc.SELinuxOptions
	}
	return sc.SELinuxOptions
}

func seccomp(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) *corev1.SeccompProfile {
	if psc != nil {
		return psc.SeccompProfile
	}
	return sc.SeccompProfile
}

func restrictedSeccomp(_ *metav1.ObjectMeta, s *corev1.PodSpec) (out []location) {
	ok := func(p *corev1.SeccompProfile) bool {
		return p.Type == corev1.SeccompProfileTypeRuntimeDefault || p.Type == corev1.SeccompProfileTypeLocalhost
	}
	podSet := false
	if s.SecurityContext != nil && s.SecurityContext.SeccompProfile != nil {
		podSet = true
		if !ok(s.SecurityContext.SeccompProfile) {
			out = append(out, location{"securityContext.seccompProfile.type", "use RuntimeDefault or Localhost"})
		}
	}
	for _, c := range allContainers(s) {
		switch sc := c.SecurityContext; {
		case sc != nil && sc.SeccompProfile != nil:
			if !ok(sc.SeccompProfile) {
				out = append(out, location{c.path + ".securityContext.seccompProfile.type", "use RuntimeDefault or Localhost"})
			}
		case !podSet:
			out = append(out, location{c.path + ".securityContext.seccompProfile.type", "set RuntimeDefault (here or in the pod's securityContext)"})
		}
	}
	return out
}

func runAsNonRoot(_ *metav1.ObjectMeta, s *corev1.PodSpec) (out []location) {
	var pod *bool
	if s.SecurityContext != nil {
		pod = s.SecurityContext.RunAsNonRoot
	}
	if pod != nil && !*pod {
		out = append(out, location{"securityContext.runAsNonRoot", "set runAsNonRoot: true"})
	}
	for _, c := range allContainers(s) {
		var own *bool
		if c.SecurityContext != nil {
			own = c.SecurityContext.RunAsNonRoot
		}
		if (own != nil && !*own) || (own == nil && pod == nil) {
			out = append(out, location{c.path + ".securityContext.runAsNonRoot", "set runAsNonRoot: true (here or in the pod's securityContext)"})
		}
	}
	return out
}

func appArmor(meta *metav1.ObjectMeta, s *corev1.PodSpec) (out []location) {
	okType := func(t corev1.AppArmorProfileType) bool {
		return t == corev1.AppArmorProfileTypeRuntimeDefault || t == corev1.AppArmorProfileTypeLocalhost
	}
	if meta != nil {
		keys := make([]string, 0, len(meta.Annotations))
		for k := range meta.Annotations {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			v := meta.Annotations[k]
			if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) &&
				v != corev1.DeprecatedAppArmorBetaProfileRuntimeDefault && !strings.HasPrefix(v, corev1.DeprecatedAppArmorBetaProfileNamePrefix) {
				out = append(out, location{"@annotations." + k, "use runtime/default or localhost/<profile>"})
			}
		}
	}
	return append(out, securityContexts(func(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) []location {
		var p *corev1.AppArmorProfile
		if psc != nil {
			p = psc.AppArmorProfile
		} else {
			p = sc.AppArmorProfile
		}
		if p != nil && !okType(p.Type) {
			return []location{{"appArmorProfile.type", "use RuntimeDefault or Localhost"}}
		}
		return nil
	})(meta, s)...)
}
