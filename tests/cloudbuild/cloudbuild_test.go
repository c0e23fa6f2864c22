package cloudbuild

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/cloudbuild/apiv1/v2/cloudbuildpb"
	"sigs.k8s.io/yaml"
)

// repo is the repository's root, seen from this folder.
const repo = "../.."

func readBuild(t *testing.T, path string) *cloudbuildpb.Build {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	build, err := Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return build
}

func TestDecodeIsStrict(t *testing.T) {
	for name, config := range map[string]string{
		"unknown top-level field": "steps: [{name: busybox}]\nstepz: []\n",
		"unknown step field":      "steps: [{name: busybox, argz: [ls]}]\n",
		"wrong type":              "steps: [{name: busybox, args: ls}]\n",
		"unknown enum value":      "steps: [{name: busybox}]\noptions: {machineType: HUGE}\n",
	} {
		if _, err := Decode([]byte(config)); err == nil {
			t.Errorf("%s: decoded without an error:\n%s", name, config)
		}
	}
	if _, err := Decode([]byte("steps: [{name: busybox, args: [ls], waitFor: ['-']}]\ntimeout: 60s\n")); err != nil {
		t.Errorf("a valid config was refused: %v", err)
	}
}

// TestRepositoryBuild checks cloudbuild.yaml against the API and against
// the repository: the scripts, blueprints and setters its steps name exist,
// its images are pinned, its substitutions are all defined and all used,
// and it builds every image the rendered blueprint runs.
func TestRepositoryBuild(t *testing.T) {
	build := readBuild(t, filepath.Join(repo, "cloudbuild.yaml"))
	if len(build.Steps) == 0 {
		t.Fatal("cloudbuild.yaml has no steps")
	}
	used := map[string]bool{}
	var ids []string
	var scripts []string
	for i, step := range build.Steps {
		where := stepName(i, step)
		checkPinned(t, where, step.Name)
		for _, id := range step.WaitFor {
			if id != "-" && !slices.Contains(ids, id) {
				t.Errorf("%s waits for %q, which no earlier step is", where, id)
			}
		}
		ids = append(ids, step.Id)
		for _, word := range slices.Concat(step.Args, step.Env, []string{step.Entrypoint}) {
			for _, m := range substitution.FindAllStringSubmatch(word, -1) {
				used[m[1]] = true
				if _, ok := build.Substitutions[m[1]]; !ok && strings.HasPrefix(m[1], "_") {
					t.Errorf("%s uses $%s, which substitutions does not define", where, m[1])
				}
			}
		}
		if step.Entrypoint == "bash" && len(step.Args) > 0 && strings.HasPrefix(step.Args[0], "scripts/") {
			requireFile(t, where, step.Args[0])
			scripts = append(scripts, step.Args[0])
			if step.Args[0] == "scripts/render.sh" {
				checkRenderStep(t, where, step.Args, build.Substitutions)
			}
		}
	}
	for name := range build.Substitutions {
		if !used[name] && !usedInSubstitutions(name, build.Substitutions) {
			t.Errorf("substitution %s is defined but no step uses it", name)
		}
	}
	for _, script := range []string{"scripts/images.sh", "scripts/catalog-images.sh", "scripts/publish.sh", "scripts/render.sh"} {
		if !slices.Contains(scripts, script) {
			t.Errorf("no step runs %s: the build would not build, push or render what the blueprint needs", script)
		}
	}
}

var substitution = regexp.MustCompile(`\$\{?([A-Z_][A-Z0-9_]*)\}?`)

func usedInSubstitutions(name string, subs map[string]string) bool {
	for _, v := range subs {
		for _, m := range substitution.FindAllStringSubmatch(v, -1) {
			if m[1] == name {
				return true
			}
		}
	}
	return false
}

func stepName(i int, step *cloudbuildpb.BuildStep) string {
	if step.Id != "" {
		return "step " + step.Id
	}
	return "step " + string(rune('0'+i))
}

// checkPinned refuses an image without a tag or digest, or tagged latest:
// a build must run the same tools tomorrow.
func checkPinned(t *testing.T, where, image string) {
	t.Helper()
	last := image[strings.LastIndex(image, "/")+1:]
	tag, hasTag := "", strings.Contains(last, ":")
	if hasTag {
		tag = last[strings.Index(last, ":")+1:]
	}
	if !strings.Contains(image, "@sha256:") && (!hasTag || tag == "latest") {
		t.Errorf("%s runs %q: pin it to a version tag or a digest", where, image)
	}
}

func requireFile(t *testing.T, where, path string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(repo, path)); err != nil {
		t.Errorf("%s names %s, which is not in the repository", where, path)
	}
}

// checkRenderStep checks `scripts/render.sh <blueprint> <env> <out>`: the
// blueprint exists, the default environment has setters for it, and every
// lockdown image its pipeline runs is a function under cmd/.
func checkRenderStep(t *testing.T, where string, args []string, subs map[string]string) {
	t.Helper()
	if len(args) < 4 {
		t.Errorf("%s: render.sh takes <blueprint> <env> <out>, got %q", where, args[1:])
		return
	}
	blueprint, env := args[1], expand(args[2], subs)
	requireFile(t, where, filepath.Join("blueprints", blueprint, "Kptfile"))
	requireFile(t, where, filepath.Join("setters", env, blueprint+".yaml"))
	raw, err := os.ReadFile(filepath.Join(repo, "blueprints", blueprint, "Kptfile"))
	if err != nil {
		return
	}
	var kptfile struct {
		Pipeline struct {
			Mutators, Validators []struct {
				Image string `json:"image"`
			}
		} `json:"pipeline"`
	}
	if err := yaml.Unmarshal(raw, &kptfile); err != nil {
		t.Fatalf("%s's Kptfile: %v", blueprint, err)
	}
	for _, step := range slices.Concat(kptfile.Pipeline.Mutators, kptfile.Pipeline.Validators) {
		if name, ok := strings.CutPrefix(step.Image, "localhost/lockdown/"); ok {
			name, _, _ = strings.Cut(name, ":")
			requireFile(t, where+" (image "+step.Image+")", filepath.Join("cmd", name))
		}
	}
}

func expand(s string, subs map[string]string) string {
	return substitution.ReplaceAllStringFunc(s, func(m string) string {
		name := substitution.FindStringSubmatch(m)[1]
		if v, ok := subs[name]; ok {
			return v
		}
		return m
	})
}

// TestImageMirrorBuilds decodes every copy plan image-mirror wrote in the
// goldens (the ImageMirrorBuild objects, unit and end-to-end) as a Cloud
// Build config: what `gcloud builds submit` would get.
func TestImageMirrorBuilds(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repo, "functions", "imagemirror", "testdata", "*", "expected.yaml"))
	e2e, _ := filepath.Glob(filepath.Join(repo, "testdata", "image-mirror", "*", "expected", "image-mirror", "cloudbuild.yaml"))
	found := 0
	for _, file := range slices.Concat(files, e2e) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range strings.Split(string(data), "\n---\n") {
			var obj struct {
				Kind  string         `json:"kind"`
				Build map[string]any `json:"build"`
			}
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil || obj.Kind != "ImageMirrorBuild" {
				continue
			}
			found++
			config, err := yaml.Marshal(obj.Build)
			if err != nil {
				t.Fatal(err)
			}
			build, err := Decode(config)
			if err != nil {
				t.Errorf("%s (document %d): %v", file, i, err)
				continue
			}
			if len(build.Steps) == 0 {
				t.Errorf("%s (document %d): a copy plan without steps", file, i)
			}
			for j, step := range build.Steps {
				checkPinned(t, file+" "+stepName(j, step), step.Name)
			}
		}
	}
	if found < 3 {
		t.Fatalf("found %d ImageMirrorBuild objects in the goldens; expected at least 3 (did the golden layout change?)", found)
	}
}
