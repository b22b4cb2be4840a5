# mlops-report: every entry point a developer or CI needs.
# `make run` and `make test` work on a fresh clone (they set up .venv first).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# pytest workers: 3 on a 2-core machine, since the LSP and CLI tests mostly wait on the processes
# they start (measured: 69 s with 3, 109 s with 2, 74 s with 4 for the parallel part)
JOBS   ?= 3

.PHONY: setup run test test-py test-fast test-client lint vsix release lock bench fuzz editions docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,dev]'
	touch $(STAMP)

## Check the bundled example report and print the result (it fails four questions on purpose,
## so the gate is turned off here).
run: setup
	$(VENV)/bin/mlops-report check --fail-on never examples/reports/README.md

## Every test: lint and types, then the extension's tests in a real VS Code (mostly waiting on
## the editor, so they run beside the parallel part of the Python suite; their output is shown
## when they end), then the Python tests that time themselves, alone.
test: setup lint
	@mkdir -p tests/artifacts
	@bash client-vscode/scripts/test.sh > tests/artifacts/client.log 2>&1 & client=$$!; \
	$(PY) -m pytest -q -n $(JOBS) --dist loadfile -m 'not serial'; py=$$?; \
	wait $$client; ext=$$?; \
	echo "-- the extension's tests (tests/artifacts/client.log):"; cat tests/artifacts/client.log; \
	[ $$py -eq 0 ] && [ $$ext -eq 0 ] || { echo "make test: Python suite exit $$py, extension tests exit $$ext"; exit 1; }
	$(PY) -m pytest -q -m serial

## The Python suite alone: on $(JOBS) workers, then the tests that measure time
## (marked serial) on their own. `make test-fast` leaves out the tests marked slow (long
## property runs, builds, real editors).
test-py: setup
	$(PY) -m pytest -q -n $(JOBS) --dist loadfile -m 'not serial'
	$(PY) -m pytest -q -m serial

test-fast: setup
	$(PY) -m pytest -q -n $(JOBS) --dist loadfile -m 'not slow and not serial'
	$(PY) -m pytest -q -m 'serial and not slow'

test-client: setup
	bash client-vscode/scripts/test.sh

## ruff (every rule pyproject.toml selects, and the format) and mypy; any finding fails. Each
## runs even when one before it failed, so one pass shows everything to fix.
lint: setup
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	$(VENV)/bin/mypy || status=1; \
	exit $$status

## Build the VS Code extension into client-vscode/mlops-report-VERSION.vsix.
vsix: setup
	bash client-vscode/scripts/build.sh

## What the release workflow (.github/workflows/release.yml) builds on a tag, into dist/: the
## wheel, the sdist and the .vsix, all of one version.
release: setup
	rm -rf dist
	$(PY) -m build --outdir dist .
	cp "$$(bash client-vscode/scripts/build.sh)" dist/
	$(PY) -m tests.release.artifacts dist

## Lock the libraries the .vsix bundles (client-vscode/python/requirements*.txt, with hashes)
## to the versions installed in .venv.
lock: setup
	$(PY) client-vscode/scripts/lock.py

## Every benchmark, with the tools users would run instead (installed into bench/.peers/ first;
## a peer that cannot be installed is reported as missing).
bench: setup
	bash bench/setup-peers.sh
	$(PY) bench/run.py

fuzz: setup
	$(PY) tests/fuzz.py $(if $(MINUTES),--minutes $(MINUTES)) $(if $(SEED),--seed $(SEED))

## Regenerate the editions data from a folder of templates (default ../shared/templates).
editions: setup
	$(PY) -m mlops_report.editions.generate $(or $(TEMPLATES),../shared/templates)

## Regenerate docs/rules.md from the rules themselves, docs/evidence.md from evidence.json.
docs: setup
	$(PY) -m mlops_report.rules.docs > docs/rules.md
	$(PY) -m mlops_report.rules.docs codes > server/mlops_report/rules/codes.py
	$(PY) -m mlops_report.evidence > docs/evidence.md

clean:
	rm -rf $(VENV) client-vscode/node_modules client-vscode/dist client-vscode/bundled .e2e dist
