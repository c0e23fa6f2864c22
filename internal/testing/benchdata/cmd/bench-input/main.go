// Command bench-input writes benchmark inputs to stdout, for the bench
// script's runs of the real binaries:
//
//	bench-input                         the 10,000-object list as built
//	bench-input -after-private-cluster  the same after private-cluster, as
//	                                    the generators meet it in the
//	                                    blueprint (they need its master
//	                                    ranges and node tags)
//	bench-input -in FILE -config NAME   FILE with NAME's benchmark config
//	                                    (internal/testing/benchdata/configs)
//	bench-input -copies N               the corpus repeated N times instead
//	                                    of benchdata.Copies
//	bench-input -plain [-in FILE]       the same objects as plain YAML
//	                                    documents separated by ---, not a
//	                                    ResourceList, for tools that read
//	                                    files of objects (kyverno apply)
//	bench-input -failing < OUTPUT       reads a function's output
//	                                    ResourceList and prints the object
//	                                    of each error result, one a line,
//	                                    as namespace/Kind/name (kyverno
//	                                    apply's notation)
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/lockdown-krm/lockdown/functions/privatecluster"
	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

type options struct {
	in                  string
	copies              int
	afterPrivateCluster bool
	config              string
	plain               bool
	failing             bool
}

func main() {
	var o options
	flag.StringVar(&o.in, "in", "", "read this ResourceList instead of building the input")
	flag.IntVar(&o.copies, "copies", benchdata.Copies, "build the input from this many copies of the corpus")
	flag.BoolVar(&o.afterPrivateCluster, "after-private-cluster", false, "run private-cluster on the input first")
	flag.StringVar(&o.config, "config", "", "add this function's benchmark config")
	flag.BoolVar(&o.plain, "plain", false, "write the objects as a multi-document YAML stream, not a ResourceList")
	flag.BoolVar(&o.failing, "failing", false, "read a function's output ResourceList on stdin and print the object of each error result as namespace/Kind/name")
	flag.Parse()
	if err := o.check(flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "bench-input:", err)
		os.Exit(2)
	}
	var err error
	if o.failing {
		err = printFailing(os.Stdin, os.Stdout)
	} else {
		err = write(o)
	}
	if err != nil {
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
	case o.failing && (o.in != "" || o.copies != benchdata.Copies || o.afterPrivateCluster || o.config != "" || o.plain):
		return errors.New("-failing reads a function's output on stdin and writes no input: give it no other flag")
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

// printFailing writes failing's lines for the ResourceList read from r.
func printFailing(r io.Reader, w io.Writer) error {
	out, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	objects, err := failing(out)
	if err != nil {
		return err
	}
	for _, o := range objects {
		if _, err := fmt.Fprintln(w, o); err != nil {
			return err
		}
	}
	return nil
}

// failing returns the object of each error result of a function's output
// ResourceList, in the results' order, as namespace/Kind/name: the
// notation of kyverno apply, whose failures the bench compares with them
// (the namespace is empty for a cluster-scoped object). An error result
// about no object, or about the function config, is an error: it says
// the run itself went wrong, not that an object of the package fails.
func failing(out []byte) ([]string, error) {
	rl, err := fn.ParseResourceList(out)
	if err != nil {
		return nil, fmt.Errorf("reading the function's output: %w", err)
	}
	var objects []string
	for _, r := range rl.Results {
		if r.Severity != fn.Error {
			continue
		}
		ref := r.ResourceRef
		switch {
		case ref == nil || ref.Kind == "" || ref.Name == "":
			return nil, fmt.Errorf("an error result names no object: %s", strings.TrimSpace(r.Message))
		case isConfig(ref, rl.FunctionConfig):
			return nil, fmt.Errorf("an error result is about the function config: %s", strings.TrimSpace(r.Message))
		}
		objects = append(objects, ref.Namespace+"/"+ref.Kind+"/"+ref.Name)
	}
	return objects, nil
}

// isConfig tells whether ref names the function config.
func isConfig(ref *fn.ResourceRef, config *fn.KubeObject) bool {
	return config != nil && ref.Kind == config.GetKind() && ref.Name == config.GetName() && ref.Namespace == config.GetNamespace()
}
