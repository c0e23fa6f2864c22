#!/usr/bin/env bash
# bench.sh measures every function against the identity function (the
# SDK's own cost of reading and writing the ResourceList) on the Kubeflow
# corpus repeated to about 10,000 objects, in one run, and prints ratios:
#
#   1. go: Go benchmarks in process: time and bytes allocated per run;
#   2. binaries: the real static binaries on the same input through stdin,
#      as kpt runs them: wall time and peak memory;
#   3. kyverno: pod-security-check against `kyverno apply` with the
#      equivalent baseline policies, on the same objects: wall time and peak
#      memory of each, their ratio (the target is kyverno/pod-security-check
#      >= 30), the identity's on the same input (which bounds that ratio),
#      and the violations each finds, to show they do the same work.
#
# One run of the 176 MB input takes 15-30 s and its first run in a process
# pays for growing the heap, so the runs alternate between the identity and
# the functions, each in a fresh process, and the medians are compared.
# COUNT sets the runs of each (default 5); the target is a ratio <= 1.25.
#
#   4. render: the whole `kpt fn render` of both blueprints with the images,
#      against the same pipelines made of identity images (scripts/bench-render.sh);
#      the target is at most 50% added to that floor.
#
# BENCH_ONLY runs only the sections it names, comma-separated (default
# go,binaries,kyverno,render): BENCH_ONLY=kyverno COUNT=1 scripts/bench.sh.
#
# The kyverno section builds the Kyverno CLI with scripts/kyverno.sh first,
# before any benchmark, so that a failed build stops the bench at once: a
# cold build takes about 7 minutes and 2.4 GB of memory, later runs reuse
# it. It reads the policies from the Kyverno library's pod-security
# policies beside the project (../shared/corpus/kyverno-pod-security), not
# from a copy.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
count=${COUNT:-5}
sections=${BENCH_ONLY:-go,binaries,kyverno,render}
for s in ${sections//,/ }; do
	case $s in
	go | binaries | kyverno | render) ;;
	*)
		echo "bench.sh: BENCH_ONLY=$sections: unknown section '$s': use go, binaries, kyverno and render, comma-separated" >&2
		exit 2
		;;
	esac
done
out=out/bench
mkdir -p "$out"
rm -f "$out"/*.runs "$out"/psc-*.out "$out"/failing-psc-*.all
arch=$(go env GOARCH)

# section NAME: whether BENCH_ONLY selects NAME.
section() { [[ ",$sections," == *",$1,"* ]]; }

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

# ratios FILE...: one row per runs file ("seconds memory" per line), as
# ratios to the first file, the baseline.
ratios() {
	local unit=$1 scale=$2 base_t base_m
	shift 2
	base_t=$(awk '{print $1}' "$1" | median)
	base_m=$(awk '{print $2}' "$1" | median)
	printf '%-26s %10s %8s %12s %8s\n' "" "s/run" ratio "$unit" ratio
	for f in "$@"; do
		awk -v n="$(basename "$f" .runs)" -v t="$(awk '{print $1}' "$f" | median)" \
			-v m="$(awk '{print $2}' "$f" | median)" -v bt="$base_t" -v bm="$base_m" -v s="$scale" \
			'BEGIN {printf "%-26s %10.2f %8.3f %12.0f %8.3f\n", n, t, t/bt, m/s, m/bm}'
	done
}

# heading TEXT: a section's title, after a blank line from the section
# before.
heading() {
	[ "${headed:-}" ] && echo
	headed=1
	echo "== $*"
}

# timed_tail RUNS: the "seconds peakKB" line /usr/bin/time wrote, added to
# RUNS. The line is the last one: a non-zero exit status comes first.
timed_tail() { tail -n 1 "$out/time.tmp" >>"$1"; }

# go_benchmarks is section 1: every Benchmark of functions/*, each in its
# own test binary, against the identity's.
go_benchmarks() {
	local benches b d name pkg i runs
	# Benchmarks: name=package. The identity comes first: it is the baseline.
	benches=(Identity=./internal/testing/benchdata)
	for d in functions/*/; do
		for b in $(grep -ho '^func Benchmark[A-Za-z0-9]*' "$d"*_test.go 2>/dev/null | sed 's/^func //'); do
			benches+=("${b#Benchmark}=./$d")
		done
	done

	heading "building the test binaries"
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
}

# build_inputs builds what sections 2 and 3 run: the static binaries (for
# section 3 alone, pod-security-check's) and the input as built
# ($out/input.yaml).
build_inputs() {
	if section binaries; then
		ARCHES=$arch bash scripts/images.sh --binaries >/dev/null
	else
		ARCHES=$arch bash scripts/images.sh --binaries pod-security-check >/dev/null
	fi
	go build -o "$out/bench-input" ./internal/testing/benchdata/cmd/bench-input
	"$out/bench-input" >"$out/input.yaml"
}

# binaries is section 2. private-cluster meets the input as built; the
# other functions meet it as private-cluster leaves it, with their
# benchmark config, as in the blueprint's pipeline. The identity runs on
# both, and each function is compared with the identity on its own input.
binaries() {
	local functions f i r runs others
	local -A input
	heading "binaries on stdin, $count alternating runs of each"
	"$out/bench-input" -after-private-cluster >"$out/input-private.yaml"
	functions=$(cd cmd && ls -d */ | tr -d / | grep -vx identity)
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
	# shellcheck disable=SC2206 # one function name a word
	runs=(identity identity-private $functions)
	for ((i = 0; i < count; i++)); do
		for r in "${runs[@]}"; do
			/usr/bin/time -f '%e %M' -o "$out/time.tmp" "bin/linux_$arch/${r%-private}" <"${input[$r]}" >/dev/null ||
				{ echo "bench.sh: $r failed on ${input[$r]}" >&2; exit 1; }
			timed_tail "$out/bin-$r.runs"
		done
	done
	echo "against the identity on the input as built:"
	ratios "peak MB" 1024 "$out/bin-identity.runs" "$out/bin-private-cluster.runs"
	echo "against the identity on the input after private-cluster:"
	others=()
	for f in $functions; do [ "$f" = private-cluster ] || others+=("$out/bin-$f.runs"); done
	ratios "peak MB" 1024 "$out/bin-identity-private.runs" "${others[@]}"
}

# kyverno_policies sets policies to the Kyverno library's baseline Pod
# Security Standard policies, the counterpart of pod-security-check's
# baseline level. disallow-host-ports-range is left out: it is the
# library's variant of disallow-host-ports that allows a range of host
# ports, which the standard forbids; with both, every hostPort would count
# twice. (The pod-security generator's ClusterPolicies are not a second
# set here: the library's are the reference they are measured against.)
kyverno_policies() {
	local dir=$repo/../shared/corpus/kyverno-pod-security/baseline f
	if [ ! -d "$dir" ]; then
		echo "bench.sh: the kyverno section reads the Kyverno library's pod-security policies from beside the project, and $dir is missing" >&2
		exit 1
	fi
	policies=()
	for f in "$dir"/*/*.yaml; do
		[ "$(basename "$f" .yaml)" = disallow-host-ports-range ] || policies+=("$f")
	done
}

# with_baseline_config IN OUT writes IN with a functionConfig that checks
# the baseline standard and reports violations as errors (deny, the
# default), as kyverno apply reports them as failures. The config is
# appended as text, like benchdata.WithConfig does: parsing and writing
# 176 MB again would take longer than a run.
with_baseline_config() {
	{
		cat "$1"
		printf '%s\n' 'functionConfig:' '  apiVersion: v1' '  kind: ConfigMap' '  metadata:' \
			'    name: pod-security-check' '  data:' '    level: baseline' '    enforcementAction: deny'
	} >"$2"
}

# kyverno_failing reads kyverno apply's output and prints the object of
# each failed policy, as namespace/Kind/name.
kyverno_failing() { sed -n 's/^policy .* -> resource \(.*\) failed:$/\1/p'; }

# kyverno_summary prints kyverno apply's count line ("pass: N, fail: N,
# warn: N, error: N, skip: N") from its output.
kyverno_summary() { grep -E '^pass: [0-9]+, fail: [0-9]+, warn: [0-9]+, error: [0-9]+' | sed 's/ *$//'; }

# run_psc IN RUNS TAG: one timed run of pod-security-check on IN. Exit
# status 1 with error results is its answer to violations; anything else
# is a failure of the bench. The first run's output is kept as
# $out/psc-TAG.out, and the object of each of its error results, as
# namespace/Kind/name (kyverno apply's notation), in
# $out/failing-psc-TAG.all: bench-input -failing reads them with the
# SDK's parser, which takes longer than the run it reads (about 20 s
# against 5 on the bench input, as the validator's fast path parses next
# to nothing), so it reads the first run alone, and every later run is
# held to write the same output byte for byte.
run_psc() {
	local status=0 first=$out/psc-$3.out failing=$out/failing-psc-$3.all
	/usr/bin/time -f '%e %M' -o "$out/time.tmp" "bin/linux_$arch/pod-security-check" \
		<"$1" >"$out/psc.out" 2>"$out/psc.err" || status=$?
	if [ -f "$first" ]; then
		cmp -s "$first" "$out/psc.out" || psc_failed "$1" "exit status $status, an output unlike the first run's, $first"
	else
		"$out/bench-input" -failing <"$out/psc.out" >"$failing" || psc_failed "$1" "exit status $status, an output bench-input -failing refused"
		mv "$out/psc.out" "$first"
	fi
	if [ $status -ne 0 ] && { [ $status -ne 1 ] || [ ! -s "$failing" ]; }; then
		psc_failed "$1" "exit status $status, no error result"
	fi
	timed_tail "$2"
}

# psc_failed IN WHY stops the bench on a failed run of pod-security-check.
psc_failed() {
	tail -n 5 "$out/psc.err" >&2
	echo "bench.sh: pod-security-check failed ($2) on $1" >&2
	exit 1
}

# run_kyverno IN RUNS: one timed run of kyverno apply on IN, its output
# kept in $out/kyverno.out. It exits 1 on violations too; it must have
# applied every policy without a policy error.
run_kyverno() {
	local status=0 summary
	/usr/bin/time -f '%e %M' -o "$out/time.tmp" "$kyverno" apply "${policies[@]}" --resource "$1" --remove-color \
		>"$out/kyverno.out" 2>"$out/kyverno.err" || status=$?
	summary=$(kyverno_summary <"$out/kyverno.out")
	if [ $status -gt 1 ] || [ -z "$summary" ] || [[ $summary != *" error: 0,"* ]]; then
		tail -n 5 "$out/kyverno.out" "$out/kyverno.err" >&2
		echo "bench.sh: kyverno apply failed (exit status $status${summary:+, $summary}) on $1" >&2
		exit 1
	fi
	timed_tail "$2"
}

# run_identity IN RUNS: one timed run of the identity function on IN.
run_identity() {
	/usr/bin/time -f '%e %M' -o "$out/time.tmp" "bin/linux_$arch/identity" <"$1" >/dev/null ||
		{ echo "bench.sh: identity failed on $1" >&2; exit 1; }
	timed_tail "$2"
}

# versus TITLE PSC_RUNS KYVERNO_RUNS IDENTITY_RUNS prints the medians of
# each and the ratio of kyverno apply to pod-security-check, then to the
# identity: reading and writing the ResourceList is the least any KRM
# function pays, so the second ratio bounds the first.
versus() {
	local pt pm kt km it im
	pt=$(awk '{print $1}' "$2" | median) pm=$(awk '{print $2}' "$2" | median)
	kt=$(awk '{print $1}' "$3" | median) km=$(awk '{print $2}' "$3" | median)
	it=$(awk '{print $1}' "$4" | median) im=$(awk '{print $2}' "$4" | median)
	awk -v title="$1" -v pt="$pt" -v pm="$pm" -v kt="$kt" -v km="$km" -v it="$it" -v im="$im" 'BEGIN {
		printf "%-30s %10s %10s\n", title, "s/run", "peak MB"
		printf "  %-28s %10.2f %10.0f\n", "pod-security-check", pt, pm / 1024
		printf "  %-28s %10.2f %10.0f\n", "kyverno apply", kt, km / 1024
		printf "  %-28s %10.2f %10.0f\n", "identity", it, im / 1024
		printf "  %-28s %9.1fx %9.2fx   (target: time >= 30x)\n", "kyverno/pod-security-check", kt / pt, km / pm
		printf "  %-28s %9.1fx %9.2fx   (the most a KRM function can reach)\n", "kyverno/identity", kt / it, km / im
	}'
}

# violations prints what the last run of each found, to show that both
# did the same work: kyverno's failures (policy x object), the error
# results of pod-security-check (one per offending field), and whether
# they fault the same objects.
violations() {
	local tag=$1 kyv_objects psc_objects only_kyverno only_psc
	kyverno_failing <"$out/kyverno.out" | sort -u >"$out/failing-kyverno-$tag.txt"
	sort -u "$out/failing-psc-$tag.all" >"$out/failing-psc-$tag.txt"
	kyv_objects=$(wc -l <"$out/failing-kyverno-$tag.txt")
	psc_objects=$(wc -l <"$out/failing-psc-$tag.txt")
	only_kyverno=$(comm -23 "$out/failing-kyverno-$tag.txt" "$out/failing-psc-$tag.txt" | wc -l)
	only_psc=$(comm -13 "$out/failing-kyverno-$tag.txt" "$out/failing-psc-$tag.txt" | wc -l)
	echo "  kyverno apply:      $(sed -n 's/^Applying \(.*\)\.\.\.$/\1/p' "$out/kyverno.out"); $(kyverno_summary <"$out/kyverno.out"); failing objects: $kyv_objects"
	echo "  pod-security-check: $(wc -l <"$out/failing-psc-$tag.all") error results; failing objects: $psc_objects"
	if [ "$only_kyverno" -eq 0 ] && [ "$only_psc" -eq 0 ]; then
		echo "  the same $psc_objects failing objects"
	else
		echo "  failing objects differ: $only_kyverno only for kyverno, $only_psc only for pod-security-check (lists: $out/failing-*-$tag.txt)"
	fi
}

# kyverno_versus is section 3: pod-security-check on the ResourceList,
# kyverno apply on the same objects as plain YAML and the identity on the
# ResourceList, alternating, then once each on the corpus itself, against
# the issue's reference (about 7 s for kyverno apply on 2 cores).
kyverno_versus() {
	local i
	heading "pod-security-check against kyverno apply with ${#policies[@]} baseline policies, $count alternating runs of each"
	with_baseline_config "$out/input.yaml" "$out/input-psc-baseline.yaml"
	"$out/bench-input" -in "$out/input.yaml" -plain >"$out/input-plain.yaml"
	"$out/bench-input" -copies 1 >"$out/input-x1.yaml"
	with_baseline_config "$out/input-x1.yaml" "$out/input-x1-psc-baseline.yaml"
	"$out/bench-input" -in "$out/input-x1.yaml" -plain >"$out/input-x1-plain.yaml"
	for ((i = 0; i < count; i++)); do
		run_psc "$out/input-psc-baseline.yaml" "$out/psc.runs" bench
		run_kyverno "$out/input-plain.yaml" "$out/kyverno.runs"
		run_identity "$out/input-psc-baseline.yaml" "$out/identity-psc.runs"
	done
	versus "the bench input:" "$out/psc.runs" "$out/kyverno.runs" "$out/identity-psc.runs"
	violations bench
	run_psc "$out/input-x1-psc-baseline.yaml" "$out/psc-x1.runs" corpus
	run_kyverno "$out/input-x1-plain.yaml" "$out/kyverno-x1.runs"
	run_identity "$out/input-x1-psc-baseline.yaml" "$out/identity-psc-x1.runs"
	versus "the corpus once, one run:" "$out/psc-x1.runs" "$out/kyverno-x1.runs" "$out/identity-psc-x1.runs"
	violations corpus
}

if section kyverno; then
	kyverno_policies
	kyverno=$(bash scripts/kyverno.sh)
fi
if section go; then go_benchmarks; fi
if section binaries || section kyverno; then build_inputs; fi
if section binaries; then binaries; fi
if section kyverno; then kyverno_versus; fi
if section render; then
	echo
	COUNT=$count bash scripts/bench-render.sh
fi
