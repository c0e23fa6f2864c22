package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
)

// liveServer is an etcd and a kube-apiserver on loopback, started by
// scripts/apiserver.sh with the Config Connector, Kyverno and kpt
// ResourceGroup CRDs installed.
type liveServer struct {
	dir, kubeconfig string
	dyn             dynamic.Interface
	mapper          *restmapper.DeferredDiscoveryRESTMapper
}

// startLiveServer starts the servers for this test, and stops them when
// it ends, failed or not. Should the test binary die without cleaning up
// (a timeout, a kill), the script's watcher stops them when this process
// is gone.
func startLiveServer(t *testing.T, repo string) *liveServer {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(repo, "scripts", "apiserver.sh")
	t.Cleanup(func() {
		if t.Failed() {
			for _, log := range []string{"kube-apiserver.log", "etcd.log", "crds.log"} {
				t.Logf("last lines of %s:\n%s", log, tail(filepath.Join(dir, log), 30))
			}
		}
		if out, err := exec.Command("bash", script, "stop", dir).CombinedOutput(); err != nil {
			t.Errorf("scripts/apiserver.sh stop: %v\n%s", err, out)
		}
	})
	begin := time.Now()
	cmd := exec.Command("bash", script, "start", dir)
	cmd.Env = append(os.Environ(), "LOCKDOWN_APISERVER_OWNER="+strconv.Itoa(os.Getpid()))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/apiserver.sh start: %v\n%s", err, out)
	}
	t.Logf("%s(the script took %s)", out, time.Since(begin).Round(100*time.Millisecond))

	s := &liveServer{dir: dir, kubeconfig: filepath.Join(dir, "kubeconfig")}
	config := s.restConfig(t)
	if s.dyn, err = dynamic.NewForConfig(config); err != nil {
		t.Fatal(err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	s.mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	return s
}

// resource finds the resource that serves gvk, asking discovery again when
// the kind is new (its CRD was applied since the last question).
func (s *liveServer) resource(gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	m, err := s.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		s.mapper.Reset()
		m, err = s.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	return m, err
}

// path is the URL path of obj's resource on the server.
func (s *liveServer) path(obj *unstructured.Unstructured) (string, error) {
	m, err := s.resource(obj.GroupVersionKind())
	if err != nil {
		return "", err
	}
	path := "/apis/" + m.Resource.Group + "/" + m.Resource.Version
	if m.Resource.Group == "" {
		path = "/api/" + m.Resource.Version
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := obj.GetNamespace()
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		path += "/namespaces/" + ns
	}
	return path + "/" + m.Resource.Resource + "/" + obj.GetName(), nil
}

// get fetches the live copy of obj; a namespaced object without a
// namespace is in the namespace kpt applies it to, the kubeconfig's
// (default).
func (s *liveServer) get(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	m, err := s.resource(obj.GroupVersionKind())
	if err != nil {
		return nil, err
	}
	if m.Scope.Name() != meta.RESTScopeNameNamespace {
		return s.dyn.Resource(m.Resource).Get(ctx, obj.GetName(), metav1.GetOptions{})
	}
	ns := obj.GetNamespace()
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	return s.dyn.Resource(m.Resource).Namespace(ns).Get(ctx, obj.GetName(), metav1.GetOptions{})
}

// ensureNamespace creates a namespace that objects are applied to but that
// the package does not declare (kpt expects it to exist), as a cluster
// admin would have. It is not in the package's inventory, so kpt live
// destroy leaves it.
func (s *liveServer) ensureNamespace(ctx context.Context, name string) error {
	ns := &unstructured.Unstructured{}
	ns.SetAPIVersion("v1")
	ns.SetKind("Namespace")
	ns.SetName(name)
	_, err := s.dyn.Resource(namespacesGVR).Create(ctx, ns, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// auditSize is the length of the audit log: auditRequests from there on
// sees only what was asked since.
func (s *liveServer) auditSize(t *testing.T) int64 {
	t.Helper()
	st, err := os.Stat(filepath.Join(s.dir, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// auditRequests are the audit log's entries from offset on for requests
// whose URI holds every one of parts, as "verb URI (user agent)". The
// server writes each entry before it answers (blocking mode), so a request
// kpt made is in the log once kpt has exited.
func (s *liveServer) auditRequests(t *testing.T, offset int64, parts ...string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(s.dir, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var found []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var entry struct {
			Verb, RequestURI, UserAgent string
		}
		if err := json.Unmarshal(sc.Bytes(), &entry); err != nil {
			t.Fatalf("audit.log: %v", err)
		}
		if containsAll(entry.RequestURI, parts) {
			found = append(found, entry.Verb+" "+entry.RequestURI+" ("+entry.UserAgent+")")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return found
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// tail is the last n lines of a file, for a failure message.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "(none)"
	}
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
