// Command identity returns its input unchanged. It is built with the same
// SDK as the lockdown functions and is the baseline every benchmark
// compares them against.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// doc is what --help prints. The identity has no README and no catalog
// metadata.yaml: it is a benchmark baseline, never published
// (scripts/publish.sh skips it), but whoever finds its image should still
// learn what it is. Giving it docs like the functions also keeps its
// startup the same as theirs, which the benchmarks compare.
var doc = []byte(`# identity

A KRM function that changes nothing: it reads the ResourceList and writes
its objects back as they are, whatever its config. It is built with the
same SDK and options as the lockdown functions, and is the baseline their
benchmarks (scripts/bench.sh, scripts/bench-render.sh) compare them
against: the cost of reading and writing the ResourceList.
`)

func main() {
	os.Exit(krmfn.Main(krmfn.Identity, fn.WithDocs(doc, nil)))
}
