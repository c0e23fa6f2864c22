// Package crdschema validates objects against the openAPI schemas of their
// CRDs with kube-apiserver's own code (k8s.io/apiextensions-apiserver), so
// that a test fails on exactly what `kpt live apply --server-side` would
// reject: unknown fields (strict field validation), wrong types, enums,
// patterns, required fields and x-kubernetes-validations rules.
//
// Tests use CheckKCC and CheckKCCYAML, which load the Config Connector CRDs
// of the module version pinned in go.mod once per test process, and
// CheckKyverno and CheckKyvernoYAML, which load Kyverno's CRDs of
// KyvernoVersion the same way.
package crdschema

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// KCCModule is the Go module whose config/crds/resources holds the Config
// Connector CRDs; its version is the one go.mod pins.
const KCCModule = "github.com/GoogleCloudPlatform/k8s-config-connector"

// Set is the schemas of a set of CRDs, one entry per served version.
type Set struct {
	versions map[schema.GroupVersionKind]*version
}

type version struct {
	structural *structuralschema.Structural
	validator  validation.SchemaValidator
	cel        *cel.Validator // nil when the schema has no rules
}

// Load reads every *.yaml file of each folder and keeps the
// CustomResourceDefinitions (apiextensions.k8s.io/v1) among their
// documents. A folder without one is an error.
func Load(dirs ...string) (*Set, error) {
	s := &Set{versions: map[schema.GroupVersionKind]*version{}}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no CRD files in %s", dir)
		}
		for _, file := range files {
			if err := s.loadFile(file); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
		}
	}
	return s, nil
}

// Len is the number of group/version/kinds in the set.
func (s *Set) Len() int { return len(s.versions) }

func (s *Set) loadFile(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := utilyaml.NewYAMLReader(bufio.NewReader(f))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal(doc, &crd); err != nil {
			return err
		}
		if crd.APIVersion != apiextensionsv1.SchemeGroupVersion.String() || crd.Kind != "CustomResourceDefinition" {
			continue
		}
		if err := s.add(&crd); err != nil {
			return fmt.Errorf("CRD %s: %w", crd.Name, err)
		}
	}
}

// add converts each served version's schema the way the apiserver's CR
// handler does: v1 -> internal JSONSchemaProps, then structural schema,
// openAPI validator and CEL validator.
func (s *Set) add(crd *apiextensionsv1.CustomResourceDefinition) error {
	for _, v := range crd.Spec.Versions {
		if !v.Served || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			continue
		}
		var props apiextensions.JSONSchemaProps
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, &props, nil); err != nil {
			return fmt.Errorf("version %s: %w", v.Name, err)
		}
		structural, err := structuralschema.NewStructural(&props)
		if err != nil {
			return fmt.Errorf("version %s: %w", v.Name, err)
		}
		validator, _, err := validation.NewSchemaValidator(&props)
		if err != nil {
			return fmt.Errorf("version %s: %w", v.Name, err)
		}
		gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
		s.versions[gvk] = &version{
			structural: structural,
			validator:  validator,
			cel:        cel.NewValidator(structural, true, celconfig.PerCallLimit),
		}
	}
	return nil
}

// Validate returns what kube-apiserver would reject in obj on create with
// strict field validation, one line per problem, each naming its field path.
// obj is not modified.
func (s *Set) Validate(obj map[string]any) []string {
	// A JSON round trip is both the deep copy that pruning needs and the
	// number normalisation (int64/float64) the apiserver's decoder does.
	raw, err := json.Marshal(obj)
	if err != nil {
		return []string{err.Error()}
	}
	var u map[string]any
	if err := utiljson.Unmarshal(raw, &u); err != nil {
		return []string{err.Error()}
	}

	apiVersion, _ := u["apiVersion"].(string)
	kind, _ := u["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return []string{err.Error()}
	}
	v := s.versions[gv.WithKind(kind)]
	if v == nil {
		return []string{fmt.Sprintf("no CRD for %s, kind %s", apiVersion, kind)}
	}

	var problems []string
	// metadata is decoded into ObjectMeta, not checked against the CRD
	// schema; strict decoding reports unknown metadata fields.
	_, _, unknownMeta, err := objectmeta.GetObjectMetaWithOptions(u, objectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		problems = append(problems, "metadata: "+err.Error())
	}
	for _, p := range unknownMeta {
		problems = append(problems, "unknown field "+p)
	}
	if name, _, _ := unstructured.NestedString(u, "metadata", "name"); name == "" {
		problems = append(problems, field.Required(field.NewPath("metadata", "name"), "").Error())
	}

	// Decoding: prune unknown fields (reported as strict validation does),
	// drop nulls the schema does not allow, apply defaults.
	for _, p := range pruning.PruneWithOptions(u, v.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}) {
		problems = append(problems, "unknown field "+p)
	}
	defaulting.PruneNonNullableNullsWithoutDefaults(u, v.structural)
	defaulting.Default(u, v.structural)

	// Validation, as customResourceStrategy.Validate does it.
	ctx := context.Background()
	errs := validation.ValidateCustomResource(nil, u, v.validator)
	errs = append(errs, objectmeta.Validate(ctx, nil, u, v.structural, false)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, v.structural, u)...)
	// Like the apiserver, skip the CEL rules after an error that could make
	// them evaluate values of the wrong shape.
	if v.cel != nil && !hasBlockingErr(errs) {
		celErrs, _ := v.cel.Validate(ctx, nil, v.structural, u, nil, celconfig.RuntimeCELCostBudget)
		errs = append(errs, celErrs...)
	}
	for _, e := range errs {
		problems = append(problems, e.Error())
	}
	sort.Strings(problems)
	return problems
}

// hasBlockingErr is the apiserver's list (registry/customresource) of the
// error types after which it does not run the CEL rules.
func hasBlockingErr(errs field.ErrorList) bool {
	for _, e := range errs {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong,
			field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true
		}
	}
	return false
}

// KCCDir is the config/crds/resources folder of the Config Connector module
// version that go.mod requires, from the module cache. `go list` runs from
// the module root so that it answers the same from any test directory.
func KCCDir() (string, error) {
	gomod, err := goCmd("", "env", "GOMOD")
	if err != nil {
		return "", err
	}
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	dir, err := goCmd(filepath.Dir(gomod), "list", "-m", "-f", "{{.Dir}}", KCCModule)
	if err != nil {
		return "", err
	}
	if dir == "" {
		return "", fmt.Errorf("%s is not in the module cache (run go mod download)", KCCModule)
	}
	return filepath.Join(dir, "config", "crds", "resources"), nil
}

func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

var kcc struct {
	once sync.Once
	set  *Set
	err  error
}

// KCC is the set of Config Connector CRDs, loaded once per process.
func KCC() (*Set, error) {
	kcc.once.Do(func() {
		dir, err := KCCDir()
		if err != nil {
			kcc.err = err
			return
		}
		// The operator's CRDs (ConfigConnector, ConfigConnectorContext,
		// the deployer objects a package may hold) ship in the same
		// module, beside the resources'.
		operator := filepath.Join(dir, "..", "..", "..", "operator", "config", "crd", "bases")
		kcc.set, kcc.err = Load(dir, operator)
	})
	return kcc.set, kcc.err
}

// CheckKCC fails t for every Config Connector object of items (group
// *.cnrm.cloud.google.com) that the apiserver would reject, naming the
// object and each problem. Other objects are skipped.
func CheckKCC(t testing.TB, items fn.KubeObjects) {
	t.Helper()
	set, err := KCC()
	if err != nil {
		t.Fatalf("cannot load the Config Connector CRDs: %v", err)
	}
	for _, item := range items {
		if !strings.HasSuffix(item.GroupVersionKind().Group, ".cnrm.cloud.google.com") {
			continue
		}
		obj, err := toMap(item)
		if err != nil {
			t.Errorf("%s %s: %v", item.GetKind(), item.GetName(), err)
			continue
		}
		if problems := set.Validate(obj); len(problems) > 0 {
			t.Errorf("%s %s does not validate against its CRD:\n  %s", item.GetKind(), item.GetName(), strings.Join(problems, "\n  "))
		}
	}
}

// CheckKCCYAML is CheckKCC for a multi-document YAML file such as a golden
// expected.yaml.
func CheckKCCYAML(t testing.TB, data []byte) {
	t.Helper()
	items, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatalf("cannot parse the objects: %v", err)
	}
	CheckKCC(t, items)
}

func toMap(o *fn.KubeObject) (map[string]any, error) {
	raw, err := yaml.YAMLToJSON([]byte(o.String()))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, utiljson.Unmarshal(raw, &m)
}

// KyvernoModule is the Go module whose config/crds/kyverno holds Kyverno's
// CRDs. It is not in go.mod: lockdown does not import Kyverno (its module
// graph is larger than lockdown's), so the version is pinned here, and
// the module is fetched into the module cache on its own.
const (
	KyvernoModule  = "github.com/kyverno/kyverno"
	KyvernoVersion = "v1.15.2"
)

// KyvernoDir is the config/crds/kyverno folder (ClusterPolicy, Policy,
// PolicyException, ...) of Kyverno KyvernoVersion in the module cache.
func KyvernoDir() (string, error) {
	dir, err := KyvernoModuleDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "config", "crds", "kyverno"), nil
}

// KyvernoModuleDir is the root of Kyverno KyvernoVersion's module in the
// module cache, where tests also read its source. `go mod download` runs
// outside the module so that it cannot touch go.mod or go.sum.
func KyvernoModuleDir() (string, error) {
	out, err := goCmd(os.TempDir(), "mod", "download", "-json", KyvernoModule+"@"+KyvernoVersion)
	if err != nil {
		return "", err
	}
	var mod struct {
		Dir   string
		Error string
	}
	if err := json.Unmarshal([]byte(out), &mod); err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", KyvernoModule, KyvernoVersion, err)
	}
	if mod.Error != "" || mod.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", KyvernoModule, KyvernoVersion, mod.Error)
	}
	return mod.Dir, nil
}

var kyverno struct {
	once sync.Once
	set  *Set
	err  error
}

// Kyverno is the set of Kyverno's CRDs, loaded once per process.
func Kyverno() (*Set, error) {
	kyverno.once.Do(func() {
		dir, err := KyvernoDir()
		if err != nil {
			kyverno.err = err
			return
		}
		kyverno.set, kyverno.err = Load(dir)
	})
	return kyverno.set, kyverno.err
}

// CheckKyverno fails t for every Kyverno object of items (group
// kyverno.io) that the apiserver would reject with Kyverno's CRDs
// installed, naming the object and each problem, and returns how many
// Kyverno objects it checked. Other objects are skipped.
func CheckKyverno(t testing.TB, items fn.KubeObjects) int {
	t.Helper()
	set, err := Kyverno()
	if err != nil {
		t.Fatalf("cannot load the Kyverno CRDs: %v", err)
	}
	checked := 0
	for _, item := range items {
		if item.GroupVersionKind().Group != "kyverno.io" {
			continue
		}
		checked++
		obj, err := toMap(item)
		if err != nil {
			t.Errorf("%s %s: %v", item.GetKind(), item.GetName(), err)
			continue
		}
		if problems := set.Validate(obj); len(problems) > 0 {
			t.Errorf("%s %s does not validate against Kyverno %s's CRD:\n  %s", item.GetKind(), item.GetName(), KyvernoVersion, strings.Join(problems, "\n  "))
		}
	}
	return checked
}

// CheckKyvernoYAML is CheckKyverno for a multi-document YAML file such as a
// golden expected.yaml.
func CheckKyvernoYAML(t testing.TB, data []byte) int {
	t.Helper()
	items, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatalf("cannot parse the objects: %v", err)
	}
	return CheckKyverno(t, items)
}
