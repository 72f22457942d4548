#!/usr/bin/env bash
# install.sh: installs what the course needs besides Go and Python, each piece
# only when it is missing or out of date, so a second run installs nothing and
# takes seconds.
#
# The one place where installing happens: `make lab`, `make test` and Binder's
# postBuild all call it.
#
#   scripts/install.sh lab      .venv with requirements.txt (JupyterLab, Notebook 7, ...),
#                               GoNB, goimports, kernel specs, a warm Go build cache
#   scripts/install.sh test     the same, plus Chromium for the browser checks
#   scripts/install.sh binder   the Go side only: Binder's conda environment already
#                               holds requirements.txt (environment.yml's pip section)
#   scripts/install.sh kernels  the Go side only, for a Jupyter you already have:
#                               GoNB, goimports and the kernel specs
#
# Every failure ends with one line that says what to do; what a failure
# interrupts is redone by the next run.
set -euo pipefail

readonly GO_MIN=1.26.0 # keep in step with go.mod's go directive
readonly GONB_VERSION=v0.11.4 # keep in step with tools/go.mod
readonly PYTHON_MIN=3.11 # numpy 2.4 and pandas 3.1 in requirements.txt need it

target=${1:-lab}
case $target in lab | test | binder | kernels) ;; *)
	echo "install.sh: unknown target '$target' (use lab, test, binder or kernels)" >&2
	exit 2
	;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
# The Go flags every notebook cell is built with (the kernel spec sets them):
# pure-Go DNS and user lookups, so that a cell importing kit links no C code.
# Such a cell starts faster, which every kit.Processes worker pays for, and
# keeps the runtime's deadlock detector on. -ldflags=-s leaves out the symbol
# table and DWARF (the linker's -s implies -w): the build of a cell that
# imports kit went from 0.50 to 0.42 s (1.42 to 0.86 s on a loaded machine)
# and its binary from 4.4 to 3.0 MB; stack
# traces keep their file:line (they come from the runtime's pclntab), and a
# cell's own `%goflags -race` still works. `make bench` measures kit with them.
cell_goflags=$(cat "$root/scripts/cell-goflags")
say() { printf 'install: %s\n' "$*"; }
die() {
	printf 'install: %s\n' "$*" >&2
	exit 1
}
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# --- Go ------------------------------------------------------------------
command -v go >/dev/null || die "no 'go' on PATH: install Go $GO_MIN or newer from https://go.dev/dl/ and run this again"
have=$(go env GOVERSION | sed 's/^go//; s/[^0-9.].*//')
version_ge "$have" "$GO_MIN" ||
	die "Go $have is older than the $GO_MIN this course needs: install a newer Go from https://go.dev/dl/"
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
goroot_bin="$(go env GOROOT)/bin"
# Go's directories first, each directory once (the kernel spec records this PATH).
PATH=$(printf '%s' "$gobin:$goroot_bin:$PATH" | awk -v RS=: -v ORS=: '!seen[$0]++' | sed 's/:$//')
export PATH

# --- Python (lab and test; Binder's and your own Jupyter bring theirs) -----
venv="$root/.venv"
packages=()
if [ "$target" = lab ] || [ "$target" = test ]; then
	command -v python3 >/dev/null ||
		die "no 'python3' on PATH: install Python $PYTHON_MIN or newer (Debian: apt-get install python3 python3-venv) and run this again"
	pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	version_ge "$pyver" "$PYTHON_MIN" ||
		die "python3 is Python $pyver, older than the $PYTHON_MIN requirements.txt needs: put a newer python3 first on PATH and run this again"
	# Debian splits venv's pip bootstrap (ensurepip) into python3-venv.
	if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
		if [ "$(command -v python3)" = /usr/bin/python3 ] && command -v apt-get >/dev/null; then
			packages+=("python$pyver-venv")
		else
			die "$(command -v python3) has no venv module with pip (ensurepip): install it (Debian: python3-venv) or put another python3 first on PATH, and run this again"
		fi
	fi
fi

# --- system packages (Debian and Ubuntu) ------------------------------------
# The race detector needs cgo and so a C compiler (Binder's conda has one).
if [ "$target" != binder ] && ! command -v cc >/dev/null; then
	packages+=(gcc libc6-dev)
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

# --- .venv from requirements.txt --------------------------------------------
# The stamp holds requirements.txt's hash and is written only after pip
# succeeded: an interrupted or failed install has no stamp, so the next run
# installs again (pip keeps what is already there), and an edited
# requirements.txt is installed on the next run.
if [ "$target" = lab ] || [ "$target" = test ]; then
	stamp="$venv/.requirements.sha256"
	want=$( (cat "$root/requirements.txt"; echo "python $pyver") | sha256sum | cut -d' ' -f1)
	if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
		rm -f "$stamp"
		# A .venv whose python no longer runs (moved, or its Python removed) is made anew.
		if ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
			rm -rf "$venv"
			say "creating $venv with $(command -v python3) (Python $pyver)"
			python3 -m venv "$venv" || {
				rm -rf "$venv"
				die "python3 -m venv failed (message above): install your Python's venv module (Debian: python3-venv) and run this again"
			}
		fi
		say "installing requirements.txt into .venv (JupyterLab, Notebook 7, nbconvert, pandas, Dask; about a minute)"
		"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$root/requirements.txt" ||
			die "pip could not install requirements.txt (message above): check that PyPI is reachable (proxy, network), then run this again"
		printf '%s\n' "$want" >"$stamp"
	fi
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
# GoNB runs `go get` before every cell, and with no arguments it asks the module
# proxy about every module the cell's imports come from (retraction checks):
# about 0.15-0.2 s per cell that imports kit, and a cell that waits on the network.
# Putting the module cache first as a file:// proxy answers those questions
# locally; a module that is not in the cache still comes from the usual proxy.
# Measured: `go get` in a kit cell's folder 0.18-0.22 s before, 0.04-0.08 s after.
cell_goproxy="file://$(go env GOMODCACHE)/cache/download,$(go env GOPROXY)"
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
 "env": {"PATH": $(json_string "$PATH"), "GOFLAGS": $(json_string "$cell_goflags"), "GOPROXY": $(json_string "$cell_goproxy")}
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
# The first cell that imports kit would otherwise compile go-echarts
# and kit for half a minute. Built with the cells' flags, as the cells are.
# Cheap when the cache is already warm.
(cd "$root" && GOFLAGS=$cell_goflags go build ./...) ||
	die "the course module does not build: see the errors above"
if command -v cc >/dev/null || command -v gcc >/dev/null; then
	(cd "$root" && GOFLAGS=$cell_goflags CGO_ENABLED=1 go build -race ./...) ||
		die "building with -race failed: see the errors above"
fi
case $target in
lab | test) say "ready (Go $have, GoNB $GONB_VERSION in $gobin, kernels in $kernels, Jupyter in .venv)" ;;
*) say "ready (Go $have, GoNB $GONB_VERSION in $gobin, kernels in $kernels)" ;;
esac
