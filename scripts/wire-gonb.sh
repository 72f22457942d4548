#!/usr/bin/env bash
# wire-gonb.sh: the first cell of every notebook runs this in GoNB's build
# folder (a `!*` line). It points GoNB's own go.mod at the clone the notebook
# sits in, so that `import "parallelgo.dev/course/kit"` compiles this clone's
# kit, wherever the clone is, with no hand edit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mod=$(cd "$root" && go list -m) || {
	echo "wire-gonb: $root is not the course's Go module; open the notebooks from a clone of the course" >&2
	exit 1
}
# -replace alone makes go ask the module proxy for the (unpublished) module;
# the zero pseudo-version with -require keeps it local.
go mod edit -replace "$mod=$root" -require "$mod@v0.0.0-00010101000000-000000000000"
# Record kit's dependencies (already in the module cache) in GoNB's go.sum.
GOFLAGS=-mod=mod go mod download "$mod/..." 2>/dev/null || true
echo "kit ready: $mod from $root"
