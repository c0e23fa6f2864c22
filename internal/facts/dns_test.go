package facts

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/results"
)

func TestManagedZones(t *testing.T) {
	objs := parseObjects(t, `
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSManagedZone
metadata: {name: apis, namespace: apps}
spec:
  dnsName: GoogleAPIs.com.
  visibility: private
  privateVisibilityConfig:
    networks:
    - networkRef: {name: vpc}
    - networkRef: {name: vpc, namespace: net}
    - networkRef: {external: projects/host/global/networks/shared}
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSManagedZone
metadata: {name: public, namespace: apps}
spec: {dnsName: example.com.}
---
apiVersion: example.com/v1
kind: DNSManagedZone
metadata: {name: not-kcc}
---
apiVersion: dns.cnrm.cloud.google.com/v1beta1
kind: DNSManagedZone
metadata: {name: broken}
spec: {dnsName: [a, b]}
`)
	var res results.Collector
	zones := ManagedZones(objs, &res)
	if len(zones) != 2 {
		t.Fatalf("%d zones, want 2", len(zones))
	}
	rs := res.Results()
	if len(rs) != 1 || rs[0].ResourceRef.Name != "broken" || rs[0].Field.Path != "spec" {
		t.Errorf("want one error about broken's spec, got %v", rs)
	}
	apis, public := zones[0], zones[1]
	if apis.DNSName != "googleapis.com" || !apis.Private() {
		t.Errorf("apis: %q private %v", apis.DNSName, apis.Private())
	}
	for _, id := range []NetworkID{"apps/vpc", "net/vpc", "external:projects/host/global/networks/shared"} {
		if !apis.VisibleFrom(id) {
			t.Errorf("apis is not visible from %s; networks %v", id, apis.Networks)
		}
	}
	if apis.VisibleFrom("other/vpc") {
		t.Error("apis is visible from other/vpc")
	}
	if public.Private() || public.VisibleFrom("apps/vpc") {
		t.Error("a public zone is visible from no network in particular")
	}
}
