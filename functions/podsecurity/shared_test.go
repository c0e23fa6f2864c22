package podsecurity

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/lockdown-krm/lockdown/functions/podsecuritycheck"
)

// sharedConfig is one PodSecurity object, as a kpt pipeline gives it to
// both functions (configPath: fn-config/pod-security.yaml on both steps).
const sharedConfig = `apiVersion: fn.lockdown.dev/v1alpha1
kind: PodSecurity
metadata:
  name: pod-security
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  level: restricted
  version: v1.29
  output: both
  exemptNamespaces:
  - namespace: kube-system
    reason: managed by GKE
  exemptNames:
  - name: node-setup
    reason: one-off node preparation
  exemptLabels:
  - selector: tier in (node-logging),track!=canary
    reason: reads the node's logs
`

const sharedInput = `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: cni
  namespace: kube-system
spec:
  selector: {matchLabels: {app: cni}}
  template:
    metadata: {labels: {app: cni}}
    spec:
      containers:
      - {name: cni, image: cni:1, securityContext: {privileged: true}}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: node-setup
  namespace: team-a
spec:
  template:
    spec:
      hostPID: true
      restartPolicy: Never
      containers:
      - {name: setup, image: busybox:1}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluent
  namespace: team-a
  labels: {tier: node-logging}
spec:
  selector: {matchLabels: {app: fluent}}
  template:
    metadata: {labels: {app: fluent}}
    spec:
      containers:
      - {name: fluent, image: fluent:1}
      volumes:
      - {name: logs, hostPath: {path: /var/log}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluent-canary
  namespace: team-a
  labels: {tier: node-logging, track: canary}
spec:
  selector: {matchLabels: {app: fluent}}
  template:
    metadata: {labels: {app: fluent}}
    spec:
      containers:
      - {name: fluent, image: fluent:2}
      volumes:
      - {name: logs, hostPath: {path: /var/log}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1
        securityContext: {capabilities: {add: [NET_ADMIN]}}
---
apiVersion: v1
kind: Pod
metadata:
  name: good
  namespace: team-a
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: good
    image: app:1
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`

// TestOneConfigForBoth runs pod-security-check and pod-security with the
// same config on the same package and wants them to agree: the objects
// the check exempts are exactly those every generated policy excludes,
// the policies and labels carry the check's level and version, and every
// check the validator finds failing has a policy that enforces it.
func TestOneConfigForBoth(t *testing.T) {
	check := runWith(t, podsecuritycheck.Processor())
	gen := runWith(t, Processor())
	if gen.Results.ExitCode() != 0 {
		t.Fatalf("pod-security failed: %v", gen.Results)
	}

	exempt, violated := checkVerdicts(t, check)
	if want := []string{"DaemonSet/fluent", "DaemonSet/cni", "Job/node-setup"}; !sameSet(keys(exempt), want) {
		t.Errorf("the check exempts %v, want %v", keys(exempt), want)
	}
	if !strings.Contains(summary(check), "restricted:v1.29") {
		t.Errorf("the check did not run at restricted:v1.29: %s", summary(check))
	}

	t.Logf("the check exempts %v and finds checks %v failing", keys(exempt), violated)
	m := readKyvernoMapping(t)
	workloads := workloadsOf(t, check.Items)
	policies := 0
	for _, obj := range gen.Items {
		if obj.GetKind() != "ClusterPolicy" {
			continue
		}
		policies++
		var cp clusterPolicy
		if err := obj.As(&cp); err != nil {
			t.Fatal(err)
		}
		r := cp.Spec.Rules[0]
		if r.Validate.PodSecurity.Version != "v1.29" {
			t.Errorf("%s: version %s, want the check's v1.29", cp.Metadata.Name, r.Validate.PodSecurity.Version)
		}
		for _, w := range workloads {
			key := w.GetKind() + "/" + w.GetName()
			if got := kyvernoExcludes(t, r.Exclude, w); got != exempt[key] {
				t.Errorf("%s: Kyverno excludes %s: %v; the check exempts it: %v", cp.Metadata.Name, key, got, exempt[key])
			}
		}
		ids := m.idsOf[controlOf(t, cp.Metadata.Name).Name]
		violated = slices.DeleteFunc(violated, func(id string) bool { return slices.Contains(ids, id) })
	}
	if policies != 17 {
		t.Errorf("%d policies, want the 17 of restricted", policies)
	}
	if len(violated) > 0 {
		t.Errorf("the check finds %v failing, but no generated policy enforces them", violated)
	}
	for _, obj := range gen.Items {
		if obj.GetKind() != "Namespace" {
			continue
		}
		enforce := "restricted"
		if obj.GetName() == "kube-system" {
			enforce = "privileged"
		}
		l := obj.GetLabels()
		if l[levelLabel(modeEnforce)] != enforce || l[levelLabel(modeWarn)] != "restricted" || l[versionLabel(modeAudit)] != "v1.29" {
			t.Errorf("Namespace %s labels %v: want enforce %s, the check's level and version", obj.GetName(), l, enforce)
		}
	}
}

func runWith(t *testing.T, p fn.ResourceListProcessor) *fn.ResourceList {
	t.Helper()
	items, err := fn.ParseKubeObjects([]byte(sharedInput))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := fn.ParseKubeObject([]byte(sharedConfig))
	if err != nil {
		t.Fatal(err)
	}
	in, err := (&fn.ResourceList{Items: items, FunctionConfig: cfg}).ToYAML()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := fn.Run(p, in)
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	return rl
}

var checkID = regexp.MustCompile(`\(check ([A-Za-z_]+)\)`)

// checkVerdicts reads the check's results: the exempt objects, and the
// IDs of the checks that failed.
func checkVerdicts(t *testing.T, rl *fn.ResourceList) (map[string]bool, []string) {
	exempt := map[string]bool{}
	var failed []string
	for _, r := range rl.Results {
		switch {
		case r.ResourceRef == nil:
		case strings.Contains(r.Message, "is exempt from"):
			exempt[r.ResourceRef.Kind+"/"+r.ResourceRef.Name] = true
		case r.Severity == fn.Error:
			if m := checkID.FindStringSubmatch(r.Message); m != nil && !slices.Contains(failed, m[1]) {
				failed = append(failed, m[1])
			}
		}
	}
	if len(failed) == 0 {
		t.Fatal("the check found no violation: the test input lost its violating workloads")
	}
	return exempt, failed
}

func summary(rl *fn.ResourceList) string {
	for _, r := range rl.Results {
		if strings.HasPrefix(r.Message, "checked ") {
			return r.Message
		}
	}
	return ""
}

func workloadsOf(t *testing.T, items fn.KubeObjects) []*fn.KubeObject {
	var out []*fn.KubeObject
	for _, obj := range items {
		if obj.GetKind() != "Namespace" {
			out = append(out, obj)
		}
	}
	return out
}

// kyvernoExcludes evaluates a rule's exclude block on obj the way Kyverno
// matches resource descriptions: any filter; in a filter, every field
// given (namespaces, names with wildcards, selector on the object's own
// labels).
func kyvernoExcludes(t *testing.T, exclude *matchAny, obj *fn.KubeObject) bool {
	if exclude == nil {
		return false
	}
	for _, f := range exclude.Any {
		r := f.Resources
		ok := len(r.Namespaces) == 0 || slices.Contains(r.Namespaces, obj.GetNamespace())
		ok = ok && (len(r.Names) == 0 || slices.ContainsFunc(r.Names, func(p string) bool {
			match, _ := path.Match(p, obj.GetName())
			return match
		}))
		if r.Selector != nil {
			sel, err := metav1.LabelSelectorAsSelector(r.Selector)
			if err != nil {
				t.Fatal(err)
			}
			ok = ok && sel.Matches(labels.Set(obj.GetLabels()))
		}
		if ok {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
