package gcprules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
)

func parse(t *testing.T, y string) *fn.KubeObject {
	t.Helper()
	obj, err := fn.ParseKubeObject([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// fields lists the fields Check blames, "!" marking a warning.
func fields(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		f := v.Field
		if v.Warning {
			f = "!" + f
		}
		out = append(out, f)
	}
	return out
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"a firewall GCP takes", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: kf-allow-webhooks}
spec: {priority: 1000, allow: [{protocol: tcp, ports: ["443", "8000-8100", "0"]}], sourceRanges: [172.16.0.32/28, 10.0.0.7], targetTags: [kf-node]}
`, nil},
		{"firewall priority and port off the scale", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: kf}
spec: {priority: 70000, allow: [{protocol: tcp, ports: ["443", "70000"]}]}
`, []string{"spec.priority", "spec.allow[0].ports[1]"}},
		{"firewall with IPv4 and IPv6 ranges", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: kf}
spec: {direction: EGRESS, destinationRanges: [10.4.0.0/14, "fd20:1::/64"]}
`, []string{"spec.destinationRanges[1]"}},
		{"families across source and destination", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: kf}
spec: {sourceRanges: ["::/0"], destinationRanges: [10.0.0.0/8]}
`, []string{"spec.destinationRanges[0]"}},
		{"negative route priority and bad tag", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: kf-vip}
spec: {priority: -5, destRange: 199.36.153.4/30, tags: [KF_Prod-node]}
`, []string{"spec.priority", "spec.tags[0]"}},
		{"resourceID is the GCP name", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: kf-net}
spec: {resourceID: Kf_Net}
`, []string{"spec.resourceID"}},
		{"a tag of 64 characters", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: kf}
spec: {targetTags: [` + strings.Repeat("a", 64) + `]}
`, []string{"spec.targetTags[0]"}},
		{"router in no region", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: kf-router}
spec: {region: us-central1-a}
`, []string{"spec.region"}},
		{"router in a region newer than the table", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: kf-router}
spec: {region: mars-north9}
`, []string{"!spec.region"}},
		{"cluster in a zone its region lacks, nodes elsewhere", `apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: kf}
spec: {location: europe-west1-a, nodeLocations: [europe-west1-b, us-central1-q]}
`, []string{"spec.location", "spec.nodeLocations[1]"}},
		{"regional cluster with its zones", `apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: kf}
spec: {location: us-central1, nodeLocations: [us-central1-a, us-central1-f]}
`, nil},
		{"not Config Connector's kind", `apiVersion: example.com/v1
kind: ComputeFirewall
metadata: {name: KF}
spec: {priority: 70000}
`, nil},
		{"address: global", `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeAddress
metadata: {name: kf-ip}
spec: {location: global}
`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fields(Check(parse(t, tc.yaml)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s\n%v", diff, Check(parse(t, tc.yaml)))
			}
		})
	}
}

func TestCheckMessages(t *testing.T) {
	vs := Check(parse(t, `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: kf}
spec: {priority: 70000, destinationRanges: [10.4.0.0/14, "fd20:1::/64"]}
`))
	if len(vs) != 2 {
		t.Fatalf("want 2 violations, got %v", vs)
	}
	for i, want := range []string{"priority 70000 is out of range", "is IPv6 but spec.destinationRanges[0] is IPv4"} {
		if !strings.Contains(vs[i].Message, want) {
			t.Errorf("message %q lacks %q", vs[i].Message, want)
		}
	}
}

func TestDuplicates(t *testing.T) {
	items := fn.KubeObjects{
		parse(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-b, annotations: {cnrm.cloud.google.com/project-id: kf-project}}\n"),
		parse(t, "apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeNetwork\nmetadata: {name: kf-net, namespace: team-a, annotations: {cnrm.cloud.google.com/project-id: kf-project}}\n"),
		parse(t, "apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeNetwork\nmetadata: {name: kf-net, namespace: team-b}\n"),
		// Unknown project: compared only within its namespace.
		parse(t, "apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeNetwork\nmetadata: {name: kf-net, namespace: team-c}\n"),
		// One name in two regions is two subnetworks.
		parse(t, "apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeSubnetwork\nmetadata: {name: kf-subnet, namespace: team-a, annotations: {cnrm.cloud.google.com/project-id: kf-project}}\nspec: {region: us-central1}\n"),
		parse(t, "apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeSubnetwork\nmetadata: {name: kf-subnet, namespace: team-b}\nspec: {region: us-east4}\n"),
		// resourceID makes another name.
		parse(t, "apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeFirewall\nmetadata: {name: a, namespace: team-a, annotations: {cnrm.cloud.google.com/project-id: kf-project}}\nspec: {resourceID: kf-deny}\n"),
		parse(t, "apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeFirewall\nmetadata: {name: kf-deny, namespace: team-b}\n"),
	}
	var got []string
	for _, d := range Duplicates(items, nil) {
		got = append(got, d.First.GetKind()+" "+d.First.GetNamespace()+"/"+d.First.GetName()+" = "+d.Second.GetNamespace()+"/"+d.Second.GetName()+" in "+d.Project)
	}
	want := []string{
		"ComputeNetwork team-a/kf-net = team-b/kf-net in kf-project",
		"ComputeFirewall team-a/a = team-b/kf-deny in kf-project",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("duplicates (-want +got):\n%s", diff)
	}
	if d := Duplicates(items, func(*fn.KubeObject) bool { return false }); len(d) != 0 {
		t.Errorf("only rules out every pair, got %v", d)
	}
}
