#!/usr/bin/env bash
# publish.sh pushes the function images that scripts/images.sh built
# (localhost/lockdown/<function>:dev) to a registry:
#
#   scripts/publish.sh <registry> <tag>
#
# e.g. scripts/publish.sh us-docker.pkg.dev/my-project/lockdown v0.3.0
# pushes us-docker.pkg.dev/my-project/lockdown/<function>:v0.3.0 for every
# function under cmd/ but the identity (a benchmark baseline, not a
# function to run). podman, or docker where it has an engine (Cloud Build).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
if [ $# -ne 2 ]; then
	echo "usage: scripts/publish.sh <registry> <tag>" >&2
	exit 2
fi
registry=${1%/} tag=$2
if command -v podman >/dev/null; then
	source scripts/tools.sh env
	engine=podman
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	engine=docker
else
	echo "publish.sh: neither podman nor a docker engine is available" >&2
	exit 1
fi
for d in cmd/*/; do
	f=$(basename "$d")
	[ "$f" = identity ] && continue
	$engine tag "localhost/lockdown/$f:dev" "$registry/$f:$tag"
	$engine push "$registry/$f:$tag"
done
