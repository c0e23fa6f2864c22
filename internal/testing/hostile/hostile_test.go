// Package hostile feeds every lockdown function the same table of hostile
// objects: YAML that is valid but that kpt or the API server would not
// keep as written (aliases, keys written twice, a mapping where a list
// belongs, Lists), and checks that each function either refuses it with an
// error naming the field, leaving the package untouched, or reads it
// exactly as it reads the plain form.
package hostile

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/bastion"
	"github.com/lockdown-krm/lockdown/functions/cloudnat"
	"github.com/lockdown-krm/lockdown/functions/clusterfirewall"
	"github.com/lockdown-krm/lockdown/functions/imagemirror"
	"github.com/lockdown-krm/lockdown/functions/lint"
	"github.com/lockdown-krm/lockdown/functions/networkpolicy"
	"github.com/lockdown-krm/lockdown/functions/nodeidentity"
	"github.com/lockdown-krm/lockdown/functions/podsecurity"
	"github.com/lockdown-krm/lockdown/functions/podsecuritycheck"
	"github.com/lockdown-krm/lockdown/functions/privatecluster"
	"github.com/lockdown-krm/lockdown/functions/privategoogleaccess"
	"github.com/lockdown-krm/lockdown/functions/vpcsc"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// function is one lockdown function with the config it needs to run on
// the base package.
type function struct {
	name      string
	processor fn.ResourceListProcessor
	config    string
}

func functions() []function {
	return []function{
		{"bastion", bastion.Processor(), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bastion}\ndata: {cluster: kf}\n"},
		{"cloud-nat", cloudnat.Processor(), ""},
		{"cluster-firewall", clusterfirewall.Processor(), ""},
		{"image-mirror", imagemirror.Processor(), "apiVersion: fn.lockdown.dev/v1alpha1\nkind: ImageMirror\nmetadata: {name: mirror}\nspec: {mirror: us-docker.pkg.dev/kf-project/mirror}\n"},
		{"lint", lint.Processor(), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lint}\ndata: {warnOnly: \"true\"}\n"},
		{"network-policy", networkpolicy.Processor(), ""},
		{"node-identity", nodeidentity.Processor(), ""},
		{"pod-security", podsecurity.Processor(), ""},
		{"pod-security-check", podsecuritycheck.Processor(), ""},
		{"private-cluster", privatecluster.Processor(), ""},
		{"private-google-access", privategoogleaccess.Processor(), ""},
		{"vpc-sc", vpcsc.Processor(), "apiVersion: fn.lockdown.dev/v1alpha1\nkind: VPCServiceControls\nmetadata: {name: vpc-sc}\nspec: {accessPolicy: \"123456789012\", projectNumbers: [\"111111111111\"], members: [\"user:alice@example.com\"]}\n"},
	}
}

// clusterSpec is the cluster's spec in base, which the alias case moves.
const clusterSpec = `    location: us-central1
    initialNodeCount: 1
    networkRef:
      name: kf-net
    subnetworkRef:
      name: kf-subnet
    networkingMode: VPC_NATIVE
    ipAllocationPolicy:
      clusterSecondaryRangeName: pods
      servicesSecondaryRangeName: services
`

// indent indents each line of a block by two more spaces.
func indent(block string) string {
	return strings.ReplaceAll("  "+strings.TrimSuffix(block, "\n"), "\n", "\n  ") + "\n"
}

// base is a small private-cluster package in the form a user writes it.
// Each case replaces one marked line (a "# <name>" comment) or appends.
const base = `- apiVersion: compute.cnrm.cloud.google.com/v1beta1
  kind: ComputeNetwork
  metadata:
    name: kf-net
    annotations:
      cnrm.cloud.google.com/project-id: kf-project
  spec:
    autoCreateSubnetworks: false
- apiVersion: compute.cnrm.cloud.google.com/v1beta1
  kind: ComputeSubnetwork
  metadata:
    name: kf-subnet
    annotations:
      cnrm.cloud.google.com/project-id: kf-project
  spec:
    region: us-central1
    ipCidrRange: 10.0.0.0/20
    networkRef:
      name: kf-net
    secondaryIpRange:
    - rangeName: pods
      ipCidrRange: 10.4.0.0/14
    - rangeName: services
      ipCidrRange: 10.8.0.0/20
- apiVersion: container.cnrm.cloud.google.com/v1beta1
  kind: ContainerCluster
  metadata:
    name: kf
    annotations:
      cnrm.cloud.google.com/project-id: kf-project
  spec:
` + clusterSpec + `- apiVersion: container.cnrm.cloud.google.com/v1beta1
  kind: ContainerNodePool
  metadata:
    name: kf-cpu
    annotations:
      cnrm.cloud.google.com/project-id: kf-project
  spec:
    location: us-central1
    clusterRef:
      name: kf
    nodeConfig:
      machineType: e2-standard-8
      tags:
      - kf-node
- apiVersion: v1
  kind: Namespace
  metadata:
    name: kubeflow
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: kubeflow
  spec:
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
      spec:
        containers:
        - name: web
          image: us-docker.pkg.dev/kf-project/mirror/nginx:1.25
          ports:
          - containerPort: 8080
`

// hostileCase is one edit of the base package and what it must give.
type hostileCase struct {
	name string
	edit func(string) string
	// errorField, when set, is the field path an error result must name
	// (and errorText a part of its message); otherwise the case must give
	// exactly the output of the plain package.
	errorField, errorText string
	// sameAs, when set, edits the base into the plain form the case must
	// read as (else the base itself).
	sameAs func(string) string
	// kind is the kind of the object the case breaks.
	kind string
	// inConfig puts the edit in the function config instead (for the
	// functions that have one).
	inConfig bool
}

func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("the base package has no " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

var cases = []hostileCase{
	{name: "alias for a whole spec", kind: "ContainerCluster",
		edit:   replace("  spec:\n"+clusterSpec, "  x-cluster: &cluster\n"+indent(clusterSpec)+"  spec: *cluster\n"),
		sameAs: replace("  spec:\n"+clusterSpec, "  x-cluster:\n"+indent(clusterSpec)+"  spec:\n"+clusterSpec)},
	{name: "alias for labels", kind: "Deployment", edit: replace(`      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web`, `      matchLabels: &labels
        app: web
    template:
      metadata:
        labels: *labels`)},
	{name: "merge key", kind: "ContainerNodePool", edit: replace(`    nodeConfig:
      machineType: e2-standard-8`, `    nodeConfig:
      <<: {machineType: e2-standard-8}`),
		// kyaml's resolution puts merged keys after the mapping's own.
		sameAs: replace(`      machineType: e2-standard-8
      tags:
      - kf-node`, `      tags:
      - kf-node
      machineType: e2-standard-8`)},
	{name: "key written twice", kind: "ComputeSubnetwork", edit: replace(`    ipCidrRange: 10.0.0.0/20
`, `    ipCidrRange: 10.0.0.0/20
    ipCidrRange: 10.1.0.0/20
`), errorField: "spec.ipCidrRange", errorText: "written twice"},
	{name: "containers as a mapping", kind: "Deployment", edit: replace(`        containers:
        - name: web
          image: us-docker.pkg.dev/kf-project/mirror/nginx:1.25
          ports:
          - containerPort: 8080`, `        containers:
          name: web
          image: us-docker.pkg.dev/kf-project/mirror/nginx:1.25`),
		errorField: "spec.template.spec.containers", errorText: "is a mapping where the API server takes a list (of Container)"},
	{name: "image as a number", kind: "Deployment", edit: replace(`image: us-docker.pkg.dev/kf-project/mirror/nginx:1.25`, `image: 123`),
		errorField: "spec.template.spec.containers[0].image", errorText: "the number 123"},
	{name: "port beyond int32", kind: "Deployment", edit: replace(`containerPort: 8080`, `containerPort: 99999999999`),
		errorField: "spec.template.spec.containers[0].ports[0].containerPort", errorText: "out of the range"},
	{name: "metadata as a string", kind: "Namespace", edit: replace(`  metadata:
    name: kubeflow`, `  metadata: kubeflow`), errorField: "metadata", errorText: "where the API server takes a mapping (ObjectMeta)"},
	{name: "annotations as a list", kind: "ComputeNetwork", edit: replace(`    annotations:
      cnrm.cloud.google.com/project-id: kf-project
  spec:
    autoCreateSubnetworks: false`, `    annotations:
    - cnrm.cloud.google.com/project-id: kf-project
  spec:
    autoCreateSubnetworks: false`), errorField: "metadata.annotations", errorText: "is a list where the API server takes a mapping of strings"},
	{name: "annotation value not a string", kind: "ContainerNodePool", edit: replace(`    name: kf-cpu
    annotations:
      cnrm.cloud.google.com/project-id: kf-project`, `    name: kf-cpu
    annotations:
      cnrm.cloud.google.com/project-id: kf-project
      cnrm.cloud.google.com/deletion-policy: true`),
		errorField: "metadata.annotations[cnrm.cloud.google.com/deletion-policy]", errorText: "the boolean true"},
	{name: "cluster name with upper case and underscore", kind: "ContainerCluster", edit: replace("    name: kf\n", "    name: KF_Prod\n"),
		errorField: "metadata.name", errorText: `metadata.name "KF_Prod" is not a name the API server takes`},
	{name: "a v1 List", kind: "List", edit: func(s string) string {
		return s + `- apiVersion: v1
  kind: List
  items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: root, namespace: kubeflow}
    spec:
      hostPID: true
      containers: [{name: c, image: docker.io/library/busybox, securityContext: {privileged: true}}]
`
	}, errorField: "items", errorText: "write each of its items as an object of its own"},
	{name: "alias bomb", kind: "ConfigMap", edit: func(s string) string {
		bomb := "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: bomb}\n  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		for i := 1; i <= 8; i++ {
			bomb += "  x" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" + strings.Repeat("*a"+string(rune('0'+i-1))+", ", 9) + "*a" + string(rune('0'+i-1)) + "]\n"
		}
		return s + bomb
	}, errorField: "", errorText: "would expand to more than"},
	{name: "port beyond 65535", kind: "Deployment", edit: replace(`containerPort: 8080`, `containerPort: 70000`),
		errorField: "spec.template.spec.containers[0].ports[0].containerPort", errorText: "not a port: ports are 1 to 65535"},
	{name: "reference with name and external", kind: "ContainerCluster", edit: replace(`    networkRef:
      name: kf-net
    subnetworkRef:`, `    networkRef:
      name: kf-net
      external: projects/kf-project/global/networks/kf-net
    subnetworkRef:`), errorField: "spec.networkRef", errorText: "not both"},
	{name: "empty external reference", kind: "ContainerCluster", edit: replace(`    subnetworkRef:
      name: kf-subnet
    networkingMode`, `    subnetworkRef:
      external: ""
    networkingMode`), errorField: "spec.subnetworkRef.external", errorText: "is empty: it names no resource"},
	{name: "external reference in a short form", kind: "ContainerCluster", edit: replace(`    networkRef:
      name: kf-net
    subnetworkRef:`, `    networkRef:
      external: networks/kf-net
    subnetworkRef:`), errorField: "spec.networkRef.external", errorText: "is not a form Config Connector takes"},
	{name: "nameless Namespace", kind: "Namespace", edit: replace(`  metadata:
    name: kubeflow
`, `  metadata:
    labels: {team: ml}
`), errorField: "metadata.name", errorText: "it has no metadata.name"},
	{name: "Namespace name the API server refuses", kind: "Namespace", edit: replace(`  metadata:
    name: kubeflow
`, `  metadata:
    name: Kube_Flow
`), errorField: "metadata.name", errorText: "is not a namespace name the API server takes"},
	{name: "one Namespace twice", kind: "Namespace", edit: func(s string) string {
		return s + "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: kubeflow\n"
	}, errorField: "metadata.name", errorText: "the package holds it twice"},
	{name: "container with no image", kind: "Deployment", edit: replace(`image: us-docker.pkg.dev/kf-project/mirror/nginx:1.25`, `imagePullPolicy: Always`),
		errorField: "spec.template.spec.containers[0].image", errorText: "requires every container to name its image"},
	{name: "function config key written twice", kind: "", inConfig: true, edit: func(config string) string {
		return strings.Replace(config, "metadata: {name: ", "metadata: {labels: {a: b}, labels: {c: d}, name: ", 1)
	}, errorField: "metadata.labels", errorText: "written twice"},
}

func resourceList(items, config string) []byte {
	s := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + items
	if config != "" {
		s += "functionConfig:\n  " + strings.ReplaceAll(strings.TrimRight(config, "\n"), "\n", "\n  ") + "\n"
	}
	return []byte(s)
}

// run runs f on a ResourceList and returns the parsed output.
func run(t *testing.T, f function, input []byte) *fn.ResourceList {
	t.Helper()
	out, _ := krmfn.Evaluate(f.processor, input)
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatalf("%s wrote no ResourceList: %v\n%s", f.name, err, out)
	}
	return rl
}

// itemsYAML is the items as YAML, in a fixed order: the SDK sorts its
// output, so a package's order in and out may differ.
func itemsYAML(t *testing.T, rl *fn.ResourceList) string {
	t.Helper()
	var docs []string
	for _, obj := range rl.Items {
		docs = append(docs, obj.String())
	}
	slices.Sort(docs)
	return strings.Join(docs, "---\n")
}

func TestHostileTable(t *testing.T) {
	tried := 0
	for _, f := range functions() {
		for _, c := range cases {
			if c.inConfig && f.config == "" {
				continue
			}
			tried++
			t.Run(f.name+"/"+c.name, func(t *testing.T) {
				items, config := base, f.config
				if c.inConfig {
					config = c.edit(config)
				} else {
					items = c.edit(items)
				}
				input := resourceList(items, config)
				got := run(t, f, input)
				if c.errorText == "" {
					plainItems := base
					if c.sameAs != nil {
						plainItems = c.sameAs(base)
					}
					checkSameAsPlain(t, f, run(t, f, resourceList(plainItems, config)), got)
					return
				}
				checkRefused(t, c, input, got)
			})
		}
	}
	t.Logf("%d hostile inputs tried over %d functions", tried, len(functions()))
}

// checkSameAsPlain: a case YAML resolves to the plain package must give
// the plain package's output and results, and run twice the same.
func checkSameAsPlain(t *testing.T, f function, plain, got *fn.ResourceList) {
	t.Helper()
	if diff := cmp.Diff(itemsYAML(t, plain), itemsYAML(t, got)); diff != "" {
		t.Errorf("output differs from the plain package's (-plain +got):\n%s", diff)
	}
	if diff := cmp.Diff(messages(plain), messages(got)); diff != "" {
		t.Errorf("results differ from the plain package's (-plain +got):\n%s", diff)
	}
	if got.Results.ExitCode() != 0 {
		return
	}
	again, err := got.ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	second := run(t, f, again)
	if diff := cmp.Diff(itemsYAML(t, got), itemsYAML(t, second)); diff != "" {
		t.Errorf("a second run changed the output (-first +second):\n%s", diff)
	}
}

// checkRefused: the run fails with an error at the case's field and
// leaves every item as it was.
func checkRefused(t *testing.T, c hostileCase, input []byte, got *fn.ResourceList) {
	t.Helper()
	if got.Results.ExitCode() == 0 {
		t.Fatalf("accepted; want an error at %q saying %q", c.errorField, c.errorText)
	}
	found := false
	for _, r := range got.Results {
		field := ""
		if r.Field != nil {
			field = r.Field.Path
		}
		if r.Severity == fn.Error && field == c.errorField && strings.Contains(r.Message, c.errorText) {
			found = true
		}
		if strings.Contains(r.Message, "internal error") {
			t.Errorf("crashed: %s", r.Message)
		}
	}
	if !found {
		t.Errorf("no error at %q saying %q; results:\n%s", c.errorField, c.errorText, strings.Join(messages(got), "\n"))
	}
	in, err := fn.ParseResourceList(input)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(itemsYAML(t, in), itemsYAML(t, got)); diff != "" {
		t.Errorf("a refused run changed the package (-input +output):\n%s", diff)
	}
}

func messages(rl *fn.ResourceList) []string {
	var out []string
	for _, r := range rl.Results {
		out = append(out, string(r.Severity)+": "+r.Message)
	}
	return out
}

// TestHostileFastPath runs the refused cases through pod-security-check's
// validator fast path (krmfn.Validate), which parses only the objects of
// the kinds the check reads (and Lists): where the broken object is one
// of those, it must refuse it as the regular path does. (The objects it
// skips are, by its design, not read at all: see krmfn's validator.go.)
func TestHostileFastPath(t *testing.T) {
	check := podsecuritycheck.Processor()
	reads := podsecuritycheck.Reads(fn.NewEmptyKubeObject())
	tried := 0
	for _, c := range cases {
		if c.errorText == "" || c.inConfig || !reads(c.kind) && !strings.HasSuffix(c.kind, "List") {
			continue
		}
		tried++
		t.Run(c.name, func(t *testing.T) {
			input := resourceList(c.edit(base), "")
			v, err := krmfn.Validate(check, podsecuritycheck.Reads, input)
			if err == nil {
				t.Fatalf("accepted (fast path %v); want an error saying %q", v.Fast, c.errorText)
			}
			out := string(v.Output) + string(v.Results)
			if !strings.Contains(out, c.errorText) {
				t.Errorf("no error saying %q (fast path %v):\n%s", c.errorText, v.Fast, v.Results)
			}
		})
	}
	if tried < 4 {
		t.Errorf("only %d cases break an object the check reads", tried)
	}
}
