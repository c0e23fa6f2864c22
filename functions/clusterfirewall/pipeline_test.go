package clusterfirewall

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/privategoogleaccess"
)

// In the blueprint's pipeline private-google-access runs first and adds the
// route to the VIP of the mode it is given; the VIP rule must follow it,
// and no warning may say that the route is missing.
func TestAfterPrivateGoogleAccess(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "default-routes-deleted-no-vip-route", "input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for mode, want := range map[string]string{"private": "199.36.153.8/30", "restricted": "199.36.153.4/30"} {
		t.Run(mode, func(t *testing.T) {
			items, err := fn.ParseKubeObjects(data)
			if err != nil {
				t.Fatal(err)
			}
			cfg := fn.NewEmptyKubeObject()
			if err := cfg.SetNestedStringMap(map[string]string{"mode": mode}, "data"); err != nil {
				t.Fatal(err)
			}
			_ = cfg.SetAPIVersion("v1")
			_ = cfg.SetKind("ConfigMap")
			_ = cfg.SetName("private-google-access")
			rl := &fn.ResourceList{Items: items, FunctionConfig: cfg}
			if ok, err := privategoogleaccess.Processor().Process(rl); !ok || err != nil {
				t.Fatalf("private-google-access failed: %v %v", err, rl.Results)
			}
			rl.FunctionConfig, rl.Results = fn.NewEmptyKubeObject(), nil
			if ok, err := Processor().Process(rl); !ok || err != nil {
				t.Fatalf("cluster-firewall failed: %v %v", err, rl.Results)
			}
			for _, r := range rl.Results {
				if r.Severity != fn.Info {
					t.Errorf("unexpected %s: %s", r.Severity, r.Message)
				}
			}
			vip := rl.Items.Where(fn.IsName("kubeflow-allow-vip-egress"))
			if len(vip) != 1 {
				t.Fatalf("%d VIP rules", len(vip))
			}
			got, _, _ := vip[0].NestedStringSlice("spec", "destinationRanges")
			if diff := cmp.Diff([]string{want}, got); diff != "" {
				t.Errorf("VIP rule destinations (-want +got):\n%s", diff)
			}
		})
	}
}
