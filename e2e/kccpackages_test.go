package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lockdown-krm/lockdown/internal/testing/crdschema"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestKCCPackages runs lockdown's whole Config Connector pipeline over
// packages that nobody on the project wrote, the way a user would: their own
// setters first, then `kpt fn eval --exec` of every function in the
// blueprint's order, then lint. The inputs are the Config Connector packages
// of ../shared/corpus/kcc-packages (the blueprints catalog, Kubeflow v1.2's
// GCP packages) and every ContainerCluster sample of the Config Connector
// module that go.mod pins.
//
// Each package must end as kccExpected says: success, or one named error of
// one named function. Whatever the outcome, every object the functions
// generated must pass the strict CRD check that `kpt live apply
// --server-side` would make, and a second run of the pipeline must change
// nothing. Every step's results are logged (go test -v), so that when a
// function changes, the table is quick to update.
func TestKCCPackages(t *testing.T) {
	r := newE2E(t, "end-to-end tests run the real kpt")
	repo := r.repo
	p := &kccPipeline{r: r, configs: writeKCCConfigs(t)}

	corpus := filepath.Join(repo, "..", "shared", "corpus", "kcc-packages")
	cases := slices.Concat(kccCatalogCases(t, corpus), kccKubeflowCases(t, corpus), kccSampleCases(t, repo))
	checkKCCTable(t, cases)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p.runCase(t, c)
		})
	}
}

// kccOutcome is how a package's pipeline must end.
type kccOutcome struct {
	// step is the function that fails, "" when every step passes.
	step string
	// error is a substring of one of that step's error results.
	error string
	// why this is the right outcome, printed when it is not what happens.
	why string
}

// kccExpected is every case's outcome. A case that is not here fails, and
// its message gives the line to add. An outcome that is a bug rather than
// the right answer says so in a TODO(issue10) comment.
var kccExpected = map[string]kccOutcome{
	// TODO(issue10): currently fails with "the pod range of ContainerCluster
	// kf-prod is unknown: run private-cluster first" (and the Service and
	// node ranges), though private-cluster ran and the range names are set:
	// on a Shared VPC the ranges are the host project's; should pass, or
	// fail with an error that says how to give the host's ranges.
	"blueprints-catalog/gke": {
		why: "a cluster on a Shared VPC host's subnetwork, named by external reference: the range names are on the cluster, the host's CIDRs come from cluster-firewall's clusterRanges, and the network's rules, routes and NAT go to the host project",
	},
	"blueprints-catalog/gke+networking/network": {
		step:  "private-cluster",
		error: `the cluster uses secondary range "pods", which ComputeSubnetwork networking/shared-vpc-subnetwork`,
		why:   "rendered with its host, the cluster's external refs resolve to the host's subnetwork, which the catalog's network package makes without secondary ranges: GKE would refuse the cluster, and the error says to add the ranges or name existing ones",
	},
	"blueprints-catalog/gke (its own setters)": {
		step:  "private-cluster",
		error: `"region" (spec.subnetworkRef.external) is not a GCP region`,
		why:   "the catalog's shipped setters leave the subnetwork reference's region as the placeholder \"region\": GKE would refuse it, and the error names the field",
	},
	"blueprints-catalog/gke-autopilot": {
		why: "Autopilot nodes carry nodePoolAutoConfig's tags, which private-cluster sets and the facts read; on a Shared VPC like gke",
	},
	"blueprints-catalog/networking/network": {
		why: "no cluster to fence: the generators make only the perimeter, and lint finds nothing wrong with the VPC, subnet, NAT and VPN",
	},
	"blueprints-catalog/networking/firewall/common-rules": {
		step:  "lint",
		error: "[dangling-ref] spec.networkRef points at ComputeNetwork networking/kf-net, which is not in the package",
		why:   "the rules name the network of the networking/network package, which is not in this one: lint says to add it or refer to it by external",
	},
	"kubeflow-v1.2/privateGKE": {
		step:  "private-cluster",
		error: "the node pool names no location",
		why:   "Kubeflow v1.2's node pool predates Config Connector's required spec.location: the error names the value to set, the cluster's location",
	},
	"kubeflow-v1.2/privateGKE+advice": {
		why: "with the errors on it fixed as they say, nothing is left that GCP or Config Connector would refuse; its 36 single-address firewall ranges are read as /32, and identityNamespace counts as Workload Identity",
	},
	"kcc-samples/autopilot-cluster": {
		step:  "node-identity",
		error: "the project of ContainerCluster containercluster-sample-autopilot is unknown, so",
		why:   "the samples name no project (Config Connector takes it from the Namespace they are applied in, which they do not hold), and the nodes' role must be granted on a named project; with a project, private-google-access stops next: the sample names no network",
	},
	"kcc-samples/routes-based-container-cluster": {
		step:  "private-cluster",
		error: "is routes-based (networkingMode: ROUTES)",
		why:   "GKE cannot convert a routes-based cluster to VPC-native and networkingMode is immutable: the error says to create a VPC-native cluster instead",
	},
	"kcc-samples/vpc-native-container-cluster+project": {
		why: "a VPC-native cluster on its own network and subnetwork with named secondary ranges, in a project: the package holds all lockdown needs",
	},
	"kcc-samples/vpc-native-container-cluster": {
		step:  "node-identity",
		error: "the project of ContainerCluster containercluster-sample-vpcnative is unknown, so",
		why:   "a VPC-native cluster on its own network and subnetwork with named secondary ranges, but no project (Config Connector takes it from the Namespace it is applied in, which the sample does not hold): node-identity cannot grant the nodes' role on a project it does not know, and says to set the annotation",
	},
}

// kccFunctions is the pipeline, in the order of the kubeflow-private-gke
// blueprint's Kptfile: the mutator, the generators that read what the ones
// before them made, and lint as the validator.
var kccFunctions = []string{"private-cluster", "node-identity", "private-google-access", "cluster-firewall", "cloud-nat", "vpc-sc", "bastion", "lint"}

// kccConfigs are the function configs every package gets, as a user would
// write them; a function without one runs on its defaults.
var kccConfigs = map[string]string{
	// The catalog's clusters open their control plane to 0.0.0.0/0, which
	// private-cluster refuses: the user names the network they come from.
	"private-cluster": `apiVersion: fn.lockdown.dev/v1alpha1
kind: PrivateCluster
metadata:
  name: private-cluster
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  masterAuthorizedNetworks:
  - displayName: vpn
    cidrBlock: 10.200.0.0/16
`,
	// vpc-sc cannot guess the organization's access policy or the
	// project numbers.
	"vpc-sc": `apiVersion: fn.lockdown.dev/v1alpha1
kind: VPCServiceControls
metadata:
  name: vpc-sc
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  mode: dry-run
  accessPolicy: "987654321098"
  projectNumbers: ["123456789012"]
`,
}

// writeKCCConfigs writes kccConfigs outside every package (a config inside
// one would be one of its resources) and returns function → file.
func writeKCCConfigs(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	for function, config := range kccConfigs {
		path := filepath.Join(dir, function+".yaml")
		if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		files[function] = path
	}
	return files
}

// kccCase is one package, ready for the pipeline.
type kccCase struct {
	name string
	// from says where the package comes from, for messages.
	from string
	// tree is the package: every file, by slash path.
	tree map[string]string
	// setters, when set, is the config of an apply-setters step that comes
	// first, as the catalog's Kptfiles run it.
	setters string
	// configs are function configs this package needs beyond kccConfigs:
	// what only its user can say (function → config).
	configs map[string]string
}

// checkKCCTable fails on a table entry that names no case: a renamed or
// removed case must not leave an expectation that tests nothing.
func checkKCCTable(t *testing.T, cases []kccCase) {
	t.Helper()
	names := map[string]bool{}
	for _, c := range cases {
		names[c.name] = true
	}
	for name := range kccExpected {
		if !names[name] {
			t.Errorf("kccExpected has %q, which is no case: remove it or fix its name", name)
		}
	}
}

// kccPipeline runs the functions over a package.
type kccPipeline struct {
	r       *runner
	configs map[string]string // function → config file
}

// kccStep is one kpt fn eval.
type kccStep struct {
	name, bin, config string
}

// steps builds what the case runs: apply-setters when the package comes
// with kpt v1 setters, then every function.
func (p *kccPipeline) steps(t *testing.T, c kccCase) []kccStep {
	t.Helper()
	var steps []kccStep
	if c.setters != "" {
		config := filepath.Join(t.TempDir(), "setters.yaml")
		if err := os.WriteFile(config, []byte(c.setters), 0o644); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, kccStep{name: "apply-setters", bin: p.applySetters(t), config: config})
	}
	for _, function := range kccFunctions {
		config := p.configs[function]
		if own, ok := c.configs[function]; ok {
			config = filepath.Join(t.TempDir(), function+".yaml")
			if err := os.WriteFile(config, []byte(own), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		steps = append(steps, kccStep{name: function, bin: p.r.binary(t, function), config: config})
	}
	return steps
}

// applySetters builds the catalog's apply-setters from its pinned Go module,
// as make demo does, and returns the binary.
func (p *kccPipeline) applySetters(t *testing.T) string {
	t.Helper()
	bin, err := p.r.once("catalog binary apply-setters", func() (string, error) {
		cmd := exec.Command("bash", filepath.Join(p.r.repo, "scripts", "catalog-images.sh"), "--binaries", "apply-setters")
		cmd.Env = p.r.env
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("scripts/catalog-images.sh --binaries apply-setters: %v\n%s", err, out)
		}
		return filepath.Join(p.r.repo, "bin", "linux_"+runtime.GOARCH, "apply-setters"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// runCase runs the pipeline twice over a copy of the package, and checks
// the outcome, the generated objects and that the second run changed
// nothing.
func (p *kccPipeline) runCase(t *testing.T, c kccCase) {
	pkg := filepath.Join(t.TempDir(), "package")
	writeTree(t, pkg, p.formatted(t, c.tree))
	steps := p.steps(t, c)

	t.Logf("%s (from %s): first run", c.name, c.from)
	first := p.runAll(t, pkg, steps, true)
	after := readTree(t, pkg)
	checkKCCOutcome(t, c.name, first)
	checkKCCGenerated(t, after)
	if first.base != nil {
		checkKCCEdited(t, first.base, after)
	}

	second := p.runAll(t, pkg, steps, false)
	if first.summary() != second.summary() {
		t.Errorf("the second run ended differently from the first:\nfirst:  %s\nsecond: %s", first.summary(), second.summary())
	}
	if diff := diffTrees(after, readTree(t, pkg)); diff != "" {
		t.Errorf("the second run of the pipeline changed the package (-first +second):\n%s", diff)
	}
}

// formatted is the tree as kpt writes it when no function changes
// anything. kpt (kyaml) moves blank lines between a file's head comments on
// one pass and drops them on the next, so it takes as many passes as kpt
// needs to stop changing the package: the second-run check is about
// lockdown's functions, not kpt's formatting.
func (p *kccPipeline) formatted(t *testing.T, tree map[string]string) map[string]string {
	t.Helper()
	for range 3 {
		next := p.r.formatted(t, tree)
		if diffTrees(tree, next) == "" {
			return next
		}
		tree = next
	}
	t.Fatalf("kpt keeps reformatting the package: three passes of the identity function and it still changes")
	return nil
}

// kccRun is what one run of the pipeline did.
type kccRun struct {
	// base is the package as the user gave it to lockdown's functions:
	// after their own setters.
	base  map[string]string
	steps []kccStepResult
}

// failed is the step that failed, nil when all passed.
func (run kccRun) failed() *kccStepResult {
	if n := len(run.steps); n > 0 && run.steps[n-1].exitCode != 0 {
		return &run.steps[n-1]
	}
	return nil
}

func (run kccRun) summary() string {
	f := run.failed()
	if f == nil {
		return "every step passed"
	}
	return fmt.Sprintf("%s failed: %s", f.step, strings.Join(f.errors(), "; "))
}

// runAll runs the steps until one fails, as kpt fn render would. A failed
// step must leave the package as it was: that is kpt's promise, and what
// lets a user fix the error and run again.
func (p *kccPipeline) runAll(t *testing.T, pkg string, steps []kccStep, verbose bool) kccRun {
	t.Helper()
	var run kccRun
	for _, s := range steps {
		before := readTree(t, pkg)
		if run.base == nil && s.name != "apply-setters" {
			run.base = before
		}
		res := p.runStep(t, pkg, s)
		run.steps = append(run.steps, res)
		if verbose {
			t.Log(res.report())
		}
		if res.exitCode != 0 {
			if diff := diffTrees(before, readTree(t, pkg)); diff != "" {
				t.Errorf("%s failed but changed the package (-before +after):\n%s", s.name, diff)
			}
			break
		}
	}
	return run
}

// kccStepResult is one kpt fn eval: its exit code, the function's
// structured results and, for when kpt fails before the function runs,
// kpt's own output.
type kccStepResult struct {
	step     string
	exitCode int
	results  []kccResult
	output   string
}

// kccResult is a result of kpt's results.yaml (kpt.dev/v1
// FunctionResultList).
type kccResult struct {
	Message     string `yaml:"message"`
	Severity    string `yaml:"severity"`
	ResourceRef *struct {
		Kind      string `yaml:"kind"`
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"resourceRef"`
	Field struct {
		Path string `yaml:"path"`
	} `yaml:"field"`
	File struct {
		Path string `yaml:"path"`
	} `yaml:"file"`
}

// String is the result as one line: what, where (object, file, field), why.
func (r kccResult) String() string {
	var where []string
	if ref := r.ResourceRef; ref != nil {
		where = append(where, strings.Join(slices.DeleteFunc([]string{ref.Kind, ref.Namespace, ref.Name}, func(s string) bool { return s == "" }), "/"))
	}
	if r.File.Path != "" {
		where = append(where, "("+r.File.Path+")")
	}
	if r.Field.Path != "" {
		where = append(where, r.Field.Path)
	}
	return strings.TrimSpace(fmt.Sprintf("[%s] %s: %s", r.severity(), strings.Join(where, " "), r.Message))
}

// severity is kpt's: a result without one is an info.
func (r kccResult) severity() string {
	if r.Severity == "" {
		return "info"
	}
	return r.Severity
}

func (p *kccPipeline) runStep(t *testing.T, pkg string, s kccStep) kccStepResult {
	t.Helper()
	resultsDir := t.TempDir()
	args := []string{"fn", "eval", pkg, "--exec", s.bin, "--truncate-output=false", "--results-dir", resultsDir}
	if s.config != "" {
		args = append(args, "--fn-config", s.config)
	}
	cmd := exec.CommandContext(t.Context(), p.r.kpt, args...)
	cmd.Env = p.r.env
	out, err := cmd.CombinedOutput()
	res := kccStepResult{step: s.name, output: string(out)}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.exitCode = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("kpt %s: %v", strings.Join(args, " "), err)
	}
	res.results = readKCCResults(t, resultsDir)
	return res
}

// readKCCResults reads what kpt wrote to --results-dir; nothing when kpt
// failed before it got there.
func readKCCResults(t *testing.T, dir string) []kccResult {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "results.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []struct {
			Results []kccResult `yaml:"results"`
		} `yaml:"items"`
	}
	if err := yaml.Unmarshal(raw, &list); err != nil {
		t.Fatalf("kpt's results.yaml: %v\n%s", err, raw)
	}
	var results []kccResult
	for _, item := range list.Items {
		results = append(results, item.Results...)
	}
	return results
}

// errors are the step's error results, or kpt's output when the function
// gave none (it crashed, or kpt refused the package).
func (s kccStepResult) errors() []string {
	var errs []string
	for _, r := range s.results {
		if r.severity() == "error" {
			errs = append(errs, r.String())
		}
	}
	if len(errs) == 0 && s.exitCode != 0 {
		errs = append(errs, "no error result; kpt said: "+strings.TrimSpace(s.output))
	}
	return errs
}

// report says how the step went: pass or fail, how many results of each
// severity, and every error and warning in full.
func (s kccStepResult) report() string {
	counts := map[string]int{}
	var lines []string
	for _, r := range s.results {
		counts[r.severity()]++
		if r.severity() != "info" {
			lines = append(lines, "    "+r.String())
		}
	}
	verdict := "pass"
	if s.exitCode != 0 {
		verdict = fmt.Sprintf("FAIL (exit code %d)", s.exitCode)
		if counts["error"] == 0 {
			lines = append(lines, "    kpt said: "+strings.TrimSpace(s.output))
		}
	}
	head := fmt.Sprintf("  %s: %s, %d errors, %d warnings, %d infos", s.step, verdict, counts["error"], counts["warning"], counts["info"])
	return strings.Join(append([]string{head}, lines...), "\n")
}

// checkKCCOutcome compares how the run ended with kccExpected, and says how
// to update the table when they differ.
func checkKCCOutcome(t *testing.T, name string, run kccRun) {
	t.Helper()
	want, ok := kccExpected[name]
	got := run.failed()
	if !ok {
		t.Errorf("case %q is not in kccExpected; it ended with: %s\nadd:\n\t%s", name, run.summary(), kccTableLine(name, got))
		return
	}
	wanted := "success"
	if want.step != "" {
		wanted = fmt.Sprintf("%s to fail with an error containing %q", want.step, want.error)
	}
	switch {
	case want.step == "" && got == nil:
		t.Logf("ended as expected: every step passed (%s)", want.why)
	case want.step != "" && got != nil && got.step == want.step && slices.ContainsFunc(got.errors(), func(e string) bool { return strings.Contains(e, want.error) }):
		t.Logf("ended as expected: %s failed with %q (%s)", want.step, want.error, want.why)
	default:
		t.Errorf("want %s (%s), but %s\nif the new outcome is right, update kccExpected (and drop its TODO(issue10) if it has one):\n\t%s",
			wanted, want.why, run.summary(), kccTableLine(name, got))
	}
}

// kccTableLine is the kccExpected entry for an outcome, for pasting.
func kccTableLine(name string, failed *kccStepResult) string {
	if failed == nil {
		return fmt.Sprintf("%q: {why: \"...\"},", name)
	}
	msg := failed.errors()[0]
	if _, after, ok := strings.Cut(msg, ": "); ok {
		msg = after
	}
	if len(msg) > 80 {
		msg = msg[:80]
	}
	return fmt.Sprintf("%q: {step: %q, error: %q, why: \"...\"},", name, failed.step, msg)
}

// kccOwnerAnnotation marks the objects lockdown's functions generated.
const kccOwnerAnnotation = "fn.lockdown.dev/owner"

// checkKCCGenerated checks every generated object of the package against
// its Config Connector CRD, as strictly as kube-apiserver with server-side
// apply and strict field validation would.
func checkKCCGenerated(t *testing.T, tree map[string]string) {
	t.Helper()
	set := kccCRDs(t)
	perOwner := map[string]int{}
	for _, o := range kccObjects(t, tree) {
		owner := o.GetAnnotation(kccOwnerAnnotation)
		if owner == "" {
			continue
		}
		perOwner[owner]++
		if problems := validateKCCObject(set, o.KubeObject); len(problems) > 0 {
			t.Errorf("%s: %s %s, generated by %s, does not validate against its CRD:\n  %s", o.path, o.GetKind(), o.GetName(), owner, strings.Join(problems, "\n  "))
		}
	}
	t.Logf("generated objects checked against their CRDs: %v", perOwner)
}

// checkKCCEdited reports the CRD problems that the functions added to the
// user's own objects: what they edit in place must stay appliable too.
// Problems the package had before (Kubeflow v1.2's metadata.clusterName)
// are not the functions' doing and are left out.
func checkKCCEdited(t *testing.T, before, after map[string]string) {
	t.Helper()
	set := kccCRDs(t)
	had := map[string][]string{}
	for _, o := range kccObjects(t, before) {
		had[o.key()] = validateKCCObject(set, o.KubeObject)
	}
	for _, o := range kccObjects(t, after) {
		if o.GetAnnotation(kccOwnerAnnotation) != "" || !strings.HasSuffix(o.GroupVersionKind().Group, ".cnrm.cloud.google.com") {
			continue
		}
		var added []string
		for _, p := range validateKCCObject(set, o.KubeObject) {
			if !slices.Contains(had[o.key()], p) {
				added = append(added, p)
			}
		}
		if len(added) > 0 {
			t.Errorf("%s: the pipeline's edits make %s %s fail its CRD:\n  %s", o.path, o.GetKind(), o.GetName(), strings.Join(added, "\n  "))
		}
	}
}

func kccCRDs(t *testing.T) *crdschema.Set {
	t.Helper()
	set, err := crdschema.KCC()
	if err != nil {
		t.Fatalf("cannot load the Config Connector CRDs: %v", err)
	}
	return set
}

// kccObject is an object of a package and the file it is in.
type kccObject struct {
	*fn.KubeObject
	path string
}

func (o kccObject) key() string {
	return o.path + " " + o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}

// kccObjects parses every YAML file of the tree.
func kccObjects(t *testing.T, tree map[string]string) []kccObject {
	t.Helper()
	var objs []kccObject
	for _, path := range slices.Sorted(maps.Keys(tree)) {
		if !strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml") {
			continue
		}
		items, err := fn.ParseKubeObjects([]byte(tree[path]))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		for _, o := range items {
			objs = append(objs, kccObject{KubeObject: o, path: path})
		}
	}
	return objs
}

func validateKCCObject(set *crdschema.Set, o *fn.KubeObject) []string {
	raw, err := sigsyaml.YAMLToJSON([]byte(o.String()))
	if err != nil {
		return []string{err.Error()}
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return []string{err.Error()}
	}
	return set.Validate(m)
}

// kccCatalogSetters are the values a user gives the catalog's kpt v1
// setters: one project per package, regions that agree with every
// reference, and a Shared VPC host network for the GKE packages, which
// expect one. Values that are real choices rather than placeholders
// (range names, the master range, node counts) keep the catalog's defaults.
var kccCatalogSetters = map[string]map[string]string{
	"gke": {
		"cluster-name":        "kf-prod",
		"nodepool-name":       "primary",
		"project-id":          "kf-prod-project",
		"location":            "us-east4",
		"network-ref":         "projects/kf-host-project/global/networks/shared-vpc",
		"subnet-ref":          "projects/kf-host-project/regions/us-east4/subnetworks/kf-prod-nodes",
		"pods-range-name":     "pods",
		"services-range-name": "services",
		"master-ip-range":     "10.254.0.0/28",
		"max-node-count":      "3",
		"security-group":      "gke-security-groups@example.com",
	},
	"gke-autopilot": {
		"cluster-name":        "kf-autopilot",
		"project-id":          "kf-autopilot-project",
		"location":            "us-east4",
		"network-ref":         "projects/kf-host-project/global/networks/shared-vpc",
		"subnet-ref":          "projects/kf-host-project/regions/us-east4/subnetworks/kf-autopilot-nodes",
		"pods-range-name":     "pods",
		"services-range-name": "services",
		"master-ip-range":     "10.254.0.0/28",
	},
	"networking/network": {
		"network-name":                       "kf-net",
		"project-id":                         "kf-net-project",
		"namespace":                          "networking",
		"region":                             "us-central1",
		"prefix":                             "",
		"ip-cidr-range":                      "10.2.0.0/16",
		"source-subnetwork-ip-ranges-to-nat": "ALL_SUBNETWORKS_ALL_IP_RANGES",
		"vpn-tunnel-peer-ip-01":              "203.0.113.10",
		"vpn-tunnel-peer-ip-02":              "203.0.113.11",
		"vpn-secret-name":                    "vpn-shared-secret",
		"vpn-secret-key":                     "vpn-shared-secret",
	},
	// A user fencing a private network turns on the package's deny-all
	// egress rule and, as its description says to with it, the Google
	// APIs allow: both ship disabled.
	"networking/firewall/common-rules": {
		"network-name":           "kf-net",
		"project-id":             "kf-net-project",
		"firewall-project-id":    "kf-net-project",
		"firewalls-namespace":    "networking",
		"priority":               "10000",
		"allow-default-egress":   "false",
		"dont-allow-google-apis": "false",
		"dont-allow-windows-kms": "true",
		"enable-logging":         "false",
		"google-api-cidr":        "- 199.36.153.8/30\n",
	},
}

// kccCatalogCases are the blueprints catalog's packages, as `kpt pkg get`
// fetches them, with the user's setters for an apply-setters step.
func kccCatalogCases(t *testing.T, corpus string) []kccCase {
	t.Helper()
	catalog := filepath.Join(corpus, "blueprints-catalog")
	roots := kccPackageRoots(t, catalog)
	if !slices.Equal(roots, slices.Sorted(maps.Keys(kccCatalogSetters))) {
		t.Fatalf("the packages of %s are %v, kccCatalogSetters has setters for %v: every package needs the user's values", catalog, roots, slices.Sorted(maps.Keys(kccCatalogSetters)))
	}
	var cases []kccCase
	for _, pkg := range roots {
		dir := filepath.Join(catalog, filepath.FromSlash(pkg))
		tree := readTree(t, dir)
		checkKCCSetterValues(t, pkg, tree, kccCatalogSetters[pkg])
		cases = append(cases, kccCase{
			name:    "blueprints-catalog/" + pkg,
			from:    dir,
			tree:    tree,
			setters: kccSettersConfigMap(t, kccCatalogSetters[pkg]),
			configs: kccCatalogConfigs[pkg],
		})
	}
	return append(cases, kccSharedVPCCase(t, catalog), kccShippedSettersCase(t, catalog))
}

// kccShippedSettersCase is the catalog's gke package rendered with the
// values its own setters.yaml ships, as a user who has not edited them yet
// would: the cluster is in us-east4, and the subnetwork reference still
// says "region". What the setters file does not set comes from
// kccCatalogSetters.
func kccShippedSettersCase(t *testing.T, catalog string) kccCase {
	t.Helper()
	dir := filepath.Join(catalog, "gke")
	tree := readTree(t, dir)
	node, err := yaml.Parse(tree["setters.yaml"])
	if err != nil {
		t.Fatalf("%s/setters.yaml: %v", dir, err)
	}
	values := maps.Clone(kccCatalogSetters["gke"])
	maps.Copy(values, node.GetDataMap())
	checkKCCSetterValues(t, "gke", tree, values)
	return kccCase{
		name:    "blueprints-catalog/gke (its own setters)",
		from:    dir,
		tree:    tree,
		setters: kccSettersConfigMap(t, values),
		configs: kccCatalogConfigs["gke"],
	}
}

// kccHostRanges is what a Shared VPC host's network team tells the team
// that deploys the catalog's gke packages: the subnetwork's primary range
// and the secondary ranges the cluster names, which live in the host
// project, outside these packages.
func kccHostRanges(cluster string) string {
	return `apiVersion: fn.lockdown.dev/v1alpha1
kind: ClusterFirewall
metadata:
  name: cluster-firewall
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  clusterRanges:
  - cluster: ` + cluster + `
    nodeRange: 10.20.0.0/22
    podRange: 10.24.0.0/14
    serviceRange: 10.28.0.0/20
`
}

// kccHostBastion is the bastion's address in the host's node range, which
// bastion cannot choose from a subnetwork outside the package.
const kccHostBastion = `apiVersion: fn.lockdown.dev/v1alpha1
kind: Bastion
metadata:
  name: bastion
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  zone: us-east4-a
  internalAddress: 10.20.3.250
`

// kccCatalogConfigs are the configs a catalog package needs of its user.
var kccCatalogConfigs = map[string]map[string]string{
	"gke":           {"cluster-firewall": kccHostRanges("kf-prod"), "bastion": kccHostBastion},
	"gke-autopilot": {"cluster-firewall": kccHostRanges("kf-autopilot"), "bastion": kccHostBastion},
}

// kccSharedVPCCase renders the catalog's gke package together with its
// networking/network package as the Shared VPC host: the cluster's external
// network and subnetwork refs name the host's objects, so the facts follow
// them into the package instead of asking for the ranges.
func kccSharedVPCCase(t *testing.T, catalog string) kccCase {
	t.Helper()
	gke := readTree(t, filepath.Join(catalog, "gke"))
	host := readTree(t, filepath.Join(catalog, "networking", "network"))
	tree := map[string]string{}
	for path, data := range gke {
		tree[path] = data
	}
	for path, data := range host {
		if path == "Kptfile" || strings.HasSuffix(path, "/Kptfile") || strings.HasSuffix(path, "setters.yaml") {
			continue // one package: gke's Kptfile, one setters file
		}
		tree["host/"+path] = data
	}
	values := maps.Clone(kccCatalogSetters["gke"])
	for k, v := range map[string]string{
		// The host's values, named so that gke's external refs meet them.
		"network-name": "shared-vpc", "namespace": "networking", "region": "us-east4",
		"prefix": "", "ip-cidr-range": "10.20.0.0/22",
		"source-subnetwork-ip-ranges-to-nat": "ALL_SUBNETWORKS_ALL_IP_RANGES",
		"vpn-tunnel-peer-ip-01":              "203.0.113.10", "vpn-tunnel-peer-ip-02": "203.0.113.11",
		"vpn-secret-name": "vpn-shared-secret", "vpn-secret-key": "vpn-shared-secret",
	} {
		values[k] = v
	}
	values["project-id"] = "kf-prod-project"
	values["subnet-ref"] = "projects/kf-host-project/regions/us-east4/subnetworks/shared-vpc-subnetwork"
	// The host package's objects carry the host project; gke's the service
	// project. One setter name serves both packages in the catalog, so the
	// host's is written in place.
	for path, data := range tree {
		if strings.HasPrefix(path, "host/") {
			tree[path] = strings.ReplaceAll(data, "# kpt-set: ${project-id}", "# kpt-set: ${host-project-id}")
		}
	}
	values["host-project-id"] = "kf-host-project"
	checkKCCSetterValues(t, "gke+networking/network", tree, values)
	return kccCase{
		name:    "blueprints-catalog/gke+networking/network",
		from:    "the gke package with networking/network as its Shared VPC host",
		tree:    tree,
		setters: kccSettersConfigMap(t, values),
	}
}

// kccSetterRef is a setter named in a `# kpt-set:` marker.
var kccSetterRef = regexp.MustCompile(`\$\{([^}]+)\}`)

// checkKCCSetterValues fails when a `# kpt-set:` marker of the package
// names a setter the user gave no value: apply-setters leaves such a field
// as it is, and the package's placeholder would be tested instead.
func checkKCCSetterValues(t *testing.T, pkg string, tree map[string]string, values map[string]string) {
	t.Helper()
	missing := map[string]bool{}
	for _, data := range tree {
		for _, line := range strings.Split(data, "\n") {
			_, marker, ok := strings.Cut(line, "# kpt-set:")
			if !ok {
				continue
			}
			for _, m := range kccSetterRef.FindAllStringSubmatch(marker, -1) {
				if _, ok := values[m[1]]; !ok {
					missing[m[1]] = true
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%s: no value for the setters %v: add them to kccCatalogSetters", pkg, slices.Sorted(maps.Keys(missing)))
	}
}

// kccPackageRoots lists the kpt packages under dir that a user fetches
// whole (a Kptfile with no Kptfile above it), by slash path. It fails when
// dir is missing, with where the corpus should be.
func kccPackageRoots(t *testing.T, dir string) []string {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the corpus of Config Connector packages is missing (%v): it is ../shared/corpus/kcc-packages from the repository root", err)
	}
	var roots []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if _, err := os.Stat(filepath.Join(path, "Kptfile")); err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		roots = append(roots, filepath.ToSlash(rel))
		return filepath.SkipDir // its subpackages come with it
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(roots)
	return roots
}

// kccSettersConfigMap is apply-setters' config: a local ConfigMap, so that it
// would not be applied if it sat in the package.
func kccSettersConfigMap(t *testing.T, values map[string]string) string {
	t.Helper()
	cm := map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata": map[string]any{
			"name":        "setters",
			"annotations": map[string]string{"config.kubernetes.io/local-config": "true"},
		},
		"data": values,
	}
	out, err := yaml.Marshal(cm)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// The user's values for Kubeflow v1.2's setters. The names of most objects
// are `name-<suffix>` setters whose defaults are `name-<suffix>`: those
// take kccKFName instead of the leading `name`.
const (
	kccKFName     = "kf-v12"
	kccKFProject  = "kf-v12-project"
	kccKFLocation = "us-central1-c"
	kccKFRegion   = "us-central1"
)

var kccKubeflowSetters = map[string]string{
	"name":                  kccKFName,
	"location":              kccKFLocation,
	"gcloud.compute.region": kccKFRegion,
	"cluster-name":          kccKFProject + "/" + kccKFLocation + "/" + kccKFName,
	"asm-cluster-name":      kccKFProject + "/" + kccKFLocation + "/" + kccKFName,
	"asm-mesh-id":           "proj-123456789012",
	"identity-ns":           kccKFProject + ".svc.id.goog",
	"projects":              "projects/" + kccKFProject,
	"vm-service-account":    "serviceAccount:" + kccKFName + "-vm@" + kccKFProject + ".iam.gserviceaccount.com",
	"vm-sa-ref":             kccKFName + "-vm@" + kccKFProject + ".iam.gserviceaccount.com",
	"node-pool-cpu":         kccKFName + "-cpu-pool-v1",
	"log-firewalls":         "false",
}

// kccKubeflowCases are Kubeflow v1.2's private cluster as its packages
// ship it, and as its user has it after doing what lockdown's errors on it
// say, so that the rest of the pipeline runs over it too.
func kccKubeflowCases(t *testing.T, corpus string) []kccCase {
	t.Helper()
	shipped := kccKubeflowCase(t, corpus)
	advised := shipped
	advised.name += "+advice"
	advised.from += ", with the node pool's location and service account fixed and Kubeflow's own DNS zones and NAT removed, as the errors say"
	advised.tree = maps.Clone(shipped.tree)
	// KCC's ContainerNodePool requires spec.location, and its
	// serviceAccountRef names the IAMServiceAccount object, not the
	// account's e-mail.
	const pool = "cnrm/cluster/nodepool.yaml"
	advised.tree[pool] = kccEdit(t, pool, advised.tree[pool], "\nspec:\n", "\nspec:\n  location: "+kccKFLocation+"\n")
	advised.tree[pool] = kccEdit(t, pool, advised.tree[pool], "name: "+kccKubeflowSetters["vm-sa-ref"], "name: "+kccKFName+"-vm")
	// private-google-access makes these zones (Cloud DNS takes one private
	// zone per name and network), and cloud-nat the router and NAT (GCP
	// takes one NAT for all subnetworks per network and region).
	for _, file := range []string{"privateGKE/dns-gcr.yaml", "privateGKE/dns-google-apis.yaml", "privateGKE/nat.yaml"} {
		if _, ok := advised.tree[file]; !ok {
			t.Fatalf("Kubeflow v1.2 has no %s to remove", file)
		}
		delete(advised.tree, file)
	}
	return []kccCase{shipped, advised}
}

// kccEdit replaces old by new in a file of the package, once; old must be
// there, or the edit would silently test the package unedited.
func kccEdit(t *testing.T, file, data, old, new string) string {
	t.Helper()
	if !strings.Contains(data, old) {
		t.Fatalf("%s has no %q to replace", file, old)
	}
	return strings.Replace(data, old, new, 1)
}

// kccKubeflowCase composes Kubeflow v1.2's private cluster as its
// kustomizations do: the resources that cnrm/cluster and privateGKE list,
// the node pool that cnrm/cluster ships beside them, and privateGKE's
// patch merged into the cluster. The old `{"$kpt-set":...}` setters are
// written in place first, as `kpt cfg set` did.
func kccKubeflowCase(t *testing.T, corpus string) kccCase {
	t.Helper()
	dir := filepath.Join(corpus, "kubeflow-v1.2")
	var files []string
	for _, k := range []string{"cnrm/cluster", "privateGKE"} {
		for _, res := range kccKustomizationResources(t, filepath.Join(dir, k)) {
			files = append(files, k+"/"+res)
		}
	}
	files = append(files, "cnrm/cluster/nodepool.yaml")

	tree := map[string]string{}
	for _, f := range files {
		tree[f] = setKCCOldSetters(t, f, readKCCFile(t, filepath.Join(dir, f)), kccKubeflowSetters)
	}
	const clusterFile, patchFile = "cnrm/cluster/cluster.yaml", "privateGKE/cluster-private-patch.yaml"
	patch := setKCCOldSetters(t, patchFile, readKCCFile(t, filepath.Join(dir, patchFile)), kccKubeflowSetters)
	merged, err := merge2.MergeStrings(patch, tree[clusterFile], false, yaml.MergeOptions{ListIncreaseDirection: yaml.MergeOptionsListAppend})
	if err != nil {
		t.Fatalf("merging %s into %s: %v", patchFile, clusterFile, err)
	}
	tree[clusterFile] = merged
	return kccCase{name: "kubeflow-v1.2/privateGKE", from: dir + " (cnrm/cluster + privateGKE)", tree: tree}
}

func readKCCFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// kccKustomizationResources lists the files a kustomization.yaml takes in.
func kccKustomizationResources(t *testing.T, dir string) []string {
	t.Helper()
	var k struct {
		Resources []string `yaml:"resources"`
	}
	if err := yaml.Unmarshal([]byte(readKCCFile(t, filepath.Join(dir, "kustomization.yaml"))), &k); err != nil {
		t.Fatalf("%s/kustomization.yaml: %v", dir, err)
	}
	if len(k.Resources) == 0 {
		t.Fatalf("%s/kustomization.yaml lists no resources", dir)
	}
	return k.Resources
}

// kccOldSetter is a line carrying an old-style setter comment:
// `key: value # {"$kpt-set":"setter"}`, the value plain or quoted.
var kccOldSetter = regexp.MustCompile(`^(\s*(?:-\s+)?[^\s#][^#]*?:\s+)("[^"]*"|'[^']*'|[^\s#"']+)(\s+#\s*\{"\$kpt-set":\s*"([^"]+)"\}\s*)$`)

// setKCCOldSetters writes the setters' values into the lines that carry them.
// A setter without a value, or a marker on a line it cannot read, fails
// the test: a placeholder left in place would test the package's defaults,
// not the user's package.
func setKCCOldSetters(t *testing.T, file, data string, values map[string]string) string {
	t.Helper()
	lines := strings.Split(data, "\n")
	for i, line := range lines {
		if !strings.Contains(line, `"$kpt-set"`) {
			continue
		}
		m := kccOldSetter.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s:%d: cannot read the setter on %q", file, i+1, line)
		}
		value, ok := kccOldSetterValue(m[4], strings.Trim(m[2], `"'`), values)
		if !ok {
			t.Fatalf("%s:%d: no value for setter %q: add it to kccKubeflowSetters", file, i+1, m[4])
		}
		if strings.ContainsAny(m[2][:1], `"'`) {
			value = strconv.Quote(value)
		}
		lines[i] = m[1] + value + m[3]
	}
	return strings.Join(lines, "\n")
}

// kccOldSetterValue is the setter's value: given, or for a `name-<suffix>`
// setter whose default starts with `name`, the default with the user's name.
func kccOldSetterValue(setter, current string, values map[string]string) (string, bool) {
	if v, ok := values[setter]; ok {
		return v, true
	}
	if rest, ok := strings.CutPrefix(current, "name"); ok && strings.HasPrefix(setter, "name-") {
		return values["name"] + rest, true
	}
	return "", false
}

// kccSampleProject is the project the Config Connector samples'
// `${PROJECT_ID?}` placeholders become.
const kccSampleProject = "kcc-samples-project"

// kccSampleCases are the ContainerCluster samples of the Config Connector
// module that go.mod requires, read from the module cache: each folder a
// cluster with its dependencies, placeholders substituted.
func kccSampleCases(t *testing.T, repo string) []kccCase {
	t.Helper()
	root := filepath.Join(kccModuleDir(t, repo), "config", "samples", "resources", "containercluster")
	dirs, err := filepath.Glob(filepath.Join(root, "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no ContainerCluster samples in %s (err %v)", root, err)
	}
	var cases []kccCase
	for _, dir := range dirs {
		tree := readTree(t, dir)
		for path, data := range tree {
			tree[path] = substituteKCCPlaceholders(t, filepath.Base(dir)+"/"+path, data)
		}
		c := kccCase{name: "kcc-samples/" + filepath.Base(dir), from: dir, tree: tree}
		cases = append(cases, c)
		if filepath.Base(dir) == kccSampleWithProject {
			cases = append(cases, kccSampleInProject(t, c))
		}
	}
	return cases
}

// kccSampleWithProject is the sample that is also run as its user applies
// it: in a project. The samples name none (Config Connector takes it from
// the Namespace they are applied in), and node-identity refuses to grant
// on a project it does not know.
const kccSampleWithProject = "vpc-native-container-cluster"

// kccSampleInProject is a sample with the project annotation on each
// object, the user's own value, as node-identity's error says to set it.
func kccSampleInProject(t *testing.T, sample kccCase) kccCase {
	t.Helper()
	c := sample
	c.name += "+project"
	c.from += ", with the cnrm.cloud.google.com/project-id annotation on every object"
	c.tree = maps.Clone(sample.tree)
	for path, data := range c.tree {
		if strings.HasSuffix(path, ".yaml") {
			c.tree[path] = kccEdit(t, path, data, "\nmetadata:\n", "\nmetadata:\n  annotations:\n    cnrm.cloud.google.com/project-id: "+kccSampleProject+"\n")
		}
	}
	return c
}

// kccModuleDir is the Config Connector module's folder in the module cache,
// at the version go.mod requires (downloaded when missing).
func kccModuleDir(t *testing.T, repo string) string {
	t.Helper()
	return goModuleDir(t, repo, crdschema.KCCModule)
}

// kccPlaceholder is the samples' `${NAME}` or `${NAME?}`.
var kccPlaceholder = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\??\}`)

// substituteKCCPlaceholders fills in the samples' placeholders; one it does
// not know fails the test, so that a new sample is not tested with a
// literal `${...}` in it.
func substituteKCCPlaceholders(t *testing.T, file, data string) string {
	t.Helper()
	values := map[string]string{"PROJECT_ID": kccSampleProject}
	var unknown []string
	out := kccPlaceholder.ReplaceAllStringFunc(data, func(p string) string {
		name := kccPlaceholder.FindStringSubmatch(p)[1]
		if v, ok := values[name]; ok {
			return v
		}
		unknown = append(unknown, p)
		return p
	})
	if len(unknown) > 0 {
		sort.Strings(unknown)
		t.Fatalf("%s: no value for the placeholders %v: add them to substituteKCCPlaceholders", file, slices.Compact(unknown))
	}
	return out
}
