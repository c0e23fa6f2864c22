#!/usr/bin/env bash
# bench.sh measures every function against the identity function (the
# SDK's own cost of reading and writing the ResourceList) on the Kubeflow
# corpus repeated to about 10,000 objects, in one run, and prints ratios:
#
#   1. Go benchmarks in process: time and bytes allocated per run;
#   2. the real static binaries on the same input through stdin, as kpt
#      runs them: wall time and peak memory.
#
# One run of the 176 MB input takes 15-30 s and its first run in a process
# pays for growing the heap, so the runs alternate between the identity and
# the functions, each in a fresh process, and the medians are compared.
# COUNT sets the runs of each (default 5); the target is a ratio <= 1.25.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
count=${COUNT:-5}
out=out/bench
mkdir -p "$out"
rm -f "$out"/*.runs
arch=$(go env GOARCH)

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

# ratios FILE...: one row per runs file ("seconds memory" per line), as
# ratios to the first file, the baseline.
ratios() {
	local unit=$1 scale=$2 base_t base_m
	shift 2
	base_t=$(awk '{print $1}' "$1" | median)
	base_m=$(awk '{print $2}' "$1" | median)
	printf '%-22s %10s %8s %12s %8s\n' "" "s/run" ratio "$unit" ratio
	for f in "$@"; do
		awk -v n="$(basename "$f" .runs)" -v t="$(awk '{print $1}' "$f" | median)" \
			-v m="$(awk '{print $2}' "$f" | median)" -v bt="$base_t" -v bm="$base_m" -v s="$scale" \
			'BEGIN {printf "%-22s %10.2f %8.3f %12.0f %8.3f\n", n, t, t/bt, m/s, m/bm}'
	done
}

# Benchmarks: name=package. The identity comes first: it is the baseline.
benches=(Identity=./internal/benchdata)
for d in functions/*/; do
	for b in $(grep -ho '^func Benchmark[A-Za-z0-9]*' "$d"*_test.go 2>/dev/null | sed 's/^func //'); do
		benches+=("${b#Benchmark}=./$d")
	done
done

echo "== building the test binaries"
for b in "${benches[@]}"; do
	name=${b%%=*} pkg=${b#*=}
	go test -c -o "$out/${pkg//\//_}.test" "$pkg"
done

echo "== Go benchmarks, $count alternating runs of each"
for ((i = 0; i < count; i++)); do
	for b in "${benches[@]}"; do
		name=${b%%=*} pkg=${b#*=}
		(cd "$pkg" && "$repo/$out/${pkg//\//_}.test" -test.run '^$' -test.bench "^Benchmark$name\$" \
			-test.benchtime 1x -test.benchmem) |
			awk '/^Benchmark/ {print $3/1e9, $(NF-3)}' >>"$out/$name.runs"
	done
done
runs=()
for b in "${benches[@]}"; do runs+=("$out/${b%%=*}.runs"); done
ratios "MB alloc" 1e6 "${runs[@]}"

echo
echo "== binaries on stdin, $count alternating runs of each"
# private-cluster meets the input as built; the other functions meet it as
# private-cluster leaves it, with their benchmark config, as in the
# blueprint's pipeline. The identity runs on both, and each function is
# compared with the identity on its own input.
ARCHES=$arch bash scripts/images.sh --binaries >/dev/null
go build -o "$out/bench-input" ./internal/benchdata/cmd/bench-input
"$out/bench-input" >"$out/input.yaml"
"$out/bench-input" -after-private-cluster >"$out/input-private.yaml"
functions=$(cd cmd && ls -d */ | tr -d / | grep -vx identity)
declare -A input
input[identity]=$out/input.yaml
input[identity-private]=$out/input-private.yaml
for f in $functions; do
	if [ "$f" = private-cluster ]; then
		input[$f]=$out/input.yaml
	else
		"$out/bench-input" -in "$out/input-private.yaml" -config "$f" >"$out/input-$f.yaml"
		input[$f]=$out/input-$f.yaml
	fi
done
runs=(identity identity-private $functions)
for ((i = 0; i < count; i++)); do
	for r in "${runs[@]}"; do
		/usr/bin/time -f '%e %M' -o "$out/time.tmp" "bin/linux_$arch/${r%-private}" <"${input[$r]}" >/dev/null ||
			{ echo "bench.sh: $r failed on ${input[$r]}" >&2; exit 1; }
		cat "$out/time.tmp" >>"$out/bin-$r.runs"
	done
done
echo "against the identity on the input as built:"
ratios "peak MB" 1024 "$out/bin-identity.runs" "$out/bin-private-cluster.runs"
echo "against the identity on the input after private-cluster:"
others=()
for f in $functions; do [ "$f" = private-cluster ] || others+=("$out/bin-$f.runs"); done
ratios "peak MB" 1024 "$out/bin-identity-private.runs" "${others[@]}"
