# mlops-report: every entry point a developer or CI needs.
# `make run` and `make test` work on a fresh clone (they set up .venv first).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test test-py test-client vsix e2e bench fuzz editions docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## Check the bundled example report and print the result (it fails four questions on purpose,
## so the gate is turned off here).
run: setup
	$(VENV)/bin/mlops-report check --fail-on never examples/reports/README.md

## Every test: the Python suite, then the extension's tests in a real VS Code.
test: setup
	$(PY) -m pytest -q
	bash client-vscode/scripts/test.sh

test-py: setup
	$(PY) -m pytest -q

test-client: setup
	bash client-vscode/scripts/test.sh

## Build the VS Code extension into client-vscode/mlops-report-VERSION.vsix.
vsix: setup
	bash client-vscode/scripts/build.sh

bench: setup
	$(PY) bench/run.py

fuzz: setup
	$(PY) tests/fuzz.py $(if $(MINUTES),--minutes $(MINUTES)) $(if $(SEED),--seed $(SEED))

## Regenerate the editions data from a folder of templates (default ../shared/templates).
editions: setup
	$(PY) -m mlops_report.editions.generate $(or $(TEMPLATES),../shared/templates)

## Regenerate docs/rules.md from the rules themselves, docs/evidence.md from evidence.json.
docs: setup
	$(PY) -m mlops_report.rules.docs > docs/rules.md
	$(PY) -m mlops_report.evidence > docs/evidence.md

clean:
	rm -rf $(VENV) client-vscode/node_modules client-vscode/dist client-vscode/bundled .e2e
