#!/usr/bin/env bash
# bench-render.sh measures the whole render a user runs: `kpt fn render` of
# each blueprint with the function images under podman, against the same
# pipeline made of identity images (every step replaced by
# localhost/lockdown/identity:dev, configs kept): the floor that kpt and the
# container runtime cost whatever the functions do. Both on the same input,
# alternating, COUNT runs each (default 5); the medians and their ratio.
#
#   kubeflow-private-gke   with the setters of ENV (default dev)
#   kubeflow-hardening     over the Kubeflow corpus (503 objects)
#
# The target: our functions add at most 50% to the floor (ratio <= 1.5).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
count=${COUNT:-5}
env=${ENV:-dev}
corpus=${CORPUS:-$repo/../shared/corpus/kubeflow-manifests.yaml}
out=out/bench-render
rm -rf "$out"
mkdir -p "$out"
source scripts/tools.sh env

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

# prepare <blueprint> [package-path=file...]: the package as a user has it
# before rendering, in $out/<blueprint>.src, with its identity twin.
prepare() {
	local blueprint=$1
	shift
	# render.sh builds every image of the pipeline and renders once: the
	# warm-up run, and a check that the pipeline passes.
	bash scripts/render.sh "$blueprint" "$env" "$out/$blueprint.warm" "$@" >"$out/$blueprint.warm.log" 2>&1 ||
		{ cat "$out/$blueprint.warm.log"; exit 1; }
	cp -r "blueprints/$blueprint" "$out/$blueprint.src"
	[ ! -f "setters/$env/$blueprint.yaml" ] || cp "setters/$env/$blueprint.yaml" "$out/$blueprint.src/setters.yaml"
	for include in "$@"; do
		mkdir -p "$(dirname "$out/$blueprint.src/${include%%=*}")"
		cp "${include#*=}" "$out/$blueprint.src/${include%%=*}"
	done
	cp -r "$out/$blueprint.src" "$out/$blueprint.identity-src"
	sed -i -E 's#^(  - image: ).*#\1localhost/lockdown/identity:dev#' "$out/$blueprint.identity-src/Kptfile"
}

# run <src> <runs-file>: one render of a fresh copy, its wall time appended.
run() {
	rm -rf "$out/pkg" && cp -r "$1" "$out/pkg"
	local start end
	start=$(date +%s.%N)
	kpt fn render "$out/pkg" --image-pull-policy never >/dev/null 2>&1 ||
		{ kpt fn render "$out/pkg" --image-pull-policy never; exit 1; }
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f\n", e - s}' >>"$2"
}

bash scripts/images.sh identity >/dev/null
blueprints=(kubeflow-private-gke)
prepare kubeflow-private-gke
if [ -f "$corpus" ]; then
	blueprints+=(kubeflow-hardening)
	prepare kubeflow-hardening kubeflow/manifests.yaml="$corpus"
else
	echo "bench-render.sh: no Kubeflow corpus at $corpus: kubeflow-hardening is not measured" >&2
fi

echo "== kpt fn render, functions against identity images, $count alternating runs each"
for ((i = 0; i < count; i++)); do
	for b in "${blueprints[@]}"; do
		run "$out/$b.identity-src" "$out/$b.identity.runs"
		run "$out/$b.src" "$out/$b.functions.runs"
	done
done
printf '%-22s %6s %12s %12s %8s\n' blueprint steps "identity s" "functions s" ratio
for b in "${blueprints[@]}"; do
	steps=$(grep -c '^  - image:' "$out/$b.src/Kptfile")
	awk -v b="$b" -v n="$steps" -v i="$(median <"$out/$b.identity.runs")" -v f="$(median <"$out/$b.functions.runs")" \
		'BEGIN {printf "%-22s %6d %12.2f %12.2f %8.3f\n", b, n, i, f, f/i}'
done
