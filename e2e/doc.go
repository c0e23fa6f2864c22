// Package e2e runs the end-to-end cases under testdata/ through the real kpt
// binary: `kpt fn eval --exec` with a freshly built function binary, and
// `kpt fn render` with the function images run by podman. The tests skip
// unless LOCKDOWN_E2E=1, so that `go test ./...` needs nothing but Go:
//
//	scripts/tools.sh && LOCKDOWN_E2E=1 go test ./e2e/
//
// A case is a directory testdata/<function>/<case>/ holding
//
//	case.yaml       how to run it (see caseSpec in e2e_test.go)
//	package/        the kpt package before the run
//	fn-config.yaml  the function config for kpt fn eval (optional)
//	expected/       the package after the run; absent when kpt must fail,
//	                for then the package must stay exactly as it was
//	expected.diff   instead of expected/, with expectDiff: what the
//	                functions changed (for the 8.6 MB Kubeflow install)
//
// TestLive (live_test.go) renders every blueprint and applies it with
// `kpt live apply --server-side` to a kube-apiserver and etcd that
// scripts/apiserver.sh builds and starts on loopback, then checks
// `kpt live status` and `kpt live destroy`.
//
// After changing a function, rewrite expected/ and review the diff:
//
//	LOCKDOWN_E2E=1 go test ./e2e/ -update && git diff testdata/
package e2e
