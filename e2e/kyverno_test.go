package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/lockdown-krm/lockdown/functions/podsecurity"
	"github.com/lockdown-krm/lockdown/functions/podsecuritycheck"
	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// The Kubeflow profile a notebook user works in, and the account the
// notebook's pod runs as. For each Profile, Kubeflow's profile controller
// makes a namespace and a ServiceAccount default-editor bound to the
// ClusterRole kubeflow-edit
// (https://www.kubeflow.org/docs/components/central-dash/profiles/,
// "Profile Resources"); notebooks run as it (the corpus's Kubeflow
// install: serviceAccountName: default-editor).
const (
	profileNamespace = "kubeflow-user-example-com"
	notebookAccount  = "default-editor"
	notebookRole     = "kubeflow-edit"
)

// The namespace Istio's own Helm guide installs its CNI chart into
// (https://istio.io/latest/docs/ops/ambient/install/helm-installation/:
// `helm install istio-cni istio/cni -n istio-system`). The Kubeflow
// install puts istio-cni-node in kube-system, which Kyverno's default
// webhook configuration never sends to Kyverno (its ConfigMap's webhooks
// namespaceSelector): the shipped exemption is what admits it elsewhere.
const istioNamespace = "istio-system"

// kyvernoScenario is one render of the hardening blueprint's pod-security
// config, and what Kyverno must do with its policies.
type kyvernoScenario struct {
	name, level, version, action string
	// withoutExemptions renders without the blueprint's exemptions.
	withoutExemptions bool
	// refused maps the name of each pod below that Kyverno must refuse
	// to the parts its refusal must hold: each policy, and the field.
	refused map[string][]string
	// admitted are the pods it must admit.
	admitted []string
}

// The pods a notebook user writes: the one that takes over the node (from
// the Pod Security admission test), a compliant one, and one compliant
// but for dropping no capability (refused by restricted only from v1.22,
// when its capabilities rule came in).
var kyvernoPods = map[string]string{
	"take-over-the-node": admissionPods[0].spec,
	"compliant":          compliantSpec,
	"drops-nothing":      strings.Replace(compliantSpec, "    capabilities: {drop: [ALL]}\n", "", 1),
}

// What the take-over pod's refusal names at baseline: each policy and the
// field, as Kyverno's podSecurity rule reports it.
var takeOverAtBaseline = []string{
	`admission webhook "validate.kyverno.svc-fail" denied the request`,
	"disallow-host-namespaces", "spec.hostNetwork", "spec.hostPID", "spec.hostIPC",
	"disallow-privileged-containers", "spec.containers[0].securityContext.privileged",
	"disallow-host-path", "spec.volumes[0].hostPath",
}

var kyvernoScenarios = []kyvernoScenario{
	{
		name: "baseline", level: "baseline", version: "latest", action: "Enforce",
		refused:  map[string][]string{"take-over-the-node": takeOverAtBaseline},
		admitted: []string{"compliant", "drops-nothing"},
	},
	{
		name: "restricted", level: "restricted", version: "latest", action: "Enforce",
		refused: map[string][]string{
			"take-over-the-node": append(slices.Clone(takeOverAtBaseline),
				"disallow-privilege-escalation", "spec.containers[0].securityContext.allowPrivilegeEscalation",
				"require-run-as-nonroot", "restrict-seccomp-strict", "disallow-capabilities-strict",
				"restrict-volume-types"),
			"drops-nothing": {"disallow-capabilities-strict", "spec.containers[0].securityContext.capabilities.drop"},
		},
		admitted: []string{"compliant"},
	},
	{
		// Pinned before v1.22: no capabilities rule at restricted.
		name: "restricted-v1.21", level: "restricted", version: "v1.21", action: "Enforce",
		refused:  map[string][]string{"take-over-the-node": {"disallow-host-namespaces", `"baseline:v1.21"`, "require-run-as-nonroot", `"restricted:v1.21"`}},
		admitted: []string{"compliant", "drops-nothing"},
	},
	{
		// Without exemptions by name or label the policies match Pods only,
		// and Kyverno's autogen rules cover the controllers.
		name: "baseline-without-exemptions", level: "baseline", version: "latest", action: "Enforce", withoutExemptions: true,
		refused:  map[string][]string{"take-over-the-node": takeOverAtBaseline},
		admitted: []string{"compliant"},
	},
}

// testKyvernoAdmission installs Kyverno from its module's install
// manifest, runs its admission controller, applies the hardening
// blueprint's ClusterPolicies at each level (and a pinned version), and
// tries the notebook user's pods in a Kubeflow profile, as that user.
func (s *liveServer) testKyvernoAdmission(t *testing.T, repo string) {
	ctx := context.Background()
	binary := kyvernoBinary(t, repo)
	module := goModuleDir(t, repo, kyvernoModule+"@"+podsecurity.KyvernoVersion)
	container := s.installKyverno(t, filepath.Join(module, kyvernoInstallManifest))
	corpus := manifestObjects(t, benchdata.CorpusPath())
	notebook := s.kubeflowProfile(t, corpus)
	// Without a controller manager no one fills aggregated ClusterRoles:
	// the test does, once Kyverno's and Kubeflow's are in.
	s.aggregateClusterRoles(t)
	// Registered before the controller starts, so run after it stops: its
	// webhook configurations stay when it goes (autoDeleteWebhooks is off
	// in its install), and with nothing to answer them they would refuse
	// what they cover from then on.
	t.Cleanup(func() { s.deleteKyvernoWebhooks(t) })
	s.startKyverno(t, binary, container)
	config := s.blueprintPodSecurity(t, repo)

	for _, sc := range kyvernoScenarios {
		t.Run(sc.name, func(t *testing.T) {
			cfg := config
			if sc.withoutExemptions {
				cfg = withoutExemptions(t, config)
			}
			s.replacePolicies(t, renderPolicies(t, cfg, sc.level, sc.version, sc.action))
			for name, want := range sc.refused {
				err := eventually(t, func() error { return s.tryAs(ctx, notebook, podsGVR, kyvernoPod(t, name)) }, refusedBy("Pod/"+profileNamespace+"/"+name))
				if !containsAll(errText(err), want) {
					t.Errorf("%s: Kyverno's refusal lacks some of %q:\n%v", name, want, err)
				}
			}
			for _, name := range sc.admitted {
				if err := s.tryAs(ctx, notebook, podsGVR, kyvernoPod(t, name)); err != nil {
					t.Errorf("%s: refused: %v", name, err)
				}
			}
			// The pod inside a Deployment is refused at creation, not only
			// when its ReplicaSet makes the pod: by the policy's own rule
			// when exemptions name or select (it matches the controllers),
			// by the rule Kyverno generates from it otherwise (autogen).
			rule := "disallow-host-namespaces:\n  disallow-host-namespaces:"
			if sc.withoutExemptions {
				rule = "disallow-host-namespaces:\n  autogen-disallow-host-namespaces:"
			}
			deployment := deploymentOf(t, "take-over-the-node")
			err := s.tryAs(ctx, notebook, deploymentsGVR, deployment)
			if want := []string{"Deployment/" + profileNamespace + "/take-over-the-node", rule, "spec.template.spec.hostNetwork"}; !containsAll(errText(err), want) {
				t.Errorf("the take-over pod as a Deployment: %v; want a refusal naming %q", err, want)
			}
			s.checkIstioCNI(t, corpus, !sc.withoutExemptions)
			s.checkCorpusAgreement(t, corpus, withLevel(t, cfg, sc.level, sc.version))
		})
	}
	t.Run("audit", func(t *testing.T) { s.testKyvernoAudit(t, notebook, config) })
}

// kubeflowProfile makes the profile namespace as Kubeflow's profile
// controller would, with the corpus's kubeflow-edit ClusterRoles, and
// returns a client that acts as the notebook's ServiceAccount.
func (s *liveServer) kubeflowProfile(t *testing.T, corpus []*unstructured.Unstructured) dynamic.Interface {
	t.Helper()
	for _, obj := range corpus {
		if obj.GetKind() == "ClusterRole" && strings.HasPrefix(obj.GetName(), "kubeflow-") {
			s.applyObject(t, obj)
		}
	}
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{
		"name": profileNamespace, "labels": map[string]any{"app.kubernetes.io/part-of": "kubeflow-profile"},
	}}}
	s.applyObject(t, ns)
	for _, name := range []string{"default", notebookAccount} {
		s.applyObject(t, &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ServiceAccount",
			"metadata": map[string]any{"name": name, "namespace": profileNamespace}}})
	}
	s.applyObject(t, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
		"metadata": map[string]any{"name": notebookAccount, "namespace": profileNamespace},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": notebookRole},
		"subjects": []any{map[string]any{"kind": "ServiceAccount", "name": notebookAccount, "namespace": profileNamespace}},
	}})
	config := s.restConfig(t)
	config.Impersonate = rest.ImpersonationConfig{
		UserName: "system:serviceaccount:" + profileNamespace + ":" + notebookAccount,
		Groups:   []string{"system:serviceaccounts", "system:serviceaccounts:" + profileNamespace, "system:authenticated"},
	}
	client, err := dynamic.NewForConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// blueprintPodSecurity reads the hardening blueprint's pod-security
// config, the one its render runs.
func (s *liveServer) blueprintPodSecurity(t *testing.T, repo string) *fn.KubeObject {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(repo, "blueprints", hardeningBlueprint, "fn-config", "pod-security.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	config, err := fn.ParseKubeObject(body)
	if err != nil {
		t.Fatal(err)
	}
	return config
}

// renderPolicies runs pod-security with the blueprint's config at level,
// version and action, with output kyverno, and returns its ClusterPolicies
// as a cluster gets them (without kpt's annotations).
func renderPolicies(t *testing.T, blueprint *fn.KubeObject, level, version, action string) []*unstructured.Unstructured {
	t.Helper()
	config, err := fn.ParseKubeObject([]byte(blueprint.String()))
	if err != nil {
		t.Fatal(err)
	}
	for field, value := range map[string]string{"level": level, "version": version, "validationFailureAction": action, "output": "kyverno"} {
		if err := config.SetNestedString(value, "spec", field); err != nil {
			t.Fatal(err)
		}
	}
	rl := &fn.ResourceList{FunctionConfig: config}
	if _, err := podsecurity.Processor().Process(rl); err != nil {
		t.Fatal(err)
	}
	for _, r := range rl.Results {
		if r.Severity == fn.Error {
			t.Fatalf("pod-security at %s %s: %s", level, version, r.Message)
		}
	}
	policies := asApplied(t, rl.Items, "ClusterPolicy")
	if len(policies) == 0 {
		t.Fatalf("pod-security at %s %s wrote no ClusterPolicy", level, version)
	}
	return policies
}

// asApplied converts the items of kind to the objects a cluster gets:
// without kpt's own annotations, which are not the API server's business.
func asApplied(t *testing.T, items fn.KubeObjects, kind string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, obj := range items {
		if obj.GetKind() != kind {
			continue
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(obj.String()), &u.Object); err != nil {
			t.Fatal(err)
		}
		annotations := u.GetAnnotations()
		for key := range annotations {
			if strings.HasPrefix(key, "config.kubernetes.io/") || strings.HasPrefix(key, "internal.config.kubernetes.io/") {
				delete(annotations, key)
			}
		}
		u.SetAnnotations(annotations)
		out = append(out, u)
	}
	return out
}

// eventually runs try until accept takes its error, for up to 30 seconds:
// the API server's copy of Kyverno's webhook configurations lags the
// policies' Ready status by a moment.
func eventually(t *testing.T, try func() error, accept func(error) bool) error {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := try()
		if accept(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// refusedBy accepts Kyverno's refusal of the resource (Kind/ns/name).
func refusedBy(resource string) func(error) bool {
	return func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "resource "+resource+" was blocked")
	}
}

func errText(err error) string {
	if err == nil {
		return "<admitted>"
	}
	return err.Error()
}

func kyvernoPod(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	spec, ok := kyvernoPods[name]
	if !ok {
		t.Fatalf("no pod %s", name)
	}
	pod := podObject(t, admissionPod{name: name, spec: spec})
	pod.SetNamespace(profileNamespace)
	return pod
}

// deploymentOf wraps a pod in a Deployment of the same name.
func deploymentOf(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	pod := kyvernoPod(t, name)
	labels := map[string]any{"app": name}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": name, "namespace": profileNamespace},
		"spec": map[string]any{
			"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": pod.Object["spec"]},
		},
	}}
}

// tryAs creates obj with client as a dry run: admission runs in full,
// webhooks included, and nothing is stored.
func (s *liveServer) tryAs(ctx context.Context, client dynamic.Interface, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) error {
	_, err := client.Resource(gvr).Namespace(obj.GetNamespace()).Create(ctx, obj, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	return err
}

// checkIstioCNI: the Kubeflow install's own istio-cni-node DaemonSet,
// moved to istio-system, is admitted by the shipped exemption (refused
// without it); the same DaemonSet under another name is refused.
func (s *liveServer) checkIstioCNI(t *testing.T, corpus []*unstructured.Unstructured, exempt bool) {
	t.Helper()
	ctx := context.Background()
	if err := s.ensureNamespace(ctx, istioNamespace); err != nil {
		t.Fatal(err)
	}
	var cni *unstructured.Unstructured
	for _, obj := range corpus {
		if obj.GetKind() == "DaemonSet" && obj.GetName() == "istio-cni-node" {
			cni = obj.DeepCopy()
		}
	}
	if cni == nil {
		t.Fatal("the Kubeflow corpus has no istio-cni-node DaemonSet")
	}
	cni.SetNamespace(istioNamespace)
	err := s.tryAs(ctx, s.dyn, daemonSetsGVR, cni)
	switch {
	case exempt && err != nil:
		t.Errorf("istio-cni-node in %s: refused despite its exemption: %v", istioNamespace, err)
	case !exempt && !refusedBy("DaemonSet/"+istioNamespace+"/istio-cni-node")(err):
		t.Errorf("istio-cni-node in %s without its exemption: %v; want Kyverno's refusal", istioNamespace, errText(err))
	}
	other := cni.DeepCopy()
	other.SetName("node-agent")
	if err := s.tryAs(ctx, s.dyn, daemonSetsGVR, other); !refusedBy("DaemonSet/" + istioNamespace + "/node-agent")(err) {
		t.Errorf("istio-cni-node's DaemonSet named node-agent: %v; want Kyverno's refusal (the exemption is by name)", errText(err))
	}
}

// testKyvernoAudit: with Audit the take-over pod is admitted, and Kyverno
// reports it: a PolicyViolation event on the pod for each baseline policy
// it breaks.
func (s *liveServer) testKyvernoAudit(t *testing.T, notebook dynamic.Interface, config *fn.KubeObject) {
	ctx := context.Background()
	s.replacePolicies(t, renderPolicies(t, config, "baseline", "latest", "Audit"))
	waitFor(t, "Kyverno's resource webhook for the audit policies", func() (bool, string) {
		_, err := s.dyn.Resource(webhookConfigsGVR).Get(ctx, "kyverno-resource-validating-webhook-cfg", metav1.GetOptions{})
		return err == nil, errText(err)
	})
	pod := kyvernoPod(t, "take-over-the-node")
	pod.SetName("audited-take-over")
	if _, err := notebook.Resource(podsGVR).Namespace(profileNamespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("with Audit the take-over pod is refused: %v", err)
	}
	t.Cleanup(func() {
		_ = s.dyn.Resource(podsGVR).Namespace(profileNamespace).Delete(ctx, pod.GetName(), metav1.DeleteOptions{})
	})
	want := []string{"disallow-host-namespaces", "disallow-privileged-containers", "disallow-host-path"}
	var messages string
	waitFor(t, "Kyverno's PolicyViolation events on the audited pod", func() (bool, string) {
		list, err := s.dyn.Resource(eventsGVR).Namespace(profileNamespace).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + pod.GetName()})
		if err != nil {
			return false, err.Error()
		}
		var b bytes.Buffer
		for _, e := range list.Items {
			var event corev1.Event
			if runtime.DefaultUnstructuredConverter.FromUnstructured(e.Object, &event) == nil && event.Reason == "PolicyViolation" {
				fmt.Fprintln(&b, event.Message)
			}
		}
		messages = b.String()
		return containsAll(messages, want), fmt.Sprintf("events so far:\n%s", messages)
	})
	t.Logf("Kyverno's reports of the audited pod:\n%s", messages)
	if _, err := s.dyn.Resource(podsGVR).Namespace(profileNamespace).Get(ctx, pod.GetName(), metav1.GetOptions{}); apierrors.IsNotFound(err) {
		t.Error("the audited pod is not stored")
	}
}

// withoutExemptions is config with its exemptions by name and label
// removed.
func withoutExemptions(t *testing.T, config *fn.KubeObject) *fn.KubeObject {
	t.Helper()
	out, err := fn.ParseKubeObject([]byte(config.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"exemptNames", "exemptLabels"} {
		if _, err := out.RemoveNestedField("spec", field); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// checkCorpusAgreement creates every workload of the Kubeflow install (dry
// run, as the cluster admin who installs it) under the policies of config:
// Kyverno must refuse exactly the workloads pod-security-check fails the
// render on with the same config. Kyverno's install leaves kube-system out
// of its webhooks, so what the corpus puts there (Istio's CNI node agent,
// the one workload that breaks baseline) is tried in istio-system, where
// Istio's own guide puts it: admitted by its exemption, refused without.
func (s *liveServer) checkCorpusAgreement(t *testing.T, corpus []*unstructured.Unstructured, config *fn.KubeObject) {
	t.Helper()
	ctx := context.Background()
	var workloads []*unstructured.Unstructured
	for _, obj := range corpus {
		if _, ok := workloadKinds[obj.GetKind()]; ok {
			obj = obj.DeepCopy()
			if obj.GetNamespace() == "kube-system" {
				obj.SetNamespace(istioNamespace)
			}
			workloads = append(workloads, obj)
		}
	}
	failed := checkFailures(t, workloads, config)
	agreed := 0
	for _, obj := range workloads {
		if err := s.ensureNamespace(ctx, obj.GetNamespace()); err != nil {
			t.Fatal(err)
		}
		key := obj.GetKind() + "/" + obj.GetNamespace() + "/" + obj.GetName()
		err := s.tryAs(ctx, s.dyn, workloadKinds[obj.GetKind()], obj)
		refused := refusedBy(key)(err)
		switch {
		case !refused && err != nil:
			t.Errorf("%s: refused, but not by Kyverno: %v", key, err)
		case refused != failed[key]:
			t.Errorf("%s: Kyverno refuses it: %v; pod-security-check fails it: %v (%v)", key, refused, failed[key], errText(err))
		default:
			agreed++
		}
	}
	if len(workloads) == 0 {
		t.Fatal("the Kubeflow corpus has no workload")
	}
	t.Logf("Kyverno and pod-security-check agree on %d of %d Kubeflow workloads (%d failed by the check)", agreed, len(workloads), len(failed))
}

// workloadKinds are the kinds the corpus agreement tries, with their
// resources: Pod and the controllers the policies cover.
var workloadKinds = map[string]schema.GroupVersionResource{
	"Pod":         podsGVR,
	"Deployment":  deploymentsGVR,
	"DaemonSet":   daemonSetsGVR,
	"StatefulSet": {Group: "apps", Version: "v1", Resource: "statefulsets"},
	"ReplicaSet":  {Group: "apps", Version: "v1", Resource: "replicasets"},
	"Job":         {Group: "batch", Version: "v1", Resource: "jobs"},
	"CronJob":     {Group: "batch", Version: "v1", Resource: "cronjobs"},
}

// checkFailures runs pod-security-check over the workloads with config and
// returns the objects it fails (an error result), as Kind/namespace/name.
func checkFailures(t *testing.T, workloads []*unstructured.Unstructured, config *fn.KubeObject) map[string]bool {
	t.Helper()
	rl := &fn.ResourceList{FunctionConfig: config}
	for _, obj := range workloads {
		body, err := yaml.Marshal(obj.Object)
		if err != nil {
			t.Fatal(err)
		}
		item, err := fn.ParseKubeObject(body)
		if err != nil {
			t.Fatal(err)
		}
		rl.Items = append(rl.Items, item)
	}
	podsecuritycheck.Processor().Process(rl) // a violation is an error result, and a failed run
	if len(rl.Results) == 0 {
		t.Fatal("pod-security-check wrote no result")
	}
	failed := map[string]bool{}
	for _, r := range rl.Results {
		if r.Severity == fn.Error && r.ResourceRef != nil {
			failed[r.ResourceRef.Kind+"/"+r.ResourceRef.Namespace+"/"+r.ResourceRef.Name] = true
		}
	}
	return failed
}

// withLevel is config at level and version.
func withLevel(t *testing.T, config *fn.KubeObject, level, version string) *fn.KubeObject {
	t.Helper()
	out, err := fn.ParseKubeObject([]byte(config.String()))
	if err != nil {
		t.Fatal(err)
	}
	for field, value := range map[string]string{"level": level, "version": version} {
		if err := out.SetNestedString(value, "spec", field); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
