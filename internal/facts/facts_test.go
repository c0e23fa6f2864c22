package facts

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

func parseObjects(t *testing.T, text string) fn.KubeObjects {
	t.Helper()
	objs, err := fn.ParseKubeObjects([]byte(strings.TrimPrefix(text, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// pkgYAML is a package with two networks, subnetworks on them, clusters
// that refer to them in every way a ContainerCluster can, and node pools.
const pkgYAML = `
apiVersion: v1
kind: Namespace
metadata:
  name: net
  annotations:
    cnrm.cloud.google.com/project-id: proj-ns
---
apiVersion: v1
kind: Namespace
metadata:
  name: apps
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: vpc, namespace: net}
spec:
  autoCreateSubnetworks: false
  deleteDefaultRoutesOnCreate: true
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: vpc, namespace: other}
spec:
  deleteDefaultRoutesOnCreate: false
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: sub, namespace: net}
spec:
  region: us-central1
  ipCidrRange: 10.0.0.0/20
  networkRef: {name: vpc}
  secondaryIpRange:
  - rangeName: pods
    ipCidrRange: 10.4.0.0/14
  - rangeName: reserved
    reservedInternalRangeRef: {name: r}
  - rangeName: services
    ipCidrRange: 10.8.0.0/20
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: sub-b, namespace: net}
spec:
  region: us-east1
  ipCidrRange: 10.16.0.0/20
  stackType: IPV4_IPV6
  networkRef: {name: vpc, namespace: net}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: sub-other, namespace: other}
spec:
  region: us-central1
  ipCidrRange: 10.32.0.0/20
  networkRef: {name: vpc}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: sub-outside, namespace: net}
spec:
  region: us-central1
  ipCidrRange: 10.48.0.0/20
  networkRef: {external: projects/host/global/networks/shared}
---
# by name in its own namespace, with its own project
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: c1
  namespace: net
  annotations:
    cnrm.cloud.google.com/project-id: proj-own
spec:
  location: us-central1
  networkRef: {name: vpc}
  subnetworkRef: {name: sub}
  privateClusterConfig:
    enablePrivateNodes: true
    masterIpv4CidrBlock: 172.16.0.0/28
  nodeConfig:
    tags: [z, gke, a]
---
# network derived from the subnetwork; project from the Namespace
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c2, namespace: net}
spec:
  location: us-central1
  subnetworkRef: {name: sub}
---
# refs across namespaces; its Namespace has no project
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c3, namespace: apps}
spec:
  location: us-central1
  networkRef: {name: vpc, namespace: net}
  subnetworkRef: {name: sub-b, namespace: net}
  privateClusterConfig:
    masterIpv4CidrBlock: not-a-cidr
---
# external refs point at nothing in the package
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c4, namespace: net}
spec:
  location: us-central1
  networkRef: {external: projects/host/global/networks/shared}
  subnetworkRef: {external: projects/host/regions/us-central1/subnetworks/s}
---
# the same name in another namespace
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c1, namespace: other}
spec:
  location: us-central1
  networkRef: {name: vpc}
---
# a network that is not in the package; no namespace
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c5}
spec:
  location: us-central1
  networkRef: {name: missing}
---
# subnetwork in the package, its network outside
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c6, namespace: net}
spec:
  location: us-central1
  subnetworkRef: {name: sub-outside}
---
# network derived from a subnetwork in another namespace
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c7, namespace: apps}
spec:
  location: us-central1
  subnetworkRef: {name: sub, namespace: net}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: np1, namespace: net}
spec:
  location: us-central1
  clusterRef: {name: c1}
  nodeConfig:
    tags: [gke, b, a]
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: np2, namespace: net}
spec:
  location: us-central1
  clusterRef: {name: c1, namespace: net}
  nodeConfig:
    tags: [a, c, gke, a]
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: np3, namespace: apps}
spec:
  location: us-central1
  clusterRef: {name: c3}
  nodeConfig:
    tags: [x, y]
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: np4, namespace: apps}
spec:
  location: us-central1
  clusterRef: {name: c3}
  nodeConfig:
    tags: [y, x]
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: np5, namespace: net}
spec:
  location: us-central1
  clusterRef: {name: c2}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: np6, namespace: net}
spec:
  location: us-central1
  clusterRef: {name: c2}
  nodeConfig:
    tags: [a]
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: orphan, namespace: net}
spec:
  location: us-central1
  clusterRef: {name: ghost}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: external, namespace: net}
spec:
  location: us-central1
  clusterRef: {external: projects/p/locations/l/clusters/c1}
---
# not Config Connector: ignored, even with a KCC kind
apiVersion: example.com/v1
kind: ContainerCluster
metadata: {name: c9, namespace: net}
spec:
  location: [not, read]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: net}
spec: {}
`

func readPackage(t *testing.T) *Package {
	t.Helper()
	var res results.Collector
	p := Read(parseObjects(t, pkgYAML), &res)
	if got := res.Results(); len(got) != 0 {
		t.Fatalf("Read reported %v", got)
	}
	return p
}

// readWithoutErrors reads a package written in a test, failing on an
// error result (warnings and infos are the test's to judge).
func readWithoutErrors(t *testing.T, text string) *Package {
	t.Helper()
	var res results.Collector
	p := Read(parseObjects(t, text), &res)
	if res.HasErrors() {
		t.Fatal(res.Results())
	}
	return p
}

func name(obj *fn.KubeObject) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns + "/" + obj.GetName()
	}
	return obj.GetName()
}

type clusterFacts struct {
	Name       string
	ProjectID  string
	NetworkRef Ref
	Network    string
	Subnetwork string
	NodePools  []string
	NodeTags   []string
	MasterCIDR string
}

func factsOf(c *Cluster) clusterFacts {
	f := clusterFacts{Name: name(c.Object), ProjectID: c.ProjectID, NetworkRef: c.NetworkRef, NodeTags: c.NodeTags()}
	if c.Network != nil {
		f.Network = name(c.Network.Object)
	}
	if c.Subnetwork != nil {
		f.Subnetwork = name(c.Subnetwork.Object)
	}
	for _, np := range c.NodePools {
		f.NodePools = append(f.NodePools, name(np.Object))
	}
	if p, ok := c.MasterCIDR(); ok {
		f.MasterCIDR = p.String()
	}
	return f
}

func TestReadClusters(t *testing.T) {
	p := readPackage(t)
	var got []clusterFacts
	for _, c := range p.Clusters {
		got = append(got, factsOf(c))
	}
	want := []clusterFacts{
		{
			Name: "net/c1", ProjectID: "proj-own",
			NetworkRef: Ref{Name: "vpc", Namespace: "net"}, Network: "net/vpc", Subnetwork: "net/sub",
			NodePools:  []string{"net/np1", "net/np2"},
			NodeTags:   []string{"a", "gke"}, // common to the cluster's nodeConfig and both pools
			MasterCIDR: "172.16.0.0/28",
		},
		{
			Name: "net/c2", ProjectID: "proj-ns",
			NetworkRef: Ref{Name: "vpc", Namespace: "net"}, Network: "net/vpc", Subnetwork: "net/sub",
			NodePools: []string{"net/np5", "net/np6"},
			NodeTags:  nil, // np5 has no tags
		},
		{
			Name:       "apps/c3",
			NetworkRef: Ref{Name: "vpc", Namespace: "net"}, Network: "net/vpc", Subnetwork: "net/sub-b",
			NodePools: []string{"apps/np3", "apps/np4"},
			NodeTags:  []string{"x", "y"},
		},
		{
			Name: "net/c4", ProjectID: "proj-ns",
			NetworkRef: Ref{External: "projects/host/global/networks/shared"},
		},
		{
			Name:       "other/c1",
			NetworkRef: Ref{Name: "vpc", Namespace: "other"}, Network: "other/vpc",
		},
		{
			Name:       "c5",
			NetworkRef: Ref{Name: "missing"},
		},
		{
			Name: "net/c6", ProjectID: "proj-ns",
			NetworkRef: Ref{External: "projects/host/global/networks/shared"}, Subnetwork: "net/sub-outside",
		},
		{
			Name:       "apps/c7",
			NetworkRef: Ref{Name: "vpc", Namespace: "net"}, Network: "net/vpc", Subnetwork: "net/sub",
		},
	}
	// NodeTags may say "none" with nil or an empty list.
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
}

func TestReadNodePoolsAndSubnetworks(t *testing.T) {
	p := readPackage(t)
	pools := map[string]string{}
	for _, np := range p.NodePools {
		pools[name(np.Object)] = ""
		if np.Cluster != nil {
			pools[name(np.Object)] = name(np.Cluster.Object)
		}
	}
	wantPools := map[string]string{
		"net/np1": "net/c1", "net/np2": "net/c1",
		"apps/np3": "apps/c3", "apps/np4": "apps/c3",
		"net/np5": "net/c2", "net/np6": "net/c2",
		"net/orphan": "", "net/external": "",
	}
	if diff := cmp.Diff(wantPools, pools); diff != "" {
		t.Errorf("node pool clusters (-want +got):\n%s", diff)
	}

	type subnetFacts struct {
		Name      string
		Network   string
		Primary   string
		Ranges    []string
		DualStack bool
	}
	var subnets []subnetFacts
	for _, s := range p.Subnetworks {
		f := subnetFacts{Name: name(s.Object), Primary: s.Primary.String(), DualStack: s.IsDualStack()}
		if s.Network != nil {
			f.Network = name(s.Network.Object)
		}
		for _, r := range s.Secondary {
			f.Ranges = append(f.Ranges, fmt.Sprintf("%s=%s @%s", r.Name, r.Prefix, r.Field))
		}
		subnets = append(subnets, f)
	}
	wantSubnets := []subnetFacts{
		{Name: "net/sub", Network: "net/vpc", Primary: "10.0.0.0/20", Ranges: []string{
			"pods=10.4.0.0/14 @spec.secondaryIpRange[0].ipCidrRange",
			"services=10.8.0.0/20 @spec.secondaryIpRange[2].ipCidrRange",
		}},
		{Name: "net/sub-b", Network: "net/vpc", Primary: "10.16.0.0/20", DualStack: true},
		{Name: "other/sub-other", Network: "other/vpc", Primary: "10.32.0.0/20"},
		{Name: "net/sub-outside", Primary: "10.48.0.0/20"},
	}
	if diff := cmp.Diff(wantSubnets, subnets); diff != "" {
		t.Errorf("subnetworks (-want +got):\n%s", diff)
	}

	sub := p.Subnetworks[0]
	if diff := cmp.Diff([]string{"pods", "services"}, sub.RangeNames()); diff != "" {
		t.Errorf("RangeNames (-want +got):\n%s", diff)
	}
	if r, ok := sub.Range("services"); !ok || r.Prefix != netip.MustParsePrefix("10.8.0.0/20") {
		t.Errorf("Range(services) = %v, %v", r, ok)
	}
	if _, ok := sub.Range("reserved"); ok {
		t.Error("a range without ipCidrRange was found")
	}
	if diff := cmp.Diff([]string{}, p.Subnetworks[1].RangeNames()); diff != "" {
		t.Errorf("RangeNames of a subnetwork without ranges (-want +got):\n%s", diff)
	}

	deletes := map[string]bool{}
	for _, n := range p.Networks {
		deletes[name(n.Object)] = n.DeletesDefaultRoutes()
	}
	if diff := cmp.Diff(map[string]bool{"net/vpc": true, "other/vpc": false}, deletes); diff != "" {
		t.Errorf("DeletesDefaultRoutes (-want +got):\n%s", diff)
	}
	if len(p.Items) != len(parseObjects(t, pkgYAML)) {
		t.Errorf("Items has %d objects", len(p.Items))
	}
}

func TestPackageCluster(t *testing.T) {
	p := readPackage(t)
	for _, tc := range []struct{ namespace, name, want string }{
		{"net", "c1", "net/c1"},
		{"other", "c1", "other/c1"},
		{"", "c1", "net/c1"}, // the first one in any namespace
		{"", "c5", "c5"},
		{"apps", "c1", ""},
		{"", "nope", ""},
	} {
		got := ""
		if c := p.Cluster(tc.namespace, tc.name); c != nil {
			got = name(c.Object)
		}
		if got != tc.want {
			t.Errorf("Cluster(%q, %q) = %q, want %q", tc.namespace, tc.name, got, tc.want)
		}
	}
}

func TestSameNetworkAndSubnetworksOn(t *testing.T) {
	p := readPackage(t)
	extra := Read(parseObjects(t, `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: shared-again, namespace: x}
spec:
  location: l
  networkRef: {external: projects/host/global/networks/shared}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: elsewhere, namespace: x}
spec:
  location: l
  networkRef: {external: projects/host/global/networks/elsewhere}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: missing-too}
spec:
  location: l
  networkRef: {name: missing}
`), &results.Collector{})
	c := func(ns, n string) *Cluster {
		t.Helper()
		for _, pkg := range []*Package{p, extra} {
			if c := pkg.Cluster(ns, n); c != nil {
				return c
			}
		}
		t.Fatalf("no cluster %s/%s", ns, n)
		return nil
	}
	for _, tc := range []struct {
		a, b *Cluster
		want bool
	}{
		{c("net", "c1"), c("net", "c2"), true},         // by name, and derived from the subnetwork
		{c("net", "c1"), c("apps", "c3"), true},        // across namespaces
		{c("net", "c1"), c("other", "c1"), false},      // same name, other namespace
		{c("net", "c4"), c("x", "shared-again"), true}, // the same external network
		{c("net", "c4"), c("net", "c6"), true},         // external, derived from the subnetwork
		{c("net", "c4"), c("x", "elsewhere"), false},   // other external network
		{c("net", "c1"), c("net", "c4"), false},        // in the package vs outside
		{c("", "c5"), c("", "missing-too"), true},      // both name network "missing" in one namespace, outside the package
		{c("", "c5"), c("", "c5"), true},
		{c("net", "c1"), c("net", "c1"), true},
		{c("apps", "c7"), c("net", "c2"), true}, // both derived from net/sub
	} {
		if got := SameNetwork(tc.a, tc.b); got != tc.want {
			t.Errorf("SameNetwork(%s, %s) = %v, want %v", name(tc.a.Object), name(tc.b.Object), got, tc.want)
		}
		if got := SameNetwork(tc.b, tc.a); got != tc.want {
			t.Errorf("SameNetwork(%s, %s) = %v, want %v", name(tc.b.Object), name(tc.a.Object), got, tc.want)
		}
	}

	on := func(cl *Cluster) []string {
		var out []string
		for _, s := range p.SubnetworksOn(cl) {
			out = append(out, name(s.Object))
		}
		return out
	}
	for _, tc := range []struct {
		cluster *Cluster
		want    []string
	}{
		{c("net", "c1"), []string{"net/sub", "net/sub-b"}},
		{c("net", "c2"), []string{"net/sub", "net/sub-b"}},
		{c("apps", "c3"), []string{"net/sub", "net/sub-b"}},
		{c("other", "c1"), []string{"other/sub-other"}},
		{c("net", "c6"), []string{"net/sub-outside"}}, // its own subnetwork only
		{c("apps", "c7"), []string{"net/sub", "net/sub-b"}},
		{c("net", "c4"), []string{"net/sub-outside"}}, // on the same external network
		{c("", "c5"), nil},
	} {
		if diff := cmp.Diff(tc.want, on(tc.cluster)); diff != "" {
			t.Errorf("SubnetworksOn(%s) (-want +got):\n%s", name(tc.cluster.Object), diff)
		}
	}
}

func TestProjectID(t *testing.T) {
	p := readPackage(t)
	objs := parseObjects(t, `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata:
  name: own
  namespace: net
  annotations: {cnrm.cloud.google.com/project-id: mine}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: from-namespace, namespace: net}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: namespace-without-project, namespace: apps}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: namespace-not-in-package, namespace: elsewhere}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: no-namespace}
`)
	var got []string
	for _, obj := range objs {
		got = append(got, obj.GetName()+"="+p.ProjectID(obj))
	}
	want := []string{"own=mine", "from-namespace=proj-ns", "namespace-without-project=", "namespace-not-in-package=", "no-namespace="}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ProjectID (-want +got):\n%s", diff)
	}
}

func TestNodeTags(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string
	}{
		{"no node config, no pools", `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c}
spec: {location: l}
`, nil},
		{"default node config only, sorted and deduplicated", `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c}
spec:
  location: l
  nodeConfig: {tags: [b, a, b]}
`, []string{"a", "b"}},
		{"pools only", `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c}
spec: {location: l}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: p1}
spec: {location: l, clusterRef: {name: c}, nodeConfig: {tags: [n, m, k]}}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: p2}
spec: {location: l, clusterRef: {name: c}, nodeConfig: {tags: [k, n]}}
`, []string{"k", "n"}},
		{"nothing in common", `
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: c}
spec: {location: l, nodeConfig: {tags: [a]}}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: p1}
spec: {location: l, clusterRef: {name: c}, nodeConfig: {tags: [b]}}
`, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var res results.Collector
			p := Read(parseObjects(t, tc.yaml), &res)
			if res.HasErrors() || len(p.Clusters) != 1 {
				t.Fatalf("Read: %d clusters, %v", len(p.Clusters), res.Results())
			}
			if diff := cmp.Diff(tc.want, p.Clusters[0].NodeTags(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("NodeTags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	objs := parseObjects(t, `
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: vpc}
spec: {}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata:
  name: bad-secondary
  annotations:
    internal.config.kubernetes.io/path: network.yaml
    internal.config.kubernetes.io/index: '1'
spec:
  region: r
  ipCidrRange: 10.0.0.0/20
  networkRef: {name: vpc}
  secondaryIpRange:
  - rangeName: pods
    ipCidrRange: 10.4.0.0/33
  - rangeName: services
    ipCidrRange: 10.8.0.0/20
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata: {name: bad-primary}
spec:
  region: r
  ipCidrRange: 10.0.0.1
  networkRef: {name: vpc}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: broken}
spec:
  location: [1]
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata: {name: scalar-spec}
spec: 5
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: fine}
spec:
  location: l
  subnetworkRef: {name: bad-secondary}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: no-spec}
`)
	var res results.Collector
	p := Read(objs, &res)

	type finding struct{ Severity, Object, File, Field, Message string }
	var got []finding
	for _, r := range res.Results() {
		f := finding{Severity: string(r.Severity), Message: r.Message}
		if r.ResourceRef != nil {
			f.Object = r.ResourceRef.Kind + "/" + r.ResourceRef.Name
		}
		if r.File != nil {
			f.File = fmt.Sprintf("%s[%d]", r.File.Path, r.File.Index)
		}
		if r.Field != nil {
			f.Field = r.Field.Path
		}
		// The decoder's own words after the first colon may change with
		// its version; what is ours must not.
		if i := strings.Index(f.Message, ": "); strings.HasPrefix(f.Message, "not a valid") || strings.HasPrefix(f.Message, "spec must be") {
			f.Message = f.Message[:i]
		}
		got = append(got, f)
	}
	want := []finding{
		{"error", "ComputeSubnetwork/bad-primary", "", "spec.ipCidrRange", `"10.0.0.1" is not a CIDR range such as 10.0.0.0/20`},
		{"error", "ContainerCluster/broken", "", "spec", "not a valid ContainerCluster"},
		{"error", "ContainerNodePool/scalar-spec", "", "spec", "spec must be an object"},
		{"error", "ComputeSubnetwork/bad-secondary", "network.yaml[1]", "spec.secondaryIpRange[0].ipCidrRange", `"10.4.0.0/33" is not a CIDR range such as 10.4.0.0/14`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if !res.HasErrors() {
		t.Error("HasErrors = false")
	}

	// What cannot be read is left out; the rest is there.
	var clusters, subnets, networks, pools []string
	for _, c := range p.Clusters {
		clusters = append(clusters, c.Name())
		if c.Subnetwork != nil {
			t.Errorf("cluster %s links a subnetwork that could not be read", c.Name())
		}
	}
	for _, s := range p.Subnetworks {
		subnets = append(subnets, s.Object.GetName())
	}
	for _, n := range p.Networks {
		networks = append(networks, n.Object.GetName())
	}
	for _, np := range p.NodePools {
		pools = append(pools, np.Object.GetName())
	}
	if diff := cmp.Diff([]string{"fine"}, clusters); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
	if len(subnets) != 0 {
		t.Errorf("subnetworks with bad ranges were kept: %v", subnets)
	}
	if diff := cmp.Diff([]string{"vpc", "no-spec"}, networks); diff != "" {
		t.Errorf("networks (-want +got):\n%s", diff)
	}
	if len(pools) != 0 {
		t.Errorf("node pools: %v", pools)
	}
}

func TestMasterCIDR(t *testing.T) {
	for _, tc := range []struct {
		spec   string
		want   string
		wantOK bool
	}{
		{"{location: l}", "", false},
		{"{location: l, privateClusterConfig: {enablePrivateNodes: true}}", "", false},
		{"{location: l, privateClusterConfig: {masterIpv4CidrBlock: 172.16.0.16/28}}", "172.16.0.16/28", true},
		{"{location: l, privateClusterConfig: {masterIpv4CidrBlock: 172.16.0.16}}", "", false},
	} {
		var res results.Collector
		p := Read(parseObjects(t, "apiVersion: container.cnrm.cloud.google.com/v1beta1\nkind: ContainerCluster\nmetadata: {name: c}\nspec: "+tc.spec+"\n"), &res)
		if len(p.Clusters) != 1 {
			t.Fatalf("%s: %v", tc.spec, res.Results())
		}
		got, ok := p.Clusters[0].MasterCIDR()
		if ok != tc.wantOK || (ok && got.String() != tc.want) {
			t.Errorf("MasterCIDR of %s = %v, %v; want %q, %v", tc.spec, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestRef(t *testing.T) {
	for _, tc := range []struct {
		ref    Ref
		set    bool
		String string
	}{
		{Ref{}, false, ""},
		{Ref{Name: "vpc"}, true, "vpc"},
		{Ref{Name: "vpc", Namespace: "net"}, true, "net/vpc"},
		{Ref{External: "projects/p/global/networks/n"}, true, "external projects/p/global/networks/n"},
		{Ref{Namespace: "net"}, false, "net/"},
	} {
		if got := tc.ref.IsSet(); got != tc.set {
			t.Errorf("%#v.IsSet() = %v", tc.ref, got)
		}
		if got := tc.ref.String(); got != tc.String {
			t.Errorf("%#v.String() = %q, want %q", tc.ref, got, tc.String)
		}
	}
}

// Cluster returns the cluster named name (in any namespace when namespace
// is ""): the tests' way to pick one; the functions go over them all.
func (p *Package) Cluster(namespace, name string) *Cluster {
	for _, c := range p.Clusters {
		if c.Name() == name && (namespace == "" || c.Object.GetNamespace() == namespace) {
			return c
		}
	}
	return nil
}
