package e2e

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/lockdown-krm/lockdown/functions/podsecurity"
)

// Kyverno as a user installs it, and its admission controller run out of
// cluster, as Kyverno's own DEVELOPMENT.md ("Debugging local code") runs
// it: every object of its install manifest but the admission controller's
// Deployment in the cluster, the controller itself on this machine with
// --kubeconfig and --serverIP. With --serverIP Kyverno registers its
// webhooks with a URL (https://<serverIP>/...) instead of its Service, and
// signs its serving certificate for that address; the API server calls it
// on loopback. (Kyverno's webhook server binds the port on every
// interface: it has no flag for the address. Only the API server calls
// it, over 127.0.0.1.)
const (
	kyvernoModule = "github.com/kyverno/kyverno"
	// The install manifest in Kyverno's module: its chart (charts/kyverno)
	// with default values, rendered by its Makefile's
	// codegen-manifest-install-latest target, the images tagged latest.
	// It is what `helm install` of the chart applies.
	kyvernoInstallManifest = "config/install-latest-testing.yaml"
	// The admission controller's Deployment and container in it.
	kyvernoDeployment = "kyverno-admission-controller"
	kyvernoContainer  = "kyverno"
	kyvernoNamespace  = "kyverno"
)

var (
	clusterPoliciesGVR        = schema.GroupVersionResource{Group: "kyverno.io", Version: "v1", Resource: "clusterpolicies"}
	deploymentsGVR            = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	daemonSetsGVR             = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "daemonsets"}
	eventsGVR                 = schema.GroupVersionResource{Version: "v1", Resource: "events"}
	clusterRolesGVR           = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}
	webhookConfigsGVR         = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"}
	mutatingWebhookConfigsGVR = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"}
)

// kyvernoBinary builds Kyverno's admission controller (once: `make e2e`
// builds it before the tests) and returns its path.
func kyvernoBinary(t *testing.T, repo string) string {
	t.Helper()
	out, err := exec.Command("bash", filepath.Join(repo, "scripts", "kyverno.sh"), "admission-controller").Output()
	if err != nil {
		t.Fatalf("scripts/kyverno.sh admission-controller: %v\n%s", err, stderrOf(err))
	}
	return strings.TrimSpace(string(out))
}

func stderrOf(err error) []byte {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.Stderr
	}
	return nil
}

// goModuleDir downloads module@version into the module cache (a no-op when
// it is there) and returns its folder. It is not a requirement of the
// project's go.mod: the tests read its files, they do not build it.
func goModuleDir(t *testing.T, repo, moduleAtVersion string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", moduleAtVersion)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v\n%s%s", moduleAtVersion, err, out, stderrOf(err))
	}
	var info struct{ Dir string }
	if err := yaml.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download -json %s named no folder (%v):\n%s", moduleAtVersion, err, out)
	}
	return info.Dir
}

// manifestObjects reads every object of a multi-document YAML file.
func manifestObjects(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(bufio.NewReaderSize(f, 1<<20), 1<<20)
	var objs []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			return objs
		}
		if err != nil {
			t.Fatalf("%s: object %d: %v", path, len(objs)+1, err)
		}
		if len(u.Object) > 0 {
			objs = append(objs, u)
		}
	}
}

// installKyverno applies the install manifest but its CRDs (the server
// has them: scripts/apiserver.sh installs the same module's config/crds)
// and the admission controller's Deployment, which this test runs itself.
// It returns that Deployment's container, whose arguments and environment
// the controller is started with.
func (s *liveServer) installKyverno(t *testing.T, manifest string) map[string]any {
	t.Helper()
	var container map[string]any
	applied := 0
	for _, obj := range manifestObjects(t, manifest) {
		switch {
		case obj.GetKind() == "CustomResourceDefinition":
			continue
		case obj.GetKind() == "Deployment" && obj.GetName() == kyvernoDeployment:
			container = containerNamed(t, obj, kyvernoContainer)
			continue
		}
		s.applyObject(t, obj)
		applied++
	}
	if container == nil {
		t.Fatalf("%s has no Deployment %s with a container %s", manifest, kyvernoDeployment, kyvernoContainer)
	}
	t.Logf("installed Kyverno %s: %d objects of %s", podsecurity.KyvernoVersion, applied, filepath.Base(manifest))
	return container
}

func containerNamed(t *testing.T, deployment *unstructured.Unstructured, name string) map[string]any {
	t.Helper()
	containers, _, _ := unstructured.NestedSlice(deployment.Object, "spec", "template", "spec", "containers")
	for _, c := range containers {
		if c, ok := c.(map[string]any); ok && c["name"] == name {
			return c
		}
	}
	return nil
}

// applyObject creates or updates obj server-side, as the test's field
// manager.
func (s *liveServer) applyObject(t *testing.T, obj *unstructured.Unstructured) {
	t.Helper()
	m, err := s.resource(obj.GroupVersionKind())
	if err != nil {
		t.Fatalf("%s %s: %v", obj.GetKind(), obj.GetName(), err)
	}
	var r dynamic.ResourceInterface = s.dyn.Resource(m.Resource)
	if ns := obj.GetNamespace(); ns != "" {
		r = s.dyn.Resource(m.Resource).Namespace(ns)
	}
	if _, err := r.Apply(context.Background(), obj.GetName(), obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: true}); err != nil {
		t.Fatalf("apply %s %s/%s: %v", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
	}
}

// aggregateClusterRoles does what the controller manager's ClusterRole
// aggregation controller does: every ClusterRole with an aggregationRule
// gets the rules of the ClusterRoles its selectors match, until nothing
// changes (kubeflow-admin aggregates kubeflow-edit, itself aggregated).
func (s *liveServer) aggregateClusterRoles(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for pass := 0; pass < 10; pass++ {
		list, err := s.dyn.Resource(clusterRolesGVR).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		changed := 0
		for i := range list.Items {
			role := &list.Items[i]
			rules, ok := aggregatedRules(t, role, list.Items)
			if !ok {
				continue
			}
			role.Object["rules"] = rules
			if _, err := s.dyn.Resource(clusterRolesGVR).Update(ctx, role, metav1.UpdateOptions{FieldManager: fieldManager}); err != nil {
				t.Fatalf("aggregating ClusterRole %s: %v", role.GetName(), err)
			}
			changed++
		}
		if changed == 0 {
			return
		}
	}
	t.Fatal("ClusterRole aggregation did not settle in 10 passes")
}

// aggregatedRules are the rules role must hold by its aggregationRule,
// and whether they differ from what it holds.
func aggregatedRules(t *testing.T, role *unstructured.Unstructured, all []unstructured.Unstructured) ([]any, bool) {
	selectors, found, _ := unstructured.NestedSlice(role.Object, "aggregationRule", "clusterRoleSelectors")
	if !found {
		return nil, false
	}
	var rules []any
	seen := map[string]bool{}
	for _, sel := range selectors {
		var selector metav1.LabelSelector
		m, _ := sel.(map[string]any)
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &selector); err != nil {
			t.Fatalf("ClusterRole %s: selector %v: %v", role.GetName(), sel, err)
		}
		matches, err := metav1.LabelSelectorAsSelector(&selector)
		if err != nil {
			t.Fatalf("ClusterRole %s: %v", role.GetName(), err)
		}
		for i := range all {
			other := &all[i]
			if other.GetName() == role.GetName() || !matches.Matches(labels.Set(other.GetLabels())) {
				continue
			}
			theirs, _, _ := unstructured.NestedSlice(other.Object, "rules")
			for _, rule := range theirs {
				key := fmt.Sprint(rule)
				if !seen[key] {
					seen[key] = true
					rules = append(rules, rule)
				}
			}
		}
	}
	current, _, _ := unstructured.NestedSlice(role.Object, "rules")
	return rules, fmt.Sprint(current) != fmt.Sprint(rules)
}

// restConfig is the admin's client configuration. The status writer and
// the assertions make many small requests at once; client-go's default of
// 5 per second would be the bottleneck.
func (s *liveServer) restConfig(t *testing.T) *rest.Config {
	t.Helper()
	config, err := clientcmd.BuildConfigFromFlags("", s.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	config.QPS, config.Burst = 200, 400
	return config
}

// startKyverno runs the admission controller with the arguments and
// environment of its Deployment, and what running out of cluster needs:
// its own ServiceAccount's token (so it has exactly the RBAC of its
// install), the webhook server on a free port, the URL registration, and
// no metrics servers (they would listen on fixed ports). It returns once
// the controller answers its readiness probe.
func (s *liveServer) startKyverno(t *testing.T, binary string, container map[string]any) {
	t.Helper()
	dir := t.TempDir()
	port, log := freePort(t), filepath.Join(dir, "kyverno.log")
	args := overrideFlags(stringsOf(container["args"]), map[string]string{
		"kubeconfig":                      s.serviceAccountKubeconfig(t, dir, kyvernoNamespace, kyvernoDeployment),
		"serverIP":                        "127.0.0.1:" + strconv.Itoa(port),
		"webhookServerPort":               strconv.Itoa(port),
		"disableMetrics":                  "true",
		"controllerRuntimeMetricsAddress": "0",
	})
	env, err := containerEnv(container, kyvernoNamespace, kyvernoDeployment+"-out-of-cluster")
	if err != nil {
		t.Fatal(err)
	}
	// The image's sigstore root folder, somewhere writable here.
	env = append(env, "TUF_ROOT="+filepath.Join(dir, "sigstore"), "HOME="+dir)
	logFile, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); logFile.Close() }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last lines of the Kyverno admission controller's log:\n%s", tail(log, 40))
		}
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	begin := time.Now()
	probe, _, _ := unstructured.NestedString(container, "readinessProbe", "httpGet", "path")
	if probe == "" {
		t.Fatalf("the Kyverno container of %s has no readinessProbe.httpGet.path to wait on", kyvernoDeployment)
	}
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		// The probe only asks whether it serves; the API server checks its
		// certificate against the CA bundle of the webhook configuration.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
	for {
		select {
		case err := <-exited:
			t.Fatalf("the Kyverno admission controller exited (%v):\n%s", err, tail(log, 40))
		default:
		}
		resp, err := client.Get("https://127.0.0.1:" + strconv.Itoa(port) + probe)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(begin) > 2*time.Minute {
			t.Fatalf("the Kyverno admission controller not ready after 2 minutes (last: %v):\n%s", err, tail(log, 40))
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("Kyverno's admission controller ready on 127.0.0.1:%d in %s", port, time.Since(begin).Round(100*time.Millisecond))
}

func stringsOf(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, item := range list {
		if s, ok := item.(string); ok {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

// overrideFlags replaces the --name=value arguments named in set and
// appends those args lacks, keeping the order of the rest.
func overrideFlags(args []string, set map[string]string) []string {
	var out []string
	done := map[string]bool{}
	for _, arg := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if value, ok := set[name]; ok {
			arg = "--" + name + "=" + value
			done[name] = true
		}
		if arg != "" {
			out = append(out, arg)
		}
	}
	for _, name := range sortedKeys(set) {
		if !done[name] {
			out = append(out, "--"+name+"="+set[name])
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// containerEnv is the container's environment as its pod would get it:
// values as written, and the two fields of the pod it reads by fieldRef.
func containerEnv(container map[string]any, namespace, podName string) ([]string, error) {
	list, _ := container["env"].([]any)
	env := []string{"PATH=" + os.Getenv("PATH")}
	for _, item := range list {
		e, _ := item.(map[string]any)
		name, _ := e["name"].(string)
		if value, ok := e["value"].(string); ok {
			env = append(env, name+"="+value)
			continue
		}
		field, _, _ := unstructured.NestedString(e, "valueFrom", "fieldRef", "fieldPath")
		switch field {
		case "metadata.namespace":
			env = append(env, name+"="+namespace)
		case "metadata.name":
			env = append(env, name+"="+podName)
		default:
			return nil, fmt.Errorf("the Kyverno container's env %s comes from %v, which the test does not know how to give", name, e["valueFrom"])
		}
	}
	return env, nil
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// serviceAccountKubeconfig writes a kubeconfig for the ServiceAccount
// namespace/name: the server's address and CA, and a token the server
// issues for it (the TokenRequest API, as the kubelet gets a pod's).
func (s *liveServer) serviceAccountKubeconfig(t *testing.T, dir, namespace, name string) string {
	t.Helper()
	request := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
		// The dynamic client takes the ServiceAccount's name from here.
		"metadata": map[string]any{"name": name},
		"spec":     map[string]any{"expirationSeconds": int64(7200)},
	}}
	issued, err := s.dyn.Resource(serviceAccountsGVR).Namespace(namespace).Create(context.Background(), request, metav1.CreateOptions{}, "token")
	if err != nil {
		t.Fatalf("a token for ServiceAccount %s/%s: %v", namespace, name, err)
	}
	token, _, _ := unstructured.NestedString(issued.Object, "status", "token")
	if token == "" {
		t.Fatalf("the TokenRequest for %s/%s gave no token", namespace, name)
	}
	config, err := clientcmd.LoadFromFile(s.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, user := range config.AuthInfos {
		user.Token = token
	}
	path := filepath.Join(dir, "kubeconfig-"+name)
	if err := clientcmd.WriteToFile(*config, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// replacePolicies deletes every ClusterPolicy, creates policies, and waits
// until Kyverno calls each Ready: its webhook configuration then sends
// pods to it for them.
func (s *liveServer) replacePolicies(t *testing.T, policies []*unstructured.Unstructured) {
	t.Helper()
	ctx := context.Background()
	r := s.dyn.Resource(clusterPoliciesGVR)
	if err := r.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the old ClusterPolicies to go", func() (bool, string) {
		list, err := r.List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		return len(list.Items) == 0, fmt.Sprintf("%d left", len(list.Items))
	})
	for _, p := range policies {
		// Kyverno's own webhook validates each policy as it is created.
		if _, err := r.Create(ctx, p, metav1.CreateOptions{FieldManager: fieldManager}); err != nil {
			t.Fatalf("ClusterPolicy %s: %v", p.GetName(), err)
		}
	}
	waitFor(t, "Kyverno to call every ClusterPolicy Ready", func() (bool, string) {
		list, err := r.List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		var pending []string
		for _, p := range list.Items {
			if !conditionTrue(&p, "Ready") {
				pending = append(pending, p.GetName())
			}
		}
		return len(pending) == 0 && len(list.Items) == len(policies), fmt.Sprintf("not ready: %v", pending)
	})
}

func conditionTrue(obj *unstructured.Unstructured, kind string) bool {
	conditions, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conditions {
		c, _ := c.(map[string]any)
		if c["type"] == kind {
			return c["status"] == "True"
		}
	}
	return false
}

// waitFor polls done every half second for a minute.
func waitFor(t *testing.T, what string, done func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ok, state := done()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s: %s", what, state)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// deleteKyvernoWebhooks deletes the webhook configurations Kyverno
// registered (it labels them as its own) and the ClusterPolicies.
func (s *liveServer) deleteKyvernoWebhooks(t *testing.T) {
	ctx := context.Background()
	mine := metav1.ListOptions{LabelSelector: "webhook.kyverno.io/managed-by=kyverno"}
	for _, gvr := range []schema.GroupVersionResource{webhookConfigsGVR, mutatingWebhookConfigsGVR} {
		if err := s.dyn.Resource(gvr).DeleteCollection(ctx, metav1.DeleteOptions{}, mine); err != nil {
			t.Errorf("deleting Kyverno's %s: %v", gvr.Resource, err)
		}
	}
	if err := s.dyn.Resource(clusterPoliciesGVR).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		t.Errorf("deleting the ClusterPolicies: %v", err)
	}
}
