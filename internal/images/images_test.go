package images

import (
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestFields(t *testing.T) {
	obj, err := fn.ParseKubeObject([]byte(`apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - {name: init, image: busybox}
          containers:
          - {name: a, image: quay.io/a:1}
          - {name: b, image: null}
          - {name: c, image: [x]}
`))
	if err != nil {
		t.Fatal(err)
	}
	table := NewTable([]Path{{Group: "example.com", Kind: "Thing", Path: "spec.image"}, {Kind: "Bad", Path: "spec..x"}})
	group, kind := GroupKind(obj)
	if !table.Knows(group, kind) || !table.Knows("example.com", "Thing") || table.Knows("", "Bad") {
		t.Fatal("the table knows the built-in kinds and valid extra paths only")
	}
	rn, err := yaml.Parse(obj.String())
	if err != nil {
		t.Fatal(err)
	}
	found, problems := table.Fields(group, kind, rn.YNode())
	var got []string
	for _, f := range found {
		got = append(got, f.Path+"="+f.Node.Value)
	}
	want := "spec.jobTemplate.spec.template.spec.containers[0].image=quay.io/a:1 spec.jobTemplate.spec.template.spec.initContainers[0].image=busybox"
	if strings.Join(got, " ") != want {
		t.Errorf("found %v, want %s", got, want)
	}
	if len(problems) != 1 || problems[0].Path != "spec.jobTemplate.spec.template.spec.containers[2].image" {
		t.Errorf("problems %v", problems)
	}
	if CheckPath("spec.containers[].image") != "" || CheckPath("spec..image") == "" || CheckPath("") == "" {
		t.Error("CheckPath")
	}
}

func TestRegistries(t *testing.T) {
	named := func(s string) reference.Named {
		n, err := reference.ParseNormalizedNamed(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tt := range []struct {
		image, entry string
		allowed      bool
	}{
		{"busybox", "docker.io", true},
		{"busybox", "docker.io/library", true},
		{"docker.io/librarything/x", "docker.io/library", false},
		{"registry.corp.example.com/a", "*.example.com", true},
		{"example.com/a", "*.example.com", false},
		{"quay.io/a", "quay.io", true},
		{"quay.io:443/a", "quay.io", false},
	} {
		if got := covers(tt.entry, named(tt.image)); got != tt.allowed {
			t.Errorf("covers(%s, %s) = %v", tt.entry, tt.image, got)
		}
	}
	for host, want := range map[string]string{"gcr.io": "gcr.io", "us.gcr.io": "gcr.io", "us-docker.pkg.dev": "pkg.dev", "pkg.dev": "", "ghcr.io": "", "gcr.io.example.com": ""} {
		if got, ok := GoogleRegistryDomain(host); got != want || ok != (want != "") {
			t.Errorf("GoogleRegistryDomain(%s) = %q, %v; want %q", host, got, ok, want)
		}
		if IsGoogleRegistry(host) != (want != "") {
			t.Errorf("IsGoogleRegistry(%s) = %v", host, !(want != ""))
		}
	}
	if !underMirror("us-docker.pkg.dev/p/m", named("us-docker.pkg.dev/p/m/quay.io/a:1")) || underMirror("", named("busybox")) ||
		underMirror("us-docker.pkg.dev/p/m", named("us-docker.pkg.dev/p/mirror/a")) {
		t.Error("underMirror")
	}
	for entry, ok := range map[string]bool{"quay.io": true, "*.example.com": true, "docker.io/mycompany": true, "https://quay.io": false, "": false, "*.example.com/x": false, "Quay.io": false} {
		if (CheckAllowed(entry) == "") != ok {
			t.Errorf("CheckAllowed(%q) = %q", entry, CheckAllowed(entry))
		}
	}
	for mirror, ok := range map[string]bool{"us-docker.pkg.dev/p/mirror": true, "us-docker.pkg.dev/p/mirror:1": false, "mirror": false} {
		if (CheckMirror(mirror) == "") != ok {
			t.Errorf("CheckMirror(%q) = %q", mirror, CheckMirror(mirror))
		}
	}
}

// TestReachable is the decision image-mirror and lint share: the mirror
// first (it is itself in Artifact Registry), then Google's registries,
// then allowedRegistries; anything else is unreachable.
func TestReachable(t *testing.T) {
	const mirror = "us-docker.pkg.dev/p/mirror"
	allowed := []string{"quay.io", "*.corp.example.com", "docker.io/mycompany"}
	for image, want := range map[string]Reach{
		mirror + "/docker.io/library/busybox:1": FromMirror,
		"us-docker.pkg.dev/p/other/a":           FromGoogle,
		"gcr.io/distroless/static":              FromGoogle,
		"eu.gcr.io/p/a":                         FromGoogle,
		"quay.io/jetstack/cert-manager":         FromAllowed,
		"registry.corp.example.com/a":           FromAllowed,
		"mycompany/app":                         FromAllowed,
		"busybox":                               Unreachable,
		"ghcr.io/kubeflow/a":                    Unreachable,
		"corp.example.com/a":                    Unreachable,
	} {
		named, err := reference.ParseNormalizedNamed(image)
		if err != nil {
			t.Fatal(err)
		}
		if got := Reachable(named, mirror, allowed); got != want {
			t.Errorf("Reachable(%s) = %d, want %d", image, got, want)
		}
	}
	named, _ := reference.ParseNormalizedNamed(mirror + "/a")
	if got := Reachable(named, "", nil); got != FromGoogle {
		t.Errorf("without a mirror, an image in Artifact Registry is Google's: got %d", got)
	}
	for in, want := range map[string]string{" us-docker.pkg.dev/p/m/ ": "us-docker.pkg.dev/p/m", "quay.io/x": "quay.io/x", "": ""} {
		if got := NormalizeMirror(in); got != want {
			t.Errorf("NormalizeMirror(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestImagesOf reads each image field as a reference; fields that are not
// strings come first among the problems, then those that do not parse.
func TestImagesOf(t *testing.T) {
	obj, err := fn.ParseKubeObject([]byte(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: a, image: busybox}
  - {name: b, image: "Not/A/Reference"}
  - {name: c, image: {x: 1}}
`))
	if err != nil {
		t.Fatal(err)
	}
	found, problems := NewTable(nil).ImagesOf(obj)
	if len(found) != 1 || found[0].Field.Path != "spec.containers[0].image" || found[0].Named.String() != "docker.io/library/busybox" {
		t.Errorf("found %+v", found)
	}
	// The second message ends in the reference library's own words.
	want := []string{
		"spec.containers[2].image: spec.containers[2].image is not a string: give the image as name[:tag][@digest]",
		`spec.containers[1].image: spec.containers[1].image is "Not/A/Reference", which is not an image reference: `,
	}
	if len(problems) != len(want) {
		t.Fatalf("problems %+v", problems)
	}
	for i, p := range problems {
		if got := p.Path + ": " + p.Message; !strings.HasPrefix(got, want[i]) {
			t.Errorf("problem %d: %s\nwant: %s...", i, got, want[i])
		}
	}
}

// A v1 PodTemplate exists to be stamped into pods by whatever references
// it, so its images are pulled by the nodes like any other pod's: they are
// image fields, as pod-security-check already treats it as a pod template.
func TestPodTemplateImages(t *testing.T) {
	obj, err := fn.ParseKubeObject([]byte(`apiVersion: v1
kind: PodTemplate
metadata: {name: p}
template:
  spec:
    containers:
    - {name: a, image: quay.io/a:1}
`))
	if err != nil {
		t.Fatal(err)
	}
	found, problems := NewTable(nil).FieldsOf(obj)
	if len(found) != 1 || found[0].Path != "template.spec.containers[0].image" || found[0].Node.Value != "quay.io/a:1" || len(problems) != 0 {
		t.Errorf("found %+v, problems %+v", found, problems)
	}
}

// UsesOf reads every object as ImagesOf does, in order, and names each
// use's and each problem's object; objects without image fields are not
// there.
func TestUsesOf(t *testing.T) {
	objs, err := fn.ParseKubeObjects([]byte(`apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns}
spec:
  containers:
  - {name: a, image: busybox}
  - {name: b, image: {x: 1}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {image: busybox}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  containers:
  - {name: a, image: quay.io/x:1}
`))
	if err != nil {
		t.Fatal(err)
	}
	uses, problems := NewTable(nil).UsesOf(objs)
	var got []string
	for _, u := range uses {
		got = append(got, u.Subject.Describe("?")+" "+u.Object.GetName()+" "+u.Field.Path+" "+u.Named.String())
	}
	for _, p := range problems {
		got = append(got, p.Subject.Describe("?")+" "+p.Path)
	}
	want := []string{
		"Pod ns/a a spec.containers[0].image docker.io/library/busybox",
		"Pod b b spec.containers[0].image quay.io/x:1",
		"Pod ns/a spec.containers[1].image",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("UsesOf:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
