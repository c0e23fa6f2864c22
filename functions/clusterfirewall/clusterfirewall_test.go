package clusterfirewall

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/testing/crdschema"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

func TestGolden(t *testing.T) {
	fntest.RunCases(t, "testdata", Processor())
}

// Every golden output must be what kube-apiserver accepts for the Config
// Connector CRDs: unknown fields, enums, patterns, required fields.
func TestExpectedValidatesAgainstCRDs(t *testing.T) {
	fntest.CheckGoldensAgainstCRDs(t, "testdata")
}

// corpus is the rendered Kubeflow install shared by the project's tests.
var corpus = filepath.Join("..", "..", "..", "shared", "corpus", "kubeflow-manifests.yaml")

// kubeflowCluster is a private cluster as private-cluster leaves it, for
// the corpus to run on.
const kubeflowCluster = `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: kf-net}
spec: {autoCreateSubnetworks: false}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: kf-subnet}
spec:
  region: us-central1
  ipCidrRange: 10.0.0.0/22
  networkRef: {name: kf-net}
  secondaryIpRange:
  - {rangeName: pods, ipCidrRange: 10.4.0.0/14}
  - {rangeName: services, ipCidrRange: 10.8.0.0/20}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: kf}
spec:
  location: us-central1
  networkRef: {name: kf-net}
  subnetworkRef: {name: kf-subnet}
  privateClusterConfig: {enablePrivateNodes: true, masterIpv4CidrBlock: 172.16.0.32/28}
  ipAllocationPolicy: {clusterSecondaryRangeName: pods, servicesSecondaryRangeName: services}
  nodeConfig: {tags: [kf-node]}
`

// On the real Kubeflow install the control plane must reach the nodes on
// GKE's 443 and 10250 and on every webhook port (cert-manager's 10250,
// PodDefaults' 4443, Knative's and Katib's 8443, KServe's, pvcviewer's and
// Spark's 9443, istiod's 15017): exactly these, no more. Health checks
// reach Istio's ingress gateway on its container ports.
func TestKubeflowCorpus(t *testing.T) {
	data, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatalf("the Kubeflow corpus must sit beside the project (../shared): %v", err)
	}
	items, err := fn.ParseKubeObjects(slices.Concat(data, []byte("\n---\n"+kubeflowCluster)))
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: items, FunctionConfig: fn.NewEmptyKubeObject()}
	ok, err := Processor().Process(rl)
	if !ok || err != nil {
		t.Fatalf("run failed: %v %v", err, rl.Results)
	}
	for _, r := range rl.Results {
		if r.Severity != fn.Info {
			t.Errorf("unexpected %s: %s", r.Severity, r.Message)
		}
	}
	for name, want := range map[string][]string{
		"kf-allow-master-ingress": {"443", "4443", "8443", "9443", "10250", "15017"},
		"kf-allow-health-checks":  {"8080", "8443", "15021"},
		// Out to the control plane: what Google's own deny-all-egress
		// setup opens (gcp.ControlPlaneEgressPorts), not the webhook ports.
		"kf-allow-master-egress": {"443", "10250"},
	} {
		if diff := cmp.Diff(want, allowedPorts(t, rl.Items, name)); diff != "" {
			t.Errorf("%s opens (-want +got):\n%s", name, diff)
		}
	}
	crdschema.CheckKCC(t, rl.Items)
}

// allowedPorts returns the tcp ports of the ComputeFirewall named name.
func allowedPorts(t *testing.T, items fn.KubeObjects, name string) []string {
	t.Helper()
	obj := items.Where(fn.IsGVK("compute.cnrm.cloud.google.com", "v1beta1", "ComputeFirewall")).Where(fn.IsName(name))
	if len(obj) != 1 {
		t.Fatalf("%d ComputeFirewalls named %s", len(obj), name)
	}
	allows, _, err := obj[0].NestedSlice("spec", "allow")
	if err != nil || len(allows) != 1 {
		t.Fatalf("%s: spec.allow %v (%v)", name, allows, err)
	}
	if proto, _, _ := allows[0].NestedString("protocol"); proto != "tcp" {
		t.Errorf("%s: protocol %q, want tcp", name, proto)
	}
	ports, _, _ := allows[0].NestedStringSlice("ports")
	return ports
}
