// Package imagemirror is the image-mirror mutator: it finds every image
// the package's pods will pull (pod templates of the workload kinds, and
// image fields of custom resources), rewrites those from registries that
// private GKE nodes cannot reach to a mirror repository, and writes the
// copy plan: a local-config ImageMirrorPlan and a local-config
// ImageMirrorBuild whose build field is a Cloud Build config that copies
// every image with crane.
package imagemirror

import (
	_ "embed"
	"slices"
	"strings"

	"github.com/distribution/reference"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/images"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// Name is the function's name, as in its image and binary.
const Name = "image-mirror"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Metadata is the function's entry in the kpt function catalog's format
// (image, description, tags, example packages), shown by --doc.
//
//go:embed metadata.yaml
var Metadata []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Generator[ImageMirror]{
		Name:     Name,
		Kind:     Kind,
		Defaults: func() ImageMirror { return ImageMirror{} },
		Owner:    owner,
		Plan:     plan,
	}.Processor()
}

// use is one image field and what becomes of it.
type use struct {
	images.Use
	dst reference.Named // nil: the image stays
}

func plan(run *krmfn.Run[ImageMirror]) krmfn.Plan {
	in, cfg := run.Input, run.Config
	uses := find(in)
	copies := map[string]Copy{}
	var rewrites []*use
	for _, u := range uses {
		switch reach := images.Reachable(u.Named, cfg.Mirror, cfg.AllowedRegistries); {
		case reach == images.FromMirror:
			if src, ok := sourceOf(cfg.Mirror, u.Named); ok {
				copies[src.String()] = Copy{Source: src.String(), Destination: u.Named.String()}
			}
		case reach != images.Unreachable:
		case cfg.CheckOnly:
			in.Results.Report(fn.Error, u.Subject, u.Field.Path,
				"image %q comes from %s, which private nodes cannot reach: mirror it (set mirror and leave checkOnly off) or list the registry in allowedRegistries",
				u.Field.Node.Value, reference.Domain(u.Named))
		default:
			dst, err := destination(cfg.Mirror, u.Named)
			if err != nil {
				in.Results.Report(fn.Error, u.Subject, u.Field.Path, "cannot mirror image %q: %v", u.Field.Node.Value, err)
				continue
			}
			u.dst = dst
			rewrites = append(rewrites, u)
			copies[u.Named.String()] = Copy{Source: u.Named.String(), Destination: dst.String()}
		}
	}
	if in.Results.HasErrors() {
		return krmfn.Plan{}
	}
	if cfg.CheckOnly {
		in.Results.Info(nil, "", "image fields checked: %d; every image comes from a registry the private nodes can reach", len(uses))
		return krmfn.Plan{Unchanged: true}
	}
	list := make([]Copy, 0, len(copies))
	for _, c := range copies {
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b Copy) int { return strings.Compare(a.Source, b.Source) })
	desired, err := generate(cfg, list)
	if err != nil {
		in.Results.Error(nil, "", "cannot build the copy plan: %v", err)
		return krmfn.Plan{}
	}
	return krmfn.Plan{Desired: desired, Finish: func(fn.KubeObjects) {
		rewrite(rewrites, in.Results)
		if len(list) == 0 {
			in.Results.Info(nil, "", "no image needs mirroring: every image comes from a registry the private nodes can reach")
		}
	}}
}

// find reads every image field of the package (images.Table.UsesOf,
// lint's reading too); a field that is not a reference is an error result
// naming the object and the field.
func find(in krmfn.Input[ImageMirror]) []*use {
	uses, problems := images.NewTable(in.Config.ImagePaths).UsesOf(in.Items)
	for _, p := range problems {
		in.Results.Report(fn.Error, p.Subject, p.Path, "%s: %s", p.Subject.Describe("an object"), p.Message)
	}
	out := make([]*use, len(uses))
	for i, u := range uses {
		out[i] = &use{Use: u}
	}
	return out
}

// rewrite points each image field at the mirror, keeping its comments.
func rewrite(rewrites []*use, res *results.Collector) {
	byObj := map[*fn.KubeObject][]*use{}
	var order []*fn.KubeObject
	for _, u := range rewrites {
		if _, seen := byObj[u.Object]; !seen {
			order = append(order, u.Object)
		}
		byObj[u.Object] = append(byObj[u.Object], u)
	}
	for _, obj := range order {
		_ = yamledit.Edit(obj, func(*yaml.Node) error {
			for _, u := range byObj[obj] {
				old := u.Field.Node.Value
				u.Field.Node.Value, u.Field.Node.Tag = u.dst.String(), yaml.NodeTagString
				if marker := yamledit.SetterMarkerOn(u.Field.Node); marker != "" {
					res.Report(fn.Warning, u.Subject, u.Field.Path, "rewritten from %q to %q, but the field has the setter marker %q: change the setter's value instead, or apply-setters will undo this",
						old, u.dst.String(), marker)
					continue
				}
				res.Report(fn.Info, u.Subject, u.Field.Path, "rewritten from %q to %q: %s is not reachable from private nodes", old, u.dst.String(), reference.Domain(u.Named))
			}
			return nil
		})
	}
}
