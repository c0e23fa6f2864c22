package facts

import (
	"strings"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/results"
)

func TestServicePerimeters(t *testing.T) {
	var res results.Collector
	pkg := Read(parseObjects(t, `
apiVersion: accesscontextmanager.cnrm.cloud.google.com/v1beta1
kind: AccessContextManagerServicePerimeter
metadata: {name: both}
spec:
  accessPolicyRef: {external: accessPolicies/1}
  title: both
  status: {restrictedServices: [storage.googleapis.com, bigquery.googleapis.com]}
  spec: {restrictedServices: [storage.googleapis.com, container.googleapis.com]}
---
apiVersion: accesscontextmanager.cnrm.cloud.google.com/v1beta1
kind: AccessContextManagerServicePerimeter
metadata: {name: none}
spec: {accessPolicyRef: {external: accessPolicies/1}, title: none}
---
apiVersion: accesscontextmanager.cnrm.cloud.google.com/v1beta1
kind: AccessContextManagerServicePerimeter
metadata: {name: broken}
spec: {status: {restrictedServices: storage.googleapis.com}}
---
apiVersion: example.com/v1
kind: AccessContextManagerServicePerimeter
metadata: {name: not-kcc}
spec: {status: {restrictedServices: [storage.googleapis.com]}}
`), &res)
	var got []string
	for _, s := range pkg.ServicePerimeters() {
		got = append(got, s.Object.GetName()+": "+strings.Join(s.RestrictedServices(), ","))
	}
	want := "both: bigquery.googleapis.com,container.googleapis.com,storage.googleapis.com\nnone: "
	if strings.Join(got, "\n") != want {
		t.Errorf("perimeters:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	if errs := res.Results(); len(errs) != 1 || errs[0].ResourceRef.Name != "broken" {
		t.Errorf("want one error, for the broken perimeter: %v", errs)
	}
}
