package images

import (
	"fmt"

	"github.com/distribution/reference"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// Image is an image field of an object read as an image reference.
type Image struct {
	Field Field
	Named reference.Named
}

// Problem is an image field that nothing can pull, and what to tell the
// user about it. Message does not name the object: the caller does, as
// its results do.
type Problem struct {
	Path    string
	Message string
}

// ImagesOf returns the image fields of obj (FieldsOf) read as references
// the way the container runtime normalizes them (busybox is
// docker.io/library/busybox), and a problem for each field that is not a
// string or not a reference: the fields that are not strings first, then
// the others in field order. image-mirror and lint both read images
// through this, so a field one of them rewrites or reports is a field the
// other sees.
func (t Table) ImagesOf(obj *fn.KubeObject) ([]Image, []Problem) {
	found, notStrings := t.FieldsOf(obj)
	var problems []Problem
	for _, f := range notStrings {
		problems = append(problems, Problem{f.Path, fmt.Sprintf("%s is not a string: give the image as name[:tag][@digest]", f.Path)})
	}
	var out []Image
	for _, f := range found {
		named, err := reference.ParseNormalizedNamed(f.Node.Value)
		if err != nil {
			problems = append(problems, Problem{f.Path, fmt.Sprintf("%s is %q, which is not an image reference: %v", f.Path, f.Node.Value, err)})
			continue
		}
		out = append(out, Image{Field: f, Named: named})
	}
	return out, problems
}

// Use is an image field of a package read as a reference (ImagesOf), with
// the object it is in and that object as results name it.
type Use struct {
	Object  *fn.KubeObject
	Subject results.Subject
	Image
}

// ObjectProblem is a Problem of an image field, with the object it is in
// as results name it.
type ObjectProblem struct {
	Subject results.Subject
	Problem
}

// UsesOf reads the image fields of every object of a package (ImagesOf),
// in order: the uses, and the fields nothing can pull. image-mirror and
// lint both read a package through this; each reports the problems in its
// own results.
func (t Table) UsesOf(items fn.KubeObjects) ([]Use, []ObjectProblem) {
	var uses []Use
	var problems []ObjectProblem
	for _, obj := range items {
		found, bad := t.ImagesOf(obj)
		if len(found)+len(bad) == 0 {
			continue
		}
		subject := results.SubjectOf(obj)
		for _, p := range bad {
			problems = append(problems, ObjectProblem{subject, p})
		}
		for _, img := range found {
			uses = append(uses, Use{obj, subject, img})
		}
	}
	return uses, problems
}
