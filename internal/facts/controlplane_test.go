package facts

import (
	"net/netip"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

const controlPlanePackage = `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: nodes}
spec: {region: europe-west4, ipCidrRange: 10.0.0.0/20, networkRef: {name: net}}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata:
  name: endpoints
  annotations: {cnrm.cloud.google.com/project-id: host}
spec: {region: europe-west4, ipCidrRange: 10.9.0.0/28, networkRef: {name: net}}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: peering}
spec:
  location: europe-west4
  subnetworkRef: {name: nodes}
  privateClusterConfig: {enablePrivateNodes: true, masterIpv4CidrBlock: 172.16.0.32/28}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: psc-subnet}
spec:
  location: europe-west4
  subnetworkRef: {name: nodes}
  privateClusterConfig: {enablePrivateNodes: true, enablePrivateEndpoint: true, privateEndpointSubnetworkRef: {name: endpoints}}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: psc-external}
spec:
  location: europe-west4
  subnetworkRef: {name: nodes}
  privateClusterConfig:
    enablePrivateNodes: true
    privateEndpointSubnetworkRef: {external: projects/host/regions/europe-west4/subnetworks/endpoints}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: psc-elsewhere}
spec:
  location: europe-west4
  subnetworkRef: {name: nodes}
  privateClusterConfig:
    enablePrivateNodes: true
    privateEndpointSubnetworkRef: {external: projects/other/regions/europe-west4/subnetworks/cp}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: psc-nodes}
spec:
  location: europe-west4
  subnetworkRef: {name: nodes}
  privateClusterConfig: {enablePrivateNodes: true}
  controlPlaneEndpointsConfig:
    dnsEndpointConfig: {allowExternalTraffic: true}
    ipEndpointsConfig: {enabled: false}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: both}
spec:
  location: europe-west4
  subnetworkRef: {name: nodes}
  privateClusterConfig: {enablePrivateNodes: true, masterIpv4CidrBlock: 172.16.0.32/28, privateEndpointSubnetworkRef: {name: endpoints}}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: public}
spec:
  location: europe-west4
  subnetworkRef: {name: nodes}
`

func TestControlPlane(t *testing.T) {
	pkg := readWithoutErrors(t, controlPlanePackage)
	tests := []struct {
		cluster             string
		model               gcp.ControlPlaneModel
		source              string // "" when unknown
		dns, ip, public     bool
		conflict, inPackage bool
	}{
		{cluster: "peering", model: gcp.PeeringControlPlane, source: "172.16.0.32/28", ip: true, public: true},
		{cluster: "psc-subnet", model: gcp.PSCControlPlane, source: "10.9.0.0/28", ip: true, inPackage: true},
		// A Shared VPC host's subnetwork rendered alongside, by external.
		{cluster: "psc-external", model: gcp.PSCControlPlane, source: "10.9.0.0/28", ip: true, public: true, inPackage: true},
		{cluster: "psc-elsewhere", model: gcp.PSCControlPlane, ip: true, public: true},
		// No /28 and no endpoint subnetwork: the endpoint is in the node subnetwork.
		{cluster: "psc-nodes", model: gcp.PSCControlPlane, source: "10.0.0.0/20", dns: true},
		{cluster: "both", model: gcp.PSCControlPlane, source: "10.9.0.0/28", ip: true, public: true, conflict: true, inPackage: true},
		{cluster: "public", ip: true, public: true},
	}
	for _, tt := range tests {
		c := pkg.clusters[Key{Kind: KindCluster, Name: tt.cluster}]
		cp := c.ControlPlane()
		if cp.Model != tt.model {
			t.Errorf("%s: model %q, want %q", tt.cluster, cp.Model, tt.model)
		}
		var want netip.Prefix
		if tt.source != "" {
			want = netip.MustParsePrefix(tt.source)
		}
		if cp.Source != want {
			t.Errorf("%s: source %v, want %v", tt.cluster, cp.Source, want)
		}
		if (cp.SourceUnknown(c) == "") != want.IsValid() {
			t.Errorf("%s: SourceUnknown %q with source %v", tt.cluster, cp.SourceUnknown(c), cp.Source)
		}
		if cp.DNSEndpoint != tt.dns || cp.IPEndpoints != tt.ip || cp.PublicIPEndpoint != tt.public {
			t.Errorf("%s: dns %v ip %v public %v, want %v %v %v", tt.cluster, cp.DNSEndpoint, cp.IPEndpoints, cp.PublicIPEndpoint, tt.dns, tt.ip, tt.public)
		}
		if cp.Conflict != tt.conflict || (cp.EndpointSubnetwork != nil) != tt.inPackage {
			t.Errorf("%s: conflict %v, endpoint subnetwork %v", tt.cluster, cp.Conflict, cp.EndpointSubnetwork)
		}
		if cp.IsPrivate() != (tt.model != "") {
			t.Errorf("%s: IsPrivate %v", tt.cluster, cp.IsPrivate())
		}
	}
}
