package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/lockdown-krm/lockdown/functions/podsecurity"
)

var (
	podsGVR            = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	serviceAccountsGVR = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
)

// admissionPod is a pod tried against the API server's own Pod Security
// admission, with what the server must say in each namespace.
type admissionPod struct {
	name string
	spec string // the pod's spec, YAML
	// refusedAt maps a level to the parts of the server's refusal there;
	// a level not in it admits the pod.
	refusedAt map[string][]string
}

// The pod a notebook user writes to take over the node, a compliant one,
// and one whose volume has no source (the server makes it an emptyDir
// before admission, so restricted admits it: pod-security-check must
// agree).
var admissionPods = []admissionPod{
	{
		name: "take-over-the-node",
		spec: `
hostPID: true
hostNetwork: true
hostIPC: true
containers:
- name: shell
  image: registry.example.com/shell:1.0
  securityContext: {privileged: true}
  volumeMounts: [{name: root, mountPath: /host}]
volumes:
- name: root
  hostPath: {path: /}
`,
		refusedAt: map[string][]string{
			"baseline": {`violates PodSecurity "baseline:latest"`, "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)", `privileged (container "shell" must not set securityContext.privileged=true)`, `hostPath volumes (volume "root")`},
			"restricted": {`violates PodSecurity "restricted:latest"`, "host namespaces", "privileged", "allowPrivilegeEscalation != false", "runAsNonRoot != true",
				// At restricted, restrictedVolumes stands in for hostPathVolumes.
				`restricted volume types (volume "root" uses restricted volume type "hostPath")`},
		},
	},
	{name: "compliant", spec: compliantSpec},
	{name: "volume-without-source", spec: compliantSpec + "volumes:\n- name: scratch\n"},
}

// compliantSpec meets the restricted standard.
const compliantSpec = `
securityContext:
  runAsNonRoot: true
  seccompProfile: {type: RuntimeDefault}
containers:
- name: app
  image: registry.example.com/app:1.0
  securityContext:
    allowPrivilegeEscalation: false
    capabilities: {drop: [ALL]}
`

// testPodSecurityAdmission labels namespaces with pod-security's
// psa-labels output, at each level, and creates the pods above in them
// (dry run: admission runs, nothing is stored, and no kubelet is needed).
// The server's PodSecurity admission (on by default) must refuse the
// take-over pod in the labelled namespace, naming each control, admit it
// in the exempt one, and agree with pod-security-check on every pod.
func (s *liveServer) testPodSecurityAdmission(t *testing.T) {
	ctx := context.Background()
	for _, level := range []string{"baseline", "restricted"} {
		t.Run(level, func(t *testing.T) {
			fenced, exempt := "psa-"+level+"-profile", "psa-"+level+"-exempt"
			for _, ns := range labelledNamespaces(t, level, fenced, exempt) {
				if _, err := s.dyn.Resource(namespacesGVR).Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
					t.Fatalf("namespace %s: %v", ns.GetName(), err)
				}
				s.defaultServiceAccount(t, ns.GetName())
			}
			for _, p := range admissionPods {
				pod := podObject(t, p)
				checked := checkRefuses(t, level, pod)
				for _, ns := range []string{fenced, exempt} {
					err := s.tryPod(ctx, ns, pod)
					want := p.refusedAt[level]
					switch {
					case ns == exempt && err != nil:
						t.Errorf("%s in exempt namespace %s: refused: %v", p.name, ns, err)
					case ns == fenced && len(want) == 0 && err != nil:
						t.Errorf("%s in %s: refused: %v", p.name, ns, err)
					case ns == fenced && len(want) > 0 && !apierrors.IsForbidden(err):
						t.Errorf("%s in %s: admitted (error %v), want a refusal", p.name, ns, err)
					case ns == fenced && len(want) > 0 && !containsAll(err.Error(), want):
						t.Errorf("%s in %s: refusal %q lacks some of %q", p.name, ns, err, want)
					}
					if ns == fenced && checked != (err != nil) {
						t.Errorf("%s at %s: pod-security-check refuses it: %v; the API server: %v", p.name, level, checked, err)
					}
				}
			}
		})
	}
}

// labelledNamespaces runs pod-security with output psa-labels at level
// on two Namespaces, the second exempt, and returns them as it wrote them.
func labelledNamespaces(t *testing.T, level, fenced, exempt string) []*unstructured.Unstructured {
	t.Helper()
	in := fmt.Sprintf(`apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: %s}}
- {apiVersion: v1, kind: Namespace, metadata: {name: %s}}
functionConfig:
  apiVersion: fn.lockdown.dev/v1alpha1
  kind: PodSecurity
  metadata: {name: pod-security}
  spec:
    level: %s
    output: psa-labels
    exemptNamespaces:
    - {namespace: %s, reason: the test's exempt namespace}
`, fenced, exempt, level, exempt)
	out, err := fn.Run(podsecurity.Processor(), []byte(in))
	if err != nil {
		t.Fatalf("pod-security: %v\n%s", err, out)
	}
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	namespaces := asApplied(t, rl.Items, "Namespace")
	for _, u := range namespaces {
		if u.GetName() == fenced && u.GetLabels()["pod-security.kubernetes.io/enforce"] != level {
			t.Fatalf("namespace %s labels %v: want enforce %s", fenced, u.GetLabels(), level)
		}
	}
	if len(namespaces) != 2 {
		t.Fatalf("pod-security wrote %d Namespaces, want 2", len(namespaces))
	}
	return namespaces
}

// defaultServiceAccount creates the namespace's default ServiceAccount,
// as the controller manager (which this server runs without) would: the
// ServiceAccount admission plugin refuses a pod before Pod Security
// admission sees it when the account is missing.
func (s *liveServer) defaultServiceAccount(t *testing.T, namespace string) {
	t.Helper()
	sa := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "default"}}}
	_, err := s.dyn.Resource(serviceAccountsGVR).Namespace(namespace).Create(context.Background(), sa, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("service account default in %s: %v", namespace, err)
	}
}

// tryPod creates pod in namespace as a dry run: admission runs in full.
func (s *liveServer) tryPod(ctx context.Context, namespace string, pod *unstructured.Unstructured) error {
	pod = pod.DeepCopy()
	pod.SetNamespace(namespace)
	_, err := s.dyn.Resource(podsGVR).Namespace(namespace).Create(ctx, pod, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	return err
}

func podObject(t *testing.T, p admissionPod) *unstructured.Unstructured {
	t.Helper()
	spec := map[string]any{}
	if err := yaml.Unmarshal([]byte(strings.TrimSpace(p.spec)), &spec); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": p.name}, "spec": spec,
	}}
}

// checkRefuses tells whether pod-security-check, at level, finds an
// error in pod.
func checkRefuses(t *testing.T, level string, pod *unstructured.Unstructured) bool {
	t.Helper()
	cfg, err := fn.ParseKubeObject([]byte("apiVersion: fn.lockdown.dev/v1alpha1\nkind: PodSecurity\nmetadata: {name: pod-security}\nspec: {level: " + level + "}\n"))
	if err != nil {
		t.Fatal(err)
	}
	return len(checkFailures(t, []*unstructured.Unstructured{pod}, cfg)) > 0
}
