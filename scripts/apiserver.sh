#!/usr/bin/env bash
# apiserver.sh: a real Kubernetes API server on loopback, for the tests that
# run `kpt live apply` (e2e/live_test.go). No kubelet, no controller-manager:
# only etcd and kube-apiserver, with the CRDs lockdown's packages use.
#
#   scripts/apiserver.sh build        build kube-apiserver, kubectl and etcd
#                                     (once per version set; a warm cache
#                                     answers in a second) and print the folder
#                                     that holds them
#   scripts/apiserver.sh built        print that folder if they are built; fail
#                                     if not (builds nothing)
#   scripts/apiserver.sh start DIR    start etcd and kube-apiserver with their
#                                     state in DIR, wait for /readyz, install
#                                     the CRDs; write DIR/kubeconfig and the pids
#   scripts/apiserver.sh stop DIR     stop what start started in DIR, by pid
#
# Everything listens on 127.0.0.1, on ports found free at start. The binaries
# are built from the Go module proxy: Kubernetes through a small wrapper
# module (k8s.io/kubernetes replaces its k8s.io/* staging modules with
# folders of its own repository, which a module that requires it must
# replace with their published versions), etcd through another, each
# generated in the cache folder, never in the work tree.
#
# The CRDs: every Config Connector CRD of the version go.mod pins (its
# config/crds/resources), Kyverno's (config/crds of the module version below,
# downloaded into the module cache, not added to go.mod) and kpt's
# ResourceGroup (kpt live install-resource-group).
set -euo pipefail

KUBERNETES_VERSION=v1.32.13
# The k8s.io/* staging modules are published as v0.<minor>.<patch>.
STAGING_VERSION=v0.32.13
# The etcd that Kubernetes v1.32.13 is released and tested with.
ETCD_VERSION=v3.5.24
KYVERNO_VERSION=v1.15.2
KCC_MODULE=github.com/GoogleCloudPlatform/k8s-config-connector
KYVERNO_MODULE=github.com/kyverno/kyverno

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/lockdown/apiserver-$KUBERNETES_VERSION-etcd-$ETCD_VERSION
bin=$cache/bin

fail() {
	echo "apiserver.sh: $*" >&2
	exit 1
}

need() {
	local tool=$1 why=$2
	command -v "$tool" >/dev/null || fail "$tool not found on PATH: it is needed $why"
}

# ---------------------------------------------------------------- build

# write_kubernetes_wrapper writes a module that requires k8s.io/kubernetes
# and replaces each staging module it names with the published version.
write_kubernetes_wrapper() {
	local dir=$1 gomod
	gomod=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
	[ -f "$gomod" ] || fail "go mod download k8s.io/kubernetes@$KUBERNETES_VERSION gave no go.mod (is the Go module proxy reachable?)"
	mkdir -p "$dir"
	{
		echo "module lockdown.test/kubernetes-wrapper"
		echo
		# The same language version and GODEBUG defaults as Kubernetes' own
		# build, so the binaries behave as released ones do.
		echo "go $(awk '$1 == "go" { print $2; exit }' "$gomod")"
		echo
		awk '$1 == "godebug"' "$gomod"
		echo
		echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
		echo
		echo "replace ("
		awk -v v="$STAGING_VERSION" '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, v }' "$gomod"
		echo ")"
	} >"$dir/go.mod.new"
	grep -q "k8s.io/api => k8s.io/api $STAGING_VERSION" "$dir/go.mod.new" ||
		fail "k8s.io/kubernetes@$KUBERNETES_VERSION's go.mod ($gomod) has no staging replace directives: is KUBERNETES_VERSION right?"
	mv "$dir/go.mod.new" "$dir/go.mod"
}

# write_etcd_wrapper writes a module that requires etcd's server module,
# whose own go.mod replaces its sibling modules with relative folders.
write_etcd_wrapper() {
	local dir=$1
	mkdir -p "$dir"
	printf 'module lockdown.test/etcd-wrapper\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$dir/go.mod"
}

# go_build DIR OUT PKG LDFLAGS: a static, trimmed build in a wrapper
# module; -mod=mod lets go fill in the wrapper's go.sum from the proxy.
go_build() {
	local dir=$1 out=$2 pkg=$3 ldflags=$4
	(cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local \
		go build -trimpath -buildvcs=false -ldflags="-s -w $ldflags" -o "$out" "$pkg")
}

built() {
	[ -x "$bin/kube-apiserver" ] && [ -x "$bin/kubectl" ] && [ -x "$bin/etcd" ] && echo "$bin"
}

build() {
	built && return
	need go "to build kube-apiserver, kubectl and etcd from the Go module proxy"
	mkdir -p "$cache"
	# Two test processes may build at once: the second waits for the first.
	if command -v flock >/dev/null; then
		exec 9>"$cache/.lock"
		flock 9
		built && return
	fi
	local start=$SECONDS tmp=$cache/bin.partial
	rm -rf "$tmp"
	mkdir -p "$tmp"
	echo "apiserver.sh: building kube-apiserver and kubectl $KUBERNETES_VERSION and etcd $ETCD_VERSION into $bin (once; several minutes cold)" >&2

	write_kubernetes_wrapper "$cache/kubernetes"
	# Without these the binaries call themselves v0.0.0-master, and
	# clients warn about version skew.
	local major minor version
	major=${KUBERNETES_VERSION#v}
	minor=${major#*.}
	minor=${minor%%.*}
	major=${major%%.*}
	version="-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=$major -X k8s.io/component-base/version.gitMinor=$minor"
	version+=" -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/client-go/pkg/version.gitMajor=$major -X k8s.io/client-go/pkg/version.gitMinor=$minor"
	go_build "$cache/kubernetes" "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver "$version"
	go_build "$cache/kubernetes" "$tmp/kubectl" k8s.io/kubernetes/cmd/kubectl "$version"

	write_etcd_wrapper "$cache/etcd"
	go_build "$cache/etcd" "$tmp/etcd" go.etcd.io/etcd/server/v3 ""

	rm -rf "$bin"
	mv "$tmp" "$bin"
	echo "apiserver.sh: built in $((SECONDS - start)) s" >&2
	echo "$bin"
}

# ---------------------------------------------------------------- start

# free_port prints a loopback port that nothing listens on and that this
# start has not handed out yet. A port can still be taken between here and
# the server's bind; the server then fails to start and says so.
taken_ports=" "
free_port() {
	local port
	for _ in $(seq 100); do
		port=$((20000 + RANDOM % 40000))
		case $taken_ports in *" $port "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			taken_ports+="$port "
			echo "$port"
			return
		fi
	done
	fail "found no free port on 127.0.0.1 in 100 tries"
}

# make_credentials writes a CA, a serving certificate for 127.0.0.1 signed
# by it, the service-account signing key, an admin token, and the audit
# policy (every request's URI is logged: the tests read it to see what kpt
# really sent).
make_credentials() {
	local dir=$1
	local -a validity=(-days 2)
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=lockdown-test-ca "${validity[@]}" \
		-keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver \
		-keyout "$dir/serving.key" -out "$dir/serving.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$dir/serving.ext"
	openssl x509 -req -in "$dir/serving.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
		-extfile "$dir/serving.ext" "${validity[@]}" -out "$dir/serving.crt" 2>/dev/null
	openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
	openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
	token=$(openssl rand -hex 24)
	echo "$token,lockdown-admin,lockdown-admin,system:masters" >"$dir/tokens.csv"
	chmod 600 "$dir"/*.key "$dir/tokens.csv"
	printf 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n' >"$dir/audit-policy.yaml"
}

write_kubeconfig() {
	local dir=$1 port=$2 token=$3
	cat >"$dir/kubeconfig" <<-EOF
		apiVersion: v1
		kind: Config
		clusters:
		- name: lockdown-test
		  cluster:
		    server: https://127.0.0.1:$port
		    certificate-authority: $dir/ca.crt
		users:
		- name: lockdown-admin
		  user:
		    token: $token
		contexts:
		- name: lockdown-test
		  context:
		    cluster: lockdown-test
		    user: lockdown-admin
		current-context: lockdown-test
	EOF
	chmod 600 "$dir/kubeconfig"
}

# launch NAME COMMAND...: runs a server in the background, detached from
# the caller's output (a test that waits for its child's output to close
# would otherwise wait for the server), and records its pid.
launch() {
	local name=$1
	shift
	"$@" </dev/null >"$dir/$name.log" 2>&1 &
	echo $! >"$dir/$name.pid"
}

start_etcd() {
	local client=$1 peer=$2
	# --unsafe-no-fsync: the data lives as long as one test run, and fsync
	# is most of etcd's write latency on a shared disk.
	launch etcd "$bin/etcd" --name lockdown --data-dir "$dir/etcd" \
		--listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
		--listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
		--initial-cluster "lockdown=http://127.0.0.1:$peer" \
		--listen-metrics-urls "" --unsafe-no-fsync --log-level warn
}

# start_apiserver: token authentication for one admin in system:masters,
# RBAC authorization (system:masters may do anything), the default
# admission plugins.
#
# The server must never dial out of loopback. It calls admission and
# conversion webhooks (a package's webhook configurations point at its
# Services); by default it dials a Service's ClusterIP, an address of the
# service range, which leads off the machine. With aggregator routing it
# resolves the Service's endpoints instead, and as nothing runs pods there
# are none: the call fails at once ("no endpoints available"), as it does in
# a cluster whose webhook pods are not up. So the service range only numbers
# ClusterIPs. No endpoint reconciler: it would publish 127.0.0.1 as the
# kubernetes Service's endpoint, which the API refuses (loopback), every ten
# seconds. Privileged containers are allowed, as GKE's API server allows
# them (kube-apiserver refuses them by default, before admission): Pod
# Security admission, not validation, must be what refuses them here.
start_apiserver() {
	local port=$1 etcd=$2
	launch kube-apiserver "$bin/kube-apiserver" \
		--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$port" \
		--etcd-servers="http://127.0.0.1:$etcd" \
		--tls-cert-file="$dir/serving.crt" --tls-private-key-file="$dir/serving.key" \
		--client-ca-file="$dir/ca.crt" \
		--token-auth-file="$dir/tokens.csv" --authorization-mode=RBAC \
		--service-account-issuer=https://kubernetes.default.svc.cluster.local \
		--service-account-key-file="$dir/sa.pub" --service-account-signing-key-file="$dir/sa.key" \
		--service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none \
		--enable-aggregator-routing=true \
		--audit-policy-file="$dir/audit-policy.yaml" --audit-log-path="$dir/audit.log" \
		--audit-log-mode=blocking \
		--allow-privileged=true \
		--profiling=false --enable-priority-and-fairness=false
}

# alive DIR NAME: whether DIR/NAME.pid names a running process started
# from this DIR (a recycled pid belongs to someone else).
alive() {
	local pid
	pid=$(cat "$1/$2.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1/"
}

wait_ready() {
	local deadline=$((SECONDS + 120))
	until "$bin/kubectl" --kubeconfig "$dir/kubeconfig" get --raw /readyz >/dev/null 2>&1; do
		for name in etcd kube-apiserver; do
			if ! alive "$dir" "$name"; then
				tail -n 20 "$dir/$name.log" >&2
				fail "$name exited during start (log: $dir/$name.log)"
			fi
		done
		[ $SECONDS -lt $deadline ] || fail "kube-apiserver not ready after 120 s (log: $dir/kube-apiserver.log)"
		sleep 0.5
	done
}

module_dir() {
	local dir
	dir=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$dir" ] || fail "go mod download $1 gave no folder (is the Go module proxy reachable?)"
	echo "$dir"
}

# install_crds applies the CRDs server-side (some are too large for the
# last-applied annotation of a client-side apply), in four kubectl runs at
# once (one run sends them one by one and waits for each answer), and
# waits until the apiserver serves every one.
install_crds() {
	local kcc kyverno log=$dir/crds.log
	kcc=$(cd "$repo" && go list -m -f '{{.Dir}}' "$KCC_MODULE")
	[ -d "$kcc/config/crds/resources" ] || kcc=$(cd "$repo" && module_dir "$KCC_MODULE@$(go list -m -f '{{.Version}}' "$KCC_MODULE")")
	kyverno=$(module_dir "$KYVERNO_MODULE@$KYVERNO_VERSION")
	local -a kubectl=("$bin/kubectl" --kubeconfig "$dir/kubeconfig") files
	mapfile -t files < <(find "$kcc/config/crds/resources" "$kyverno/config/crds" -name '*.yaml' | sort)
	[ ${#files[@]} -gt 0 ] || fail "no CRD files in $kcc/config/crds/resources or $kyverno/config/crds"
	echo "$(date +%T) applying ${#files[@]} CRD files and kpt's ResourceGroup CRD" >"$log"
	local i j pids=() failed=0
	for i in 0 1 2 3; do
		local -a args=()
		for ((j = i; j < ${#files[@]}; j += 4)); do args+=(-f "${files[j]}"); done
		"${kubectl[@]}" apply --server-side --field-manager=lockdown-test "${args[@]}" >"$log.$i" 2>&1 &
		pids+=($!)
	done
	kpt live install-resource-group --kubeconfig "$dir/kubeconfig" >"$log.rg" 2>&1 &
	pids+=($!)
	for i in 0 1 2 3 rg; do
		wait "${pids[0]}" || failed=1
		pids=("${pids[@]:1}")
		cat "$log.$i" >>"$log" && rm -f "$log.$i"
	done
	[ $failed -eq 0 ] || fail "installing the CRDs failed: $(grep -iv -e '^customresourcedefinition' -e success -e '^[0-9:]* ' "$log" | head -n 5) (all of it: $log)"
	echo "$(date +%T) waiting until every CRD is served" >>"$log"
	wait_established
	echo "$(date +%T) done" >>"$log"
}

# wait_established polls the CRDs' Established conditions with one list
# (kubectl wait --all asks for them one at a time: two minutes for 600).
wait_established() {
	local deadline=$((SECONDS + 180)) states pending
	local template='{{range .items}}{{.metadata.name}}={{range .status.conditions}}{{if eq .type "Established"}}{{.status}}{{end}}{{end}}{{"\n"}}{{end}}'
	while :; do
		if states=$("$bin/kubectl" --kubeconfig "$dir/kubeconfig" get crd -o go-template="$template" 2>&1); then
			pending=$(grep -v '=True$' <<<"$states" || true)
			[ -n "$pending" ] || return 0
			echo "$(date +%T) $(wc -l <<<"$pending") CRDs not served yet" >>"$dir/crds.log"
		else
			pending=$states
		fi
		[ $SECONDS -lt $deadline ] || fail "CRDs not served after 180 s: $(head -n 3 <<<"$pending")"
		sleep 1
	done
}

start() {
	[ -n "${1:-}" ] || fail "start needs a folder for the servers' state: scripts/apiserver.sh start DIR"
	need openssl "to make the API server's certificates and service-account key (Debian: apt-get install openssl)"
	need kpt "to install kpt's ResourceGroup CRD (kpt live install-resource-group)"
	need go "to build the servers and to find the CRDs in the Go module cache"
	mkdir -p "$1"
	dir=$(cd "$1" && pwd)
	if alive "$dir" etcd || alive "$dir" kube-apiserver; then
		fail "servers already run in $dir: scripts/apiserver.sh stop $dir first"
	fi
	bin=$(build)
	# kubectl and kpt cache discovery in ~/.kube/cache/<host_port>: a new
	# folder for every start, with 600 CRDs in it.
	export KUBECACHEDIR=$dir/kube-cache
	local begin=$SECONDS etcd_client etcd_peer port token
	rm -rf "$dir/etcd"
	make_credentials "$dir"
	etcd_client=$(free_port)
	etcd_peer=$(free_port)
	port=$(free_port)
	write_kubeconfig "$dir" "$port" "$token"
	# A start that fails half way stops what it started.
	trap 'stop "$dir" >/dev/null 2>&1' EXIT
	start_etcd "$etcd_client" "$etcd_peer"
	start_apiserver "$port" "$etcd_client"
	if [ -n "${LOCKDOWN_APISERVER_OWNER:-}" ]; then
		watch_owner "$LOCKDOWN_APISERVER_OWNER"
	fi
	wait_ready
	local ready=$((SECONDS - begin))
	install_crds
	trap - EXIT
	echo "apiserver.sh: kube-apiserver $KUBERNETES_VERSION on https://127.0.0.1:$port, ready in $ready s, with $("${bin}/kubectl" --kubeconfig "$dir/kubeconfig" get crd -o name | wc -l) CRDs in $((SECONDS - begin)) s; KUBECONFIG=$dir/kubeconfig" >&2
}

# watch_owner stops the servers when the process that asked for them
# (LOCKDOWN_APISERVER_OWNER, a pid) is gone, even when it died without
# calling stop: a test binary killed on timeout leaves no server behind.
watch_owner() {
	local owner=$1
	# shellcheck disable=SC2016 # the inner bash expands them
	launch watcher bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; exec bash "$2" stop "$3"' \
		watcher "$owner" "$repo/scripts/apiserver.sh" "$dir/"
}

# ---------------------------------------------------------------- stop

stop() {
	[ -n "${1:-}" ] || fail "stop needs the folder given to start: scripts/apiserver.sh stop DIR"
	[ -d "$1" ] || return 0
	dir=$(cd "$1" && pwd)
	local name pid pids=()
	for name in kube-apiserver etcd; do
		if alive "$dir" "$name"; then
			pid=$(cat "$dir/$name.pid")
			kill "$pid"
			pids+=("$pid")
		fi
	done
	# Ten seconds to shut down, then SIGKILL for those still running (and
	# only them: a pid that has exited may already be someone else's).
	local running=("${pids[@]}")
	for _ in $(seq 50); do
		running=()
		for pid in "${pids[@]}"; do
			if kill -0 "$pid" 2>/dev/null; then running+=("$pid"); fi
		done
		[ ${#running[@]} -gt 0 ] || break
		sleep 0.2
	done
	for pid in "${running[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
	# The watcher last: when it is the caller, this ends the stop.
	if alive "$dir" watcher && [ "$(cat "$dir/watcher.pid")" != "$$" ]; then
		kill "$(cat "$dir/watcher.pid")" 2>/dev/null || true
	fi
	rm -f "$dir"/{etcd,kube-apiserver,watcher}.pid
}

# main runs one command. It and the exit share one line: bash reads a
# script as it runs it, and a start takes a minute, long enough for an
# edit of this file to land in the middle.
main() {
	case ${1:-} in
	build) build ;;
	built) built ;;
	start) start "${2:-}" ;;
	stop) stop "${2:-}" ;;
	*)
		echo "usage: scripts/apiserver.sh build | built | start DIR | stop DIR" >&2
		exit 2
		;;
	esac
}

main "$@"; exit
