// Package results collects a function's findings as fn.Results that always
// name the resource, the file it came from and the field path, so that every
// function reports in the same shape and kpt can show users where to look.
package results

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// The annotations through which older orchestrators tell a function where
// an object came from; kpt v1 uses fn.PathAnnotation and fn.IndexAnnotation.
// The SDK has no constants for these legacy keys (kyaml's kioutil has
// them, deprecated), yet objects still arrive with them, so they are
// declared here.
const (
	LegacyPathAnnotation  = "config.kubernetes.io/path"
	LegacyIndexAnnotation = "config.kubernetes.io/index"
)

// Collector gathers results during one function run.
type Collector struct {
	list   fn.Results
	errors int
}

// Error records an error about a field of obj. obj may be nil for findings
// that concern no single object.
func (c *Collector) Error(obj *fn.KubeObject, field, format string, args ...any) {
	c.add(fn.Error, obj, field, format, args...)
}

// Warning records a warning about a field of obj.
func (c *Collector) Warning(obj *fn.KubeObject, field, format string, args ...any) {
	c.add(fn.Warning, obj, field, format, args...)
}

// Info records an informational result about a field of obj.
func (c *Collector) Info(obj *fn.KubeObject, field, format string, args ...any) {
	c.add(fn.Info, obj, field, format, args...)
}

func (c *Collector) add(sev fn.Severity, obj *fn.KubeObject, field, format string, args ...any) {
	c.Report(sev, SubjectOf(obj), field, format, args...)
}

// Subject is the object a result is about: its reference and its file.
type Subject struct {
	Ref  *fn.ResourceRef
	File *fn.File
}

// Describe names the subject for messages: "Deployment kubeflow/x", or
// fallback when it names no object.
func (s Subject) Describe(fallback string) string {
	if s.Ref == nil {
		return fallback
	}
	name := s.Ref.Name
	if s.Ref.Namespace != "" {
		name = s.Ref.Namespace + "/" + name
	}
	return s.Ref.Kind + " " + name
}

// SubjectOf captures obj's identity; obj may be nil or empty.
func SubjectOf(obj *fn.KubeObject) Subject {
	if obj == nil || obj.IsEmpty() {
		return Subject{}
	}
	return Subject{Ref: RefOf(obj), File: FileOf(obj)}
}

// Report records a result about subject. Functions that edit an object's
// YAML node directly capture its Subject first and report through this.
func (c *Collector) Report(sev fn.Severity, subject Subject, field, format string, args ...any) {
	r := &fn.Result{Message: fmt.Sprintf(format, args...), Severity: sev, ResourceRef: subject.Ref, File: subject.File}
	if field != "" {
		r.Field = &fn.Field{Path: field}
	}
	if sev == fn.Error {
		c.errors++
	}
	c.list = append(c.list, r)
}

// HasErrors tells whether any error was recorded.
func (c *Collector) HasErrors() bool { return c.errors > 0 }

// Results returns what was collected, sorted by file, index and severity as
// kpt users expect to read them.
func (c *Collector) Results() fn.Results {
	out := append(fn.Results(nil), c.list...)
	out.Sort()
	return out
}

// RefOf names obj the way results do.
func RefOf(obj *fn.KubeObject) *fn.ResourceRef {
	return &fn.ResourceRef{
		APIVersion: obj.GetAPIVersion(),
		Kind:       obj.GetKind(),
		Name:       obj.GetName(),
		Namespace:  obj.GetNamespace(),
	}
}

// FileOf returns the file obj was read from, or nil when kpt did not say.
func FileOf(obj *fn.KubeObject) *fn.File {
	path := FilePath(obj)
	if path == "" {
		return nil
	}
	index := obj.GetAnnotation(fn.IndexAnnotation)
	if index == "" {
		index = obj.GetAnnotation(LegacyIndexAnnotation)
	}
	i, _ := strconv.Atoi(index)
	return &fn.File{Path: path, Index: i}
}

// FilePath returns the package path of the file obj was read from, or "".
func FilePath(obj *fn.KubeObject) string {
	if p := obj.GetAnnotation(fn.PathAnnotation); p != "" {
		return p
	}
	return obj.GetAnnotation(LegacyPathAnnotation)
}

// One way to name an object in a message, everywhere: "Kind name", or
// "Kind namespace/name" for a namespaced object, followed by its file in
// brackets where the reader must find it: "ComputeRoute kf-vip
// (network.yaml)", "Deployment kubeflow/ml-pipeline (kubeflow.yaml)".

// Name names obj for messages: "Kind name" or "Kind namespace/name".
func Name(obj *fn.KubeObject) string {
	return SubjectOf(obj).Describe("an object")
}

// Describe names obj and its file for messages: "ContainerCluster c1 (cluster.yaml)".
func Describe(obj *fn.KubeObject) string {
	return SubjectOf(obj).DescribeInFile("an object")
}

// DescribeInFile names the subject and its file: "Deployment kubeflow/x
// (kubeflow.yaml)", or fallback when it names no object.
func (s Subject) DescribeInFile(fallback string) string {
	out := s.Describe(fallback)
	if s.File != nil && s.File.Path != "" {
		out += " (" + s.File.Path + ")"
	}
	return out
}

// ListOrNone joins names for a message: "a, b", or "none" for no names.
func ListOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Keys are the objects' keys for messages that list them: "name", or
// "namespace/name" for a namespaced object.
func Keys(objs []*fn.KubeObject) []string {
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.GetName()
		if ns := o.GetNamespace(); ns != "" {
			keys[i] = ns + "/" + o.GetName()
		}
	}
	return keys
}
