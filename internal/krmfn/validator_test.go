package krmfn

import (
	"bytes"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// podsOnly reads Pods, whatever the config.
func podsOnly(*fn.KubeObject) func(string) bool {
	return func(kind string) bool { return kind == "Pod" }
}

// seenKinds is a validator that records the items it is given and says
// so in one result each, an error for a privileged-looking name. With
// only set, it looks at that kind only, as a real validator would.
type seenKinds struct {
	only string
	seen []string
}

func (s *seenKinds) Process(rl *fn.ResourceList) (bool, error) {
	ok := true
	for _, obj := range rl.Items {
		if s.only != "" && obj.GetKind() != s.only {
			continue
		}
		s.seen = append(s.seen, obj.GetKind()+"/"+obj.GetName())
		severity := fn.Info
		if obj.GetName() == "root" {
			severity, ok = fn.Error, false
		}
		rl.Results = append(rl.Results, &fn.Result{Message: "saw " + obj.GetName(), Severity: severity,
			ResourceRef: &fn.ResourceRef{Kind: obj.GetKind(), Name: obj.GetName()},
			File:        &fn.File{Path: obj.GetAnnotation("config.kubernetes.io/path")}})
	}
	return ok, nil
}

func TestValidateReadsOnlyWhatItWants(t *testing.T) {
	p := &seenKinds{}
	in := []byte(kptInput)
	out, err := validate(t, p, podsOnly, in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Pod/node-shell"}, p.seen); diff != "" {
		t.Errorf("items given to the processor (-want +got):\n%s", diff)
	}
	want := kptInput + "results:\n- file:\n    path: pod.yaml\n  message: saw node-shell\n  resourceRef:\n    name: node-shell\n    kind: Pod\n  severity: info\n"
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	// The SDK reads the same results from it as from fn.Run's output.
	regular, err := fn.Run(&seenKinds{only: "Pod"}, in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(resultsOf(t, regular), resultsOf(t, out)); diff != "" {
		t.Errorf("results (-fn.Run +Validate):\n%s", diff)
	}
}

func TestValidateError(t *testing.T) {
	in := []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: root\n")
	out, err := validate(t, &seenKinds{}, podsOnly, in)
	if err == nil {
		t.Fatal("no error for an error result")
	}
	if !bytes.HasPrefix(out, in) || !bytes.Contains(out[len(in):], []byte("severity: error")) {
		t.Errorf("output:\n%s", out)
	}
}

func TestValidateNoResults(t *testing.T) {
	in := []byte("kind: ResourceList\nitems:\n- kind: Service\n")
	out, err := validate(t, &seenKinds{}, podsOnly, in)
	if err != nil || !bytes.Equal(out, in) {
		t.Errorf("got %q, %v; want the input unchanged", out, err)
	}
}

// TestValidateFallsBack checks that what the fast path is not sure of
// gets exactly fn.Run's output: an input it does not split, and a
// processor that changes the item list.
func TestValidateFallsBack(t *testing.T) {
	flow := []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [{apiVersion: v1, kind: Pod, metadata: {name: a}}]\n")
	adds := fn.ResourceListProcessorFunc(func(rl *fn.ResourceList) (bool, error) {
		rl.Items = append(rl.Items, fn.NewEmptyKubeObject())
		return true, nil
	})
	for _, tc := range []struct {
		name string
		p    fn.ResourceListProcessor
		in   []byte
	}{
		{"flow style", &seenKinds{}, flow},
		{"not a validator", adds, []byte(kptInput)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := fn.Run(tc.p, tc.in)
			if v, _ := Validate(tc.p, podsOnly, tc.in); v.Fast {
				t.Error("Validate says it took the fast path")
			}
			got, gotErr := validate(t, tc.p, podsOnly, tc.in)
			if diff := cmp.Diff(string(want), string(got)); diff != "" || (wantErr == nil) != (gotErr == nil) {
				t.Errorf("output (-fn.Run +Validate):\n%s\nerrors %v, %v", diff, wantErr, gotErr)
			}
		})
	}
}

// TestValidateGivesReadsTheConfig checks that Reads sees the
// functionConfig, so that a config can add kinds.
func TestValidateGivesReadsTheConfig(t *testing.T) {
	var got string
	reads := func(fc *fn.KubeObject) func(string) bool {
		got, _, _ = fc.NestedString("data", "kind")
		return func(kind string) bool { return kind == got }
	}
	p := &seenKinds{}
	if _, err := validate(t, p, reads, []byte(kptInput)); err != nil {
		t.Fatal(err)
	}
	in := bytes.Replace([]byte(kptInput), []byte("data: {level: baseline}"), []byte("data: {kind: ConfigMap}"), 1)
	p = &seenKinds{}
	if _, err := validate(t, p, reads, in); err != nil {
		t.Fatal(err)
	}
	if got != "ConfigMap" || len(p.seen) != 1 || p.seen[0] != "ConfigMap/x" {
		t.Errorf("config kind %q, items seen %v", got, p.seen)
	}
}

func resultsOf(t *testing.T, out []byte) fn.Results {
	t.Helper()
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		t.Fatal(err)
	}
	return rl.Results
}

// validate runs Validate and returns its whole output; t checks that the
// fast path was taken exactly when the input and processor allow it.
func validate(t *testing.T, p fn.ResourceListProcessor, reads Reads, in []byte) ([]byte, error) {
	t.Helper()
	v, err := Validate(p, reads, in)
	if _, splits := readSelected(in, reads); v.Fast && !splits {
		t.Errorf("Validate says it took the fast path on an input it cannot split")
	}
	return slices.Concat(v.Output, v.Results), err
}
