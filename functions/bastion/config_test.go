package bastion

import (
	"slices"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// TestServiceAccountForms covers the serviceAccount forms the golden cases
// do not: the default compute account is allowed, with a warning.
func TestServiceAccountForms(t *testing.T) {
	cases := map[string]fn.Severity{
		"bastion-runner":                                  "",
		"ops@kf-project.iam.gserviceaccount.com":          "",
		"123456789-compute@developer.gserviceaccount.com": fn.Warning,
		"ops@":           fn.Error,
		"Bastion Runner": fn.Error,
	}
	for sa, want := range cases {
		var res results.Collector
		c := &Bastion{ServiceAccount: sa}
		c.Validate(fnconfig.Source{}, &res)
		var got fn.Severity
		for _, r := range res.Results() {
			got = r.Severity
		}
		if got != want {
			t.Errorf("serviceAccount %q: result %q, want %q (%v)", sa, got, want, res.Results())
		}
	}
}

// TestClusterKeyForms: cluster is "name" or "namespace/name", a
// ContainerCluster's name a DNS subdomain and its namespace a DNS label,
// so a dotted namespace is refused (it was taken as a subdomain before).
func TestClusterKeyForms(t *testing.T) {
	for key, valid := range map[string]bool{
		"kf":             true,
		"kf.prod":        true,
		"team-b/kf":      true,
		"team-b/kf.prod": true,
		"team.b/kf":      false,
		"Team-B/kf":      false,
		"team-b/Kf":      false,
		"team-b-/kf":     false,
	} {
		var res results.Collector
		(&Bastion{Cluster: key}).Validate(fnconfig.Source{}, &res)
		if res.HasErrors() == valid {
			t.Errorf("cluster %q: valid = %v, want %v (%v)", key, !res.HasErrors(), valid, res.Results())
		}
	}
}

// TestInternalAddressReadOnce checks that internalAddress is read when the
// config is loaded, from either form, and that a bad one is reported by
// Validate beside the other fields' mistakes.
func TestInternalAddressReadOnce(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		want         string // the address read, "" for none
		errors       []string
	}{{
		name:   "typed",
		config: "apiVersion: fn.lockdown.dev/v1alpha1\nkind: Bastion\nmetadata:\n  name: b\nspec:\n  internalAddress: 10.0.0.10\n",
		want:   "10.0.0.10",
	}, {
		name:   "ConfigMap",
		config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  internalAddress: ' 10.0.0.10 '\n",
		want:   "10.0.0.10",
	}, {
		name:   "a range, and a bad tag",
		config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  internalAddress: 10.0.0.10/32\n  tag: Bastion\n",
		errors: []string{
			`data.internalAddress: "10.0.0.10/32" is a range: give the bastion's single address, such as 10.0.0.10`,
			`data.tag: "Bastion" is not a valid network tag: lower-case letters, digits and hyphens, starting with a letter, at most 63 characters`,
		},
	}, {
		name:   "IPv6",
		config: "apiVersion: fn.lockdown.dev/v1alpha1\nkind: Bastion\nmetadata:\n  name: b\nspec:\n  internalAddress: fd00::10\n",
		errors: []string{"spec.internalAddress: fd00::10 is not an IPv4 address: GCP gives instances their internal address from the subnetwork's IPv4 range"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := fn.ParseKubeObject([]byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			var res results.Collector
			var cfg Bastion
			src, ok := fnconfig.Load(obj, Kind, &cfg, &res)
			if !ok {
				t.Fatalf("Load failed: %v", res.Results())
			}
			cfg.Validate(src, &res)
			var got []string
			for _, r := range res.Results() {
				got = append(got, r.Field.Path+": "+r.Message)
			}
			if !slices.Equal(got, tc.errors) {
				t.Errorf("results %q, want %q", got, tc.errors)
			}
			if a := cfg.InternalAddress.Addr; (tc.want == "" && a.IsValid()) || (tc.want != "" && a.String() != tc.want) {
				t.Errorf("address %v, want %q", a, tc.want)
			}
		})
	}
}
