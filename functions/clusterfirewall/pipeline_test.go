package clusterfirewall

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/bastion"
	"github.com/lockdown-krm/lockdown/functions/privategoogleaccess"
	"github.com/lockdown-krm/lockdown/internal/gcp"
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

// bastionPackage is a private cluster named %[1]s with its network and
// subnetwork, as bastion and cluster-firewall both need it.
const bastionPackage = `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata:
  name: kf-net
  annotations:
    cnrm.cloud.google.com/project-id: kf-project
spec:
  autoCreateSubnetworks: false
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata:
  name: kf-subnet
  annotations:
    cnrm.cloud.google.com/project-id: kf-project
spec:
  region: us-central1
  ipCidrRange: 10.0.0.0/22
  networkRef:
    name: kf-net
  privateIpGoogleAccess: true
  secondaryIpRange:
  - rangeName: pods
    ipCidrRange: 10.4.0.0/14
  - rangeName: services
    ipCidrRange: 10.8.0.0/20
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: %[1]s
  annotations:
    cnrm.cloud.google.com/project-id: kf-project
spec:
  location: us-central1
  initialNodeCount: 1
  networkRef:
    name: kf-net
  subnetworkRef:
    name: kf-subnet
  privateClusterConfig:
    enablePrivateNodes: true
    enablePrivateEndpoint: true
    masterIpv4CidrBlock: 172.16.0.32/28
  masterAuthorizedNetworksConfig: {}
  networkingMode: VPC_NATIVE
  ipAllocationPolicy:
    clusterSecondaryRangeName: pods
    servicesSecondaryRangeName: services
  nodeConfig:
    tags:
    - kf-node
`

// bastion's default network tag and cluster-firewall's default iapTag must
// be the same for every cluster name, or IAP cannot reach the bastion: both
// functions run with their default config, and either the IAP SSH rule
// targets the tag on the bastion's instance, or both refuse the cluster's
// name (one GCP would refuse: they ask for a tag rather than mend it).
func TestIAPTagMatchesBastion(t *testing.T) {
	for _, tt := range []struct {
		cluster string
		refused bool
	}{
		{"kubeflow", false},
		{"kubeflow-production-analytics-europe-001", false},                       // GKE's limit of 40
		{"kubeflow-training-platform-us-central1-production-analytics-eu", false}, // 62: the tag is shortened
		{strings.Repeat("k", 63), false},
		{"1kf", true}, // starts with a digit
		{"kf.team-a", true},
	} {
		t.Run(tt.cluster, func(t *testing.T) {
			items, err := fn.ParseKubeObjects([]byte(fmt.Sprintf(bastionPackage, tt.cluster)))
			if err != nil {
				t.Fatal(err)
			}
			rl := &fn.ResourceList{Items: items, FunctionConfig: fn.NewEmptyKubeObject()}
			bastionOK, _ := bastion.Processor().Process(rl)
			bastionRefused := refusedName(rl.Results)
			rl.FunctionConfig, rl.Results = fn.NewEmptyKubeObject(), nil
			firewallOK, _ := Processor().Process(rl)
			firewallRefused := refusedName(rl.Results)
			if bastionRefused != tt.refused || firewallRefused != tt.refused {
				t.Fatalf("bastion refused the name: %v, cluster-firewall: %v; want both %v", bastionRefused, firewallRefused, tt.refused)
			}
			if tt.refused {
				return
			}
			if !bastionOK || !firewallOK {
				t.Fatalf("bastion ok %v, cluster-firewall ok %v: %v", bastionOK, firewallOK, rl.Results)
			}
			instances := rl.Items.Where(fn.IsGVK("compute.cnrm.cloud.google.com", "v1beta1", "ComputeInstance"))
			if len(instances) != 1 {
				t.Fatalf("%d bastion instances", len(instances))
			}
			tags, _, _ := instances[0].NestedStringSlice("spec", "tags")
			iap := rl.Items.Where(func(o *fn.KubeObject) bool {
				desc, _, _ := o.NestedString("spec", "description")
				return o.GetKind() == "ComputeFirewall" && strings.Contains(desc, "Identity-Aware Proxy")
			})
			if len(iap) != 1 {
				t.Fatalf("%d IAP SSH rules", len(iap))
			}
			targets, _, _ := iap[0].NestedStringSlice("spec", "targetTags")
			if diff := cmp.Diff(tags, targets); diff != "" || len(tags) != 1 {
				t.Fatalf("bastion's tags and the IAP rule's targets differ (-bastion +cluster-firewall):\n%s", diff)
			}
			if want := gcp.BastionTag(tt.cluster); tags[0] != want || !gcp.IsNetworkTag(tags[0]) {
				t.Errorf("tag %q, want gcp.BastionTag(%q) = %q, a valid network tag", tags[0], tt.cluster, want)
			}
		})
	}
}

// refusedName tells whether a function refused the cluster's name.
func refusedName(results fn.Results) bool {
	for _, r := range results {
		if r.Severity == fn.Error && r.Field != nil && r.Field.Path == "metadata.name" {
			return true
		}
	}
	return false
}
