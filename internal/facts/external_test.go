package facts

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/results"
)

func TestParseExternal(t *testing.T) {
	for ref, want := range map[string]ExternalRef{
		"projects/host/global/networks/vpc":                                       {Project: "host", Collection: "networks", Name: "vpc"},
		"https://www.googleapis.com/compute/v1/projects/host/global/networks/vpc": {Project: "host", Collection: "networks", Name: "vpc"},
		"projects/host/regions/us-central1/subnetworks/kf":                        {Project: "host", Region: "us-central1", Collection: "subnetworks", Name: "kf"},
		"vpc": {Name: "vpc"},
	} {
		if got := ParseExternal(ref); got != want {
			t.Errorf("ParseExternal(%q) = %+v, want %+v", ref, got, want)
		}
	}
}

func TestRegionOf(t *testing.T) {
	for location, want := range map[string]string{
		"europe-west10-c":         "europe-west10",
		"us-central1":             "us-central1",
		"northamerica-northeast1": "northamerica-northeast1",
		"REGION":                  "",
		"us-central1-ab":          "",
		"":                        "",
	} {
		if got := RegionOf(location); got != want {
			t.Errorf("RegionOf(%q) = %q, want %q", location, got, want)
		}
	}
	if !IsZone("us-east4-a") || IsZone("us-east4") || !IsRegion("us-east4") || IsRegion("us-east4-a") {
		t.Error("IsZone/IsRegion disagree with RegionOf")
	}
}

// A Shared VPC cluster whose host's network and subnetwork are in the
// package: its external refs resolve to them, so the node and secondary
// ranges are known and the network is one identity with the host's.
func TestExternalRefsResolveToTheHost(t *testing.T) {
	var res results.Collector
	p := Read(parseObjects(t, `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: shared, namespace: host, annotations: {cnrm.cloud.google.com/project-id: host-project}}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: nodes, namespace: host, annotations: {cnrm.cloud.google.com/project-id: host-project}}
spec:
  region: us-east4
  ipCidrRange: 10.0.0.0/20
  networkRef: {name: shared}
  secondaryIpRange: [{rangeName: pods, ipCidrRange: 10.4.0.0/14}]
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: kf, namespace: svc, annotations: {cnrm.cloud.google.com/project-id: svc-project}}
spec:
  location: us-east4
  networkRef: {external: projects/host-project/global/networks/shared}
  subnetworkRef: {external: projects/host-project/regions/us-east4/subnetworks/nodes}
  ipAllocationPolicy: {clusterSecondaryRangeName: pods}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: elsewhere, namespace: svc}
spec:
  location: us-east4
  networkRef: {external: projects/other-project/global/networks/shared}
  subnetworkRef: {external: projects/other-project/regions/us-east4/subnetworks/nodes}
`), &res)
	kf, elsewhere := p.Cluster("svc", "kf"), p.Cluster("svc", "elsewhere")
	if kf.Subnetwork == nil || kf.Network == nil {
		t.Fatalf("kf's external refs did not resolve: subnetwork %v, network %v", kf.Subnetwork, kf.Network)
	}
	if pods, ok := kf.PodRange(); !ok || pods.String() != "10.4.0.0/14" {
		t.Errorf("kf's pod range = %v (%v), want the host's 10.4.0.0/14", pods, ok)
	}
	if kf.NetworkID() != "host/shared" || kf.NetworkProject != "host-project" {
		t.Errorf("kf's network = %s in %q, want host/shared in host-project", kf.NetworkID(), kf.NetworkProject)
	}
	if elsewhere.Subnetwork != nil || elsewhere.Network != nil || SameNetwork(kf, elsewhere) {
		t.Error("a network of the same name in another project resolved to the host's")
	}
}
