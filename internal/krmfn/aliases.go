package krmfn

import (
	"bytes"
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/intake"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Evaluate is fn.Run made safe for every ResourceList a user can write. The
// SDK's own reader panics on a YAML alias where it builds an object
// (an alias as a key, or for a whole object: "unhandled yaml node
// kind"), before any function runs; so a ResourceList with aliases has
// them written out first (intake.ExpandAliases). Merge keys are left for
// intake to resolve per object. A panic in the SDK (an alias bomb in a
// place the SDK reads) is an error result, never a crash.
func Evaluate(processor fn.ResourceListProcessor, in []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = failure(fmt.Sprintf("internal error reading or writing the ResourceList: %v; please report this with the input", r))
		}
	}()
	if mayHaveAliases(in) {
		in = resolveAliases(in)
	}
	return fn.Run(processor, in)
}

// resolveAliases writes out the aliases of a whole ResourceList. The
// input stays as it is when it is no YAML (the SDK reports that) or when
// its aliases would expand beyond intake.MaxExpandedNodes: an alias bomb
// is then refused object by object by intake, which names the object.
func resolveAliases(in []byte) []byte {
	var doc yaml.Node
	if err := yaml.Unmarshal(in, &doc); err != nil || !intake.ExpandAliases(&doc) {
		return in
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return in
	}
	return out
}

// failure is the output of a run refused before any function ran: no
// items, one error result.
func failure(message string) ([]byte, error) {
	var res results.Collector
	res.Error(nil, "", "%s", message)
	rl := &fn.ResourceList{Results: res.Results()}
	out, err := rl.ToYAML()
	if err != nil {
		return nil, err
	}
	return out, fmt.Errorf("error: function failure")
}

// mayHaveAliases tells, cheaply, whether in may hold a YAML alias: a '*'
// that starts a node (after a key's ": ", a "- ", a flow "[", "{" or ",",
// or at the start of a line) and is followed by an anchor's name. It may
// say yes for a '*' in a block scalar; then the input is only read once
// more. It never says no to an alias.
func mayHaveAliases(in []byte) bool {
	for i := 0; i < len(in); i++ {
		next := bytes.IndexByte(in[i:], '*') // memchr: the input is read at memory speed
		if next < 0 {
			return false
		}
		i += next
		if i+1 == len(in) || !anchorChar(in[i+1]) {
			continue
		}
		j := i - 1
		for j >= 0 && (in[j] == ' ' || in[j] == '\t') {
			j--
		}
		if j < 0 {
			return true
		}
		switch in[j] {
		case '\n', '\r', '[', '{', ',', '?':
			return true
		case ':', '-':
			if j < i-1 { // "key: *a", "- *a"
				return true
			}
		}
	}
	return false
}

func anchorChar(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', '[', ']', '{', '}', '\'', '"':
		return false
	}
	return true
}
