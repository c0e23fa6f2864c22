package cloudnat

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/testing/crdschema"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// TestGoldensValidateAgainstCRDs runs every golden expected.yaml through the
// Config Connector CRDs, strictly, as `kpt live apply --server-side` would.
func TestGoldensValidateAgainstCRDs(t *testing.T) {
	fntest.CheckGoldensAgainstCRDs(t, "testdata")
}

// TestCRDCheckBites makes sure the check above can fail for the kinds this
// function generates: a generated policy rule from a golden, changed the
// ways a mistake would change it, must be refused.
func TestCRDCheckBites(t *testing.T) {
	set, err := crdschema.KCC()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "allowed-cidrs-and-hosts", fntest.ExpectedFile))
	if err != nil {
		t.Fatal(err)
	}
	items, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatal(err)
	}
	var rule *fn.KubeObject
	for _, o := range items {
		if o.GetKind() == "ComputeNetworkFirewallPolicyRule" {
			rule = o
		}
	}
	if rule == nil {
		t.Fatal("the golden has no ComputeNetworkFirewallPolicyRule")
	}
	for name, tt := range map[string]struct {
		change func(o *fn.KubeObject) error
		want   string
	}{
		"unserved version": {func(o *fn.KubeObject) error { return o.SetAPIVersion("compute.cnrm.cloud.google.com/v1beta1") }, "no CRD"},
		"no project":       {func(o *fn.KubeObject) error { _, err := o.RemoveNestedField("spec", "projectRef"); return err }, "projectRef"},
		"priority field":   {func(o *fn.KubeObject) error { return o.SetNestedInt(1000, "spec", "priority") }, "unknown field"},
	} {
		o := rule.Copy()
		if err := tt.change(o); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := o.As(&m); err != nil {
			t.Fatal(err)
		}
		problems := set.Validate(m)
		if !strings.Contains(strings.Join(problems, "\n"), tt.want) {
			t.Errorf("%s: problems %q, want one mentioning %q", name, problems, tt.want)
		}
	}
}
