#!/usr/bin/env bash
# render.sh renders a blueprint the way a user does, into a folder:
#
#   scripts/render.sh <blueprint> <env> <out> [package-path=file ...]
#
# It copies blueprints/<blueprint> to <out>, puts setters/<env>/<blueprint>.yaml
# in as its setters.yaml (when the environment has one), copies each extra
# file into the package (the Kubeflow manifests, for kubeflow-hardening),
# and runs the Kptfile pipeline: `kpt fn render` with the function images
# under podman, or, where podman cannot run, each step of the pipeline in
# order as a local binary through `kpt fn eval --exec` (or when
# LOCKDOWN_RUNTIME=exec). kpt's output goes
# to <out>.log as well as to the terminal.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
if [ $# -lt 3 ]; then
	echo "usage: scripts/render.sh <blueprint> <env> <out> [package-path=file ...]" >&2
	exit 2
fi
blueprint=$1 env=$2 out=$3
shift 3
[ -d "blueprints/$blueprint" ] || { echo "render.sh: no blueprint '$blueprint': the blueprints are $(cd blueprints && echo */ | tr -d /)" >&2; exit 2; }
[ -d "setters/$env" ] || { echo "render.sh: no environment '$env': the environments are $(cd setters && echo */ | tr -d /)" >&2; exit 2; }
command -v kpt >/dev/null || { bash scripts/tools.sh check; exit 1; }

rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -r "blueprints/$blueprint" "$out"
if [ -f "setters/$env/$blueprint.yaml" ]; then
	cp "setters/$env/$blueprint.yaml" "$out/setters.yaml"
fi
for include in "$@"; do
	mkdir -p "$(dirname "$out/${include%%=*}")"
	cp "${include#*=}" "$out/${include%%=*}"
done

# The pipeline's steps in order, mutators then validators: image, config,
# and "local-config" when the step selects only local-config objects (the
# one selector the blueprints use; the --exec path below passes it on).
mapfile -t steps < <(awk 'function flush() {if (image) print image, config, sel; image = config = sel = ""}
	/^  (mutators|validators):/ {in_pipeline = 1}
	in_pipeline && /- image:/ {flush(); image = $3}
	in_pipeline && /configPath:/ {config = $2}
	in_pipeline && /config.kubernetes.io\/local-config: "true"/ && image {sel = "local-config"}
	END {flush()}' "$out/Kptfile")
lockdown=() catalog=()
for step in "${steps[@]}"; do
	image=${step%% *}
	case $image in
	localhost/lockdown/*) f=${image#localhost/lockdown/} && lockdown+=("${f%%:*}") ;;
	ghcr.io/kptdev/krm-functions-catalog/*) f=${image#ghcr.io/kptdev/krm-functions-catalog/} && catalog+=("${f%%:*}") ;;
	*) echo "render.sh: the pipeline runs $image, which is built nowhere here" >&2 && exit 1 ;;
	esac
done

# The container runtime: docker where it has an engine (Cloud Build), or
# podman (with the repository's containers.conf; as root, tools.sh installs
# it), or none.
# LOCKDOWN_RUNTIME=exec forces the binaries.
runtime=
if [ "${LOCKDOWN_RUNTIME:-}" = exec ]; then
	:
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	export KPT_FN_RUNTIME=docker
	runtime=docker
elif bash scripts/tools.sh podman >/dev/null 2>&1; then
	source scripts/tools.sh env
	runtime=podman
fi
if [ -n "$runtime" ]; then
	echo "== building the images of $blueprint's pipeline ($runtime)"
	bash scripts/images.sh "${lockdown[@]}" | sed 's/^/   /'
	[ ${#catalog[@]} -eq 0 ] || bash scripts/catalog-images.sh "${catalog[@]}" | sed 's/^/   /'
	echo "== kpt fn render $out"
	kpt fn render "$out" --image-pull-policy never --truncate-output=false 2>&1 | tee "$out.log"
	exit "${PIPESTATUS[0]}"
fi

echo "== no container runtime here (podman or docker): the pipeline's steps as binaries (kpt fn eval --exec)"
arch=$(go env GOARCH)
ARCHES=$arch bash scripts/images.sh --binaries "${lockdown[@]}"
[ ${#catalog[@]} -eq 0 ] || bash scripts/catalog-images.sh --binaries "${catalog[@]}"
: >"$out.log"
for step in "${steps[@]}"; do
	image=${step%% *} f=${image##*/}
	read -r _ config selector <<<"$step"
	match=()
	[ "$selector" != local-config ] || match=(--match-annotations config.kubernetes.io/local-config=true)
	kpt fn eval "$out" --truncate-output=false --exec "bin/linux_$arch/${f%%:*}" \
		--fn-config "$out/$config" "${match[@]}" 2>&1 | tee -a "$out.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
done
