package krmfn

// The fast path for validators.
//
// A validator never changes the package, and most of its time in the SDK
// goes to parsing the whole ResourceList into nodes and writing it back:
// on a package of big CRDs, over 90% of a run. Validate skips both.
// It reads the input as text, splits items: into one chunk per entry by
// the lines that start the entries ("- " at the list's indentation; the
// scanner in scan.go keeps apart the lines inside block, plain and quoted
// scalars), finds each entry's kind on its own "kind:" line, and parses
// only the entries of the kinds the validator reads (Reads), and the
// functionConfig, with the SDK. The processor then runs as always, on a
// ResourceList of just those objects, so config loading, validation and
// results are the regular code. The output is the input, byte for byte,
// with the results appended as a top-level results: list written by the
// SDK's own serializer.
//
// Whatever the splitter is not sure of goes the regular way, through
// fn.Run: an input it does not recognize (flow style, several documents,
// results already there, anchors, tabs, carriage returns, no final
// newline...), an entry whose kind it cannot read exactly (then the entry
// is parsed), a chunk the parser refuses, and a processor that changes
// the item list. What it does not do is check the YAML of the entries it
// skips: an entry it does not read, malformed in a way the splitter does
// not see, passes unnoticed where the SDK would fail. kpt writes the
// ResourceList itself, from objects it has parsed, so it never sends one.

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Reads tells, for a function config, which kinds of items a validator
// reads; it must say yes to every kind the validator may look at. The
// config may be invalid: the processor reports that, and Reads only needs
// not to fail on it.
type Reads func(functionConfig *fn.KubeObject) func(kind string) bool

// MainValidator is Main for a validator: a run on stdin takes the fast
// path of Validate; --help, --doc and files named on the command line
// go to the SDK as with Main.
func MainValidator(processor fn.ResourceListProcessor, reads Reads, opts ...fn.Option) int {
	if len(os.Args) > 1 {
		return Main(processor, opts...)
	}
	in, err := readStdin()
	if err != nil {
		fn.Logf("failed to evaluate function: unable to read from stdin: %v", err)
		return 1
	}
	v, err := Validate(processor, reads, in)
	for _, part := range [][]byte{v.Output, v.Results} {
		if _, werr := os.Stdout.Write(part); werr != nil {
			err = werr
			break
		}
	}
	if err != nil {
		fn.Logf("failed to evaluate function: %v", err)
		return 1
	}
	return 0
}

// Validation is the output of one validator run: the input unchanged (or,
// off the fast path, fn.Run's whole output) and the results list to
// write after it. The two are kept apart because joining them would copy
// the whole input once more.
type Validation struct {
	Output  []byte
	Results []byte
	// Fast tells whether the run took the fast path; off it, Output is
	// fn.Run's and Results is empty.
	Fast bool
}

// Validate is fn.Run for a processor that never changes items. It falls
// back to fn.Run whenever it is not sure to do exactly what fn.Run does.
func Validate(processor fn.ResourceListProcessor, reads Reads, in []byte) (Validation, error) {
	if mayHaveAliases(in) { // Evaluate writes aliases out before the SDK reads them
		return regularRun(processor, in)
	}
	rl, ok := readSelected(in, reads)
	if !ok {
		return regularRun(processor, in)
	}
	read := slices.Clone(rl.Items)
	success, fnErr := processor.Process(rl)
	if !slices.Equal(read, rl.Items) {
		// Not a validator after all: its items must be written out.
		return regularRun(processor, in)
	}
	results, err := resultsYAML(rl.Results)
	if err != nil {
		return regularRun(processor, in)
	}
	switch {
	case fnErr != nil:
		err = fnErr
	case !success:
		err = fmt.Errorf("error: function failure")
	}
	return Validation{Output: in, Results: results, Fast: true}, err
}

// withLists adds the List kinds to what a validator reads: intake refuses
// them (their items would be checked by nothing), and the fast path must
// not skip what the regular path refuses.
func withLists(wants func(kind string) bool) func(kind string) bool {
	return func(kind string) bool { return wants(kind) || strings.HasSuffix(kind, "List") }
}

func regularRun(processor fn.ResourceListProcessor, in []byte) (Validation, error) {
	out, err := Evaluate(processor, in)
	return Validation{Output: out}, err
}

// readSelected returns a ResourceList of the functionConfig and the items
// of the kinds reads wants, parsed by the SDK, or false when in must go
// the regular way.
func readSelected(in []byte, reads Reads) (*fn.ResourceList, bool) {
	text, ok := splitResourceList(in)
	if !ok {
		return nil, false
	}
	rl := &fn.ResourceList{FunctionConfig: fn.NewEmptyKubeObject(), Items: fn.KubeObjects{}}
	if text.functionConfig != nil {
		fc, err := fn.ParseKubeObject(text.functionConfig)
		if err != nil {
			return nil, false
		}
		rl.FunctionConfig = fc
	}
	wants := withLists(reads(rl.FunctionConfig))
	for _, it := range text.items {
		if it.kindSure && !wants(it.kind) {
			continue
		}
		obj, err := fn.ParseKubeObject(itemChunk(in, it))
		if err != nil || it.kindSure && obj.GetKind() != it.kind {
			return nil, false
		}
		if wants(obj.GetKind()) {
			rl.Items = append(rl.Items, obj)
		}
	}
	return rl, true
}

// itemChunk returns an entry's lines with its "- " made spaces: a mapping
// the parser reads alone, indented as it was.
func itemChunk(in []byte, it itemText) []byte {
	chunk := bytes.Clone(in[it.start:it.end])
	chunk[it.dashCol] = ' '
	return chunk
}

// resultsYAML writes results as a top-level results: list, as the SDK
// writes them in fn.Run; nothing for no results.
func resultsYAML(results fn.Results) ([]byte, error) {
	if len(results) == 0 {
		return nil, nil
	}
	list, err := (&fn.ResourceList{Results: results}).ToYAML()
	if err != nil {
		return nil, err
	}
	i := bytes.Index(list, []byte("\nresults:\n"))
	if i < 0 {
		return nil, fmt.Errorf("the SDK wrote no results list")
	}
	return list[i+1:], nil
}
