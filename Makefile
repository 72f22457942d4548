# Parallel Go: the README's two commands, and a few for course authors.
# Everything that gets installed is installed by scripts/install.sh, which
# Binder's postBuild runs too.

# KIT_SCALE for the notebook checks: the real notebooks with every sleep and
# loop shrunk, so that all of them run in minutes. SCALE=1 runs the source
# lessons' sizes.
SCALE ?= 0.02
PORT ?= 8888

NBCHECK := build/bin/nbcheck
# bench pipes its figures through tee: a failed step must still fail make.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
# The flags notebook cells are built with (see scripts/install.sh).
CELL_GOFLAGS := $(shell cat scripts/cell-goflags)

.PHONY: lab test kernels bench strip nbcheck claims site

## lab: install what is missing, then start .venv's JupyterLab on 127.0.0.1 (token on) in notebooks/
lab:
	@scripts/install.sh lab
	@PORT=$(PORT) scripts/lab.sh

## kernels: only GoNB and the Go kernel specs, for a JupyterLab you already have
kernels:
	@scripts/install.sh kernels

## test: install what is missing, vet, race-test, run every notebook live in JupyterLab,
## check that every lesson's claims ran, rehearse Binder
test:
	@scripts/install.sh test
	go vet ./...
	go -C tools vet ./...
	go test -race ./...
	go -C tools test -race ./...
	@$(MAKE) --no-print-directory nbcheck
	$(NBCHECK) all -scale $(SCALE)
	@$(MAKE) --no-print-directory claims
	scripts/binder-rehearsal.sh $(NBCHECK) $(SCALE)

## bench: kit's benchmarks, built as notebook cells are, beside Python's multiprocessing and (kit/cluster)
## Dask's LocalCluster, and a trivial cell's latency; figures in build/bench.json
bench:
	@mkdir -p build
	GOFLAGS='$(CELL_GOFLAGS)' go test -run '^$$' -bench . -skip PythonPool ./kit | tee build/bench.txt
	GOFLAGS='$(CELL_GOFLAGS)' go test -run '^$$' -bench PythonPool -benchtime 1x -v ./kit | tee -a build/bench.txt
	KIT_BENCH_JSON=$(CURDIR)/build/bench.json GOFLAGS='$(CELL_GOFLAGS)' go test -count=1 -run '^TestBenchJSON$$' -v ./kit | tee -a build/bench.txt
	KIT_BENCH_JSON=$(CURDIR)/build/bench.json GOFLAGS='$(CELL_GOFLAGS)' go test -count=1 -timeout 20m -run '^TestBenchJSON$$' -v ./kit/cluster | tee -a build/bench.txt
	@$(MAKE) --no-print-directory nbcheck
	$(NBCHECK) latency -json build/bench.json | tee -a build/bench.txt

## strip: remove outputs and execution counts from the notebooks before committing
strip: nbcheck
	$(NBCHECK) strip notebooks/*.ipynb

nbcheck:
	@mkdir -p build/bin
	go -C tools build -o ../$(NBCHECK) ./nbcheck

## claims: how many of each lesson's checked claims held in the last notebook run (build/executed)
claims:
	go run ./lessons/internal/claimsum -ran build/executed/*.ipynb

## site: run every notebook at SITE_SCALE (1, the source lessons' sizes, unless given) and publish
## build/site/: index.html and one page per lesson, which work with no network. A run at scale 1 is
## the reference run: its claims' measurements go to notebooks/reference.json (commit it), which each
## lesson's closing table shows beside the learner's. `make site SITE_SCALE=0.05` tries the pipeline
## in minutes and records build/site-run/reference.json instead.
SITE_SCALE ?= 1
SITE_REF = $(if $(filter 1 1.0,$(SITE_SCALE)),notebooks/reference.json,build/site-run/reference.json)
JUPYTER = .venv/bin/jupyter
site:
	@scripts/install.sh test
	@$(MAKE) --no-print-directory nbcheck
	@rm -rf build/site build/site-run && mkdir -p build/site build/site-run
	KIT_REFERENCE_RUN=1 $(NBCHECK) run -scale $(SITE_SCALE) -out build/site-run notebooks/*.ipynb; echo $$? > build/site-run/status
	go run ./lessons/internal/claimsum -html -reference $(SITE_REF) -scale $(SITE_SCALE) build/site-run/executed/*.ipynb > build/site/index.html
	$(JUPYTER) nbconvert --log-level WARN --to html --TemplateExporter.extra_template_basedirs=tools/site --template offline \
		--output-dir build/site build/site-run/executed/*.ipynb
	$(NBCHECK) browser -dir build/site -offline
	@echo "site: build/site/index.html; reference run: $(SITE_REF)"
	@exit $$(cat build/site-run/status)
