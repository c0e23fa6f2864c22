package facts

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lockdown-krm/lockdown/internal/results"
)

func TestRouterNATs(t *testing.T) {
	var res results.Collector
	pkg := Read(parseObjects(t, `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: r1, namespace: ns}
spec: {region: us-central1, networkRef: {name: net}}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: r2, namespace: ns}
spec: {region: europe-west1, networkRef: {external: projects/h/global/networks/shared}}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouterNAT
metadata: {name: nat1, namespace: ns}
spec: {region: us-central1, routerRef: {name: r1}, natIpAllocateOption: AUTO_ONLY, sourceSubnetworkIpRangesToNat: ALL_SUBNETWORKS_ALL_IP_RANGES}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouterNAT
metadata: {name: nat2, namespace: other}
spec: {region: europe-west1, routerRef: {name: r2, namespace: ns}, natIpAllocateOption: AUTO_ONLY, sourceSubnetworkIpRangesToNat: ALL_SUBNETWORKS_ALL_IP_RANGES}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouterNAT
metadata: {name: orphan, namespace: ns}
spec: {region: us-central1, routerRef: {name: elsewhere}, natIpAllocateOption: AUTO_ONLY, sourceSubnetworkIpRangesToNat: ALL_SUBNETWORKS_ALL_IP_RANGES}
`), &res)
	var got []string
	for _, n := range pkg.RouterNATs() {
		got = append(got, n.Object.GetName()+" "+n.Spec.Region+" -> "+string(n.Network()))
	}
	want := []string{
		"nat1 us-central1 -> ns/net",
		"nat2 europe-west1 -> external:projects/h/global/networks/shared",
		"orphan us-central1 -> ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NATs (-want +got):\n%s", diff)
	}
	if res.HasErrors() {
		t.Errorf("unexpected errors: %v", res.Results())
	}
}
