package facts

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// TestAuthorizedNetworks reads the blocks in CIDR notation, host bits as
// written; a bare address or a bad range is an error and left out.
func TestAuthorizedNetworks(t *testing.T) {
	var res results.Collector
	pkg := Read(parseObjects(t, `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c}
spec:
  location: us-central1
  masterAuthorizedNetworksConfig:
    cidrBlocks:
    - {cidrBlock: 10.200.0.0/16}
    - {cidrBlock: 203.0.113.7}
    - {cidrBlock: 8.1.2.3/7}
    - {cidrBlock: 10.0.0.0/33}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: none}
spec: {location: us-central1}
`), &res)
	var got []string
	for _, n := range pkg.Clusters[0].AuthorizedNetworks(&res) {
		got = append(got, fmt.Sprintf("%s %s %s", n.Field, n.Text, n.Prefix))
	}
	want := []string{
		"spec.masterAuthorizedNetworksConfig.cidrBlocks[0].cidrBlock 10.200.0.0/16 10.200.0.0/16",
		"spec.masterAuthorizedNetworksConfig.cidrBlocks[2].cidrBlock 8.1.2.3/7 8.1.2.3/7",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("authorized networks (-want +got):\n%s", diff)
	}
	var errs []string
	for _, r := range res.Results() {
		errs = append(errs, r.Field.Path+": "+r.Message)
	}
	wantErrs := []string{
		`spec.masterAuthorizedNetworksConfig.cidrBlocks[1].cidrBlock: "203.0.113.7" is not a CIDR range such as 203.0.113.0/24`,
		`spec.masterAuthorizedNetworksConfig.cidrBlocks[3].cidrBlock: "10.0.0.0/33" is not a CIDR range such as 203.0.113.0/24`,
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if got := pkg.Clusters[1].AuthorizedNetworks(&res); got != nil {
		t.Errorf("a cluster without master authorized networks: %v", got)
	}
}
