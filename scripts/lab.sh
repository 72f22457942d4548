#!/usr/bin/env bash
# lab.sh: starts the .venv's JupyterLab for this machine only (127.0.0.1),
# token authentication on, opened on notebooks/, and prints the URL to open.
# `make lab` runs install.sh first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8888}
jupyter="$root/.venv/bin/jupyter"
die() {
	printf 'lab: %s\n' "$*" >&2
	exit 1
}
[ -x "$jupyter" ] || die "no JupyterLab in $root/.venv: run 'make lab' (it installs it) or 'scripts/install.sh lab'"
case $port in '' | *[!0-9]*) die "PORT=$port is not a port number" ;; esac
# Jupyter would move to the next free port by itself and the URL below
# would be wrong: say so and stop instead.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
	die "port $port on 127.0.0.1 is in use (another Jupyter?): stop it, or run 'make lab PORT=8899'"
fi
# The token stays on: anyone who can reach the port could otherwise run
# code as you. It goes to Jupyter in the environment, not on the command
# line where other local users could read it with ps.
JUPYTER_TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
export JUPYTER_TOKEN
# Containers often run as root, which Jupyter refuses without this flag.
extra=()
[ "$(id -u)" -eq 0 ] && extra=(--allow-root)
echo "lab: JupyterLab on 127.0.0.1; open this URL (Ctrl-C here stops it):"
echo
echo "    http://127.0.0.1:$port/lab?token=$JUPYTER_TOKEN"
echo
cd "$root/notebooks"
exec "$jupyter" lab --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0 \
	--ServerApp.root_dir="$root/notebooks" "${extra[@]}"
