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
		if got := Allowed(tt.entry, named(tt.image)); got != tt.allowed {
			t.Errorf("Allowed(%s, %s) = %v", tt.entry, tt.image, got)
		}
	}
	for domain, google := range map[string]bool{"gcr.io": true, "us.gcr.io": true, "us-docker.pkg.dev": true, "pkg.dev": false, "ghcr.io": false} {
		if GoogleRegistry(domain) != google {
			t.Errorf("GoogleRegistry(%s) != %v", domain, google)
		}
	}
	if !UnderMirror("us-docker.pkg.dev/p/m", named("us-docker.pkg.dev/p/m/quay.io/a:1")) || UnderMirror("", named("busybox")) ||
		UnderMirror("us-docker.pkg.dev/p/m", named("us-docker.pkg.dev/p/mirror/a")) {
		t.Error("UnderMirror")
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
