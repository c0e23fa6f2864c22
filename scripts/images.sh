#!/usr/bin/env bash
# images.sh builds lockdown's functions: static linux binaries with go build,
# then one image per function from the shared Containerfile.
#
#   scripts/images.sh [function...]             binaries and images, host arch
#   scripts/images.sh --binaries [function...]  binaries only, amd64 and arm64
#   ARCHES="amd64 arm64" scripts/images.sh      images for both arches
#
# Functions are the directories under cmd/, all of them by default (identity
# too: benchmarks compare the functions against it). Binaries go to
# bin/linux_<arch>/<function>. Images are tagged
# localhost/lockdown/<function>:dev-<arch>, and :dev for the host's arch,
# which is what kpt runs. LOCKDOWN_PREBUILT=1 packs the binaries already in
# bin/ without building them (a Cloud Build step without Go, after a step
# with Go built them). Podman builds them (docker when podman is absent
# and docker has an engine). Nothing changed means nothing rebuilt: go build
# leaves an up-to-date binary alone and the build reuses its cached layers.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# shellcheck source=SCRIPTDIR/tools.sh
source scripts/tools.sh env
prebuilt=${LOCKDOWN_PREBUILT:-0}
[ "$prebuilt" = 1 ] || lockdown_check_go

binaries_only=false
if [ "${1:-}" = --binaries ]; then
	binaries_only=true
	shift
fi

# Without Go (LOCKDOWN_PREBUILT=1 in a build step), the machine's own.
host_arch=$(go env GOHOSTARCH 2>/dev/null || uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
if $binaries_only; then
	arches=${ARCHES:-amd64 arm64}
else
	arches=${ARCHES:-$host_arch}
fi

functions=("$@")
if [ ${#functions[@]} -eq 0 ]; then
	for d in cmd/*/; do functions+=("$(basename "$d")"); done
fi
packages=()
for f in "${functions[@]}"; do
	if [ ! -d "cmd/$f" ]; then
		echo "images.sh: no function '$f': the functions are $(cd cmd && echo */ | tr -d /)" >&2
		exit 2
	fi
	packages+=("./cmd/$f")
done

# One go build per arch builds every function, in parallel, into the arch's
# directory. -s -w drops the symbol table and DWARF: a third of the image,
# and panics still print function names and lines. -buildvcs=false keeps
# the commit out of the binary, so a commit that changes no code rebuilds
# no image, and go build needs no git.
for arch in $arches; do
	if [ "$prebuilt" = 1 ]; then
		for f in "${functions[@]}"; do
			[ -x "bin/linux_$arch/$f" ] || { echo "images.sh: LOCKDOWN_PREBUILT=1 but bin/linux_$arch/$f is missing: build it with scripts/images.sh --binaries" >&2; exit 1; }
		done
		continue
	fi
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch \
		go build -trimpath -buildvcs=false -ldflags='-s -w' -o "bin/linux_$arch/" "${packages[@]}"
done
$binaries_only && exit 0

# The build context is bin/ alone, so the passwd and group files that kpt's
# `--user nobody` needs are written there; they are not committed because
# bin/ is the only context (keeping the repository out of every build). They
# are rewritten only when they differ, to leave the cached layer valid.
mkdir -p bin/etc
write_if_changed() {
	if [ "$(cat "$1" 2>/dev/null)" != "$2" ]; then printf '%s\n' "$2" >"$1"; fi
}
write_if_changed bin/etc/passwd 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin'
write_if_changed bin/etc/group 'nobody:x:65534:'

if ! command -v podman >/dev/null && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	engine=docker
else
	lockdown_ensure_podman
	engine=podman
fi

for f in "${functions[@]}"; do
	for arch in $arches; do
		tags=(-t "localhost/lockdown/$f:dev-$arch")
		[ "$arch" = "$host_arch" ] && tags+=(-t "localhost/lockdown/$f:dev")
		id=$($engine build --quiet -f Containerfile --platform "linux/$arch" \
			--build-arg "FUNCTION=$f" --build-arg "TARGETARCH=$arch" "${tags[@]}" bin/)
		echo "${tags[${#tags[@]} - 1]} ${id:0:12}"
	done
done
