// Package e2e runs the end-to-end cases under testdata/ through the real kpt
// binary: `kpt fn eval --exec` with a freshly built function binary, and
// `kpt fn render` with the function images run by podman. The tests skip
// unless LOCKDOWN_E2E=1, so that `go test ./...` needs nothing but Go:
//
//	scripts/tools.sh && LOCKDOWN_E2E=1 go test ./e2e/
//
// A case is a directory testdata/<function>/<case>/ holding
//
//	case.yaml      how kpt runs it: command, args, exit code, output
//	               (see caseSpec in e2e_test.go)
//	input/         the kpt package before the run (or case.yaml's input:,
//	               a folder elsewhere, for a blueprint as shipped)
//	config.yaml    the function config for kpt fn eval (optional)
//	expected/      the package after the run; absent when kpt must fail,
//	               for then the package must stay exactly as it was
//	expected.diff  instead of expected/, with expectDiff: what the
//	               functions changed (for the 8.6 MB Kubeflow install)
//
// and nothing else: the test refuses any other name, so that a file under
// an old or misspelt name fails the case instead of being left out of it.
//
// These are the words of the unit cases (functions/<f>/testdata/<case>/,
// run by internal/testing/fntest): input, config.yaml, expected. A unit case's
// input and expected are files of objects (input.yaml, expected.yaml); an
// end-to-end case's are folders, since kpt reads and writes a package, with
// its Kptfile and its files. config.yaml is the function config in both.
// The one word of its own is case.yaml: how kpt is run, which a unit case
// does not need. Its results are kpt's printed output (outputContains),
// where a unit case has results.yaml.
//
// The kpt catalog's tests use another layout: the case folder is the
// package itself, and a hidden .expected/ folder holds config.yaml (how to
// run it: kpt's testType, exitCode, args), diff.patch (the expected change)
// and results.yaml. It is not used here, for three reasons. Its config.yaml
// would be the test's settings, where in every unit case here it is the
// function config: one word, two meanings. Its expected output is a diff
// only, where a reviewed expected/ tree reads as the user's files will
// (this package keeps a diff, expected.diff, only for the Kubeflow
// install, too large to copy). And no tool here runs the catalog's
// harness, so its layout would buy no compatibility: the cases are run by
// this package alone.
//
// TestLive (live_test.go) renders every blueprint and applies it with
// `kpt live apply --server-side` to a kube-apiserver and etcd that
// scripts/apiserver.sh builds and starts on loopback, then checks
// `kpt live status` and `kpt live destroy`.
//
// After changing a function, rewrite expected/ and expected.diff, and
// review the diff:
//
//	LOCKDOWN_E2E=1 go test ./e2e/ -update && git diff testdata/
package e2e
