package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// hardeningBlueprint hardens a Kubeflow install: the test renders it with
// the Kubeflow corpus in its kubeflow/ folder, where users put theirs.
const (
	hardeningBlueprint = "kubeflow-hardening"
	kubeflowManifests  = "kubeflow/manifests.yaml"
)

// fieldManager names kpt's applies in the server's managedFields.
const fieldManager = "lockdown-e2e"

// TestLive takes lockdown's output where users take it: through
// `kpt live apply --server-side` into a real kube-apiserver that knows the
// Config Connector, Kyverno and Kubeflow CRDs, and out again with
// `kpt live destroy`. Every blueprint under blueprints/ is rendered with
// the function images (as TestCases renders them), with its own setters
// and with each environment's under setters/, then applied, checked
// Current by `kpt live status`, and destroyed. The subtests run one after
// another: they share one server, and two renders of a blueprint hold
// objects of the same names.
func TestLive(t *testing.T) {
	r := newE2E(t, "the live tests start a kube-apiserver (scripts/apiserver.sh builds it) and run kpt live apply against it")
	repo := r.repo
	s := startLiveServer(t, repo)

	t.Run("strict-field-validation", func(t *testing.T) { s.testStrictFieldValidation(t, r) })
	t.Run("pod-security-admission", s.testPodSecurityAdmission)
	for _, blueprint := range blueprintsIn(t, repo) {
		name := filepath.Base(blueprint)
		envs := append([]string{""}, environments(t, repo, name)...)
		if name == hardeningBlueprint {
			// Its render over the Kubeflow install takes a minute or more,
			// and the environments change only three values of its configs:
			// the shipped setters stand for them.
			envs = envs[:1]
		}
		for _, env := range envs {
			sub := name
			if env != "" {
				sub += "/" + env
			}
			t.Run(sub, func(t *testing.T) {
				pkg := s.renderBlueprint(t, r, blueprint, env)
				s.applyStatusDestroy(t, r, pkg)
			})
		}
		for _, v := range blueprintVariants[name] {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				pkg := s.renderBlueprint(t, r, blueprint, "", v.edits...)
				v.check(t, pkg)
				s.applyStatusDestroy(t, r, pkg)
			})
		}
	}
	// Last: it installs Kyverno, a Kubeflow profile and Kubeflow's
	// ClusterRoles outside any kpt inventory, which a later apply of the
	// hardening blueprint would refuse to adopt.
	t.Run("kyverno-admission", func(t *testing.T) { s.testKyvernoAdmission(t, repo) })
}

// variant is a blueprint rendered after the hand edits a user makes to
// it, beyond what its setters hold; check says what the render must show.
type variant struct {
	name  string
	edits []edit
	check func(t *testing.T, pkg string)
}

// edit replaces old with new in one file of the package. A text that is
// no longer in the blueprint fails the test: the variant must follow it.
type edit struct{ file, old, new string }

// blueprintVariants are the renders each blueprint must also survive, by
// blueprint name.
var blueprintVariants = map[string][]variant{
	"kubeflow-private-gke": {
		{
			// The day the perimeter is enforced, with a further change
			// dry-run first: the blueprint README's path.
			name: "enforce-with-proposed-change",
			edits: []edit{{
				file: "fn-config/vpc-sc.yaml",
				old:  "  mode: dry-run\n",
				new:  "  mode: enforce\n  proposed:\n    exclude: [bigquery.googleapis.com]\n",
			}},
			check: checkEnforcedWithProposal,
		},
		{
			// GKE's recommended access: only the DNS-based endpoint, the IP
			// endpoints off (so no authorized networks, which GKE would not
			// use).
			name: "dns-endpoint-only",
			edits: []edit{{
				file: "fn-config/private-cluster.yaml",
				old: "  dnsEndpoint: false # kpt-set: ${dns-endpoint}\n  enablePrivateEndpoint: false\n" +
					"  masterAuthorizedNetworks:\n  - displayName: operators-vpn\n    cidrBlock: 10.200.0.0/16\n",
				new: "  dnsEndpoint: true\n  ipEndpoints: false\n",
			}},
			check: func(t *testing.T, pkg string) {
				cluster := renderedObject(t, pkg, "ContainerCluster", "")
				wantField(t, cluster, "spec.controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic", true)
				wantField(t, cluster, "spec.controlPlaneEndpointsConfig.ipEndpointsConfig.enabled", false)
			},
		},
		{
			// A Private Service Connect control plane: no /28; the
			// control plane reaches the nodes from the node subnetwork.
			name: "psc-control-plane",
			edits: []edit{{
				file: "fn-config/private-cluster.yaml",
				old:  "  masterIpv4CidrBlock: 172.16.0.32/28 # kpt-set: ${master-cidr}\n",
				new:  "  controlPlane: psc\n",
			}},
			check: func(t *testing.T, pkg string) {
				cluster := renderedObject(t, pkg, "ContainerCluster", "")
				wantField(t, cluster, "spec.privateClusterConfig.masterIpv4CidrBlock", nil)
				wantField(t, cluster, "spec.privateClusterConfig.enablePrivateNodes", true)
				ingress := renderedObject(t, pkg, "ComputeFirewall", "kubeflow-allow-master-ingress")
				subnet := renderedObject(t, pkg, "ComputeSubnetwork", "")
				wantField(t, ingress, "spec.sourceRanges", []any{fieldOf(subnet, "spec.ipCidrRange")})
			},
		},
	},
}

// fieldOf is the value at a dotted path of an object; nil when absent.
func fieldOf(obj map[string]any, path string) any {
	var v any = obj
	for _, key := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

// wantField fails t unless the object holds want at path.
func wantField(t *testing.T, obj map[string]any, path string, want any) {
	t.Helper()
	if got := fieldOf(obj, path); !reflect.DeepEqual(got, want) {
		t.Errorf("%v %v: %s is %v, want %v", obj["kind"], fieldOf(obj, "metadata.name"), path, got, want)
	}
}

// checkEnforcedWithProposal holds the rendered perimeter to what enforce
// with a proposed change means: the enforced config restricts BigQuery,
// the dry-run config is the same but for it, and the explicit dry-run
// flag keeps the two apart.
func checkEnforcedWithProposal(t *testing.T, pkg string) {
	t.Helper()
	perimeter := renderedObject(t, pkg, "AccessContextManagerServicePerimeter", "")
	spec, _ := perimeter["spec"].(map[string]any)
	status, _ := spec["status"].(map[string]any)
	proposed, _ := spec["spec"].(map[string]any)
	if status == nil || proposed == nil || spec["useExplicitDryRunSpec"] != true {
		t.Fatalf("the perimeter must hold status, spec and useExplicitDryRunSpec: true; got %v", spec)
	}
	const excluded = "bigquery.googleapis.com"
	enforced, dryRun := servicesOf(status), servicesOf(proposed)
	if !slices.Contains(enforced, excluded) || slices.Contains(dryRun, excluded) {
		t.Errorf("want %s restricted in status and not in the proposed spec; status: %v; spec: %v", excluded, enforced, dryRun)
	}
	if rest := slices.DeleteFunc(slices.Clone(enforced), func(s string) bool { return s == excluded }); !slices.Equal(rest, dryRun) {
		t.Errorf("the proposed spec differs from status by more than %s:\n status less it: %v\n spec:           %v", excluded, rest, dryRun)
	}
	if !reflect.DeepEqual(status["ingressPolicies"], proposed["ingressPolicies"]) {
		t.Errorf("the proposed change touched only restricted services, yet the ingress policies differ:\n status: %v\n spec:   %v", status["ingressPolicies"], proposed["ingressPolicies"])
	}
}

// servicesOf is a perimeter config's restrictedServices.
func servicesOf(config map[string]any) []string {
	var out []string
	list, _ := config["restrictedServices"].([]any)
	for _, s := range list {
		out = append(out, fmt.Sprint(s))
	}
	return out
}

// renderedObject is the one object of kind (and name, unless "") in a
// rendered package.
func renderedObject(t *testing.T, pkg, kind, name string) map[string]any {
	t.Helper()
	var found []map[string]any
	for rel, data := range readTree(t, pkg) {
		if !strings.HasSuffix(rel, ".yaml") {
			continue
		}
		for _, doc := range strings.Split(data, "\n---\n") {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			if obj["kind"] == kind && (name == "" || fieldOf(obj, "metadata.name") == name) {
				found = append(found, obj)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("the render holds %d %s objects named %q, want 1", len(found), kind, name)
	}
	return found[0]
}

// testStrictFieldValidation applies a ContainerCluster with a field its
// CRD does not declare: the server must refuse it, kpt must say so and
// fail, and nothing of it may reach the server. This is what makes the
// other subtests' applies a schema check: a misspelt or misplaced field in
// a function's output fails here, not silently in a cluster.
func (s *liveServer) testStrictFieldValidation(t *testing.T, r *runner) {
	pkg := filepath.Join(t.TempDir(), "strict")
	writeTree(t, pkg, map[string]string{
		"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: strict\n" +
			"  annotations:\n    config.kubernetes.io/local-config: \"true\"\n",
		"cluster.yaml": `apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: strict-check
spec:
  location: us-central1
  initialNodeCount: 1
  notAField: true
`,
	})
	s.kptOK(t, r, "live", "init", pkg, "--quiet")
	out, code := s.kpt(t, r, "live", "apply", pkg, "--server-side", "--field-manager="+fieldManager, "--reconcile-timeout=1m")
	t.Logf("kpt live apply of a ContainerCluster with spec.notAField: exit code %d, said:\n%s", code, out)
	if code == 0 {
		t.Errorf("kpt live apply accepted spec.notAField: exit code 0, want a failure")
	}
	if !strings.Contains(out, "notAField") {
		t.Errorf("kpt's output does not name the unknown field notAField")
	}
	cluster := &unstructured.Unstructured{}
	cluster.SetAPIVersion("container.cnrm.cloud.google.com/v1beta1")
	cluster.SetKind("ContainerCluster")
	cluster.SetName("strict-check")
	if _, err := s.get(t.Context(), cluster); !apierrors.IsNotFound(err) {
		t.Errorf("ContainerCluster strict-check after the refused apply: want NotFound, got %v", err)
	}
	// What kpt asked for, as the server logged it.
	for _, req := range s.auditRequests(t, 0, "/containerclusters/strict-check") {
		t.Logf("request: %s", req)
	}
	s.kptOK(t, r, "live", "destroy", pkg)
}

// applyStatusDestroy is a package's life on the server: kpt live init,
// apply, status, destroy.
func (s *liveServer) applyStatusDestroy(t *testing.T, r *runner, pkg string) {
	objects := packageObjects(t, pkg)
	if len(objects) == 0 {
		t.Fatalf("%s holds nothing to apply", pkg)
	}
	refuseOffMachineTargets(t, objects)
	ctx := t.Context()
	for _, ns := range undeclaredNamespaces(objects) {
		if err := s.ensureNamespace(ctx, ns); err != nil {
			t.Fatalf("namespace %s: %v", ns, err)
		}
	}
	s.kptOK(t, r, "live", "init", pkg, "--quiet")

	writer := startStatusWriter(s.dyn, s.configConnectorResources(t, objects))
	t.Cleanup(func() {
		marked, problems := writer.stop()
		t.Logf("the status writer marked %d objects", marked)
		for _, p := range problems {
			t.Errorf("status writer: %s", p)
		}
	})
	// A failure half way must not leave objects that the next subtest's
	// package also holds: kpt would refuse them as another inventory's.
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			out, code := s.kpt(t, r, "live", "destroy", pkg)
			t.Logf("clean-up after the failure: kpt live destroy exit code %d%s", code, lastLines(out, 3))
		}
	})

	since := s.auditSize(t)
	s.apply(t, r, pkg, objects)
	s.checkServerSideApplies(t, since, objects)
	for _, obj := range objects {
		if _, err := s.get(ctx, obj); err != nil {
			t.Errorf("%s %s after apply: %v", obj.GetKind(), obj.GetName(), err)
		}
	}

	s.checkStatusCurrent(t, r, pkg, len(objects))

	// kpt live destroy waits until every object is gone. What could keep
	// one here is a finalizer that a controller of the real cluster would
	// remove: the namespace controller's and pvc-protection, which the
	// status writer stands in for. A bound keeps a missed one from hanging
	// the test, and names what is left.
	begin := time.Now()
	destroyed = true // whatever comes of it, the clean-up need not try again
	out, code, finished := s.kptWithin(t, r, kptTimeout, "live", "destroy", pkg)
	if !finished {
		t.Fatalf("kpt live destroy did not finish in %s; left on the server: %s; kpt said:\n%s", kptTimeout, s.leftovers(t, objects), out)
	}
	if code != 0 {
		t.Fatalf("kpt live destroy: exit code %d; it said:\n%s", code, out)
	}
	t.Logf("kpt live destroy: %s", time.Since(begin).Round(100*time.Millisecond))
	checkResult(t, out, "delete", len(objects))
	for _, obj := range objects {
		if _, err := s.get(ctx, obj); !apierrors.IsNotFound(err) {
			t.Errorf("%s %s after destroy: want NotFound, got %v", obj.GetKind(), obj.GetName(), err)
		}
	}
}

// apply applies the package, and applies it again unchanged, as a
// pipeline that runs on every commit does.
//
// The first apply must apply every object. Its reconcile wait may time out
// on one thing only: custom resources whose CRD the same apply created.
// kpt's status poller maps kinds through a discovery cache that it
// refreshes once after the CRDs are established, and an apiserver serving
// 600 CRDs on two cores may publish a new kind in discovery a little later
// than it marks the CRD established; the poller then never sees those
// objects, though a fresh kpt process sees them Current at once (which
// checkStatusCurrent then makes sure of).
//
// The second apply must be clean, every object applied and Current. It is
// skipped for a package with admission webhooks: once they are registered
// and no server answers them (no pods run here), every later write to
// what they cover is refused, as in a cluster whose webhook pods are down.
func (s *liveServer) apply(t *testing.T, r *runner, pkg string, objects []*unstructured.Unstructured) {
	t.Helper()
	apply := []string{"live", "apply", pkg, "--server-side", "--field-manager=" + fieldManager, "--reconcile-timeout=60s"}
	begin := time.Now()
	out, code := s.kpt(t, r, apply...)
	t.Logf("kpt live apply: %d objects in %s, exit code %d", len(objects), time.Since(begin).Round(100*time.Millisecond), code)
	checkResult(t, out, "apply", len(objects))
	if code == 0 {
		checkResult(t, out, "reconcile", len(objects))
	} else {
		checkLateKinds(t, out, code, objects)
	}

	for _, o := range objects {
		if k := o.GetKind(); k == "MutatingWebhookConfiguration" || k == "ValidatingWebhookConfiguration" {
			t.Logf("no second apply: the package registers admission webhooks that nothing serves here")
			return
		}
	}
	begin = time.Now()
	out = s.kptOK(t, r, apply...)
	t.Logf("kpt live apply again: %s", time.Since(begin).Round(100*time.Millisecond))
	checkResult(t, out, "apply", len(objects))
	checkResult(t, out, "reconcile", len(objects))
}

// checkLateKinds accepts a failed apply only when every object whose
// reconcile timed out is of a kind the package's own CRDs define.
func checkLateKinds(t *testing.T, out string, code int, objects []*unstructured.Unstructured) {
	t.Helper()
	late := reconcileTimeouts(out)
	if len(late) == 0 {
		t.Fatalf("kpt live apply: exit code %d; it said:\n%s", code, out)
	}
	defined := kindsDefinedBy(objects)
	for _, id := range late {
		kind, _, _ := strings.Cut(id, "/")
		if !defined[kind] {
			t.Errorf("kpt live apply: %s did not become Current, and the package does not define its kind; kpt said:\n%s", id, out)
		}
	}
	t.Logf("kpt live apply: the reconcile wait missed %d objects of kinds the same apply defined (kpt's discovery cache, see apply): %s", len(late), strings.Join(late, ", "))
}

var reconcileTimeout = regexp.MustCompile(`(?m)^(\S+) reconcile timeout$`)

// reconcileTimeouts are the objects kpt's reconcile wait gave up on, as
// kpt names them: kind.group/name.
func reconcileTimeouts(out string) []string {
	var ids []string
	for _, m := range reconcileTimeout.FindAllStringSubmatch(out, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// kindsDefinedBy are the kinds of the package's CRDs, named as kpt names
// them in its output: lower-case kind, dot, group.
func kindsDefinedBy(objects []*unstructured.Unstructured) map[string]bool {
	kinds := map[string]bool{}
	for _, o := range objects {
		if o.GetKind() != "CustomResourceDefinition" {
			continue
		}
		kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
		group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
		kinds[strings.ToLower(kind)+"."+group] = true
	}
	return kinds
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return "; it said:\n" + strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// refuseOffMachineTargets stops a package that would make the test
// server dial an address off this machine. The server calls webhooks
// (admission, conversion) and aggregated APIs through their Services'
// endpoints (scripts/apiserver.sh turns on aggregator routing), and the
// only endpoints are those a package brings; an ExternalName Service
// names a host outside.
func refuseOffMachineTargets(t *testing.T, objects []*unstructured.Unstructured) {
	t.Helper()
	for _, o := range objects {
		kind := o.GetKind()
		serviceType, _, _ := unstructured.NestedString(o.Object, "spec", "type")
		if kind == "Endpoints" || kind == "EndpointSlice" || (kind == "Service" && serviceType == "ExternalName") {
			t.Fatalf("%s %s/%s: the test server could call it (a webhook or an aggregated API behind it), and must not reach anything off this machine: leave it out of the package this test applies", kind, o.GetNamespace(), o.GetName())
		}
	}
}

// checkStatusCurrent runs kpt live status, which computes each object's
// status with kstatus as apply's wait does, and wants every object of the
// package Current.
func (s *liveServer) checkStatusCurrent(t *testing.T, r *runner, pkg string, want int) {
	t.Helper()
	out := s.kptOK(t, r, "live", "status", pkg, "--output=json", "--poll-until=known", "--timeout=1m")
	statuses := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		var event struct {
			Type, Status, Kind, Name, Namespace, Group string
		}
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &event) != nil || event.Type != "status" {
			continue
		}
		statuses[event.Group+"/"+event.Kind+"/"+event.Namespace+"/"+event.Name] = event.Status
	}
	if len(statuses) != want {
		t.Errorf("kpt live status reported %d objects, want %d; it said:\n%s", len(statuses), want, out)
	}
	for id, status := range statuses {
		if status != "Current" {
			t.Errorf("kpt live status: %s is %s, want Current", id, status)
		}
	}
}

// checkServerSideApplies reads from the audit log how kpt sent the
// package's objects: each must have gone as a server-side apply patch
// (fieldManager and force in the query; a client-side apply sends
// neither). kpt has no flag for the field-validation level and sends none,
// which the log shows; server-side apply refuses unknown fields whatever
// the level (strict-field-validation shows it), so a misspelt field fails
// the apply here just the same.
func (s *liveServer) checkServerSideApplies(t *testing.T, since int64, objects []*unstructured.Unstructured) {
	t.Helper()
	applied := map[string]bool{}
	validation := map[string]int{}
	for _, req := range s.auditRequests(t, since, "fieldManager="+fieldManager, "force=") {
		verb, uri, _ := strings.Cut(req, " ")
		path, query, _ := strings.Cut(uri, "?")
		if verb != "patch" {
			continue
		}
		applied[path] = true
		level := "(none)"
		if m := regexp.MustCompile(`fieldValidation=(\w+)`).FindStringSubmatch(query); m != nil {
			level = m[1]
		}
		validation[level]++
	}
	for _, obj := range objects {
		path, err := s.path(obj)
		if err != nil {
			t.Errorf("%s %s: %v", obj.GetKind(), obj.GetName(), err)
		} else if !applied[path] {
			t.Errorf("%s %s: no server-side apply patch of %s in the audit log", obj.GetKind(), obj.GetName(), path)
		}
	}
	t.Logf("server-side apply patches by fieldValidation query parameter: %v", validation)
}

// kpt runs kpt against the server and returns its output and exit code;
// a kpt that does not finish within kptTimeout fails the test.
func (s *liveServer) kpt(t *testing.T, r *runner, args ...string) (string, int) {
	t.Helper()
	out, code, finished := s.kptWithin(t, r, kptTimeout, args...)
	if !finished {
		t.Fatalf("kpt %s: no answer in %s; it said:\n%s", strings.Join(args, " "), kptTimeout, out)
	}
	return out, code
}

// kptTimeout bounds one kpt command: an apply or a destroy of the
// Kubeflow corpus takes a minute or two here.
const kptTimeout = 8 * time.Minute

// kptWithin runs kpt against the server for at most limit; finished is
// false when kpt had to be stopped.
func (s *liveServer) kptWithin(t *testing.T, r *runner, limit time.Duration, args ...string) (out string, code int, finished bool) {
	t.Helper()
	// Not t.Context(): the clean-up after a failure runs kpt too, and by
	// then that context is cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.kpt, append(args, "--kubeconfig", s.kubeconfig)...)
	// kpt caches discovery under ~/.kube/cache unless told otherwise: one
	// folder per server port, 600 CRDs' worth each run.
	cmd.Env = append(slices.Clone(r.env), "KUBECACHEDIR="+filepath.Join(s.dir, "kube-cache"))
	raw, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(raw), -1, false
	}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return string(raw), exitErr.ExitCode(), true
	case err != nil:
		t.Fatalf("kpt %s: %v", strings.Join(args, " "), err)
	}
	return string(raw), 0, true
}

// leftovers counts, by kind, the package's objects still on the server.
func (s *liveServer) leftovers(t *testing.T, objects []*unstructured.Unstructured) string {
	t.Helper()
	left := map[string]int{}
	for _, obj := range objects {
		if _, err := s.get(context.Background(), obj); err == nil {
			left[obj.GetKind()]++
		}
	}
	if len(left) == 0 {
		return "nothing"
	}
	var parts []string
	for _, kind := range slices.Sorted(maps.Keys(left)) {
		parts = append(parts, fmt.Sprintf("%d %s", left[kind], kind))
	}
	return strings.Join(parts, ", ")
}

// kptOK runs kpt against the server and fails the test unless it succeeds.
func (s *liveServer) kptOK(t *testing.T, r *runner, args ...string) string {
	t.Helper()
	out, code := s.kpt(t, r, args...)
	if code != 0 {
		t.Fatalf("kpt %s: exit code %d; it said:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

var resultLine = regexp.MustCompile(`(?m)^(\w+) result: (\d+) attempted, (\d+) successful`)

// checkResult wants kpt's "<phase> result: N attempted, N successful" line
// to count every object of the package.
func checkResult(t *testing.T, out, phase string, want int) {
	t.Helper()
	for _, m := range resultLine.FindAllStringSubmatch(out, -1) {
		if m[1] != phase {
			continue
		}
		attempted, _ := strconv.Atoi(m[2])
		successful, _ := strconv.Atoi(m[3])
		if attempted != want || successful != want {
			t.Errorf("kpt: %q, want %d attempted and successful; it said:\n%s", m[0], want, out)
		}
		return
	}
	t.Errorf("kpt printed no %q line; it said:\n%s", phase+" result:", out)
}

// renderBlueprint copies a blueprint to a temporary folder as users get
// it, puts in an environment's setter values (setters/<env>/<blueprint>.yaml
// where the pipeline's apply-setters step reads them; env "" keeps the
// blueprint's own) and, for the hardening blueprint, the Kubeflow corpus,
// and renders it with the function images.
func (s *liveServer) renderBlueprint(t *testing.T, r *runner, blueprint, env string, edits ...edit) string {
	t.Helper()
	name := filepath.Base(blueprint)
	pkg := filepath.Join(t.TempDir(), name)
	tree := readTree(t, blueprint)
	for _, e := range edits {
		if !strings.Contains(tree[e.file], e.old) {
			t.Fatalf("%s of blueprint %s no longer holds %q: make the variant follow the blueprint", e.file, name, e.old)
		}
		tree[e.file] = strings.Replace(tree[e.file], e.old, e.new, 1)
	}
	writeTree(t, pkg, tree)
	if env != "" {
		useSetters(t, pkg, filepath.Join(r.repo, "setters", env, name+".yaml"))
	}
	if name == hardeningBlueprint {
		corpus, err := os.ReadFile(benchdata.CorpusPath())
		if err != nil {
			t.Fatalf("the Kubeflow corpus must sit beside the project (../shared/corpus): %v", err)
		}
		writeTree(t, pkg, map[string]string{kubeflowManifests: string(s.clearClusterScopedNamespaces(t, corpus))})
	}
	// kptArgs builds every image the pipeline runs; the empty folder
	// stands for a case without config.yaml.
	args := r.kptArgs(t, caseSpec{Command: "render"}, "", t.TempDir(), pkg)
	r.runKpt(t, caseSpec{}, args)
	if name == hardeningBlueprint {
		orderWebhooksAfterServers(t, pkg)
	}
	return pkg
}

// blueprintsIn lists the kpt packages under blueprints/.
func blueprintsIn(t *testing.T, repo string) []string {
	t.Helper()
	kptfiles, err := filepath.Glob(filepath.Join(repo, "blueprints", "*", "Kptfile"))
	if err != nil || len(kptfiles) == 0 {
		t.Fatalf("no blueprints/*/Kptfile under %s (err %v)", repo, err)
	}
	var dirs []string
	for _, k := range kptfiles {
		dirs = append(dirs, filepath.Dir(k))
	}
	return dirs
}

// environments are the folders of setters/ that hold values for the
// blueprint.
func environments(t *testing.T, repo, blueprint string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repo, "setters", "*", blueprint+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var envs []string
	for _, f := range files {
		envs = append(envs, filepath.Base(filepath.Dir(f)))
	}
	return envs
}

// useSetters puts an environment's setter values where the package's
// apply-setters step reads its config.
func useSetters(t *testing.T, pkg, values string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(pkg, "Kptfile"))
	if err != nil {
		t.Fatal(err)
	}
	var kptfile struct {
		Pipeline struct {
			Mutators []struct {
				Image      string `yaml:"image"`
				ConfigPath string `yaml:"configPath"`
			}
		} `yaml:"pipeline"`
	}
	if err := yaml.Unmarshal(raw, &kptfile); err != nil {
		t.Fatalf("Kptfile: %v", err)
	}
	for _, step := range kptfile.Pipeline.Mutators {
		if strings.Contains(step.Image, "/apply-setters:") && step.ConfigPath != "" {
			data, err := os.ReadFile(values)
			if err != nil {
				t.Fatal(err)
			}
			writeTree(t, pkg, map[string]string{filepath.ToSlash(step.ConfigPath): string(data)})
			return
		}
	}
	t.Fatalf("%s exists, but the Kptfile pipeline has no apply-setters step with a configPath to take it", values)
}

// clearClusterScopedNamespaces removes metadata.namespace from the
// corpus's cluster-scoped objects. The Kubeflow manifests have four
// (spark-operator's ClusterRoles and ClusterRoleBindings, namespace
// kubeflow): kubectl apply ignores such a namespace, but kpt live apply
// refuses the whole package ("resource is cluster-scoped but has a
// non-empty namespace"), so a user fixes the manifests first, and so does
// the test, before the render. The scope comes from the server for
// built-in kinds and from the corpus's own CRDs for theirs.
func (s *liveServer) clearClusterScopedNamespaces(t *testing.T, corpus []byte) []byte {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(corpus), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("the Kubeflow corpus: %v", err)
	}
	crdScope := map[string]string{} // group/kind -> Cluster or Namespaced
	for _, n := range nodes {
		if n.GetKind() == "CustomResourceDefinition" {
			crdScope[lookup(n, "spec", "group")+"/"+lookup(n, "spec", "names", "kind")] = lookup(n, "spec", "scope")
		}
	}
	var cleared []string
	for _, n := range nodes {
		if n.GetNamespace() == "" {
			continue
		}
		gvk := schema.FromAPIVersionAndKind(n.GetApiVersion(), n.GetKind())
		scope, known := crdScope[gvk.Group+"/"+gvk.Kind]
		if !known {
			m, err := s.resource(gvk)
			if err != nil {
				continue // neither built in nor defined by the corpus: kpt will say
			}
			scope = string(m.Scope.Name())
		}
		if scope == "Cluster" || scope == string(meta.RESTScopeNameRoot) {
			cleared = append(cleared, n.GetKind()+" "+n.GetName()+" (namespace "+n.GetNamespace()+")")
			if err := n.SetNamespace(""); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(cleared) == 0 {
		return corpus
	}
	t.Logf("cleared the namespace of %d cluster-scoped objects of the corpus, which kpt live apply refuses: %s", len(cleared), strings.Join(cleared, ", "))
	var out bytes.Buffer
	if err := (&kio.ByteWriter{Writer: &out}).Write(nodes); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// orderWebhooksAfterServers makes kpt apply each admission webhook
// configuration after the Deployment that serves it, with kpt's
// depends-on annotation.
//
// Why: kpt applies in waves (CRDs and namespaces first, then what depends
// on them), and a webhook configuration depends on nothing, so it lands in
// the first wave. From then on the apiserver calls it for every matching
// request, and as its Service has no endpoints yet (here: never, there are
// no pods), a failurePolicy: Fail webhook refuses the corpus's own
// Certificates, Issuers and ClusterServingRuntimes. A real cluster has the
// same race until the webhook's pods are up, and depends-on is how a kpt
// package says "register the webhook once its server is Available". Here
// the status writer makes the Deployment Available, so the webhook
// configurations go in the last wave, and kpt live destroy removes them
// first. A webhook whose Service or Deployment is not in the package is
// left alone.
func orderWebhooksAfterServers(t *testing.T, pkg string) {
	t.Helper()
	rw := &kio.LocalPackageReadWriter{PackagePath: pkg, PreserveSeqIndent: true}
	nodes, err := rw.Read()
	if err != nil {
		t.Fatal(err)
	}
	servers := webhookServers(nodes)
	changed := 0
	for _, n := range nodes {
		if k := n.GetKind(); k != "MutatingWebhookConfiguration" && k != "ValidatingWebhookConfiguration" {
			continue
		}
		var deps []string
		webhooks, _ := n.Pipe(yaml.Lookup("webhooks"))
		for _, w := range elements(webhooks) {
			for _, d := range servers[lookup(w, "clientConfig", "service", "namespace")+"/"+lookup(w, "clientConfig", "service", "name")] {
				if !slices.Contains(deps, d) {
					deps = append(deps, d)
				}
			}
		}
		if len(deps) == 0 {
			continue
		}
		if old := n.GetAnnotations()[dependsOn]; old != "" {
			deps = append([]string{old}, deps...)
		}
		if err := n.PipeE(yaml.SetAnnotation(dependsOn, strings.Join(deps, ","))); err != nil {
			t.Fatal(err)
		}
		changed++
	}
	if changed > 0 {
		if err := rw.Write(nodes); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d admission webhook configurations wait for their servers (depends-on)", changed)
}

const (
	dependsOn   = "config.kubernetes.io/depends-on"
	localConfig = "config.kubernetes.io/local-config"
)

// webhookServers maps "namespace/name" of each Service of the package to
// the depends-on references of the Deployments whose pods it selects, or
// of the Service itself when no Deployment of the package matches.
func webhookServers(nodes []*yaml.RNode) map[string][]string {
	type deployment struct {
		namespace, name string
		labels          map[string]string
	}
	var deployments []deployment
	for _, n := range nodes {
		if n.GetKind() == "Deployment" {
			labels, _ := n.Pipe(yaml.Lookup("spec", "template", "metadata", "labels"))
			deployments = append(deployments, deployment{n.GetNamespace(), n.GetName(), stringMap(labels)})
		}
	}
	servers := map[string][]string{}
	for _, n := range nodes {
		if n.GetKind() != "Service" || n.GetApiVersion() != "v1" {
			continue
		}
		selectorNode, _ := n.Pipe(yaml.Lookup("spec", "selector"))
		selector := stringMap(selectorNode)
		key := n.GetNamespace() + "/" + n.GetName()
		for _, d := range deployments {
			if d.namespace == n.GetNamespace() && len(selector) > 0 && selects(selector, d.labels) {
				servers[key] = append(servers[key], "apps/namespaces/"+d.namespace+"/Deployment/"+d.name)
			}
		}
		if len(servers[key]) == 0 {
			servers[key] = []string{"/namespaces/" + n.GetNamespace() + "/Service/" + n.GetName()}
		}
	}
	return servers
}

// lookup is the scalar at path under n, or "".
func lookup(n *yaml.RNode, path ...string) string {
	v, err := n.Pipe(yaml.Lookup(path...))
	if err != nil || v == nil {
		return ""
	}
	return yaml.GetValue(v)
}

func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func stringMap(n *yaml.RNode) map[string]string {
	m := map[string]string{}
	if n == nil {
		return m
	}
	_ = n.VisitFields(func(f *yaml.MapNode) error {
		m[yaml.GetValue(f.Key)] = yaml.GetValue(f.Value)
		return nil
	})
	return m
}

func elements(n *yaml.RNode) []*yaml.RNode {
	if n == nil {
		return nil
	}
	items, _ := n.Elements()
	return items
}

// packageObjects are the objects kpt live apply sends: every resource of
// the package but the local-config ones (the Kptfile, function configs,
// the inventory's ResourceGroup file).
func packageObjects(t *testing.T, pkg string) []*unstructured.Unstructured {
	t.Helper()
	nodes, err := (&kio.LocalPackageReader{PackagePath: pkg, OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	var objects []*unstructured.Unstructured
	for _, n := range nodes {
		if n.GetAnnotations()[localConfig] == "true" || n.GetKind() == "Kptfile" {
			continue
		}
		m, err := n.Map()
		if err != nil {
			t.Fatal(err)
		}
		objects = append(objects, &unstructured.Unstructured{Object: m})
	}
	return objects
}

// undeclaredNamespaces are the namespaces the objects name that the
// package does not create.
func undeclaredNamespaces(objects []*unstructured.Unstructured) []string {
	declared := map[string]bool{}
	for _, o := range objects {
		if o.GetKind() == "Namespace" && o.GroupVersionKind().Group == "" {
			declared[o.GetName()] = true
		}
	}
	var missing []string
	for _, o := range objects {
		if ns := o.GetNamespace(); ns != "" && !declared[ns] && !slices.Contains(missing, ns) {
			missing = append(missing, ns)
		}
	}
	slices.Sort(missing)
	return missing
}

// configConnectorResources are the resources of the package's Config
// Connector objects, for the status writer to watch.
func (s *liveServer) configConnectorResources(t *testing.T, objects []*unstructured.Unstructured) []schema.GroupVersionResource {
	t.Helper()
	var resources []schema.GroupVersionResource
	for _, o := range objects {
		gvk := o.GroupVersionKind()
		if !strings.HasSuffix(gvk.Group, ".cnrm.cloud.google.com") {
			continue
		}
		m, err := s.resource(gvk)
		if err != nil {
			t.Fatalf("%s %s: the server does not serve its kind: %v", gvk.Kind, o.GetName(), err)
		}
		if !slices.Contains(resources, m.Resource) {
			resources = append(resources, m.Resource)
		}
	}
	return resources
}
