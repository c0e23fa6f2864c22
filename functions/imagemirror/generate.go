package imagemirror

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/owned"
)

// Generated object kinds, the builder image and the build's time limit
// (owner, below, says which files kpt writes them to). The crane image is
// pinned: a copy plan must run the same tool every time. v0.16.1 is the
// last release the go-containerregistry project published to gcr.io.
const (
	PlanKind     = "ImageMirrorPlan"
	BuildKind    = "ImageMirrorBuild"
	CraneImage   = "gcr.io/go-containerregistry/crane:v0.16.1"
	BuildTimeout = "3600s"
	objectName   = Name
)

// Copy is one image to copy: from where the package named it to the mirror.
type Copy struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
}

type meta struct {
	Name        string            `json:"name"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Plan is the copy plan, a local-config object kpt writes but never applies.
type Plan struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   meta     `json:"metadata"`
	Spec       PlanSpec `json:"spec"`
}

// PlanSpec lists every image to copy, sorted by source, each once.
type PlanSpec struct {
	Mirror string `json:"mirror"`
	Images []Copy `json:"images"`
}

// BuildObject carries a Cloud Build config under build: the field's value
// is exactly what `gcloud builds submit --config` takes.
type BuildObject struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   meta       `json:"metadata"`
	Build      CloudBuild `json:"build"`
}

// CloudBuild is the subset of the Cloud Build config the copy uses.
type CloudBuild struct {
	Steps   []BuildStep `json:"steps"`
	Timeout string      `json:"timeout,omitempty"`
}

// BuildStep is one Cloud Build step.
type BuildStep struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Args    []string `json:"args"`
	WaitFor []string `json:"waitFor,omitempty"`
}

// generate builds the plan and the build for copies (sorted, unique).
func generate(cfg *ImageMirror, copies []Copy) ([]*fn.KubeObject, error) {
	if len(copies) == 0 {
		return nil, nil
	}
	plan := Plan{
		APIVersion: fnconfig.APIVersion, Kind: PlanKind, Metadata: meta{Name: objectName},
		Spec: PlanSpec{Mirror: cfg.Mirror, Images: copies},
	}
	build := BuildObject{
		APIVersion: fnconfig.APIVersion, Kind: BuildKind, Metadata: meta{Name: objectName},
		Build: CloudBuild{Timeout: BuildTimeout},
	}
	parallel := cfg.Parallel == nil || *cfg.Parallel
	for i, c := range copies {
		step := BuildStep{ID: fmt.Sprintf("copy-%d", i+1), Name: CraneImage, Args: []string{"copy", c.Source, c.Destination}}
		if parallel {
			step.WaitFor = []string{"-"}
		}
		build.Build.Steps = append(build.Build.Steps, step)
	}
	var out []*fn.KubeObject
	for _, typed := range []any{plan, build} {
		obj, err := fn.NewFromTypedObject(typed)
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}

// owner is how image-mirror owns its output: two local-config objects
// (kpt writes them, never applies them) in files named for what they are.
func owner(config *fn.KubeObject) owned.Owner {
	o := owned.OwnerOf(Name, config)
	o.Files = map[string]string{PlanKind: "plan.yaml", BuildKind: "cloudbuild.yaml"}
	o.LocalConfig = true
	return o
}
