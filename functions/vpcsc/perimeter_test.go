package vpcsc

import (
	"path/filepath"
	"slices"
	"testing"

	acm "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/accesscontextmanager/v1beta1"
	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

const perimeterProject = "111111111111"

// TestDeployersSurviveEnforce proves that the perimeter never locks out
// the identity that applies the package: judged by the documented
// ingress semantics (facts.ServicePerimeter.EnforcedAllows) on the
// generated perimeter, enforced (a dry-run golden's content moved to
// status, as mode: enforce does), each deployer of a case may call, from
// anywhere, every restricted service the package's Config Connector kinds
// need, and nothing else; an identity the case does not name may call
// none of them.
func TestDeployersSurviveEnforce(t *testing.T) {
	for testCase, deployers := range map[string][]string{
		"deployers-configconnector":        {"serviceAccount:kcc@kf-admin.iam.gserviceaccount.com"},
		"deployers-configconnectorcontext": {"serviceAccount:kcc-kf-infra@kf-admin.iam.gserviceaccount.com"},
		"deployers-config":                 {"serviceAccount:config-controller@kf-admin.iam.gserviceaccount.com"},
		"enforce-proposed":                 {"serviceAccount:kcc@kf-admin.iam.gserviceaccount.com"},
		"cloud-build":                      {"serviceAccount:111111111111@cloudbuild.gserviceaccount.com"},
		"cloud-build-compute-default":      {"serviceAccount:111111111111-compute@developer.gserviceaccount.com"},
		"cloud-build-user-specified":       {"serviceAccount:kpt-apply@kf-ci.iam.gserviceaccount.com"},
	} {
		t.Run(testCase, func(t *testing.T) {
			items := readItems(t, testCase)
			perimeter, levels := enforcedPerimeter(t, items)
			needed, _ := facts.DeployerServices(items)
			var services []string
			for _, n := range needed {
				if slices.Contains(perimeter.Spec.Status.RestrictedServices, n.Service) {
					services = append(services, n.Service)
				}
			}
			if !slices.Contains(services, "container.googleapis.com") {
				t.Fatalf("the case's kinds need %v: want container.googleapis.com among them, or the test proves little", services)
			}
			for _, d := range deployers {
				for _, s := range services {
					if !perimeter.EnforcedAllows(levels, facts.Call{Identity: d, Service: s, Project: perimeterProject}) {
						t.Errorf("%s cannot call %s from outside once enforced: the perimeter locks out its own deployment", d, s)
					}
				}
				// Scoped to the services of the kinds, not "*".
				if perimeter.EnforcedAllows(levels, facts.Call{Identity: d, Service: "bigquery.googleapis.com", Project: perimeterProject}) {
					t.Errorf("%s may call bigquery.googleapis.com, which no kind of the package needs", d)
				}
			}
			for _, s := range services {
				if perimeter.EnforcedAllows(levels, facts.Call{Identity: "serviceAccount:intruder@elsewhere.iam.gserviceaccount.com", Service: s, Project: perimeterProject}) {
					t.Errorf("an identity the case does not name may call %s", s)
				}
			}
		})
	}
}

// TestGroupsOnlyFromNetworks checks the groups' ingress: from the
// networks only (a call from anywhere is refused), and only to
// memberServices; with allowGroupsFromAnywhere, from anywhere.
func TestGroupsOnlyFromNetworks(t *testing.T) {
	for testCase, fromAnywhere := range map[string]bool{"groups-and": false, "groups-or": false, "only-groups": true} {
		t.Run(testCase, func(t *testing.T) {
			perimeter, levels := enforcedPerimeter(t, readItems(t, testCase))
			call := facts.Call{Identity: "group:ml-team@example.com", Service: "storage.googleapis.com", Project: perimeterProject}
			if got := perimeter.EnforcedAllows(levels, call); got != fromAnywhere {
				t.Errorf("a group member calling storage from anywhere: allowed %v, want %v", got, fromAnywhere)
			}
			call.Service = "bigquery.googleapis.com"
			if perimeter.EnforcedAllows(levels, call) {
				t.Errorf("a group member may call bigquery, which is not among memberServices")
			}
		})
	}
}

// TestProposedLeavesStatus checks that a proposed change goes to the
// dry-run config only: enforce-proposed's enforced config is exactly what
// the same config without proposed enforces.
func TestProposedLeavesStatus(t *testing.T) {
	dir := filepath.Join("testdata", "enforce-proposed")
	rl, err := fn.ParseResourceList(fntest.ReadResourceList(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rl.FunctionConfig.RemoveNestedField("spec", "proposed"); err != nil {
		t.Fatal(err)
	}
	in, err := rl.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	out, err := fn.Run(Processor(), in)
	if err != nil {
		t.Fatal(err)
	}
	withoutProposed, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	enforcedOnly, _ := enforcedPerimeter(t, withoutProposed.Items)
	withProposed, _ := enforcedPerimeter(t, readItems(t, "enforce-proposed"))
	if withProposed.Spec.Spec == nil || !*withProposed.Spec.UseExplicitDryRunSpec {
		t.Fatalf("enforce-proposed: want the proposed change in spec.spec with useExplicitDryRunSpec: true")
	}
	if diff := cmp.Diff(enforcedOnly.Spec.Status, withProposed.Spec.Status); diff != "" {
		t.Errorf("the proposed change altered the enforced config (-without proposed +with):\n%s", diff)
	}
	if enforcedOnly.Spec.Spec != nil || *enforcedOnly.Spec.UseExplicitDryRunSpec {
		t.Errorf("without proposed, want no dry-run config and useExplicitDryRunSpec: false")
	}
}

// readItems runs the function on a case's input and config, and returns
// what it writes: the tests judge the generator itself, not only its
// goldens.
func readItems(t *testing.T, testCase string) fn.KubeObjects {
	t.Helper()
	out, err := fn.Run(Processor(), fntest.ReadResourceList(t, filepath.Join("testdata", testCase)))
	if err != nil {
		t.Fatal(err)
	}
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	return rl.Items
}

// enforcedPerimeter is the one perimeter of items as mode: enforce would
// write it (a dry-run perimeter's content moved to status), and the
// access levels.
func enforcedPerimeter(t *testing.T, items fn.KubeObjects) (*facts.ServicePerimeter, []*facts.AccessLevel) {
	t.Helper()
	res := &results.Collector{}
	var perimeter *facts.ServicePerimeter
	for _, obj := range items {
		if obj.GetKind() != facts.KindServicePerimeter {
			continue
		}
		var spec acm.AccessContextManagerServicePerimeterSpec
		sub, _, err := obj.NestedSubObject("spec")
		if err != nil || sub.As(&spec) != nil {
			t.Fatalf("cannot read the perimeter: %v", err)
		}
		if spec.Status == nil && spec.Spec != nil {
			status := acm.ServiceperimeterStatus(*spec.Spec)
			spec.Status, spec.Spec = &status, nil
		}
		perimeter = &facts.ServicePerimeter{Object: obj, Spec: spec}
	}
	if perimeter == nil {
		t.Fatal("no perimeter")
	}
	levels := facts.AccessLevels(items, res)
	if res.HasErrors() {
		t.Fatal("cannot read the access levels")
	}
	return perimeter, levels
}
