package facts

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/results"
)

func TestRecordSets(t *testing.T) {
	objs := parseObjects(t, `
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSManagedZone
metadata: {name: apis, namespace: net}
spec: {dnsName: googleapis.com., visibility: private}
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: a, namespace: net}
spec:
  name: Restricted.GoogleAPIs.com.
  type: A
  managedZoneRef: {name: apis}
  rrdatas: [199.36.153.4]
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: elsewhere, namespace: apps}
spec:
  name: x.googleapis.com.
  type: CNAME
  managedZoneRef: {name: apis}
  rrdatas: [restricted.googleapis.com.]
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: cross, namespace: apps}
spec:
  name: y.googleapis.com.
  type: CNAME
  managedZoneRef: {name: apis, namespace: net}
  rrdatas: [restricted.googleapis.com.]
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: external, namespace: net}
spec:
  name: z.example.com.
  type: A
  managedZoneRef: {external: projects/p/managedZones/example}
  rrdatas: [192.0.2.1]
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSRecordSet
metadata: {name: broken, namespace: net}
spec: {rrdatas: 7}
`)
	var res results.Collector
	zones := ManagedZones(objs, &res)
	sets := RecordSets(objs, zones, &res)
	if len(sets) != 4 {
		t.Fatalf("%d record sets, want 4", len(sets))
	}
	rs := res.Results()
	if len(rs) != 1 || rs[0].ResourceRef.Name != "broken" {
		t.Errorf("want one error about broken, got %v", rs)
	}
	if sets[0].Name != "restricted.googleapis.com" || sets[0].Zone != zones[0] {
		t.Errorf("a: name %q zone %v", sets[0].Name, sets[0].Zone)
	}
	if sets[1].Zone != nil {
		t.Error("a zone reference without a namespace is in the record set's namespace: apps/apis is not in the package")
	}
	if sets[2].Zone != zones[0] {
		t.Error("cross names the zone's namespace and must find it")
	}
	if sets[3].Zone != nil {
		t.Error("an external zone is outside the package")
	}
	if !IsKCC(objs[0]) || IsKCC(parseObjects(t, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")[0]) {
		t.Error("IsKCC tells Config Connector objects by their group")
	}
}

func TestRoutesOnNetworkByID(t *testing.T) {
	objs := parseObjects(t, `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: fenced, namespace: net}
spec: {deleteDefaultRoutesOnCreate: true}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: nat, namespace: net}
spec:
  destRange: 0.0.0.0/0
  priority: 1000
  networkRef: {name: fenced}
  nextHopGateway: default-internet-gateway
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: vip, namespace: net}
spec:
  destRange: 199.36.153.4/30
  priority: 999
  networkRef: {external: projects/host/global/networks/shared}
  nextHopGateway: default-internet-gateway
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRoute
metadata: {name: v6, namespace: net}
spec:
  destRange: ::/0
  priority: 500
  networkRef: {external: projects/host/global/networks/shared}
  nextHopGateway: default-internet-gateway
`)
	var res results.Collector
	p := Read(objs, &res)
	if res.HasErrors() {
		t.Fatal(res.Results())
	}
	fenced := p.NetworkByID("net/fenced")
	if fenced == nil || p.NetworkByID("external:projects/host/global/networks/shared") != nil {
		t.Fatal("NetworkByID finds the package's networks only")
	}
	names := func(rs []*Route) []string {
		var out []string
		for _, r := range rs {
			if r.Object == nil {
				out = append(out, "GCP")
			} else {
				out = append(out, r.Object.GetName())
			}
		}
		return out
	}
	shared := NetworkID("external:projects/host/global/networks/shared")
	for _, tt := range []struct {
		what string
		got  []*Route
		want string
	}{
		{"fenced defaults", p.DefaultRoutesOnNetwork(fenced.ID()), "[nat]"},
		{"shared defaults", p.DefaultRoutesOnNetwork(shared), "[GCP]"},
		{"shared IPv6 defaults", p.DefaultIPv6RoutesOnNetwork(shared), "[v6 GCP]"},
		{"shared routes", p.RoutesOnNetwork(shared), "[vip v6]"},
		{"no network", p.RoutesOnNetwork(""), "[]"},
	} {
		if got := fmtList(names(tt.got)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.what, got, tt.want)
		}
	}
}

func fmtList(s []string) string {
	out := "["
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out + "]"
}
