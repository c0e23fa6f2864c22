// Command bench-input writes benchmark inputs to stdout, for the bench
// script's runs of the real binaries:
//
//	bench-input                         the 10,000-object list as built
//	bench-input -after-private-cluster  the same after private-cluster, as
//	                                    the generators meet it in the
//	                                    blueprint (they need its master
//	                                    ranges and node tags)
//	bench-input -in FILE -config NAME   FILE with NAME's benchmark config
//	                                    (internal/benchdata/configs)
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/privatecluster"
	"github.com/lockdown-krm/lockdown/internal/benchdata"
)

func main() {
	afterPrivateCluster := flag.Bool("after-private-cluster", false, "run private-cluster on the input first")
	in := flag.String("in", "", "read this ResourceList instead of building the input")
	config := flag.String("config", "", "add this function's benchmark config")
	flag.Parse()
	if err := write(*in, *afterPrivateCluster, *config); err != nil {
		fmt.Fprintln(os.Stderr, "bench-input:", err)
		os.Exit(1)
	}
}

func write(in string, afterPrivateCluster bool, config string) error {
	var data []byte
	var err error
	if in != "" {
		data, err = os.ReadFile(in)
	} else {
		data, err = benchdata.Cached(benchdata.CorpusPath(), benchdata.Copies)
	}
	if err != nil {
		return err
	}
	if afterPrivateCluster {
		if data, err = runPrivateCluster(data); err != nil {
			return err
		}
	}
	if config != "" {
		if data, err = benchdata.WithConfig(data, config); err != nil {
			return err
		}
	}
	_, err = os.Stdout.Write(data)
	return err
}

// runPrivateCluster returns private-cluster's output items alone, without
// its results, as kpt hands them to the next function of a pipeline.
func runPrivateCluster(data []byte) ([]byte, error) {
	out, err := fn.Run(privatecluster.Processor(), data)
	if err != nil {
		return nil, fmt.Errorf("private-cluster on the input: %w", err)
	}
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		return nil, err
	}
	rl.Results, rl.FunctionConfig = nil, fn.NewEmptyKubeObject()
	return rl.ToYAML()
}
