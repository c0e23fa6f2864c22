package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
)

// danglingRefs is the dangling-ref check. It catches a reference by name
// in a Config Connector object (networkRef, subnetworkRef, clusterRef,
// accessLevels, natIps, targetServiceAccounts and every other *Ref or
// *Refs field) that points at no object of the package. Config Connector
// then waits for the missing object forever and never creates the
// resource: a private cluster whose network, router or DNS zone is never
// made is never fenced. The user adds the object, corrects the name, or
// writes external: <its full name> for a resource made elsewhere.
// External references point outside the package on purpose and are left
// alone.
func danglingRefs(l *linter) []finding {
	byKind := map[string][]*fn.KubeObject{}
	for _, obj := range l.items {
		byKind[obj.GetKind()] = append(byKind[obj.GetKind()], obj)
	}
	var out []finding
	for _, obj := range l.items {
		for _, ref := range kccRefs(obj) {
			if kinds, ok := resolve(ref, byKind); !ok {
				out = append(out, errorAt(obj, ref.field, "%s", danglingMessage(ref, kinds)))
			}
		}
	}
	return out
}

// kccRefs are the references by name in the spec of a Config Connector
// object; nil for any other object.
func kccRefs(obj *fn.KubeObject) []refTarget {
	if !facts.IsKCC(obj) {
		return nil
	}
	spec, found, err := obj.NestedSubObject("spec")
	if err != nil || !found {
		return nil
	}
	var m map[string]any
	if spec.As(&m) != nil {
		return nil
	}
	return findRefs(m, "spec", obj.GetNamespace())
}

// refKinds says which kinds a reference field of Config Connector points
// at, where the field's name does not say it by its last word (kmsKeyRef
// is a KMSCryptoKey) or does not end in Ref (accessLevels). Other *Ref
// fields point at a kind ending in the longest run of the field's last
// words that some kind of the package ends in: nextHopInstanceRef at a
// ComputeInstance, sslPolicyRef at a ComputeSSLPolicy.
var refKinds = map[string][]string{
	"accessLevelRef":        {"AccessContextManagerAccessLevel"},
	"accessLevels":          {"AccessContextManagerAccessLevel"},
	"requiredAccessLevels":  {"AccessContextManagerAccessLevel"},
	"accessPolicyRef":       {"AccessContextManagerAccessPolicy"},
	"attachmentTargetRef":   {"ComputeNetwork"},
	"clusterRef":            {"ContainerCluster"},
	"drainNatIps":           {"ComputeAddress"},
	"firewallPolicyRef":     {"ComputeNetworkFirewallPolicy", "ComputeFirewallPolicy", "ComputeRegionNetworkFirewallPolicy"},
	"instances":             {"ComputeInstance"},
	"ipAddressRef":          {"ComputeAddress"},
	"kmsKeyRef":             {"KMSCryptoKey"},
	"managedZoneRef":        {"DNSManagedZone"},
	"natIpRef":              {"ComputeAddress"},
	"natIps":                {"ComputeAddress"},
	"natSubnets":            {"ComputeSubnetwork"},
	"networkRef":            {"ComputeNetwork"},
	"nextHopILBRef":         {"ComputeForwardingRule"},
	"projectRef":            {"Project"},
	"resourcePolicies":      {"ComputeResourcePolicy"},
	"routerRef":             {"ComputeRouter"},
	"serviceAccountRef":     {"IAMServiceAccount"},
	"sourceServiceAccounts": {"IAMServiceAccount"},
	"sslCertificates":       {"ComputeSSLCertificate"},
	"subnetworkRef":         {"ComputeSubnetwork"},
	"targetPools":           {"ComputeTargetPool"},
	"targetServiceAccounts": {"IAMServiceAccount"},
}

// unchecked are reference fields that point at what packages leave out on
// purpose: Kubernetes Secrets (passwords, keys) are made apart from the
// package, never committed with it.
var unchecked = []string{"secretKeyRef"}

// refTarget is a reference found in an object.
type refTarget struct {
	field     string // its field path
	key       string // the field's name, e.g. networkRef
	name      string
	namespace string // the referrer's when the reference gives none
	kind      string // when the reference says it (resourceRef)
}

// findRefs walks a spec for reference fields, in field order.
func findRefs(v any, path, namespace string) []refTarget {
	var out []refTarget
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, refsUnder(k, v[k], path+"."+k, namespace)...)
		}
	case []any:
		for i, item := range v {
			out = append(out, findRefs(item, fmt.Sprintf("%s[%d]", path, i), namespace)...)
		}
	}
	return out
}

func refsUnder(key string, v any, path, namespace string) []refTarget {
	_, listed := refKinds[key]
	switch {
	case slices.Contains(unchecked, key):
		return nil
	case strings.HasSuffix(key, "Ref"):
		if m, ok := v.(map[string]any); ok {
			return refOf(key, m, path, namespace)
		}
	case strings.HasSuffix(key, "Refs") || listed:
		list, ok := v.([]any)
		if !ok {
			break
		}
		var out []refTarget
		for i, item := range list {
			if m, ok := item.(map[string]any); ok {
				out = append(out, refOf(strings.TrimSuffix(key, "s"), m, fmt.Sprintf("%s[%d]", path, i), namespace)...)
			}
		}
		if listed {
			for i := range out {
				out[i].key = key
			}
		}
		return out
	}
	return findRefs(v, path, namespace)
}

// refOf reads one reference; nil when it names nothing in the package.
func refOf(key string, m map[string]any, path, namespace string) []refTarget {
	str := func(k string) string { s, _ := m[k].(string); return s }
	if str("external") != "" || str("name") == "" {
		return nil
	}
	return []refTarget{{field: path, key: key, name: str("name"), namespace: cmp.Or(str("namespace"), namespace), kind: str("kind")}}
}

// resolve finds the object a reference points at. It returns the kinds it
// looked for, and whether one of them has the name in the namespace.
func resolve(ref refTarget, byKind map[string][]*fn.KubeObject) ([]string, bool) {
	kinds := candidateKinds(ref, byKind)
	for _, kind := range kinds {
		for _, obj := range byKind[kind] {
			if obj.GetName() == ref.name && obj.GetNamespace() == ref.namespace {
				return kinds, true
			}
		}
	}
	return kinds, false
}

// candidateKinds are the kinds a reference may point at: the one it names,
// the table's, or the kinds of the package that end in the longest run of
// the field's last words (by the field's last word alone when none does).
func candidateKinds(ref refTarget, byKind map[string][]*fn.KubeObject) []string {
	if ref.kind != "" {
		return []string{ref.kind}
	}
	if kinds, ok := refKinds[ref.key]; ok {
		return kinds
	}
	words := camelWords(strings.TrimSuffix(ref.key, "Ref"))
	for i := range words {
		suffix := strings.ToLower(strings.Join(words[i:], ""))
		var kinds []string
		for kind := range byKind {
			if strings.HasSuffix(strings.ToLower(kind), suffix) {
				kinds = append(kinds, kind)
			}
		}
		if len(kinds) > 0 {
			slices.Sort(kinds)
			return kinds
		}
	}
	if len(words) == 0 {
		return nil
	}
	return []string{"*" + upperFirst(words[len(words)-1])}
}

// camelWords splits nextHopILB into next, Hop, ILB.
func camelWords(s string) []string {
	var words []string
	start := 0
	runes := []rune(s)
	for i := 1; i < len(runes); i++ {
		lowerToUpper := unicode.IsUpper(runes[i]) && unicode.IsLower(runes[i-1])
		acronymEnd := unicode.IsUpper(runes[i]) && i+1 < len(runes) && unicode.IsLower(runes[i+1]) && unicode.IsUpper(runes[i-1])
		if lowerToUpper || acronymEnd {
			words = append(words, string(runes[start:i]))
			start = i
		}
	}
	if start < len(runes) {
		words = append(words, string(runes[start:]))
	}
	return words
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func danglingMessage(ref refTarget, kinds []string) string {
	where := ref.name
	if ref.namespace != "" {
		where = ref.namespace + "/" + ref.name
	}
	target := strings.Join(kinds, " or ") + " " + where + ","
	if len(kinds) == 1 && strings.HasPrefix(kinds[0], "*") {
		target = where + ", of a kind ending in " + kinds[0][1:] + ","
	}
	external := ref.key + ": {external: <its full name>}"
	if strings.HasSuffix(ref.field, "]") {
		external = "the entry as {external: <its full name>}"
	}
	return fmt.Sprintf("%s points at %s which is not in the package, so Config Connector waits for it and never creates this resource: add it to the package, correct the name, or, for a resource made elsewhere, write %s instead of a name",
		ref.field, target, external)
}
