package fntest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// KubeflowCorpus parses the rendered Kubeflow install of the shared corpus,
// which sits beside the project (../shared). A missing corpus fails the
// test: a skip would look green.
func KubeflowCorpus(t testing.TB) fn.KubeObjects {
	t.Helper()
	data, err := os.ReadFile(KubeflowCorpusPath())
	if err != nil {
		t.Fatalf("the Kubeflow corpus must sit beside the project (../shared): %v", err)
	}
	items, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// KubeflowCorpusPath is where the corpus is, found from this file so that
// every package's tests name the same file.
func KubeflowCorpusPath() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..", "..", "..", "shared", "corpus", "kubeflow-manifests.yaml")
}

// KubeflowIAPPath is the corpus variant's addition for a Kubeflow reached
// through Identity-Aware Proxy: the RequestAuthentication with which the
// ingress gateway checks IAP's JWT (testdata/kubeflow-iap.yaml).
func KubeflowIAPPath() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "testdata", "kubeflow-iap.yaml")
}

// KubeflowCorpusWithIAP is the corpus with that RequestAuthentication.
func KubeflowCorpusWithIAP(t testing.TB) fn.KubeObjects {
	t.Helper()
	data, err := os.ReadFile(KubeflowIAPPath())
	if err != nil {
		t.Fatal(err)
	}
	iap, err := fn.ParseKubeObjects(data)
	if err != nil {
		t.Fatal(err)
	}
	return append(KubeflowCorpus(t), iap...)
}
