#!/usr/bin/env bash
# lab.sh: starts Jupyter for this machine only (127.0.0.1), token
# authentication on, opened on notebooks/. JupyterLab where it is installed,
# the classic Notebook otherwise. `make lab` runs install.sh first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8888}
command -v jupyter >/dev/null || {
	echo "lab: no 'jupyter' on PATH: run 'make lab' (it installs Jupyter) or install JupyterLab yourself" >&2
	exit 1
}
if jupyter lab --version >/dev/null 2>&1; then app=lab; else app=notebook; fi
# Jupyter moves to the next free port by itself; say so rather than surprise.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
	echo "lab: port $port is in use; Jupyter will take the next free one (or run: make lab PORT=9999)"
fi
echo "lab: starting Jupyter $app on 127.0.0.1; open the URL below that carries ?token=..."
# Containers often run as root, which Jupyter refuses without this flag.
extra=()
[ "$(id -u)" -eq 0 ] && extra=(--allow-root)
cd "$root/notebooks"
# The token stays on: anyone who can reach the port could otherwise run code as you.
exec jupyter "$app" --ip=127.0.0.1 --port="$port" --notebook-dir="$root/notebooks" "${extra[@]}"
