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
	"github.com/lockdown-krm/lockdown/internal/owned"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// Name is the function's name, as in its image and binary.
const Name = "image-mirror"

// README is the function's documentation, shown by --help.
//
//go:embed README.md
var README []byte

// Processor returns the function ready for fn.AsMain or fn.Run.
func Processor() fn.ResourceListProcessor {
	return krmfn.Processor[ImageMirror]{
		Kind:     Kind,
		Defaults: func() ImageMirror { return ImageMirror{} },
		Run:      run,
	}
}

// use is one image field and what becomes of it.
type use struct {
	obj     *fn.KubeObject
	subject results.Subject
	field   images.Field
	named   reference.Named
	dst     reference.Named // nil: the image stays
}

func run(in krmfn.Input[ImageMirror]) fn.KubeObjects {
	cfg := in.Config
	uses := find(in)
	copies := map[string]Copy{}
	var rewrites []*use
	for _, u := range uses {
		switch {
		case images.UnderMirror(cfg.Mirror, u.named):
			if src, ok := sourceOf(cfg.Mirror, u.named); ok {
				copies[src.String()] = Copy{Source: src.String(), Destination: u.named.String()}
			}
		case images.GoogleRegistry(reference.Domain(u.named)) || slices.ContainsFunc(cfg.AllowedRegistries, func(e string) bool { return images.Allowed(e, u.named) }):
		case cfg.CheckOnly:
			in.Results.Report(fn.Error, u.subject, u.field.Path,
				"image %q comes from %s, which private nodes cannot reach: mirror it (set mirror and leave checkOnly off) or list the registry in allowedRegistries",
				u.field.Node.Value, reference.Domain(u.named))
		default:
			dst, err := destination(cfg.Mirror, u.named)
			if err != nil {
				in.Results.Report(fn.Error, u.subject, u.field.Path, "cannot mirror image %q: %v", u.field.Node.Value, err)
				continue
			}
			u.dst = dst
			rewrites = append(rewrites, u)
			copies[u.named.String()] = Copy{Source: u.named.String(), Destination: dst.String()}
		}
	}
	if in.Results.HasErrors() {
		return in.Items
	}
	if cfg.CheckOnly {
		in.Results.Info(nil, "", "image fields checked: %d; every image comes from a registry the private nodes can reach", len(uses))
		return in.Items
	}
	list := make([]Copy, 0, len(copies))
	for _, c := range copies {
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b Copy) int { return strings.Compare(a.Source, b.Source) })
	desired, err := generate(cfg, list)
	if err != nil {
		in.Results.Error(nil, "", "cannot build the copy plan: %v", err)
		return in.Items
	}
	items := owned.Reconcile(in.Items, owner(in.Source.Object), desired, in.Results)
	if in.Results.HasErrors() {
		return in.Items // nothing is touched when anything is wrong
	}
	rewrite(rewrites, in.Results)
	if len(list) == 0 {
		in.Results.Info(nil, "", "no image needs mirroring: every image comes from a registry the private nodes can reach")
	}
	return items
}

// find parses every image field of the package; a reference that does not
// parse is an error result naming the object and the field.
func find(in krmfn.Input[ImageMirror]) []*use {
	table := images.NewTable(in.Config.ImagePaths)
	var out []*use
	for _, obj := range in.Items {
		found, problems := table.FieldsOf(obj)
		if len(found)+len(problems) == 0 {
			continue
		}
		subject := results.SubjectOf(obj)
		for _, p := range problems {
			in.Results.Report(fn.Error, subject, p.Path, "%s: %s is not a string: give the image as name[:tag][@digest]", subject.Describe("object"), p.Path)
		}
		for _, f := range found {
			named, err := reference.ParseNormalizedNamed(f.Node.Value)
			if err != nil {
				in.Results.Report(fn.Error, subject, f.Path, "%s: %s is %q, which is not an image reference: %v", subject.Describe("object"), f.Path, f.Node.Value, err)
				continue
			}
			out = append(out, &use{obj: obj, subject: subject, field: f, named: named})
		}
	}
	return out
}

// rewrite points each image field at the mirror, keeping its comments.
func rewrite(rewrites []*use, res *results.Collector) {
	byObj := map[*fn.KubeObject][]*use{}
	var order []*fn.KubeObject
	for _, u := range rewrites {
		if _, seen := byObj[u.obj]; !seen {
			order = append(order, u.obj)
		}
		byObj[u.obj] = append(byObj[u.obj], u)
	}
	for _, obj := range order {
		_ = yamledit.Edit(obj, func(*yaml.Node) error {
			for _, u := range byObj[obj] {
				old := u.field.Node.Value
				u.field.Node.Value, u.field.Node.Tag = u.dst.String(), yaml.NodeTagString
				if strings.Contains(u.field.Node.LineComment, "kpt-set:") {
					res.Report(fn.Warning, u.subject, u.field.Path, "rewritten from %q to %q, but the field has the setter marker %q: change the setter's value instead, or apply-setters will undo this",
						old, u.dst.String(), strings.TrimSpace(u.field.Node.LineComment))
					continue
				}
				res.Report(fn.Info, u.subject, u.field.Path, "rewritten from %q to %q: %s is not reachable from private nodes", old, u.dst.String(), reference.Domain(u.named))
			}
			return nil
		})
	}
}
