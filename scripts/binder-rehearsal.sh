#!/usr/bin/env bash
# binder-rehearsal.sh: builds what Binder builds, as far as this machine
# allows, and runs notebook 00 through it in JupyterLab. `make test` runs it.
#
#   1. a copy of the repository as the home folder, as repo2docker makes it;
#   2. a fresh Python environment in a temporary prefix with environment.yml's
#      pip section installed (pip, not conda: conda's channels may be out of
#      reach; the Python version is the local python3's);
#   3. postBuild, with HOME, GOPATH and the kernel specs in the temporary home;
#   4. that environment's `jupyter lab`, started as repo2docker starts it
#      (the repository as the server's root, notebooks at /lab/tree/notebooks)
#      but on 127.0.0.1 and with a token, runs notebook 00 in headless
#      Chromium through nbcheck lab.
#
# Shared with the machine, to save minutes and not to change what is built:
# pip's download cache, and Go's module and build caches (both keyed by
# content). Everything else is made anew and removed at the end.
#
# usage: scripts/binder-rehearsal.sh [nbcheck binary] [KIT_SCALE]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nbcheck=$(cd "$(dirname "${1:-$root/build/bin/nbcheck}")" && pwd)/$(basename "${1:-nbcheck}")
scale=${2:-0.02}
say() { printf 'binder: %s\n' "$*"; }
die() {
	printf 'binder: FAIL %s\n' "$*" >&2
	exit 1
}
[ -x "$nbcheck" ] || die "no nbcheck at $nbcheck: run 'make nbcheck' first"
command -v python3 >/dev/null || die "no python3 on PATH"
command -v go >/dev/null || die "no go on PATH"

start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/binder-rehearsal-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
home="$tmp/home" prefix="$tmp/env"
mkdir -p "$home"

# The caches named above, read before HOME moves.
pip_cache=$(python3 -m pip cache dir 2>/dev/null || echo "$HOME/.cache/pip")
gomodcache=$(go env GOMODCACHE) gocache=$(go env GOCACHE)

# 1. The repository's files (what a clone holds; no .venv, build or .git).
tar -C "$root" --exclude=./.git --exclude=./.venv --exclude=./build -cf - . | tar -C "$home" -xf -

# 2. The environment: environment.yml's pip entries, e.g. "-r requirements.txt".
mapfile -t pip_args < <(awk '
	/^[[:space:]]*-[[:space:]]*pip:[[:space:]]*$/ { inpip = 1; indent = match($0, /-/); next }
	inpip && match($0, /-/) > indent && /^[[:space:]]*-/ { sub(/^[[:space:]]*-[[:space:]]*/, ""); print; next }
	inpip { inpip = 0 }' "$home/environment.yml" | xargs -n1)
[ ${#pip_args[@]} -gt 0 ] || die "environment.yml has no pip: section to install"
say "environment: python3 -m venv, then pip install ${pip_args[*]} (from environment.yml)"
python3 -m venv "$prefix" || die "python3 -m venv failed"
(cd "$home" && PIP_CACHE_DIR="$pip_cache" "$prefix/bin/python" -m pip install -q --disable-pip-version-check "${pip_args[@]}") ||
	die "pip install ${pip_args[*]} failed"

# 3. postBuild in the temporary home. PATH holds the environment, Go and the
# system, not the machine's GOBIN: GoNB must come from postBuild.
goroot_bin=$(dirname "$(command -v go)")
env -u JUPYTER_DATA_DIR -u JUPYTER_PATH -u JUPYTER_CONFIG_DIR -u XDG_DATA_HOME -u GOPATH -u GOBIN \
	HOME="$home" PATH="$prefix/bin:$goroot_bin:/usr/bin:/bin" \
	GOMODCACHE="$gomodcache" GOCACHE="$gocache" PIP_CACHE_DIR="$pip_cache" \
	bash -c 'cd "$HOME" && ./postBuild' | sed 's/^/binder: /' || die "postBuild failed"
kernels=$(HOME="$home" "$prefix/bin/jupyter" kernelspec list --json |
	"$prefix/bin/python" -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["kernelspecs"])))')
case " $kernels " in *" gonb "*) ;; *) die "after postBuild the environment's Jupyter sees no gonb kernel (kernels: $kernels)" ;; esac
say "postBuild done: kernels $kernels; GoNB in $home/go/bin"

# 4. The environment's JupyterLab runs notebook 00.
env -u JUPYTER_DATA_DIR -u JUPYTER_PATH -u JUPYTER_CONFIG_DIR -u XDG_DATA_HOME -u GOPATH -u GOBIN \
	HOME="$home" PATH="$prefix/bin:$goroot_bin:/usr/bin:/bin" \
	GOMODCACHE="$gomodcache" GOCACHE="$gocache" \
	"$nbcheck" lab -root "$home" -jupyter "$prefix/bin/jupyter" -out "$root/build/binder" -scale "$scale" -pages=false \
	"$home/notebooks/00-getting-started.ipynb" | sed 's/^/binder: /'
status=${PIPESTATUS[0]}
say "rehearsal took $(($(date +%s) - start))s"
exit "$status"
