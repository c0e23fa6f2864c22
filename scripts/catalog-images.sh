#!/usr/bin/env bash
# catalog-images.sh builds the kpt catalog functions the blueprints run,
# from their Go modules at pinned versions, as local images under the
# names the blueprints' Kptfiles use. kpt then runs them with
# --image-pull-policy never, exactly as it would run the published image.
#
#   scripts/catalog-images.sh [function...]             images
#   scripts/catalog-images.sh --binaries [function...]  only the binaries, in
#                                                       bin/linux_<arch>/
#
# The module is copied from Go's module cache into a build folder outside
# the work tree (its files there are read-only), built static with its own
# go.mod and go.sum, and packed with the repository's Containerfile. A warm
# run rebuilds nothing.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# shellcheck source=SCRIPTDIR/tools.sh
source scripts/tools.sh env
prebuilt=${LOCKDOWN_PREBUILT:-0} # 1: pack the binaries already in bin/, as images.sh
[ "$prebuilt" = 1 ] || lockdown_check_go

# function → Go module, version and image name. The image tag is the
# module's version: the catalog publishes each release under that tag.
declare -A module=(
	[apply-setters]=github.com/GoogleContainerTools/kpt-functions-catalog/functions/go/apply-setters
)
declare -A version=(
	[apply-setters]=v0.2.0
)
declare -A image=(
	[apply-setters]=ghcr.io/kptdev/krm-functions-catalog/apply-setters
)

cache=${XDG_CACHE_HOME:-$HOME/.cache}/lockdown/catalog
arch=$(go env GOHOSTARCH 2>/dev/null || uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')

build() {
	if [ "$prebuilt" = 1 ]; then
		[ -x "bin/linux_$arch/$1" ] && return
		echo "catalog-images.sh: LOCKDOWN_PREBUILT=1 but bin/linux_$arch/$1 is missing: build it with scripts/catalog-images.sh --binaries" >&2
		return 1
	fi
	local f=$1 mod=${module[$1]} ver=${version[$1]}
	local src dir=$cache/$f-$ver
	if [ ! -x "$dir/bin/$f" ]; then
		src=$(go mod download -json "$mod@$ver" | awk -F'"' '$2 == "Dir" {print $4}')
		if [ -z "$src" ]; then
			echo "catalog-images.sh: go mod download $mod@$ver gave no folder: is the module proxy reachable?" >&2
			return 1
		fi
		rm -rf "$dir" && mkdir -p "$dir"
		cp -r "$src/." "$dir/src" && chmod -R u+w "$dir/src"
		# The module's own go.mod and go.sum pin its dependencies; -mod=mod
		# lets go add the go.sum lines of the build's tools the old go.sum
		# lacks, without changing a version.
		(cd "$dir/src" && CGO_ENABLED=0 GOOS=linux GOARCH=$arch GOFLAGS=-mod=mod GOWORK=off \
			go build -trimpath -buildvcs=false -ldflags='-s -w' -o "$dir/bin/$f" .)
	fi
	# The Containerfile packs bin/linux_<arch>/<function>; the catalog
	# binary goes there under its own name, beside lockdown's.
	mkdir -p "bin/linux_$arch"
	cmp -s "$dir/bin/$f" "bin/linux_$arch/$f" || cp "$dir/bin/$f" "bin/linux_$arch/$f"
}

binaries_only=false
if [ "${1:-}" = --binaries ]; then
	binaries_only=true
	shift
fi
functions=("$@")
[ ${#functions[@]} -gt 0 ] || functions=("${!module[@]}")
for f in "${functions[@]}"; do
	if [ -z "${module[$f]:-}" ]; then
		echo "catalog-images.sh: no catalog function '$f': the functions are ${!module[*]}" >&2
		exit 2
	fi
done
if $binaries_only; then
	for f in "${functions[@]}"; do build "$f"; done
	exit 0
fi
if ! command -v podman >/dev/null && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	engine=docker
else
	lockdown_ensure_podman
	engine=podman
fi
mkdir -p bin/etc
[ -f bin/etc/passwd ] || printf '%s\n' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' >bin/etc/passwd
[ -f bin/etc/group ] || printf '%s\n' 'nobody:x:65534:' >bin/etc/group
for f in "${functions[@]}"; do
	build "$f"
	tag=${image[$f]}:${version[$f]}
	id=$($engine build --quiet -f Containerfile --platform "linux/$arch" \
		--build-arg "FUNCTION=$f" --build-arg "TARGETARCH=$arch" -t "$tag" bin/)
	echo "$tag ${id:0:12}"
done
