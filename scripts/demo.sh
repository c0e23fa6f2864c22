#!/usr/bin/env bash
# demo.sh is lockdown's main job. It renders both blueprints the way a user
# does (scripts/render.sh: the function images under podman, or the same
# functions as binaries through kpt's --exec where podman cannot run):
#
#   kubeflow-private-gke  with the setters of ENV (default dev)
#   kubeflow-hardening    with the setters of ENV, over the Kubeflow install
#                         in ../shared/corpus (when it is there)
#
# into out/demo/<blueprint>, and prints what changed against the blueprint
# as fetched (out/demo/<blueprint>.diff), what each function generated,
# and the validators' results.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
env=${ENV:-dev}
out=${OUT:-$repo/out/demo}
corpus=${CORPUS:-$repo/../shared/corpus/kubeflow-manifests.yaml}
rm -rf "$out"
mkdir -p "$out"
ARCHES=$(go env GOARCH) bash scripts/images.sh --binaries identity

render() { # blueprint [package-path=file...]
	local blueprint=$1
	shift
	echo
	echo "######## $blueprint (setters/$env)"
	bash scripts/render.sh "$blueprint" "$env" "$out/$blueprint" "$@" >"$out/$blueprint.render.log" 2>&1 ||
		{ cat "$out/$blueprint.render.log"; echo "demo.sh: rendering $blueprint failed (above)" >&2; exit 1; }
	# The blueprint as fetched, with the same setters and inputs: the diff
	# is what the pipeline did.
	rm -rf "$out/before/$blueprint"
	mkdir -p "$out/before"
	cp -r "blueprints/$blueprint" "$out/before/$blueprint"
	[ ! -f "setters/$env/$blueprint.yaml" ] || cp "setters/$env/$blueprint.yaml" "$out/before/$blueprint/setters.yaml"
	for include in "$@"; do
		mkdir -p "$(dirname "$out/before/$blueprint/${include%%=*}")"
		cp "${include#*=}" "$out/before/$blueprint/${include%%=*}"
	done
	# kpt rewrites every file a function returns (long lines reflowed, a
	# leading --- dropped): the identity function makes "before" the same
	# way, so that the diff shows what the functions did, not kpt's format.
	kpt fn eval "$out/before/$blueprint" --exec "bin/linux_$(go env GOARCH)/identity" >/dev/null 2>&1
	(cd "$out" && diff -ruN "before/$blueprint" "$blueprint" >"$blueprint.diff") || true
	summarize "$blueprint"
}

summarize() {
	local blueprint=$1 dir=$out/$1
	echo "== what changed: $(grep -c '^+++ ' "$out/$blueprint.diff") files, +$(grep -c '^+[^+]' "$out/$blueprint.diff") -$(grep -c '^-[^-]' "$out/$blueprint.diff") lines (out/demo/$blueprint.diff)"
	grep '^+++ ' "$out/$blueprint.diff" | awk '{print "   " $2}' | sed "s|^   $blueprint/|   |" | head -40
	echo "== generated, per function"
	for d in "$dir"/*/; do
		[ -d "$d" ] || continue
		name=$(basename "$d")
		[ -e "blueprints/$blueprint/$name" ] && continue
		printf '   %-22s' "$name:"
		(cd "$d" && ls | sed 's/_.*//; s/\.yaml$//' | sort | uniq -c | awk '{printf " %d %s", $1, $2}')
		echo
	done
	echo "== results of each function (errors, warnings, infos)"
	awk '/^\[RUNNING\]/ {fn = $2; gsub(/"/, "", fn); sub(/.*\//, "", fn); sub(/:.*/, "", fn); order[++k] = fn}
		match($0, /^ *\[(info|warning|error)\]/) {sev = $0; sub(/^ *\[/, "", sev); sub(/\].*/, "", sev); n[fn, sev]++}
		END {for (i = 1; i <= k; i++) {f = order[i]; printf "   %-24s %3d %3d %3d\n", f, n[f, "error"], n[f, "warning"], n[f, "info"]}}' \
		"$out/$blueprint.render.log"
	echo "== validators"
	awk '/^\[RUNNING\]/ {show = ($2 ~ /lint|pod-security-check/); if (show) print "   " $0; next}
		/^\[(PASS|FAIL)\]/ {if (show) print "   " $0; next}
		show && /\[(error|warning)\]|\[info\]:/ {print "   " $0}' "$out/$blueprint.render.log" | cut -c1-220
}

render kubeflow-private-gke
if [ -f "$corpus" ]; then
	render kubeflow-hardening kubeflow/manifests.yaml="$corpus"
else
	echo
	echo "######## kubeflow-hardening: skipped, no Kubeflow manifests at $corpus (set CORPUS=<file>)"
fi
# The two packages land in one cluster: lint over both together checks
# what neither can alone, the control plane reaching every webhook port of
# Kubeflow through the firewall of the other package.
if [ -d "$out/kubeflow-hardening" ]; then
	echo
	echo "######## lint over both rendered packages together"
	mkdir -p "$out/together"
	cp -r "$out/kubeflow-private-gke" "$out/kubeflow-hardening" "$out/together/"
	ARCHES=$(go env GOARCH) bash scripts/images.sh --binaries lint
	kpt fn eval "$out/together" --exec "bin/linux_$(go env GOARCH)/lint" \
		--fn-config "$out/kubeflow-private-gke/fn-config/lint.yaml" --truncate-output=false 2>&1 |
		grep -E '\[(error|warning)\]|\[info\]:|PASS|FAIL' | cut -c1-220 | sed 's/^/   /'
fi
echo
echo "The rendered packages are in $out; kpt's full output in $out/<blueprint>.render.log."
