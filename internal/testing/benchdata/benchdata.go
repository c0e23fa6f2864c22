// Package benchdata builds the input every lockdown benchmark runs on: the
// Kubeflow corpus repeated to about 10,000 objects with unique names, each
// copy with its own network, subnetwork, cluster and node pool, so that
// every function has real work to do on a package of realistic size.
package benchdata

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Copies is how many times the 503-object corpus is repeated.
const Copies = 20

// CorpusPath is where the Kubeflow corpus sits, relative to this package.
func CorpusPath() string {
	return filepath.Join(packageDir(), "..", "..", "..", "..", "shared", "corpus", "kubeflow-manifests.yaml")
}

// version changes whenever Build makes a different input, so that a cached
// input from an older build is not reused.
const version = 2

// ResourceList returns the benchmark input as a serialized ResourceList.
// Building it takes most of a minute, so it is cached outside the work tree
// (in the user cache folder), keyed by the corpus's size and time.
func ResourceList(tb testing.TB) []byte {
	tb.Helper()
	out, err := Cached(CorpusPath(), Copies)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Cached returns Build's output from the cache, building it when missing.
func Cached(corpus string, copies int) ([]byte, error) {
	st, err := os.Stat(corpus)
	if err != nil {
		return nil, fmt.Errorf("the Kubeflow corpus must sit beside the project (../shared): %w", err)
	}
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		return Build(corpus, copies)
	}
	path := filepath.Join(cacheDir, "lockdown", "bench",
		fmt.Sprintf("kubeflow-x%d-v%d-%d-%d.yaml", copies, version, st.Size(), st.ModTime().Unix()))
	if data, err := os.ReadFile(path); err == nil {
		return data, nil
	}
	data, err := Build(corpus, copies)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
		tmp := path + ".tmp"
		if os.WriteFile(tmp, data, 0o644) == nil {
			_ = os.Rename(tmp, path)
		}
	}
	return data, nil
}

// Build repeats the corpus copies times and adds the Config Connector side.
func Build(corpus string, copies int) ([]byte, error) {
	data, err := os.ReadFile(corpus)
	if err != nil {
		return nil, fmt.Errorf("the Kubeflow corpus must sit beside the project (../shared): %w", err)
	}
	base, err := fn.ParseKubeObjects(data)
	if err != nil {
		return nil, err
	}
	var items []*yaml.RNode
	for r := range copies {
		for _, obj := range base {
			c := obj.CopyToResourceNode()
			if err := c.SetName(fmt.Sprintf("%s-r%d", obj.GetName(), r)); err != nil {
				return nil, err
			}
			items = append(items, c)
		}
		infra, err := kio.FromBytes([]byte(infrastructure(r)))
		if err != nil {
			return nil, err
		}
		items = append(items, infra...)
	}
	// The items stay in the order of their "files", as kpt sends them, not
	// in the SDK's output order: a pre-sorted input would spare the
	// identity the sort every real run pays, and make any function that
	// adds objects look slower than it is.
	var out bytes.Buffer
	w := kio.ByteWriter{Writer: &out, WrappingKind: kio.ResourceListKind, WrappingAPIVersion: kio.ResourceListAPIVersion}
	if err := w.Write(items); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// infrastructure is one copy's network, subnetwork, cluster and node pool.
func infrastructure(r int) string {
	return fmt.Sprintf(`apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeNetwork
metadata:
  name: net-%[1]d
  annotations:
    cnrm.cloud.google.com/project-id: bench-project
spec:
  autoCreateSubnetworks: false
  deleteDefaultRoutesOnCreate: true
---
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeSubnetwork
metadata:
  name: subnet-%[1]d
  annotations:
    cnrm.cloud.google.com/project-id: bench-project
spec:
  region: us-central1
  ipCidrRange: 10.%[1]d.0.0/20
  networkRef:
    name: net-%[1]d
  secondaryIpRange:
  - rangeName: pods
    ipCidrRange: 10.%[2]d.0.0/16
  - rangeName: services
    ipCidrRange: 10.%[3]d.0.0/20
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerCluster
metadata:
  name: cluster-%[1]d # kpt-set: ${cluster-name}
  annotations:
    cnrm.cloud.google.com/project-id: bench-project
spec:
  location: us-central1
  initialNodeCount: 1
  networkRef:
    name: net-%[1]d
  subnetworkRef:
    name: subnet-%[1]d
---
apiVersion: container.cnrm.cloud.google.com/v1beta1
kind: ContainerNodePool
metadata:
  name: pool-%[1]d
  annotations:
    cnrm.cloud.google.com/project-id: bench-project
spec:
  location: us-central1
  clusterRef:
    name: cluster-%[1]d
  nodeConfig:
    machineType: e2-standard-8
`, r, 100+r, 200+r)
}

// Run benchmarks processor on input: the whole fn.Run, parse to output,
// as kpt drives it.
func Run(b *testing.B, processor fn.ResourceListProcessor, input []byte) {
	b.Helper()
	b.ReportAllocs()
	b.SetBytes(int64(len(input)))
	for b.Loop() {
		if _, err := fn.Run(processor, input); err != nil {
			b.Fatal(err)
		}
	}
}

// WithConfig adds the benchmark config of function (configs/<function>.yaml
// beside this file), when it has one, to a serialized ResourceList that has
// no functionConfig. Parsing and writing 176 MB again would cost more than
// a benchmark run, so the config is appended as one more top-level key.
func WithConfig(rl []byte, function string) ([]byte, error) {
	config, err := os.ReadFile(filepath.Join(packageDir(), "configs", function+".yaml"))
	if errors.Is(err, fs.ErrNotExist) {
		return rl, nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := fn.ParseKubeObject(config); err != nil {
		return nil, fmt.Errorf("configs/%s.yaml: %w", function, err)
	}
	if bytes.Contains(rl, []byte("\nfunctionConfig:")) || !bytes.HasSuffix(rl, []byte("\n")) {
		return nil, fmt.Errorf("the input already has a functionConfig, or does not end a line")
	}
	out := bytes.NewBuffer(bytes.Clone(rl))
	out.WriteString("functionConfig:\n")
	for line := range strings.Lines(string(config)) {
		if !strings.HasPrefix(line, "#") {
			out.WriteString("  " + line)
		}
	}
	return out.Bytes(), nil
}

// packageDir is this package's source folder, where the corpus path and the
// configs are found from whatever folder a benchmark or command runs in.
func packageDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}
