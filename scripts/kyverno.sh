#!/usr/bin/env bash
# kyverno.sh builds Kyverno's binaries from its Go module and prints the
# path of the one asked for:
#
#   scripts/kyverno.sh [cli]               the CLI (kubectl-kyverno): the bench
#                                          runs `kyverno apply` with it to compare
#                                          pod-security-check with Kyverno
#   scripts/kyverno.sh admission-controller
#                                          the admission controller (cmd/kyverno):
#                                          the live tests run it out of cluster
#                                          against the test API server
#
# Each is built when missing; a warm run returns at once.
#
# Kyverno is not a library made to be required: its go.mod replaces
# k8s.io/pod-security-admission with its own fork, and a replace directive
# only counts in the main module. So the build goes through a small wrapper
# module that requires Kyverno and repeats its replace directives, in the
# user cache folder (outside the work tree, keyed by version), shared by
# both binaries:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/lockdown/kyverno-<version>/
#     go.mod, go.sum                the wrapper
#     kyverno                       the CLI
#     kyverno-admission-controller  the admission controller
#     build.log                     the last build's output
#
# Kyverno's own go.sum is copied into the wrapper before the build: without
# it the go command asks the checksum database about every dependency, and
# the lookup of one of them (github.com/openreports/reports-api at the
# pseudo-version Kyverno pins) answers 404. The Go module and build caches stay
# where go env puts them, outside the wrapper folder, so deleting the folder
# forces a relink, not a download.
#
# A cold build of either takes about 7 minutes on 2 idle cores (11 with the
# cores shared) and 2.4 GB of memory; the second shares the first's
# compiled packages. `make bench` builds the CLI, `make e2e` the admission
# controller.
set -euo pipefail

version=v1.15.2
module=github.com/kyverno/kyverno

fail() {
	echo "kyverno.sh: $*" >&2
	exit 1
}

dir=${XDG_CACHE_HOME:-$HOME/.cache}/lockdown/kyverno-$version
log=$dir/build.log
# what names the binary; check runs the built one to see that it starts.
what=${1:-cli}
case $what in
cli)
	package=$module/cmd/cli/kubectl-kyverno
	binary=$dir/kyverno
	check=(version)
	;;
admission-controller)
	package=$module/cmd/kyverno
	binary=$dir/kyverno-admission-controller
	# Its flags parse before it needs a cluster: --help prints them and
	# exits (0 or 2, by how the flag set was made).
	check=(--help)
	;;
*)
	echo "usage: scripts/kyverno.sh [cli | admission-controller]" >&2
	exit 2
	;;
esac

if [ -x "$binary" ]; then
	echo "$binary"
	exit 0
fi

command -v go >/dev/null || fail "go not found on PATH: Kyverno's $what is built from its Go module"
mkdir -p "$dir" || fail "cannot create the wrapper folder $dir"
cd "$dir"
# Two builds may start at once (two benches, or a bench and the tests):
# the second waits for the first.
if command -v flock >/dev/null; then
	exec 9>"$dir/.lock"
	flock 9
	if [ -x "$binary" ]; then
		echo "$binary"
		exit 0
	fi
fi
# The wrapper folder may sit under some other Go module or workspace: this
# keeps the download below from reading their go.mod or go.work.
export GOWORK=off
# Never switch to another Go toolchain: that would be a download.
export GOTOOLCHAIN=local

# json_field NAME reads `go mod download -json` output on stdin and prints
# the string field NAME (the go command writes one field per line).
json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}\$/\1/p" | head -n 1; }

echo "kyverno.sh: building Kyverno $version ($what) into $dir (cold: about 7 minutes and 2.4 GB of memory)" >&2
# A wrapper left by a failed build goes first, so that the download runs
# outside any module.
rm -f go.mod go.sum "$binary.tmp"
download=$(go mod download -json "$module@$version" 2>&1) ||
	fail "go mod download $module@$version failed (is the Go module proxy reachable, GOPROXY=$(go env GOPROXY)?):
$download"
src=$(json_field Dir <<<"$download")
gomod=$(json_field GoMod <<<"$download")
sum=$(json_field Sum <<<"$download")
gomodsum=$(json_field GoModSum <<<"$download")
if [ ! -d "$src" ] || [ ! -f "$gomod" ] || [ -z "$sum" ] || [ -z "$gomodsum" ]; then
	fail "go mod download -json $module@$version did not name the module's folder, go.mod and sums:
$download"
fi
[ -f "$src/go.sum" ] || fail "$module@$version has no go.sum in $src"

# Kyverno's replace directives, one line each, whether written on one line
# or in a block, without comments.
replaces=$(awk '
	{ sub(/[[:space:]]*\/\/.*/, "") }
	/^replace[[:space:]]*\($/ { block = 1; next }
	block && /^\)/ { block = 0; next }
	block && NF { print "replace " $0; next }
	/^replace[[:space:]]/ { print }
' "$gomod")
if grep -Eq '=>[[:space:]]*[./]' <<<"$replaces"; then
	fail "$module@$version replaces a module with a local folder, which a wrapper cannot repeat:
$replaces"
fi
go_line=$(awk '$1 == "go" { print; exit }' "$gomod")

# go.sum first, then go.mod: the go command must never see the wrapper
# without Kyverno's sums. Kyverno's own sums come from the download, which
# checked them.
cp "$src/go.sum" go.sum || fail "cannot copy $src/go.sum into $dir"
chmod u+w go.sum
printf '%s %s %s\n%s %s/go.mod %s\n' "$module" "$version" "$sum" "$module" "$version" "$gomodsum" >>go.sum
cat >go.mod <<EOF
// Wrapper that builds Kyverno's binaries: written by lockdown's scripts/kyverno.sh.
module lockdown.invalid/kyverno-wrapper

${go_line:-go 1.24}

require $module $version

$replaces
EOF

# Kyverno's go.sum covers its whole build, and its go.mod lists every
# module it needs, so the wrapper's two lines suffice. -mod=mod is for the
# day they do not: the go command then adds what is missing (and says so in
# the log) instead of stopping. The version is stamped the way Kyverno's
# Makefile does: the wrapper is the main module, so the build info would
# say (devel).
start=$SECONDS
if ! CGO_ENABLED=0 GOFLAGS="$(go env GOFLAGS) -mod=mod" go build -trimpath \
	-ldflags "-s -w -X $module/pkg/version.BuildVersion=$version" \
	-o "$binary.tmp" "$package" >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	fail "go build $package ($version) failed in the wrapper module $dir after $((SECONDS - start)) s (full log: $log)"
fi
status=0
"$binary.tmp" "${check[@]}" >>"$log" 2>&1 || status=$?
# 2 is the flag package's exit after -help.
if [ "$status" -ne 0 ] && ! { [ "$what" = admission-controller ] && [ "$status" -eq 2 ]; }; then
	fail "Kyverno's $what built but '$binary.tmp ${check[*]}' fails with $status (see $log)"
fi
mv "$binary.tmp" "$binary"
echo "kyverno.sh: built in $((SECONDS - start)) s" >&2
echo "$binary"
