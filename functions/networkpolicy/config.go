package networkpolicy

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function. It is not named
// "NetworkPolicy" after the function, as the other kinds are, so that
// nobody mistakes the config for the Kubernetes kind it generates.
const Kind = "NetworkPolicyConfig"

// Match values of a peer that names both pods and namespaces.
const (
	MatchAnd = "and"
	MatchOr  = "or"
)

// NetworkPolicyConfig is the function config (spec of kind
// NetworkPolicyConfig, or denyEgress, kubeflowDefaults and skipNamespaces
// in a ConfigMap's data; allows need the typed kind).
type NetworkPolicyConfig struct {
	// DenyEgress adds a default-deny of egress to every namespace, and
	// an allow of DNS to kube-dns.
	DenyEgress bool `json:"denyEgress,omitempty"`
	// KubeflowDefaults lets the ingress gateway and the Kubeflow control
	// plane reach the profile namespaces.
	KubeflowDefaults bool `json:"kubeflowDefaults,omitempty"`
	// SkipNamespaces get no default-deny, besides the system namespaces.
	// A name ending in * is a prefix.
	SkipNamespaces []string `json:"skipNamespaces,omitempty"`
	// Allows are the paths to open through the default-deny.
	Allows []Allow `json:"allows,omitempty"`
}

// Allow lets the pods of From reach the pods of PodSelector in Namespace
// on Ports (all ports when empty).
type Allow struct {
	// Name gives the policy its name: lockdown-allow-<name>.
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// PodSelector holds the labels of the target pods; empty: every pod
	// of the namespace.
	PodSelector map[string]string `json:"podSelector,omitempty"`
	// From lists who may connect; empty: anyone.
	From  []Peer `json:"from,omitempty"`
	Ports []Port `json:"ports,omitempty"`
}

// Peer is a source of traffic: pods by label (in the allow's namespace
// unless Namespaces is given), namespaces by label, or both.
type Peer struct {
	Pods       map[string]string `json:"pods,omitempty"`
	Namespaces map[string]string `json:"namespaces,omitempty"`
	// Match says, when both are given, whether a source must be such a
	// pod in such a namespace (and, the default) or either (or).
	Match string `json:"match,omitempty"`
}

// Port is a destination port of the target pods.
type Port struct {
	// Protocol is TCP (the default), UDP or SCTP.
	Protocol string `json:"protocol,omitempty"`
	// Port is a number or a container port name.
	Port intstr.IntOrString `json:"port"`
}

func defaults() NetworkPolicyConfig { return NetworkPolicyConfig{} }

// Validate checks every field before anything runs.
func (c *NetworkPolicyConfig) Validate(src fnconfig.Source, res *results.Collector) {
	for i, ns := range c.SkipNamespaces {
		name := strings.TrimSuffix(ns, "*")
		if name == "" && ns == "*" {
			src.Error(res, fnconfig.Index("skipNamespaces", i), "%q would skip every namespace: list the namespaces to leave alone", ns)
			continue
		}
		if msgs := validation.IsDNS1123Label(strings.TrimSuffix(name, "-")); len(msgs) > 0 && name != "" {
			src.Error(res, fnconfig.Index("skipNamespaces", i), "%q is not a namespace name (or a prefix ending in *): %s", ns, strings.Join(msgs, "; "))
		}
	}
	seen := map[string]int{}
	for i, a := range c.Allows {
		a.validate(src, fnconfig.Index("allows", i), res)
		key := a.Namespace + "/" + a.Name
		if j, dup := seen[key]; dup && a.Name != "" {
			src.Error(res, fnconfig.Index("allows", i)+".name", "allow %q in namespace %q is declared twice (also allows[%d]): give each allow its own name", a.Name, a.Namespace, j)
		}
		seen[key] = i
	}
}

func (a *Allow) validate(src fnconfig.Source, path string, res *results.Collector) {
	switch {
	case a.Name == "":
		src.Error(res, path+".name", "no name: give the allow a name; its policy is called %s<name>", allowPrefix)
	default:
		if msgs := validation.IsDNS1123Subdomain(allowPrefix + a.Name); len(msgs) > 0 {
			src.Error(res, path+".name", "%q does not make a valid policy name %s%s: %s", a.Name, allowPrefix, a.Name, strings.Join(msgs, "; "))
		}
	}
	if a.Namespace == "" {
		src.Error(res, path+".namespace", "no namespace: give the namespace of the pods the allow opens")
	} else if msgs := validation.IsDNS1123Label(a.Namespace); len(msgs) > 0 {
		src.Error(res, path+".namespace", "%q is not a namespace name: %s", a.Namespace, strings.Join(msgs, "; "))
	}
	checkLabels(src, path+".podSelector", a.PodSelector, res)
	for i, p := range a.From {
		pp := fnconfig.Index(path+".from", i)
		if len(p.Pods) == 0 && len(p.Namespaces) == 0 {
			src.Error(res, pp, "empty peer: give pods (labels of the source pods), namespaces (labels of the source namespaces) or both; leave out from to allow every source")
		}
		checkLabels(src, pp+".pods", p.Pods, res)
		checkLabels(src, pp+".namespaces", p.Namespaces, res)
		if p.Match != "" && p.Match != MatchAnd && p.Match != MatchOr {
			src.Error(res, pp+".match", "unknown match %q: use %s (such pods in such namespaces, the default) or %s (such pods in the allow's namespace, or any pod in such namespaces)", p.Match, MatchAnd, MatchOr)
		}
	}
	for i, p := range a.Ports {
		pp := fnconfig.Index(path+".ports", i)
		if p.Protocol != "" && !slices.Contains([]string{"TCP", "UDP", "SCTP"}, p.Protocol) {
			src.Error(res, pp+".protocol", "unknown protocol %q: use TCP (the default), UDP or SCTP, in upper case", p.Protocol)
		}
		if p.Port.Type == intstr.Int {
			if msgs := validation.IsValidPortNum(int(p.Port.IntVal)); len(msgs) > 0 {
				src.Error(res, pp+".port", "port %d: %s", p.Port.IntVal, strings.Join(msgs, "; "))
			}
		} else if msgs := validation.IsValidPortName(p.Port.StrVal); len(msgs) > 0 {
			src.Error(res, pp+".port", "port %q is neither a number from 1 to 65535 nor a container port name: %s", p.Port.StrVal, strings.Join(msgs, "; "))
		}
	}
}

func checkLabels(src fnconfig.Source, path string, labels map[string]string, res *results.Collector) {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			src.Error(res, path, "bad label key %q: %s", k, strings.Join(msgs, "; "))
		}
		if msgs := validation.IsValidLabelValue(labels[k]); len(msgs) > 0 {
			src.Error(res, path+"."+k, "bad label value %q: %s", labels[k], strings.Join(msgs, "; "))
		}
	}
}
