#!/usr/bin/env bash
# staticcheck.sh: the static checks `make test` runs after go vet.
#
#   staticcheck   honnef.co/go/tools, every default check, tests included
#   deadcode      golang.org/x/tools/cmd/deadcode from the commands under
#                 cmd/ (and the bench-input command): a function no
#                 command reaches is dead, unless it lives in a test-only
#                 package (internal/testing/), whose callers are tests; and
#                 from the tests too: a function nothing reaches at all
#
# Both are built once from the Go module proxy, at the pinned versions
# below, into the user cache folder (outside the work tree):
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/lockdown/tools-<versions>/
set -euo pipefail

staticcheck_version=v0.8.2 # honnef.co/go/tools (staticcheck 2026.x), builds with Go 1.26
deadcode_version=v0.52.0   # golang.org/x/tools

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${XDG_CACHE_HOME:-$HOME/.cache}/lockdown/tools-staticcheck-$staticcheck_version-deadcode-$deadcode_version
cd "$repo"

if [ ! -x "$bin/staticcheck" ]; then
	echo "staticcheck.sh: building staticcheck $staticcheck_version into $bin" >&2
	GOBIN=$bin go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
fi
if [ ! -x "$bin/deadcode" ]; then
	echo "staticcheck.sh: building deadcode $deadcode_version into $bin" >&2
	GOBIN=$bin go install "golang.org/x/tools/cmd/deadcode@$deadcode_version"
fi

"$bin/staticcheck" ./...
(cd tests/cloudbuild && "$bin/staticcheck" ./...)
(cd tests/netpol && "$bin/staticcheck" ./...)

# deadcode names each unreachable function as "file:line:col: unreachable
# func: Name"; test-only packages are reached from tests alone. The
# methods by which config types read themselves (fnconfig.ConfigMapValue's
# SetFromConfigMap, fnconfig.Value's Parse) are called through reflection,
# which deadcode's analysis does not follow.
reflective='unreachable func: [A-Za-z]*\.\(SetFromConfigMap\|Parse\)$'
dead=$(
	"$bin/deadcode" ./... | grep -v -e '^internal/testing/' -e "$reflective" || true
	"$bin/deadcode" -test ./... | grep -v -e "$reflective" || true
)
if [ -n "$dead" ]; then
	echo "$dead"
	echo "staticcheck.sh: the functions above are reached by no command: delete them (or, if only tests use them, move them into a _test.go file or internal/testing/)" >&2
	exit 1
fi
