package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/functions/bastion"
	"github.com/lockdown-krm/lockdown/functions/cloudnat"
	"github.com/lockdown-krm/lockdown/functions/clusterfirewall"
	"github.com/lockdown-krm/lockdown/functions/imagemirror"
	"github.com/lockdown-krm/lockdown/functions/networkpolicy"
	"github.com/lockdown-krm/lockdown/functions/nodeidentity"
	"github.com/lockdown-krm/lockdown/functions/podsecurity"
	"github.com/lockdown-krm/lockdown/functions/privatecluster"
	"github.com/lockdown-krm/lockdown/functions/privategoogleaccess"
	"github.com/lockdown-krm/lockdown/functions/vpcsc"
	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/testing/fntest"
)

// The blueprints: the Config Connector side, and the Kubernetes side over
// a Kubeflow install.
const (
	blueprint = "../../blueprints/kubeflow-private-gke"
	hardening = "../../blueprints/kubeflow-hardening"
)

// processors are the lockdown functions a blueprint pipeline may run, by
// the name in their image (localhost/lockdown/<name>:dev).
var processors = map[string]func() fn.ResourceListProcessor{
	privatecluster.Name:      privatecluster.Processor,
	nodeidentity.Name:        nodeidentity.Processor,
	privategoogleaccess.Name: privategoogleaccess.Processor,
	clusterfirewall.Name:     clusterfirewall.Processor,
	cloudnat.Name:            cloudnat.Processor,
	vpcsc.Name:               vpcsc.Processor,
	bastion.Name:             bastion.Processor,
	imagemirror.Name:         imagemirror.Processor,
	networkpolicy.Name:       networkpolicy.Processor,
	podsecurity.Name:         podsecurity.Processor,
	Name:                     Processor,
}

// step is one function of a Kptfile pipeline.
type step struct {
	Image      string `yaml:"image"`
	ConfigPath string `yaml:"configPath"`
}

// TestBlueprintRendersClean renders the blueprint in process, the
// lockdown functions of its Kptfile pipeline in order with their configs,
// and runs lint with the blueprint's config on the result: what the
// blueprint ships must pass its own validator without an error.
func TestBlueprintRendersClean(t *testing.T) {
	items, lintConfig := renderBlueprint(t, nil)
	for _, r := range runLint(t, items, lintConfig) {
		if r.Severity == fn.Error {
			t.Errorf("lint error on the rendered blueprint: %s", r)
		} else {
			t.Logf("%s: %s", r.Severity, r.Message)
		}
	}
}

// TestBlueprintWithKubeflowRendersClean renders the blueprint with the
// Kubeflow install in it, image-mirror first (to the blueprint's mirror),
// so that cluster-firewall sees the webhooks and load-balanced Services:
// the whole private Kubeflow must pass lint without an error or a warning
// about webhooks, health checks or images.
func TestBlueprintWithKubeflowRendersClean(t *testing.T) {
	kubeflow := fntest.KubeflowCorpus(t)
	for _, obj := range kubeflow {
		_ = obj.SetAnnotation(fn.PathAnnotation, "kubeflow/manifests.yaml")
	}
	items, lintConfig := renderBlueprint(t, kubeflow)
	errors := 0
	for _, r := range runLint(t, items, lintConfig) {
		switch {
		case r.Severity == fn.Error:
			errors++
			if errors <= 20 {
				t.Errorf("lint error: %s", r)
			}
		case r.Severity == fn.Warning:
			t.Errorf("lint warning: %s", r)
		}
	}
	if errors > 20 {
		t.Errorf("... %d lint errors in all", errors)
	}
}

// TestKubeflowWithoutClusterFirewall renders the blueprint with Kubeflow
// but leaves cluster-firewall out: lint must then find every webhook port
// the control plane cannot reach (each port facts resolves, but GKE's own
// 443 and 10250) and the missing health-check rule, which is what
// cluster-firewall exists to prevent.
func TestKubeflowWithoutClusterFirewall(t *testing.T) {
	kubeflow := fntest.KubeflowCorpus(t)
	var want []int32
	for _, p := range facts.WebhookPorts(facts.Webhooks(kubeflow, &results.Collector{})) {
		if !slices.Contains(gcp.ControlPlanePorts, p) {
			want = append(want, p)
		}
	}
	items, lintConfig := renderBlueprint(t, kubeflow, clusterfirewall.Name)
	var got []int32
	healthCheck := false
	for _, r := range runLint(t, items, lintConfig) {
		if r.Severity != fn.Error {
			continue
		}
		var port int32
		switch {
		case strings.HasPrefix(r.Message, "[webhook-port]"):
			if _, err := fmt.Sscanf(r.Message[strings.Index(r.Message, "listen on tcp "):], "listen on tcp %d", &port); err != nil {
				t.Fatalf("%v: %s", err, r.Message)
			}
			got = append(got, port)
		case strings.HasPrefix(r.Message, "[health-check]"):
			healthCheck = true
		default:
			t.Errorf("unexpected error: %s", r)
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, slices.Compact(got)); diff != "" || len(want) == 0 {
		t.Errorf("webhook ports reported (-resolved +lint):\n%s", diff)
	}
	if !healthCheck {
		t.Error("no health-check error although the ingress gateway is load balanced and no rule lets health checks in")
	}
	t.Logf("webhook ports the control plane could not reach: %v", want)
}

// renderBlueprint renders the kubeflow-private-gke blueprint with extra
// in it (renderPackage).
func renderBlueprint(t *testing.T, extra fn.KubeObjects, skip ...string) (fn.KubeObjects, *fn.KubeObject) {
	t.Helper()
	return renderPackage(t, blueprint, extra, nil, skip...)
}

// renderPackage reads a blueprint's objects (and extra, put before its
// pipeline runs), runs its pipeline's lockdown functions, each config
// first changed by edits[function] when there is one, and returns the
// items and lint's config. With extra, the kubeflow-private-gke blueprint
// runs image-mirror first with lint's mirror, as a pipeline that carries
// Kubeflow would. The catalog's apply-setters is skipped: the files
// already hold the setters' values.
func renderPackage(t *testing.T, dir string, extra fn.KubeObjects, edits map[string]func(*fn.KubeObject), skip ...string) (fn.KubeObjects, *fn.KubeObject) {
	t.Helper()
	var kptfile struct {
		Pipeline struct {
			Mutators   []step `yaml:"mutators"`
			Validators []step `yaml:"validators"`
		} `yaml:"pipeline"`
	}
	readYAML(t, filepath.Join(dir, "Kptfile"), &kptfile)
	items := append(readPackage(t, dir), extra...)
	lintConfig := fn.NewEmptyKubeObject()
	for _, v := range kptfile.Pipeline.Validators {
		if functionOf(v.Image) == Name {
			lintConfig = readConfig(t, dir, v.ConfigPath)
		}
	}
	if len(extra) > 0 && dir == blueprint {
		mirror, _, _ := lintConfig.NestedString("spec", "mirror")
		cfg, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: image-mirror\ndata:\n  mirror: " + mirror + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		items = runStep(t, imagemirror.Name, items, cfg)
	}
	for _, m := range kptfile.Pipeline.Mutators {
		name := functionOf(m.Image)
		if name == "" || slices.Contains(skip, name) {
			t.Logf("skipping %s", m.Image)
			continue
		}
		cfg := readConfig(t, dir, m.ConfigPath)
		if edit := edits[name]; edit != nil {
			edit(cfg)
		}
		items = runStep(t, name, items, cfg)
	}
	return items, lintConfig
}

func runStep(t *testing.T, name string, items fn.KubeObjects, cfg *fn.KubeObject) fn.KubeObjects {
	t.Helper()
	newProcessor, known := processors[name]
	if !known {
		t.Fatalf("the blueprint runs %s, which this test does not know: add it to processors", name)
	}
	rl := &fn.ResourceList{Items: items, FunctionConfig: cfg}
	ok, err := newProcessor().Process(rl)
	if !ok || err != nil {
		t.Fatalf("%s failed (%v): %v", name, err, rl.Results)
	}
	return rl.Items
}

func runLint(t *testing.T, items fn.KubeObjects, cfg *fn.KubeObject) fn.Results {
	t.Helper()
	rl := &fn.ResourceList{Items: items, FunctionConfig: cfg}
	if _, err := Processor().Process(rl); err != nil {
		t.Fatal(err)
	}
	return rl.Results
}

// functionOf returns the lockdown function an image runs, or "".
func functionOf(image string) string {
	name, ok := strings.CutPrefix(image, "localhost/lockdown/")
	if !ok {
		return ""
	}
	name, _, _ = strings.Cut(name, ":")
	return name
}

func readConfig(t *testing.T, dir, path string) *fn.KubeObject {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, path))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := fn.ParseKubeObject(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return obj
}

// readPackage reads every object of the package's YAML files but the
// Kptfile, annotated with its file as kpt does.
func readPackage(t *testing.T, dir string) fn.KubeObjects {
	t.Helper()
	var items fn.KubeObjects
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !slices.Contains([]string{".yaml", ".yml"}, filepath.Ext(path)) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		objs, err := fn.ParseKubeObjects(data)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for _, obj := range objs {
			_ = obj.SetAnnotation(fn.PathAnnotation, filepath.ToSlash(rel))
		}
		items = append(items, objs...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestBlueprintsTogether renders the blueprint without Kubeflow, as it is
// shipped (cluster-firewall cannot see Kubeflow's webhooks and gateway
// there), mirrors Kubeflow's images on their own, as the hardening
// blueprint does, and lints the two together, as they meet in one
// cluster: the blueprint's extraWebhookPorts and healthCheckPorts must
// cover what Kubeflow needs.
func TestBlueprintsTogether(t *testing.T) {
	kubeflow := fntest.KubeflowCorpus(t)
	items, lintConfig := renderBlueprint(t, nil)
	mirror, _, _ := lintConfig.NestedString("spec", "mirror")
	cfg, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: image-mirror\ndata:\n  mirror: " + mirror + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	kubeflow = runStep(t, imagemirror.Name, kubeflow, cfg)
	for _, r := range runLint(t, append(items, kubeflow...), lintConfig) {
		if r.Severity == fn.Error || r.Severity == fn.Warning {
			t.Errorf("lint %s over both packages: %s", r.Severity, r)
		}
	}
}

// TestBlueprintsTogetherBehindIAP renders the Kubeflow corpus with an
// IAP RequestAuthentication (fntest.KubeflowCorpusWithIAP) through the
// hardening blueprint's pipeline and lints it with the private-gke
// blueprint's render, as they meet in one cluster. As shipped (iap
// "false") the fence keeps Istio from IAP's keys: exactly one finding,
// egress-endpoint on that RequestAuthentication, naming the host and the
// setting. With cloud-nat's iapKeys (the blueprint's iap setter) it
// passes with no error or warning.
func TestBlueprintsTogetherBehindIAP(t *testing.T) {
	kubeflow, _ := renderPackage(t, hardening, fntest.KubeflowCorpusWithIAP(t), nil)
	for _, iap := range []bool{false, true} {
		t.Run(fmt.Sprintf("iapKeys=%v", iap), func(t *testing.T) {
			gke, lintConfig := renderPackage(t, blueprint, nil, map[string]func(*fn.KubeObject){
				cloudnat.Name: func(cfg *fn.KubeObject) { _ = cfg.SetNestedField(iap, "spec", "iapKeys") },
			})
			var found []string
			for _, r := range runLint(t, append(gke, kubeflow...), lintConfig) {
				if r.Severity == fn.Error || r.Severity == fn.Warning {
					found = append(found, fmt.Sprintf("%s %s/%s %s: %s", r.Severity, r.ResourceRef.Kind, r.ResourceRef.Name, r.Field.Path, r.Message))
				}
			}
			if iap {
				if len(found) > 0 {
					t.Errorf("lint over both packages with iapKeys:\n%s", strings.Join(found, "\n"))
				}
				return
			}
			if len(found) != 1 || !strings.HasPrefix(found[0], "error RequestAuthentication/iap-jwt spec.jwtRules[0].jwksUri: [egress-endpoint] www.gstatic.com:443") ||
				!strings.Contains(found[0], "iapKeys: true") {
				t.Errorf("want one egress-endpoint error for IAP's keys naming iapKeys, got:\n%s", strings.Join(found, "\n"))
			}
		})
	}
}
