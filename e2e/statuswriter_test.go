package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
)

// statusWriter stands in for the controllers that a real cluster runs and
// this test server does not: Config Connector, kube-controller-manager and
// the kubelets. kpt live apply waits until kstatus computes Current for
// every object it applied, and kpt live destroy until each is gone; kstatus
// reads what those controllers write in status. So the writer watches the
// kinds that need a controller to become Current and writes the status that
// a healthy controller would:
//
//   - Config Connector kinds: kpt's own status reader for them wants a Ready
//     condition that is True and status.observedGeneration equal to the
//     generation (an object with no status stays InProgress);
//   - Deployments, StatefulSets, DaemonSets and ReplicaSets: every replica
//     ready, available and updated, and the conditions kstatus checks;
//   - PersistentVolumeClaims: Bound, and once deleted, free of the
//     pvc-protection finalizer (no pod uses them);
//   - Namespaces being deleted: finalized, which is what the namespace
//     controller does once a namespace is empty (kpt deletes the contents
//     of its namespaces before the namespaces themselves).
//
// It writes through the status (or finalize) subresource, as controllers
// do, so it never owns a field that kpt applies. Other kinds (ConfigMaps,
// Services, RBAC, most custom resources) are Current as soon as they exist.
type statusWriter struct {
	dyn    dynamic.Interface
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	problems []string
	marked   int
}

var (
	namespacesGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	// builtinStatusKinds are the built-in resources the writer always
	// watches: kstatus needs a controller's status for each.
	builtinStatusKinds = []schema.GroupVersionResource{
		{Group: "apps", Version: "v1", Resource: "deployments"},
		{Group: "apps", Version: "v1", Resource: "statefulsets"},
		{Group: "apps", Version: "v1", Resource: "daemonsets"},
		{Group: "apps", Version: "v1", Resource: "replicasets"},
		{Version: "v1", Resource: "persistentvolumeclaims"},
		namespacesGVR,
	}
)

// startStatusWriter watches the built-in kinds and the given Config
// Connector resources until stop.
func startStatusWriter(dyn dynamic.Interface, kcc []schema.GroupVersionResource) *statusWriter {
	ctx, cancel := context.WithCancel(context.Background())
	w := &statusWriter{dyn: dyn, cancel: cancel}
	for _, gvr := range append(append([]schema.GroupVersionResource{}, builtinStatusKinds...), kcc...) {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.watch(ctx, gvr)
		}()
	}
	return w
}

// stop ends the watches and returns how many objects the writer marked and
// what went wrong on the way (a status the server refused, say).
func (w *statusWriter) stop() (marked int, problems []string) {
	w.cancel()
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.marked, w.problems
}

// watch follows one resource across every namespace. A watch without a
// resourceVersion starts with an ADDED event for each existing object, so
// a watch that the server closed is simply started again.
func (w *statusWriter) watch(ctx context.Context, gvr schema.GroupVersionResource) {
	for ctx.Err() == nil {
		wi, err := w.dyn.Resource(gvr).Watch(ctx, metav1.ListOptions{})
		if err != nil {
			if ctx.Err() == nil {
				w.problem("watch %s: %v", gvr.Resource, err)
				sleep(ctx, time.Second)
			}
			continue
		}
		for ev := range wi.ResultChan() {
			obj, ok := ev.Object.(*unstructured.Unstructured)
			if ok && (ev.Type == watch.Added || ev.Type == watch.Modified) {
				w.reconcile(ctx, gvr, obj)
			}
		}
		wi.Stop()
	}
}

func (w *statusWriter) reconcile(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) {
	if gvr == namespacesGVR {
		w.finalize(ctx, obj)
		return
	}
	if obj.GetDeletionTimestamp() != nil {
		w.releaseProtection(ctx, gvr, obj)
		return
	}
	status := desiredStatus(gvr, obj)
	if status == nil || statusMatches(obj, status) {
		return
	}
	updated := obj.DeepCopy()
	for k, v := range status {
		if err := unstructured.SetNestedField(updated.Object, v, "status", k); err != nil {
			w.problem("%s %s: %v", obj.GetKind(), obj.GetName(), err)
			return
		}
	}
	ri := w.dyn.Resource(gvr).Namespace(obj.GetNamespace())
	_, err := ri.UpdateStatus(ctx, updated, metav1.UpdateOptions{FieldManager: "lockdown-e2e-status-writer"})
	w.record(ctx, obj, "status", err)
}

// finalize empties the finalizers of a namespace being deleted, through
// the finalize subresource; the apiserver then removes it.
func (w *statusWriter) finalize(ctx context.Context, ns *unstructured.Unstructured) {
	finalizers, _, _ := unstructured.NestedStringSlice(ns.Object, "spec", "finalizers")
	if ns.GetDeletionTimestamp() == nil || len(finalizers) == 0 {
		return
	}
	updated := ns.DeepCopy()
	unstructured.RemoveNestedField(updated.Object, "spec", "finalizers")
	_, err := w.dyn.Resource(namespacesGVR).Update(ctx, updated, metav1.UpdateOptions{}, "finalize")
	w.record(ctx, ns, "finalize", err)
}

// pvcProtection is the finalizer that admission puts on every claim and
// kube-controller-manager removes once no pod uses the claim.
const pvcProtection = "kubernetes.io/pvc-protection"

// releaseProtection removes the pvc-protection finalizer from a claim being
// deleted, as its controller would: without it kpt live destroy waits for
// the claim forever.
func (w *statusWriter) releaseProtection(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured) {
	finalizers := obj.GetFinalizers()
	if gvr.Resource != "persistentvolumeclaims" || !slices.Contains(finalizers, pvcProtection) {
		return
	}
	updated := obj.DeepCopy()
	updated.SetFinalizers(slices.DeleteFunc(slices.Clone(finalizers), func(f string) bool { return f == pvcProtection }))
	_, err := w.dyn.Resource(gvr).Namespace(obj.GetNamespace()).Update(ctx, updated, metav1.UpdateOptions{FieldManager: "lockdown-e2e-status-writer"})
	w.record(ctx, obj, "finalizers", err)
}

// record counts a write, or keeps its error. A conflict or a vanished
// object is no problem: the next watch event brings the object again.
func (w *statusWriter) record(ctx context.Context, obj *unstructured.Unstructured, what string, err error) {
	switch {
	case err == nil:
		w.mu.Lock()
		w.marked++
		w.mu.Unlock()
	case apierrors.IsConflict(err), apierrors.IsNotFound(err), ctx.Err() != nil:
	default:
		w.problem("%s %s/%s %s: %v", obj.GetKind(), obj.GetNamespace(), obj.GetName(), what, err)
	}
}

// problem keeps a message once, however often it recurs (a watch that
// cannot start is retried every second).
func (w *statusWriter) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Contains(w.problems, msg) {
		w.problems = append(w.problems, msg)
	}
}

// desiredStatus is the part of status that a healthy controller would have
// written for obj, or nil when the kind needs none.
func desiredStatus(gvr schema.GroupVersionResource, obj *unstructured.Unstructured) map[string]any {
	generation := obj.GetGeneration()
	replicas, found, _ := unstructured.NestedInt64(obj.Object, "spec", "replicas")
	if !found {
		replicas = 1 // the API default
	}
	switch {
	case strings.HasSuffix(gvr.Group, ".cnrm.cloud.google.com"):
		return map[string]any{
			"observedGeneration": generation,
			"conditions":         []any{condition("Ready", "UpToDate", "The resource is up to date")},
		}
	case gvr.Resource == "deployments":
		return map[string]any{
			"observedGeneration": generation,
			"replicas":           replicas,
			"updatedReplicas":    replicas,
			"readyReplicas":      replicas,
			"availableReplicas":  replicas,
			"conditions": []any{
				condition("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
				condition("Progressing", "NewReplicaSetAvailable", "ReplicaSet has successfully progressed."),
			},
		}
	case gvr.Resource == "statefulsets":
		revision := obj.GetName() + "-fake"
		return map[string]any{
			"observedGeneration": generation,
			"replicas":           replicas,
			"readyReplicas":      replicas,
			"currentReplicas":    replicas,
			"updatedReplicas":    replicas,
			"availableReplicas":  replicas,
			"currentRevision":    revision,
			"updateRevision":     revision,
		}
	case gvr.Resource == "daemonsets":
		// As if the DaemonSet ran on the one node of a one-node cluster.
		return map[string]any{
			"observedGeneration":     generation,
			"desiredNumberScheduled": int64(1),
			"currentNumberScheduled": int64(1),
			"updatedNumberScheduled": int64(1),
			"numberAvailable":        int64(1),
			"numberReady":            int64(1),
			"numberMisscheduled":     int64(0),
		}
	case gvr.Resource == "replicasets":
		return map[string]any{
			"observedGeneration":   generation,
			"replicas":             replicas,
			"fullyLabeledReplicas": replicas,
			"readyReplicas":        replicas,
			"availableReplicas":    replicas,
		}
	case gvr.Resource == "persistentvolumeclaims":
		return map[string]any{"phase": "Bound"}
	}
	return nil
}

// condition is a True condition. Its transition time is fixed so that
// statusMatches can compare a written status with the desired one.
func condition(kind, reason, message string) map[string]any {
	return map[string]any{
		"type":               kind,
		"status":             "True",
		"reason":             reason,
		"message":            message,
		"lastTransitionTime": "2025-01-01T00:00:00Z",
	}
}

// statusMatches says whether obj's status already holds every desired
// field, so that the writer's own update (a MODIFIED event) ends the loop.
func statusMatches(obj *unstructured.Unstructured, desired map[string]any) bool {
	for k, want := range desired {
		got, found, _ := unstructured.NestedFieldNoCopy(obj.Object, "status", k)
		if !found || fmt.Sprint(got) != fmt.Sprint(want) {
			return false
		}
	}
	return true
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
