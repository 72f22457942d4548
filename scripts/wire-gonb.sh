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
# Give GoNB's go.sum the course's checksums: with them, the `go get` GoNB
# runs before each cell finds everything in the module cache and never asks
# the network (where a slow module proxy once held a cell for ten minutes).
if [[ -f go.sum ]]; then
	sort -u "$root/go.sum" go.sum > go.sum.new
else
	cp "$root/go.sum" go.sum.new
fi
mv go.sum.new go.sum
echo "kit ready: $mod from $root"
