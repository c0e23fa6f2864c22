package results

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
)

func parse(t *testing.T, text string) *fn.KubeObject {
	t.Helper()
	obj, err := fn.ParseKubeObject([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// object builds a ConfigMap with the given annotations.
func object(t *testing.T, name, namespace string, annotations map[string]string) *fn.KubeObject {
	t.Helper()
	obj := parse(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "+name+"\n")
	if namespace != "" {
		if err := obj.SetNamespace(namespace); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range annotations {
		if err := obj.SetAnnotation(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return obj
}

func TestFileOf(t *testing.T) {
	for _, tc := range []struct {
		name        string
		annotations map[string]string
		want        *fn.File
		wantPath    string
	}{
		{name: "no annotations", want: nil},
		{name: "internal", annotations: map[string]string{fn.PathAnnotation: "a.yaml", fn.IndexAnnotation: "2"},
			want: &fn.File{Path: "a.yaml", Index: 2}, wantPath: "a.yaml"},
		{name: "legacy", annotations: map[string]string{LegacyPathAnnotation: "b.yaml", LegacyIndexAnnotation: "3"},
			want: &fn.File{Path: "b.yaml", Index: 3}, wantPath: "b.yaml"},
		{name: "internal preferred over legacy", annotations: map[string]string{
			fn.PathAnnotation: "new.yaml", fn.IndexAnnotation: "1",
			LegacyPathAnnotation: "old.yaml", LegacyIndexAnnotation: "7",
		}, want: &fn.File{Path: "new.yaml", Index: 1}, wantPath: "new.yaml"},
		{name: "internal path, legacy index", annotations: map[string]string{fn.PathAnnotation: "a.yaml", LegacyIndexAnnotation: "4"},
			want: &fn.File{Path: "a.yaml", Index: 4}, wantPath: "a.yaml"},
		{name: "path without index", annotations: map[string]string{fn.PathAnnotation: "a.yaml"},
			want: &fn.File{Path: "a.yaml"}, wantPath: "a.yaml"},
		{name: "bad index", annotations: map[string]string{fn.PathAnnotation: "a.yaml", fn.IndexAnnotation: "x"},
			want: &fn.File{Path: "a.yaml"}, wantPath: "a.yaml"},
		{name: "index without path", annotations: map[string]string{fn.IndexAnnotation: "3"}, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj := object(t, "cm", "", tc.annotations)
			if diff := cmp.Diff(tc.want, FileOf(obj)); diff != "" {
				t.Errorf("FileOf (-want +got):\n%s", diff)
			}
			if got := FilePath(obj); got != tc.wantPath {
				t.Errorf("FilePath = %q, want %q", got, tc.wantPath)
			}
		})
	}
}

// TestDescribe holds the one way objects are named in messages.
func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		obj        *fn.KubeObject
		name, want string
	}{
		{object(t, "a", "", nil), "ConfigMap a", "ConfigMap a"},
		{object(t, "a", "ns", nil), "ConfigMap ns/a", "ConfigMap ns/a"},
		{object(t, "a", "ns", map[string]string{LegacyPathAnnotation: "x/cm.yaml"}), "ConfigMap ns/a", "ConfigMap ns/a (x/cm.yaml)"},
		{object(t, "a", "", map[string]string{fn.PathAnnotation: "cm.yaml"}), "ConfigMap a", "ConfigMap a (cm.yaml)"},
		{nil, "an object", "an object"},
	} {
		if got := Name(tc.obj); got != tc.name {
			t.Errorf("Name = %q, want %q", got, tc.name)
		}
		if got := Describe(tc.obj); got != tc.want {
			t.Errorf("Describe = %q, want %q", got, tc.want)
		}
		if got := SubjectOf(tc.obj).DescribeInFile("an object"); got != tc.want {
			t.Errorf("DescribeInFile = %q, want %q", got, tc.want)
		}
	}
}

func TestCollectorShapesResults(t *testing.T) {
	obj := object(t, "cm", "ns", map[string]string{fn.PathAnnotation: "cm.yaml", fn.IndexAnnotation: "1"})
	var c Collector
	c.Error(obj, "data.x", "bad %s %d", "value", 7)
	c.Warning(nil, "", "no object")
	c.Info(fn.NewEmptyKubeObject(), "spec", "empty object")
	subject := SubjectOf(obj)
	if err := obj.SetName("renamed"); err != nil { // Report uses what was captured
		t.Fatal(err)
	}
	c.Report(fn.Warning, subject, "", "captured")

	ref := &fn.ResourceRef{APIVersion: "v1", Kind: "ConfigMap", Name: "cm", Namespace: "ns"}
	file := &fn.File{Path: "cm.yaml", Index: 1}
	want := fn.Results{
		{Message: "no object", Severity: fn.Warning},
		{Message: "empty object", Severity: fn.Info, Field: &fn.Field{Path: "spec"}},
		{Message: "bad value 7", Severity: fn.Error, ResourceRef: ref, File: file, Field: &fn.Field{Path: "data.x"}},
		{Message: "captured", Severity: fn.Warning, ResourceRef: ref, File: file},
	}
	if diff := cmp.Diff(want, c.Results()); diff != "" {
		t.Errorf("Results (-want +got):\n%s", diff)
	}
	if !c.HasErrors() {
		t.Error("HasErrors = false after an error")
	}
}

func TestResultsSorted(t *testing.T) {
	at := func(path, index string) *fn.KubeObject {
		return object(t, path+"-"+index, "", map[string]string{fn.PathAnnotation: path, fn.IndexAnnotation: index})
	}
	var c Collector
	c.Info(at("b.yaml", "0"), "", "b0 info")
	c.Warning(at("a.yaml", "1"), "", "a1 warning")
	c.Info(at("a.yaml", "1"), "", "a1 info")
	c.Error(at("a.yaml", "1"), "", "a1 error")
	c.Error(at("b.yaml", "0"), "", "b0 error")
	c.Warning(at("a.yaml", "0"), "", "a0 warning")
	c.Info(at("a.yaml", "10"), "", "a10 info")
	c.Info(at("a.yaml", "2"), "", "a2 info")

	var got []string
	for _, r := range c.Results() {
		got = append(got, r.Message)
	}
	want := []string{"a0 warning", "a1 error", "a1 warning", "a1 info", "a2 info", "a10 info", "b0 error", "b0 info"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestResultsIsACopy(t *testing.T) {
	var c Collector
	c.Info(nil, "", "b")
	c.Info(nil, "", "a")
	first := c.Results()
	first[0] = &fn.Result{Message: "changed"}
	c.Info(nil, "", "c")
	var got []string
	for _, r := range c.Results() {
		got = append(got, r.Message)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
		t.Errorf("Results after changing an earlier copy (-want +got):\n%s", diff)
	}
}

func TestHasErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		add  func(c *Collector)
		want bool
	}{
		{"nothing", func(*Collector) {}, false},
		{"info and warning", func(c *Collector) { c.Info(nil, "", "i"); c.Warning(nil, "", "w") }, false},
		{"error", func(c *Collector) { c.Error(nil, "", "e") }, true},
		{"reported error", func(c *Collector) { c.Report(fn.Error, Subject{}, "", "e") }, true},
		{"reported warning", func(c *Collector) { c.Report(fn.Warning, Subject{}, "", "w") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Collector
			tc.add(&c)
			if got := c.HasErrors(); got != tc.want {
				t.Errorf("HasErrors = %v, want %v", got, tc.want)
			}
			if got := c.Results().ExitCode() != 0; got != tc.want {
				t.Errorf("exit code says errors = %v, want %v", got, tc.want)
			}
		})
	}
}
