package lint

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"

	"github.com/lockdown-krm/lockdown/functions/imagemirror"
)

const (
	// mirrorGolden is image-mirror's reviewed account of the corpus: the
	// images it copies and the fields it rewrites.
	mirrorGolden = "../imagemirror/testdata/kubeflow-corpus.golden"
	corpusMirror = "us-docker.pkg.dev/my-project/mirror"
)

var quotedImage = regexp.MustCompile(`pulls "([^"]+)" from`)

// TestKubeflowImagesBeforeMirror runs lint on the real Kubeflow install
// as it comes: the only errors are unreachable images, and they are
// exactly the images image-mirror copies (its golden copy plan, 39
// images) in exactly the fields it rewrites (41): the two functions agree
// on what private nodes cannot pull.
func TestKubeflowImagesBeforeMirror(t *testing.T) {
	items := fntest.KubeflowCorpus(t)
	wantImages, wantFields := readMirrorGolden(t)
	var images []string
	fields := 0
	for _, r := range runLint(t, items, fn.NewEmptyKubeObject()) {
		if r.Severity != fn.Error {
			continue
		}
		m := quotedImage.FindStringSubmatch(r.Message)
		if !strings.HasPrefix(r.Message, "[unreachable-image]") || m == nil {
			t.Errorf("unexpected error on the corpus: %s", r)
			continue
		}
		fields++
		named, err := reference.ParseNormalizedNamed(m[1])
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, named.String())
	}
	slices.Sort(images)
	images = slices.Compact(images)
	if diff := cmp.Diff(wantImages, images); diff != "" {
		t.Errorf("unreachable images differ from image-mirror's copy plan (-image-mirror +lint):\n%s", diff)
	}
	if fields != wantFields {
		t.Errorf("lint reports %d image fields, image-mirror rewrites %d", fields, wantFields)
	}
	t.Logf("%d unreachable images in %d fields", len(images), fields)
}

// TestKubeflowImagesAfterMirror runs image-mirror on the corpus, then lint
// with the same mirror: nothing is left that private nodes cannot pull.
func TestKubeflowImagesAfterMirror(t *testing.T) {
	cfg, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mirror: " + corpusMirror + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: fntest.KubeflowCorpus(t), FunctionConfig: cfg}
	if ok, err := imagemirror.Processor().Process(rl); !ok || err != nil {
		t.Fatalf("image-mirror failed: %v %v", err, rl.Results)
	}
	for _, r := range runLint(t, rl.Items, cfg) {
		if r.Severity == fn.Error || strings.HasPrefix(r.Message, "[unreachable-image]") {
			t.Errorf("after image-mirror: %s", r)
		}
	}
}

// readMirrorGolden returns the sources of image-mirror's copy plan for the
// corpus, sorted, and the number of fields it rewrites.
func readMirrorGolden(t *testing.T) ([]string, int) {
	t.Helper()
	f, err := os.Open(mirrorGolden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sources []string
	fields := -1
	inPlan := false
	scan := bufio.NewScanner(f)
	for scan.Scan() {
		line := scan.Text()
		switch {
		case strings.HasPrefix(line, "# image fields rewritten: "):
			fields, err = strconv.Atoi(strings.TrimPrefix(line, "# image fields rewritten: "))
			if err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(line, "## "):
			inPlan = line == "## copy plan"
		case inPlan && strings.Contains(line, " -> "):
			source, _, _ := strings.Cut(line, " -> ")
			sources = append(sources, source)
		}
	}
	if len(sources) == 0 || fields < 0 {
		t.Fatalf("%s: no copy plan or field count", mirrorGolden)
	}
	slices.Sort(sources)
	return sources, fields
}

// kubeflowV12Firewall is Kubeflow v1.2's own private firewall, as its
// privateGKE package ships it (old-style setters unrendered: every rule is
// on the network "name").
const kubeflowV12Firewall = "../../../shared/corpus/kcc-packages/kubeflow-v1.2/privateGKE/firewall.yaml"

// TestKubeflowV12AddressRulesForIAPKeys lints Kubeflow v1.2's own firewall
// rules around a private cluster on their network that Kubeflow reaches
// through IAP (fntest.KubeflowIAPPath). v1.2 lets IAP's keys out by bare
// addresses (name-iap-jwks, "Allow traffic to www.gstatic.com to get IAP
// JWKs") beside Docker Hub's (name-dockerhub), both on tcp:443 and both
// under its deny-all egress at 1100. lint reads the bare addresses as
// hosts and reports a warning, not an error, naming both rules: it cannot
// tell whether www.gstatic.com resolves into them.
func TestKubeflowV12AddressRulesForIAPKeys(t *testing.T) {
	var items fn.KubeObjects
	for _, path := range []string{kubeflowV12Firewall, fntest.KubeflowIAPPath()} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("the corpus must sit beside the project (../shared): %v", err)
		}
		objs, err := fn.ParseKubeObjects(data)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, objs...)
	}
	cluster, err := fn.ParseKubeObjects([]byte(`apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata: {name: name}
spec: {autoCreateSubnetworks: false}
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: kf}
spec:
  location: us-central1
  networkRef: {name: name}
  privateClusterConfig: {enablePrivateNodes: true, masterIpv4CidrBlock: 172.16.0.32/28}
  masterAuthorizedNetworksConfig: {cidrBlocks: [{cidrBlock: 10.200.0.0/16}]}
  nodeConfig: {tags: [kf-node]}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouter
metadata: {name: name}
spec: {region: us-central1, networkRef: {name: name}}
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeRouterNAT
metadata: {name: name}
spec: {region: us-central1, routerRef: {name: name}, natIpAllocateOption: AUTO_ONLY, sourceSubnetworkIpRangesToNat: ALL_SUBNETWORKS_ALL_IP_RANGES}
`))
	if err != nil {
		t.Fatal(err)
	}
	items = append(items, cluster...)
	var egress []fn.Result
	for _, r := range runLint(t, items, fn.NewEmptyKubeObject()) {
		if strings.HasPrefix(r.Message, "[egress-endpoint]") {
			egress = append(egress, *r)
		}
	}
	if len(egress) != 1 {
		t.Fatalf("want one egress-endpoint finding, got %v", egress)
	}
	r := egress[0]
	for _, want := range []string{"www.gstatic.com:443", "ComputeFirewall name-deny-egress", "ComputeFirewall name-iap-jwks", "ComputeFirewall name-dockerhub", "iapKeys: true"} {
		if !strings.Contains(r.Message, want) {
			t.Errorf("the finding does not say %q: %s", want, r.Message)
		}
	}
	if r.Severity != fn.Warning {
		t.Errorf("severity %s, want warning: %s", r.Severity, r.Message)
	}
}
