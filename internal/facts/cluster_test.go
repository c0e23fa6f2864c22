package facts

import (
	"net/netip"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

const rangesPackage = `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: sub}
spec:
  region: europe-west4
  ipCidrRange: 10.0.0.0/20
  networkRef: {name: net}
  secondaryIpRange:
  - {rangeName: pods, ipCidrRange: 10.4.0.0/14}
  - {rangeName: services, ipCidrRange: 10.8.0.0/20}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: named}
spec:
  location: europe-west4-a
  subnetworkRef: {name: sub}
  ipAllocationPolicy: {clusterSecondaryRangeName: pods, servicesSecondaryRangeName: services}
  nodeConfig: {tags: [named-node, other]}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: blocks}
spec:
  location: us-east1-b
  ipAllocationPolicy: {clusterIpv4CidrBlock: 10.64.0.0/14, servicesIpv4CidrBlock: 10.68.0.0/20}
  nodeConfig: {tags: [only]}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: bare}
spec:
  location: us-east1
  nodeConfig: {tags: [a, b]}
`

func TestClusterRangesRegionAndNodeTag(t *testing.T) {
	pkg := readWithoutErrors(t, rangesPackage)
	tests := []struct {
		cluster, region, pods, services, tag string
		tagErr                               bool
	}{
		{"named", "europe-west4", "10.4.0.0/14", "10.8.0.0/20", "named-node", false},
		{"blocks", "us-east1", "10.64.0.0/14", "10.68.0.0/20", "only", false},
		{"bare", "us-east1", "", "", "", true},
	}
	for _, tt := range tests {
		c := pkg.Cluster("", tt.cluster)
		if got := c.Region(); got != tt.region {
			t.Errorf("%s: region %q, want %q", tt.cluster, got, tt.region)
		}
		for _, r := range []struct {
			what string
			get  func() (netip.Prefix, bool)
			want string
		}{{"pods", c.PodRange, tt.pods}, {"services", c.ServiceRange, tt.services}} {
			p, ok := r.get()
			if got := map[bool]string{true: p.String(), false: ""}[ok]; got != r.want {
				t.Errorf("%s: %s range %q, want %q", tt.cluster, r.what, got, r.want)
			}
		}
		tag, err := c.NodeTag()
		if tag != tt.tag || (err != nil) != tt.tagErr {
			t.Errorf("%s: node tag %q, %v; want %q, error %v", tt.cluster, tag, err, tt.tag, tt.tagErr)
		}
	}
}

// The CIDR blocks are read whether or not the cluster also names secondary
// ranges: private-cluster keeps every range GKE may create off the
// control plane's.
func TestClusterCIDRBlocks(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(rangesPackage + `---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: both}
spec:
  location: europe-west4
  subnetworkRef: {name: sub}
  ipAllocationPolicy: {clusterSecondaryRangeName: pods, clusterIpv4CidrBlock: 10.96.0.0/14, servicesIpv4CidrBlock: not-a-range}
`))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	pkg := Read(objs, &res)
	for _, tt := range []struct{ cluster, pods, services string }{
		{"named", "", ""},
		{"blocks", "10.64.0.0/14", "10.68.0.0/20"},
		{"bare", "", ""},
		{"both", "10.96.0.0/14", ""},
	} {
		c := pkg.Cluster("", tt.cluster)
		for _, r := range []struct {
			what string
			get  func() (netip.Prefix, bool)
			want string
		}{{"pods", c.PodCIDRBlock, tt.pods}, {"services", c.ServiceCIDRBlock, tt.services}} {
			p, ok := r.get()
			if got := map[bool]string{true: p.String(), false: ""}[ok]; got != r.want {
				t.Errorf("%s: %s CIDR block %q, want %q", tt.cluster, r.what, got, r.want)
			}
		}
	}
	if p, _ := pkg.Cluster("", "both").PodRange(); p.String() != "10.4.0.0/14" {
		t.Errorf("the named secondary range goes before the block: pod range %s", p)
	}
}
