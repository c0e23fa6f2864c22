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

# The functions the blueprint's pipeline runs, with their configs, in order.
mapfile -t steps < <(awk '/- image: localhost\/lockdown\// {sub(/.*localhost\/lockdown\//, ""); sub(/:.*/, ""); fn=$0}
	/configPath:/ && fn {print fn, $2; fn=""}' "$blueprint/Kptfile")
functions=()
for step in "${steps[@]}"; do functions+=("${step%% *}"); done

if bash scripts/tools.sh podman >/dev/null 2>&1; then
	source scripts/tools.sh env
	echo "== building the function images (podman): ${functions[*]}"
	bash scripts/images.sh "${functions[@]}"
	echo "== kpt fn render $out/after"
	kpt fn render "$out/after" --image-pull-policy never --truncate-output=false
else
	echo "== podman is not available: running the pipeline's functions as binaries (kpt fn eval --exec)"
	ARCHES=$(go env GOARCH) bash scripts/images.sh --binaries "${functions[@]}"
	for step in "${steps[@]}"; do
		kpt fn eval "$out/after" --truncate-output=false \
			--exec "bin/linux_$(go env GOARCH)/${step%% *}" --fn-config "$out/after/${step#* }"
	done
fi

echo
echo "== what changed (diff -ruN before after)"
(cd "$out" && diff -ruN before after) || true
echo
echo "== generated, per function"
for dir in "$out/after"/*/; do
	name=$(basename "$dir")
	[ -e "$out/before/$name" ] && continue
	printf '%s:' "$name"
	(cd "$dir" && ls | sed 's/_.*//' | sort | uniq -c | awk '{printf " %d %s", $1, $2}')
	echo
done
echo
echo "The rendered package is in $out/after."
