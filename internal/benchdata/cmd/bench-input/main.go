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
//	bench-input -copies N               the corpus repeated N times instead
//	                                    of benchdata.Copies
//	bench-input -plain [-in FILE]       the same objects as plain YAML
//	                                    documents separated by ---, not a
//	                                    ResourceList, for tools that read
//	                                    files of objects (kyverno apply)
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/lockdown-krm/lockdown/functions/privatecluster"
	"github.com/lockdown-krm/lockdown/internal/benchdata"
)

type options struct {
	in                  string
	copies              int
	afterPrivateCluster bool
	config              string
	plain               bool
}

func main() {
	var o options
	flag.StringVar(&o.in, "in", "", "read this ResourceList instead of building the input")
	flag.IntVar(&o.copies, "copies", benchdata.Copies, "build the input from this many copies of the corpus")
	flag.BoolVar(&o.afterPrivateCluster, "after-private-cluster", false, "run private-cluster on the input first")
	flag.StringVar(&o.config, "config", "", "add this function's benchmark config")
	flag.BoolVar(&o.plain, "plain", false, "write the objects as a multi-document YAML stream, not a ResourceList")
	flag.Parse()
	if err := o.check(flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "bench-input:", err)
		os.Exit(2)
	}
	if err := write(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench-input:", err)
		os.Exit(1)
	}
}

// check refuses flags that would be silently ignored together.
func (o options) check(args []string) error {
	switch {
	case len(args) > 0:
		return fmt.Errorf("unexpected arguments %q: every input is a flag (see -help)", args)
	case o.copies < 1:
		return fmt.Errorf("-copies %d: want at least 1", o.copies)
	case o.in != "" && o.copies != benchdata.Copies:
		return errors.New("-copies builds the input, -in reads it: use one of them")
	case o.plain && o.config != "":
		return errors.New("-plain writes the objects alone, without the functionConfig that -config adds: use one of them")
	}
	return nil
}

func write(o options) error {
	var data []byte
	var err error
	if o.in != "" {
		data, err = os.ReadFile(o.in)
	} else {
		data, err = benchdata.Cached(benchdata.CorpusPath(), o.copies)
	}
	if err != nil {
		return err
	}
	if o.afterPrivateCluster {
		if data, err = runPrivateCluster(data); err != nil {
			return err
		}
	}
	if o.config != "" {
		if data, err = benchdata.WithConfig(data, o.config); err != nil {
			return err
		}
	}
	if o.plain {
		if data, err = plainObjects(data); err != nil {
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

// plainObjects unwraps a ResourceList's items into YAML documents in the
// same order. The reader adds no annotations of its own, so the objects are
// written as the functions receive them.
func plainObjects(rl []byte) ([]byte, error) {
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(rl), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return nil, fmt.Errorf("reading the ResourceList: %w", err)
	}
	var out bytes.Buffer
	if err := (kio.ByteWriter{Writer: &out}).Write(items); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
