package privatecluster

import (
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// TestListSetterMarker checks that replacing a list whose setter marker
// the parser hangs on the key (`cidrBlocks: # kpt-set: ...` above a block
// list) warns, as a marker on a scalar's line does.
func TestListSetterMarker(t *testing.T) {
	const input = `apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: kf
  annotations:
    cnrm.cloud.google.com/project-id: kf-project
spec:
  location: us-central1
  masterAuthorizedNetworksConfig:
    cidrBlocks: # kpt-set: ${authorized-networks}
    - cidrBlock: 10.20.0.0/16
      displayName: vpn
`
	items, err := fn.ParseKubeObjects([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	config, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pc\ndata:\n  masterAuthorizedNetworks: office=203.0.113.0/24\n  clusterIpv4CidrBlock: 10.4.0.0/14\n  servicesIpv4CidrBlock: 10.8.0.0/20\n"))
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: items, FunctionConfig: config}
	if _, err := Processor().Process(rl); err != nil {
		t.Fatal(err)
	}
	const field = "spec.masterAuthorizedNetworksConfig.cidrBlocks"
	for _, r := range rl.Results {
		if r.Field != nil && r.Field.Path == field && r.Severity == fn.Warning &&
			strings.Contains(r.Message, `setter marker "# kpt-set: ${authorized-networks}"`) {
			return
		}
	}
	t.Errorf("no setter marker warning at %s; results:\n%v", field, rl.Results)
}
