// Command bench-input writes the benchmark input ResourceList to stdout,
// for the bench script's runs of the real binaries.
package main

import (
	"fmt"
	"os"

	"github.com/lockdown-krm/lockdown/internal/benchdata"
)

func main() {
	data, err := benchdata.Cached(benchdata.CorpusPath(), benchdata.Copies)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_, _ = os.Stdout.Write(data)
}
