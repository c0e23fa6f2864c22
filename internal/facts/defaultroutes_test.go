package facts

import (
	"fmt"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// Routes and clusters on networks inside and outside the package: each
// cluster must see the default routes of its own network only, however
// the network is referred to.
const networkIDsYAML = `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: inside, namespace: net}
spec: {deleteDefaultRoutesOnCreate: true}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: dual, namespace: net}
spec: {region: r, ipCidrRange: 10.0.0.0/20, networkRef: {name: inside}, stackType: IPV4_IPV6}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: inside-egress, namespace: net}
spec: {destRange: 0.0.0.0/0, networkRef: {name: inside}, nextHopGateway: default-internet-gateway, priority: 2000}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: inside-v6, namespace: net}
spec: {destRange: "::/0", networkRef: {name: inside}, nextHopGateway: default-internet-gateway, priority: 500}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: shared-egress, namespace: apps}
spec: {destRange: 0.0.0.0/0, networkRef: {external: projects/host/global/networks/shared}, nextHopGateway: default-internet-gateway, priority: 900}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: other-egress, namespace: apps}
spec: {destRange: 0.0.0.0/0, networkRef: {external: projects/host/global/networks/other}, nextHopGateway: default-internet-gateway, priority: 800}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: missing-egress, namespace: apps}
spec: {destRange: 0.0.0.0/0, networkRef: {name: missing}, nextHopGateway: default-internet-gateway, priority: 700}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: in, namespace: apps}
spec: {location: r, subnetworkRef: {name: dual, namespace: net}}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: shared, namespace: apps}
spec: {location: r, networkRef: {external: projects/host/global/networks/shared}}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: missing, namespace: apps}
spec: {location: r, networkRef: {name: missing}}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: nonet, namespace: apps}
spec: {location: r}
`

func describeRoutes(rs []*Route) string {
	var s []string
	for _, r := range rs {
		name := "gcp-default"
		if r.Object != nil {
			name = r.Object.GetName()
		}
		s = append(s, fmt.Sprintf("%s:%s@%d", name, r.Dest, r.Priority))
	}
	return fmt.Sprint(s)
}

func TestDefaultRoutesFor(t *testing.T) {
	var res results.Collector
	pkg := Read(parseObjects(t, networkIDsYAML), &res)
	if res.HasErrors() {
		t.Fatal(res.Results())
	}
	for _, tt := range []struct{ cluster, id, name, v4, v6 string }{
		{"in", "net/inside", "inside", "[inside-egress:0.0.0.0/0@2000]", "[inside-v6:::/0@500 gcp-default:::/0@1000]"},
		{"shared", "external:projects/host/global/networks/shared", "shared", "[shared-egress:0.0.0.0/0@900 gcp-default:0.0.0.0/0@1000]", "[gcp-default:::/0@1000]"},
		{"missing", "apps/missing", "missing", "[missing-egress:0.0.0.0/0@700 gcp-default:0.0.0.0/0@1000]", "[gcp-default:::/0@1000]"},
		// No network at all: only GCP's routes, never somebody else's.
		{"nonet", "", "", "[gcp-default:0.0.0.0/0@1000]", "[gcp-default:::/0@1000]"},
	} {
		c := pkg.Cluster("apps", tt.cluster)
		if got := c.NetworkID(); string(got) != tt.id || got.Name() != tt.name {
			t.Errorf("%s: network %q named %q, want %q named %q", tt.cluster, got, got.Name(), tt.id, tt.name)
		}
		if got := describeRoutes(pkg.DefaultRoutesFor(c)); got != tt.v4 {
			t.Errorf("%s: IPv4 %s, want %s", tt.cluster, got, tt.v4)
		}
		if got := describeRoutes(pkg.DefaultIPv6RoutesFor(c)); got != tt.v6 {
			t.Errorf("%s: IPv6 %s, want %s", tt.cluster, got, tt.v6)
		}
	}
	if id := pkg.Subnetworks[0].NetworkID(); id != "net/inside" {
		t.Errorf("subnetwork network %q", id)
	}
	if !NetworkID("external:x").IsExternal() || NetworkID("ns/x").IsExternal() {
		t.Error("IsExternal")
	}
}
