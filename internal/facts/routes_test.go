package facts

import (
	"fmt"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

func TestDefaultRoutesOn(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(`
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: keeps}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: deletes}
spec: {deleteDefaultRoutesOnCreate: true}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: nat-egress}
spec: {destRange: 0.0.0.0/0, networkRef: {name: deletes}, nextHopGateway: default-internet-gateway, priority: 2000}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: vip}
spec: {destRange: 199.36.153.4/30, networkRef: {name: deletes}, nextHopGateway: default-internet-gateway}
`))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	pkg := Read(objs, &res)
	describe := func(rs []*Route) string {
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
	for _, tt := range []struct{ network, want string }{
		{"keeps", "[gcp-default:0.0.0.0/0@1000]"},
		{"deletes", "[nat-egress:0.0.0.0/0@2000]"},
	} {
		var n *Network
		for _, candidate := range pkg.Networks {
			if candidate.Object.GetName() == tt.network {
				n = candidate
			}
		}
		if got := describe(pkg.DefaultRoutesOn(n)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.network, got, tt.want)
		}
	}
	if len(pkg.Routes) != 2 || res.HasErrors() {
		t.Errorf("routes %d, results %v", len(pkg.Routes), res.Results())
	}
}

// TestRouteDestRange checks that a route's destination is read in CIDR
// notation only: a bare address is an error at spec.destRange, and the
// route is left out of the facts.
func TestRouteDestRange(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(`
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: bare}
spec: {destRange: 199.36.153.4, networkRef: {name: net}, nextHopGateway: default-internet-gateway}
`))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	pkg := Read(objs, &res)
	got := res.Results()
	if len(pkg.Routes) != 0 || len(got) != 1 || got[0].Field.Path != "spec.destRange" ||
		got[0].Message != `"199.36.153.4" is not a CIDR range such as 0.0.0.0/0` {
		t.Errorf("routes %d, results %v", len(pkg.Routes), got)
	}
}
