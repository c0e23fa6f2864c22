package intake

import (
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/testing/crdschema"
)

// read runs Read on one object and returns the fields it blames.
func read(t *testing.T, y string) []string {
	t.Helper()
	obj, err := fn.ParseKubeObject([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Collector
	ok := Read(&fn.ResourceList{Items: fn.KubeObjects{obj}}, &res)
	var fields []string
	for _, r := range res.Results() {
		if r.Field != nil {
			fields = append(fields, r.Field.Path)
		}
	}
	if ok != (len(fields) == 0) {
		t.Errorf("Read = %v with results %v", ok, res.Results())
	}
	return fields
}

func TestPorts(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"container port beyond 65535", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, image: busybox, ports: [{containerPort: 70000}]}]}
`, "spec.containers[0].ports[0].containerPort"},
		{"hostPort 0 is unset", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, image: busybox, ports: [{containerPort: 80, hostPort: 0}]}]}
`, ""},
		{"Service targetPort beyond 65535", `apiVersion: v1
kind: Service
metadata: {name: s}
spec: {ports: [{port: 443, targetPort: 70000}]}
`, "spec.ports[0].targetPort"},
		{"named targetPort", `apiVersion: v1
kind: Service
metadata: {name: s}
spec: {ports: [{port: 443, targetPort: https}]}
`, ""},
		{"webhook service port 0", `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: w}
webhooks: [{name: a.example.com, clientConfig: {service: {name: s, namespace: n, port: 0}}}]
`, "webhooks[0].clientConfig.service.port"},
		{"NetworkPolicy endPort negative", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec: {podSelector: {}, ingress: [{ports: [{port: 8000, endPort: -1}]}]}
`, "spec.ingress[0].ports[0].endPort"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(read(t, tc.yaml), ",")
			if got != tc.want {
				t.Errorf("blamed %q, want %q", got, tc.want)
			}
		})
	}
}

const clusterWithRef = `apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata: {name: kf}
spec:
  location: us-central1
  initialNodeCount: 1
  networkRef: REF
`

func TestReferences(t *testing.T) {
	for _, tc := range []struct {
		name, ref, want string
		// crdRefuses: Config Connector's own CRD schema refuses it too
		// (the rest are lockdown's: the schema takes any string).
		crdRefuses bool
	}{
		{"by name", "{name: kf-net}", "", false},
		{"external path", "{external: projects/kf-host/global/networks/kf-net}", "", false},
		{"external self link", "{external: 'https://www.googleapis.com/compute/v1/projects/kf-host/global/networks/kf-net'}", "", false},
		{"external bare name", "{external: kf-net}", "", false},
		{"name and external", "{name: kf-net, external: projects/kf-host/global/networks/kf-net}", "spec.networkRef", true},
		{"empty external", `{external: ""}`, "spec.networkRef.external", false},
		{"short external", "{external: networks/kf-net}", "spec.networkRef.external", false},
		{"subnetwork path for a network", "{external: projects/p/regions/us-central1/subnetworks/s}", "spec.networkRef.external", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := strings.Replace(clusterWithRef, "REF", tc.ref, 1)
			if got := strings.Join(read(t, y), ","); got != tc.want {
				t.Errorf("blamed %q, want %q", got, tc.want)
			}
			obj, err := fn.ParseKubeObject([]byte(y))
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := obj.As(&m); err != nil {
				t.Fatal(err)
			}
			if refused := len(crdSet(t).Validate(m)) > 0; refused != tc.crdRefuses {
				t.Errorf("the ContainerCluster CRD refuses it: %v, want %v (%v)", refused, tc.crdRefuses, crdSet(t).Validate(m))
			}
		})
	}
}

// A list of references ("...Refs") is checked item by item.
func TestReferenceLists(t *testing.T) {
	y := `apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata: {name: kf}
spec:
  networkRef: {name: kf-net}
  targetServiceAccountRefs: [{name: a}, {name: b, external: b@p.iam.gserviceaccount.com}]
`
	if got := strings.Join(read(t, y), ","); got != "spec.targetServiceAccountRefs[1]" {
		t.Errorf("blamed %q", got)
	}
}

var kccSchemas *crdschema.Set

func crdSet(t *testing.T) *crdschema.Set {
	t.Helper()
	if kccSchemas == nil {
		s, err := crdschema.KCC()
		if err != nil {
			t.Fatal(err)
		}
		kccSchemas = s
	}
	return kccSchemas
}

func TestNamesAndImages(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"nameless object", "apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n", "metadata.name"},
		{"generateName is a name", "apiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\nspec: {containers: [{name: c, image: busybox}]}\n", ""},
		{"Namespace in capitals", "apiVersion: v1\nkind: Namespace\nmetadata: {name: Kubeflow}\n", "metadata.name"},
		{"object in a namespace with an underscore", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: team_a}\n", "metadata.namespace"},
		{"container with no image", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n", "spec.containers[0].image"},
		{"init container with a null image", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {initContainers: [{name: i, image: null}], containers: [{name: c, image: busybox}]}\n", "spec.initContainers[0].image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(read(t, tc.yaml), ","); got != tc.want {
				t.Errorf("blamed %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDuplicates(t *testing.T) {
	var items fn.KubeObjects
	for _, y := range []string{
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: kubeflow}\n",
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: kubeflow, labels: {a: b}}\n",
		// local-config objects are never applied, so they may repeat
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: setters, annotations: {config.kubernetes.io/local-config: 'true'}}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: setters, annotations: {config.kubernetes.io/local-config: 'true'}}\n",
		// one name in two namespaces, or two kinds, are two objects
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: y}\n",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: x}\n",
	} {
		obj, err := fn.ParseKubeObject([]byte(y))
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, obj)
	}
	var res results.Collector
	if Read(&fn.ResourceList{Items: items}, &res) {
		t.Fatal("Read took a package with one Namespace twice")
	}
	if rs := res.Results(); len(rs) != 1 || rs[0].ResourceRef.Name != "kubeflow" || !strings.Contains(rs[0].Message, "holds it twice") {
		t.Errorf("results: %v", rs)
	}
}
