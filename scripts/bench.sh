#!/usr/bin/env bash
# bench.sh measures every function against the identity function (the
# SDK's own cost of reading and writing the ResourceList) on the Kubeflow
# corpus repeated to about 10,000 objects, in one run, and prints ratios:
#
#   1. Go benchmarks in process (time and bytes allocated per run);
#   2. the real static binaries on the same input through stdin, as kpt
#      runs them (wall time and peak memory, alternating runs).
#
# COUNT sets the runs of each (default 3); the target is a ratio <= 1.25.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
count=${COUNT:-3}
out=out/bench
mkdir -p "$out"
arch=$(go env GOARCH)
functions=$(cd cmd && ls -d */ | tr -d / | grep -vx identity)

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

echo "== Go benchmarks (count $count)"
go test -run '^$' -bench . -benchmem -benchtime 1x -count "$count" \
	./internal/benchdata ./functions/... | tee "$out/go.txt" | grep -E '^Benchmark'
echo
printf '%-28s %12s %8s %14s %8s\n' benchmark "s/op" ratio "MB/op" ratio
base_t=$(awk '$1 ~ /^BenchmarkIdentity/ {print $3}' "$out/go.txt" | median)
base_m=$(awk '$1 ~ /^BenchmarkIdentity/ {print $(NF-3)}' "$out/go.txt" | median)
for name in $(awk '$1 ~ /^Benchmark/ {sub(/-[0-9]+$/, "", $1); print $1}' "$out/go.txt" | sort -u); do
	t=$(awk -v n="$name" '$1 ~ "^"n"(-[0-9]+)?$" {print $3}' "$out/go.txt" | median)
	m=$(awk -v n="$name" '$1 ~ "^"n"(-[0-9]+)?$" {print $(NF-3)}' "$out/go.txt" | median)
	awk -v n="$name" -v t="$t" -v m="$m" -v bt="$base_t" -v bm="$base_m" \
		'BEGIN {printf "%-28s %12.2f %8.3f %14.0f %8.3f\n", n, t/1e9, t/bt, m/1e6, m/bm}'
done

echo
echo "== binaries on stdin (count $count)"
ARCHES=$arch bash scripts/images.sh --binaries >/dev/null
input=$out/input.yaml
[ -s "$input" ] || go run ./internal/benchdata/cmd/bench-input >"$input"
printf '%-28s %12s %8s %14s %8s\n' binary "s/run" ratio "peak MB" ratio
for f in identity $functions; do : >"$out/$f.runs"; done
for ((i = 0; i < count; i++)); do
	for f in identity $functions; do
		/usr/bin/time -f '%e %M' -o "$out/time.tmp" "bin/linux_$arch/$f" <"$input" >/dev/null
		cat "$out/time.tmp" >>"$out/$f.runs"
	done
done
base_t=$(awk '{print $1}' "$out/identity.runs" | median)
base_m=$(awk '{print $2}' "$out/identity.runs" | median)
for f in identity $functions; do
	t=$(awk '{print $1}' "$out/$f.runs" | median)
	m=$(awk '{print $2}' "$out/$f.runs" | median)
	awk -v n="$f" -v t="$t" -v m="$m" -v bt="$base_t" -v bm="$base_m" \
		'BEGIN {printf "%-28s %12.2f %8.3f %14.0f %8.3f\n", n, t, t/bt, m/1024, m/bm}'
done
