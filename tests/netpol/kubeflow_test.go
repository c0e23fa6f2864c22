package netpol

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/mattfenwick/cyclonus/pkg/matcher"

	"github.com/lockdown-krm/lockdown/functions/networkpolicy"
)

const (
	corpus    = "../../../shared/corpus/kubeflow-manifests.yaml"
	config    = "../../blueprints/kubeflow-hardening/fn-config/network-policy.yaml"
	readme    = "../../functions/networkpolicy/README.md"
	profile   = "kubeflow-user-example-com"
	profile2  = "kubeflow-user-other"
	beginRows = "<!-- verdicts: begin -->"
	endRows   = "<!-- verdicts: end -->"
)

// verdict is one row of the table in network-policy's README: traffic
// from a pod to a pod on a TCP port, and whether it must get through.
type verdict struct {
	row      string
	from, to pod
	port     int
	allowed  bool
}

// TestKubeflowDefaults renders the hardening blueprint's network-policy
// config over the Kubeflow install with two profile namespaces, and asks
// the engine about every row of the README's table, with the install's
// own 39 NetworkPolicies in force beside the generated ones, as in the
// cluster.
func TestKubeflowDefaults(t *testing.T) {
	install, err := os.ReadFile(corpus)
	if err != nil {
		t.Skipf("the Kubeflow corpus is beside the project: %v", err)
	}
	cfg, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	items, err := fn.ParseKubeObjects(install)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{profile, profile2} {
		obj, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n  labels: {" + networkpolicy.ProfileLabel + ": " + networkpolicy.ProfileLabelValue + "}\n"))
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, obj)
	}
	fc, err := fn.ParseKubeObject(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: items, FunctionConfig: fc}
	if _, err := networkpolicy.Processor().Process(rl); err != nil || rl.Results.ExitCode() != 0 {
		t.Fatalf("network-policy: %v %v", err, rl.Results)
	}
	policies := networkPolicies(t, rl.Items)
	namespaceLabels := map[string]map[string]string{}
	for _, obj := range rl.Items {
		if obj.GetKind() == "Namespace" {
			namespaceLabels[obj.GetName()] = obj.GetLabels()
		}
	}
	engine := matcher.BuildNetworkPolicies(false, policies)
	rows := readVerdicts(t, namespaceLabels)
	for _, v := range rows {
		if got := allowed(engine, v.from, v.to, v.port); got != v.allowed {
			t.Errorf("README row %q: the engine says allowed=%v", v.row, got)
		}
	}
	t.Logf("%d NetworkPolicies (%d generated beside the install's), %d rows checked", len(policies), len(policies)-39, len(rows))
}

// readVerdicts reads the table between the markers of network-policy's
// README: | from namespace | from pod labels | to namespace | to pod
// labels | port | allowed or denied |.
func readVerdicts(t *testing.T, namespaceLabels map[string]map[string]string) []verdict {
	t.Helper()
	text, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, found := bytes.Cut(text, []byte(beginRows))
	table, _, closed := bytes.Cut(rest, []byte(endRows))
	if !found || !closed {
		t.Fatalf("%s has no table between %s and %s", readme, beginRows, endRows)
	}
	var out []verdict
	for _, line := range strings.Split(string(table), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 6 || strings.Contains(line, "---") || strings.Contains(cells[0], "from namespace") {
			continue
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		port, err := strconv.Atoi(cells[4])
		if err != nil || cells[5] != "allowed" && cells[5] != "denied" {
			t.Fatalf("README row %q: want a port and allowed or denied", line)
		}
		out = append(out, verdict{
			row:     strings.TrimSpace(line),
			from:    pod{cells[0], namespaceLabels[cells[0]], labels(t, cells[1])},
			to:      pod{cells[2], namespaceLabels[cells[2]], labels(t, cells[3])},
			port:    port,
			allowed: cells[5] == "allowed",
		})
	}
	if len(out) < 8 {
		t.Fatalf("README table has %d rows", len(out))
	}
	return out
}

// labels reads "k=v, k2=v2".
func labels(t *testing.T, s string) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			t.Fatalf("pod labels %q: want k=v, k2=v2", s)
		}
		out[k] = v
	}
	return out
}
