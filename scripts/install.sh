#!/usr/bin/env bash
# install.sh: installs what the course needs besides Go, each piece only when it
# is missing, so a second run installs nothing and takes seconds.
#
# The one place where installing happens: `make lab`, `make test` and Binder's
# postBuild all call it.
#
#   scripts/install.sh lab     Jupyter, GoNB, goimports, kernel specs, warm build cache
#   scripts/install.sh test    the same, plus Chromium for the browser checks
#   scripts/install.sh binder  the Go side only: conda already provides Jupyter and a C compiler
#
# Every failure ends with one line that says what to do.
set -euo pipefail

readonly GO_MIN=1.24.4 # keep in step with go.mod's go directive
readonly GONB_VERSION=v0.11.4 # keep in step with tools/go.mod

target=${1:-lab}
case $target in lab | test | binder) ;; *)
	echo "install.sh: unknown target '$target' (use lab, test or binder)" >&2
	exit 2
	;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
# The Go flags every notebook cell is built with (the kernel spec sets them):
# pure-Go DNS and user lookups, so that a cell importing kit links no C code.
# Such a cell starts faster, which every kit.Processes worker pays for, and
# keeps the runtime's deadlock detector on. `make bench` measures kit with them.
cell_goflags=$(cat "$root/scripts/cell-goflags")
say() { printf 'install: %s\n' "$*"; }
die() {
	printf 'install: %s\n' "$*" >&2
	exit 1
}

# --- Go ------------------------------------------------------------------
command -v go >/dev/null || die "no 'go' on PATH: install Go $GO_MIN or newer from https://go.dev/dl/ and run this again"
have=$(go env GOVERSION | sed 's/^go//; s/[^0-9.].*//')
[ "$(printf '%s\n%s\n' "$GO_MIN" "$have" | sort -V | head -n1)" = "$GO_MIN" ] ||
	die "Go $have is older than the $GO_MIN this course needs: install a newer Go from https://go.dev/dl/"
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
goroot_bin="$(go env GOROOT)/bin"
# Go's directories first, each directory once (the kernel spec records this PATH).
PATH=$(printf '%s' "$gobin:$goroot_bin:$PATH" | awk -v RS=: -v ORS=: '!seen[$0]++' | sed 's/:$//')
export PATH

# --- system packages (Debian and Ubuntu) ------------------------------------
packages=()
if [ "$target" != binder ]; then
	# Debian's Jupyter lives in /usr/bin; a pyenv or venv python3 earlier on
	# PATH does not have it, so look for the jupyter command itself.
	if ! command -v jupyter >/dev/null || ! jupyter nbconvert --version >/dev/null 2>&1; then
		packages+=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client jupyter-nbformat)
	fi
	# The race detector needs cgo and so a C compiler.
	command -v cc >/dev/null || packages+=(gcc libc6-dev)
fi
if [ "$target" = test ] && ! command -v chromium >/dev/null; then
	packages+=(chromium fonts-dejavu-core)
fi
if [ ${#packages[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ]; then
		sudo=()
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		die "missing system packages and no root or sudo: run 'sudo apt-get install ${packages[*]}' (or ask your admin), then run this again"
	fi
	command -v apt-get >/dev/null || die "this is not a Debian/Ubuntu system: install by hand the equivalents of: ${packages[*]}"
	say "installing ${packages[*]} (about a minute)"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq >/dev/null || die "apt-get update failed: check the network or the apt sources, then run this again"
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null ||
		die "apt-get install ${packages[*]} failed: see the message above, fix it, and run this again"
fi

# --- GoNB and goimports, pinned by tools/go.mod ---------------------------------
gonb_ok() {
	[ -x "$gobin/gonb" ] && [ -x "$gobin/goimports" ] &&
		go version -m "$gobin/gonb" 2>/dev/null | grep -q "github.com/janpfeifer/gonb[[:space:]]*$GONB_VERSION"
}
if ! gonb_ok; then
	say "installing GoNB $GONB_VERSION and goimports into $gobin"
	(cd "$root/tools" && GOFLAGS=-mod=readonly go install tool) ||
		die "could not build GoNB and goimports: check that the Go module proxy is reachable (go env GOPROXY), then run this again"
	gonb_ok || die "GoNB was built but $gobin/gonb is not version $GONB_VERSION: remove it and run this again"
fi

# --- kernel specs -------------------------------------------------------
# Two specs: 'gonb' for learners (HTML errors) and 'gonb-raw' for headless tests
# (plain-text errors). Written here rather than by 'gonb --install' so that the
# kernel finds go and goimports whoever starts Jupyter, with the PATH baked in.
case $(uname) in
Darwin) kernels="${JUPYTER_DATA_DIR:-$HOME/Library/Jupyter}/kernels" ;;
*) kernels="${JUPYTER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/jupyter}/kernels" ;;
esac
json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
write_kernel() { # name, display name, extra argument or ''
	local dir="$kernels/$1" spec extra=""
	[ -n "$3" ] && extra=", $(json_string "$3")"
	spec=$(
		cat <<EOF
{
 "argv": [$(json_string "$gobin/gonb"), "--kernel", "{connection_file}"$extra],
 "display_name": $(json_string "$2"),
 "language": "go",
 "interrupt_mode": "message",
 "env": {"PATH": $(json_string "$gobin:$goroot_bin:$PATH"), "GOFLAGS": $(json_string "$cell_goflags")}
}
EOF
	)
	if [ "$(cat "$dir/kernel.json" 2>/dev/null)" != "$spec" ]; then
		mkdir -p "$dir"
		# Write then rename: a half-written spec must never be left behind.
		printf '%s\n' "$spec" >"$dir/kernel.json.tmp" && mv "$dir/kernel.json.tmp" "$dir/kernel.json"
		say "kernel spec '$1' written to $dir"
	fi
}
write_kernel gonb "Go (gonb)" ""
write_kernel gonb-raw "Go (gonb, plain-text errors)" "--raw_error"
[ -x "$gobin/gonb" ] || die "the kernel spec points at $gobin/gonb, which is missing: run this again"

# --- a warm build cache -----------------------------------------------------
# The first cell that imports kit would otherwise compile go-echarts, gopsutil
# and kit for half a minute. Built with the cells' flags, as the cells are.
# Cheap when the cache is already warm.
(cd "$root" && GOFLAGS=$cell_goflags go build ./...) ||
	die "the course module does not build: see the errors above"
if command -v cc >/dev/null || command -v gcc >/dev/null; then
	(cd "$root" && GOFLAGS=$cell_goflags CGO_ENABLED=1 go build -race ./...) ||
		die "building with -race failed: see the errors above"
fi
say "ready (Go $have, GoNB $GONB_VERSION in $gobin, kernels in $kernels)"
