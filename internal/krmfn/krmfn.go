// Package krmfn wires a lockdown function into the kpt function SDK the
// same way for every function: read the config strictly, validate it, run,
// and report. A run that records an error leaves the package as it was:
// the items it returns are dropped and the process exits non-zero.
package krmfn

import (
	"io"
	"os"
	"runtime/debug"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/intake"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Input is what a function's Run receives.
type Input[C any] struct {
	Config  *C
	Source  fnconfig.Source // where the config came from, for field paths
	Items   fn.KubeObjects
	Results *results.Collector
}

// Validator is implemented by configs that check themselves before the run.
type Validator interface {
	Validate(src fnconfig.Source, res *results.Collector)
}

// Processor adapts a function to fn.ResourceListProcessor.
type Processor[C any] struct {
	// Kind is the typed config kind, e.g. "PrivateCluster".
	Kind string
	// Defaults returns the config the user's settings are applied on.
	Defaults func() C
	// Run does the work and returns the new item list. A mutator edits items
	// in place, and must record every error before its first edit; a
	// generator returns a new list, which is dropped on error.
	Run func(in Input[C]) fn.KubeObjects
}

var _ fn.ResourceListProcessor = Processor[struct{}]{}

// Process implements fn.ResourceListProcessor.
func (p Processor[C]) Process(rl *fn.ResourceList) (ok bool, err error) {
	var res results.Collector
	defer func() {
		// A panic is a bug in lockdown; it still must not crash kpt's
		// pipeline without a word, so it becomes an error result.
		if r := recover(); r != nil {
			res.Error(nil, "", "internal error in %s: %v; please report this with the input\n%s", p.Kind, r, debug.Stack())
			rl.Results = append(rl.Results, res.Results()...)
			ok, err = false, nil
		}
	}()
	if !intake.Read(rl, &res) {
		rl.Results = append(rl.Results, res.Results()...)
		return false, nil
	}
	cfg := p.Defaults()
	src, loaded := fnconfig.Load(rl.FunctionConfig, p.Kind, &cfg, &res)
	if v, isValidator := any(&cfg).(Validator); loaded && isValidator {
		v.Validate(src, &res)
	}
	if loaded && !res.HasErrors() {
		items := p.Run(Input[C]{Config: &cfg, Source: src, Items: rl.Items, Results: &res})
		if !res.HasErrors() {
			rl.Items = items
		}
	}
	rl.Results = append(rl.Results, res.Results()...)
	return !res.HasErrors(), nil
}

// Main runs processor as the program's main and returns the exit code.
// A run on stdin goes through Evaluate; --help, --doc and files named on the
// command line go to the SDK.
func Main(processor fn.ResourceListProcessor, opts ...fn.Option) int {
	if len(os.Args) > 1 {
		if err := fn.AsMain(processor, opts...); err != nil {
			return 1
		}
		return 0
	}
	in, err := readStdin()
	if err != nil {
		fn.Logf("failed to evaluate function: unable to read from stdin: %v", err)
		return 1
	}
	out, err := Evaluate(processor, in)
	if _, werr := os.Stdout.Write(out); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		fn.Logf("failed to evaluate function: %v", err)
		return 1
	}
	return 0
}

// readStdin reads the whole of stdin. When stdin is a file (a shell's
// redirection, as in scripts/bench.sh) it reads into one buffer of the
// file's size, as os.ReadFile does; from a pipe (kpt's way) it grows the
// buffer as io.ReadAll does. On the bench input (176 MB) the file's way
// takes a fourth of the time: growing a buffer that large zeroes and
// copies it several times over.
func readStdin() ([]byte, error) {
	size := 0
	if st, err := os.Stdin.Stat(); err == nil && st.Mode().IsRegular() {
		size = int(st.Size()) // from where stdin stands, it may be less
	}
	if size == 0 {
		return io.ReadAll(os.Stdin)
	}
	in := make([]byte, 0, size+1) // one more, to see the end without growing
	for {
		n, err := os.Stdin.Read(in[len(in):cap(in)])
		in = in[:len(in)+n]
		if err == io.EOF {
			return in, nil
		}
		if err != nil {
			return in, err
		}
		if len(in) == cap(in) { // the file grew: go on as io.ReadAll
			rest, err := io.ReadAll(os.Stdin)
			return append(in, rest...), err
		}
	}
}

// Identity is a processor that returns its input unchanged. It is the
// baseline benchmarks compare every function against: the SDK's own cost
// of reading and writing the ResourceList.
var Identity = fn.ResourceListProcessorFunc(func(*fn.ResourceList) (bool, error) { return true, nil })
