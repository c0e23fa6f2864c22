#!/usr/bin/env bash
# demo.sh is lockdown's main job: render the kubeflow-private-gke blueprint
# with the function images under podman (or, without podman, the same
# functions as local binaries through kpt's --exec), write the result to
# out/demo/after, and show what changed against the blueprint as fetched.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
blueprint=blueprints/kubeflow-private-gke
out=${OUT:-$repo/out/demo}

command -v kpt >/dev/null || { bash scripts/tools.sh check; exit 1; }
rm -rf "$out"
mkdir -p "$out"
cp -r "$blueprint" "$out/before"
cp -r "$blueprint" "$out/after"

if bash scripts/tools.sh podman >/dev/null 2>&1; then
	source scripts/tools.sh env
	echo "== building the function images (podman)"
	bash scripts/images.sh private-cluster
	echo "== kpt fn render $out/after"
	kpt fn render "$out/after" --image-pull-policy never --truncate-output=false
else
	echo "== podman is not available: running the functions as binaries (kpt fn eval --exec)"
	ARCHES=$(go env GOARCH) bash scripts/images.sh --binaries private-cluster
	kpt fn eval "$out/after" --truncate-output=false \
		--exec "bin/linux_$(go env GOARCH)/private-cluster" --fn-config "$out/after/private-cluster.yaml"
fi

echo
echo "== what changed (diff -ru before after)"
(cd "$out" && diff -ru before after) || true
echo
echo "The rendered package is in $out/after."
