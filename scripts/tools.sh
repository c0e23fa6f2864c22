#!/usr/bin/env bash
# tools.sh: the tools lockdown's image builds and end-to-end tests need.
#
#   scripts/tools.sh check       say what is there; change nothing; exit 1 when
#                                something is missing
#   scripts/tools.sh [ensure]    install podman, runc and git (kpt needs it)
#                                when missing (as root, with apt-get); check
#                                kpt and go
#   scripts/tools.sh podman      the same for podman and runc only (image builds
#                                need no kpt)
#   source scripts/tools.sh [mode]
#                                in bash: the same, then export
#                                CONTAINERS_CONF=<repo>/scripts/containers.conf
#                                (unless already set) and KPT_FN_RUNTIME=podman;
#                                mode env exports without checking anything
#
# kpt cannot be installed from here (it does not build from the Go module
# proxy, and nothing else may be downloaded), so a missing kpt is an error
# that says where to get it. Quiet and quick when everything is there.

if [ -z "${BASH_VERSION:-}" ]; then
	echo "tools.sh: needs bash: run it (scripts/tools.sh), or source it from bash" >&2
	# shellcheck disable=SC2317 # exit is reached when run, not sourced
	return 1 2>/dev/null || exit 1
fi

_ld_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

_ld_fail() { echo "tools.sh: $*" >&2; }

# _ld_runc finds runc, which Debian puts in /usr/sbin: not on a user's PATH.
_ld_runc() {
	command -v runc && return
	for p in /usr/sbin/runc /usr/bin/runc; do
		if [ -x "$p" ]; then echo "$p" && return; fi
	done
}

# _ld_apt_install installs Debian packages. It refreshes the package lists
# only when there are none, or when an install from the present ones fails
# (stale lists name versions the mirror no longer has).
_ld_apt_install() {
	local log
	log=$(mktemp) || return 1
	echo "tools.sh: installing $* with apt-get" >&2
	local -x DEBIAN_FRONTEND=noninteractive # for apt-get only, not the sourcing shell
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		apt-get update >>"$log" 2>&1
	fi
	if ! apt-get install -y "$@" >>"$log" 2>&1 &&
		! { apt-get update >>"$log" 2>&1 && apt-get install -y "$@" >>"$log" 2>&1; }; then
		tail -n 20 "$log" >&2
		_ld_fail "apt-get install -y $* failed (full log: $log)"
		return 1
	fi
	rm -f "$log"
}

# _ld_install installs the named Debian packages (each the name of the
# command it brings), or says how to when this shell cannot.
_ld_install() {
	[ $# -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		_ld_fail "missing $*, and only root can install packages: run 'sudo apt-get install -y $*' (Debian, Ubuntu), or run scripts/tools.sh as root"
		return 1
	fi
	if ! command -v apt-get >/dev/null; then
		_ld_fail "missing $*, and there is no apt-get: install $* with this system's package manager"
		return 1
	fi
	_ld_apt_install "$@"
}

# lockdown_ensure_podman installs podman and runc when they are missing.
lockdown_ensure_podman() {
	local missing=()
	command -v podman >/dev/null || missing+=(podman)
	[ -n "$(_ld_runc)" ] || missing+=(runc)
	_ld_install "${missing[@]}"
}

# lockdown_ensure_git installs git, which kpt refuses to run without, even
# for kpt fn eval ("kpt requires that `git` is installed and on the PATH").
lockdown_ensure_git() {
	command -v git >/dev/null || _ld_install git
}

_ld_kpt_help="install the google-cloud-cli-kpt package from Google Cloud's apt repository (https://cloud.google.com/sdk/docs/install#deb), or put a kpt v1.0.0-beta.5x binary on PATH (lockdown is tested with 1.0.0-beta.56)"

# lockdown_check_kpt wants kpt 1.x on PATH: kpt 0.x has another fn CLI.
lockdown_check_kpt() {
	local v
	if ! command -v kpt >/dev/null; then
		_ld_fail "kpt not found on PATH: $_ld_kpt_help"
		return 1
	fi
	v=$(kpt version 2>/dev/null) || {
		_ld_fail "'kpt version' failed ($(command -v kpt)): $_ld_kpt_help"
		return 1
	}
	case $v in
	1.* | v1.*) ;;
	*)
		_ld_fail "kpt $v ($(command -v kpt)) is not kpt 1.x: $_ld_kpt_help"
		return 1
		;;
	esac
}

# lockdown_check_go wants a Go at least as new as go.mod's go line. The
# local toolchain is asked (GOTOOLCHAIN=local): switching would download.
lockdown_check_go() {
	local have want
	if ! command -v go >/dev/null; then
		_ld_fail "go not found on PATH: install Go $(_ld_go_wanted) or newer (https://go.dev/dl/) and put its bin/ on PATH"
		return 1
	fi
	have=$(GOTOOLCHAIN=local go env GOVERSION)
	have=${have#go}
	want=$(_ld_go_wanted)
	if [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n1)" != "$want" ]; then
		_ld_fail "go $have ($(command -v go)) is older than go.mod's go $want: install Go $want or newer (https://go.dev/dl/)"
		return 1
	fi
}

_ld_go_wanted() { awk '$1 == "go" { print $2; exit }' "$_ld_repo/go.mod"; }

lockdown_export_env() {
	export CONTAINERS_CONF="${CONTAINERS_CONF:-$_ld_repo/scripts/containers.conf}"
	export KPT_FN_RUNTIME=podman
}

# lockdown_check reports every tool on one line each, and fails when one
# is missing. It also runs `podman info`, which catches a podman that is
# installed but cannot start under this containers.conf.
lockdown_check() {
	local ok=0 runc
	lockdown_export_env
	if command -v podman >/dev/null && podman info >/dev/null 2>&1; then
		echo "podman  $(podman version --format '{{.Client.Version}}') ($(command -v podman))"
	elif command -v podman >/dev/null; then
		echo "podman  BROKEN: 'podman info' fails with CONTAINERS_CONF=$CONTAINERS_CONF:"
		podman info 2>&1 | tail -n 3 | sed 's/^/          /'
		ok=1
	else
		echo "podman  MISSING: scripts/tools.sh (as root) installs it"
		ok=1
	fi
	runc=$(_ld_runc)
	if [ -n "$runc" ]; then
		echo "runc    $("$runc" --version | awk 'NR == 1 { print $3 }') ($runc)"
	else
		echo "runc    MISSING: scripts/tools.sh (as root) installs it"
		ok=1
	fi
	if command -v git >/dev/null; then
		echo "git     $(git --version | awk '{ print $3 }') ($(command -v git))"
	else
		echo "git     MISSING (kpt needs it): scripts/tools.sh (as root) installs it"
		ok=1
	fi
	if lockdown_check_kpt 2>/dev/null; then
		echo "kpt     $(kpt version) ($(command -v kpt))"
	else
		echo "kpt     $(lockdown_check_kpt 2>&1 | sed 's/^tools.sh: //')"
		ok=1
	fi
	if lockdown_check_go 2>/dev/null; then
		echo "go      $(GOTOOLCHAIN=local go env GOVERSION) ($(command -v go))"
	else
		echo "go      $(lockdown_check_go 2>&1 | sed 's/^tools.sh: //')"
		ok=1
	fi
	# The live tests (e2e/live_test.go) run kube-apiserver and etcd, which
	# scripts/apiserver.sh builds once from the Go module proxy, with
	# certificates openssl makes.
	if command -v openssl >/dev/null; then
		echo "openssl $(openssl version | awk '{ print $2 }') ($(command -v openssl))"
	else
		echo "openssl MISSING (the live tests' API server needs it): apt-get install openssl"
		ok=1
	fi
	if _ld_apiserver=$(bash "$_ld_repo/scripts/apiserver.sh" built 2>/dev/null); then
		echo "k8s     kube-apiserver, kubectl and etcd ($_ld_apiserver)"
	else
		echo "k8s     kube-apiserver, kubectl and etcd not built yet: make e2e builds them (scripts/apiserver.sh build; minutes, once)"
	fi
	if command -v docker >/dev/null; then
		if docker info >/dev/null 2>&1; then
			echo "docker  $(command -v docker) (engine up; podman is preferred when present)"
		else
			echo "docker  $(command -v docker) (no engine: not used)"
		fi
	fi
	echo "env     CONTAINERS_CONF=$CONTAINERS_CONF KPT_FN_RUNTIME=$KPT_FN_RUNTIME"
	return $ok
}

lockdown_ensure() {
	local ok=0
	lockdown_ensure_podman || ok=1
	lockdown_ensure_git || ok=1
	lockdown_check_kpt || ok=1
	lockdown_check_go || ok=1
	return $ok
}

_ld_main() {
	case ${1:-ensure} in
	check) lockdown_check ;;
	ensure) lockdown_ensure && lockdown_export_env ;;
	podman) lockdown_ensure_podman && lockdown_export_env ;;
	env) lockdown_export_env ;;
	*)
		_ld_fail "unknown mode '$1': use check, ensure, podman or env"
		return 2
		;;
	esac
}

# Strict mode only when run: a sourcing shell keeps its own options. A
# script that sources this file must name the mode, or bash hands it the
# script's own arguments.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
fi
_ld_main "$@"
