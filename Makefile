# The project's commands. `make test` and `make demo` work on a fresh clone:
# they create the virtualenv and start PostgreSQL themselves.
SHELL := /bin/bash
PY := .venv/bin/python
ONLY ?=

.PHONY: help venv test test-pure test-odoo test-peers lint format demo bench screenshots clean soak dist test-all

help:
	@echo "make test    - pure tests, then the Odoo tests when an Odoo tree is found (ODOO_PATH, /opt/odoo)"
	@echo "make test-peers - Odoo core's tests of the modules we extend, with our addons installed"
	@echo "make demo    - Odoo on http://localhost:8069 with both addons, against the eMAG and ANAF sandboxes"
	@echo "make bench   - benchmarks, one name=value line per figure (ONLY=api for one of them)"
	@echo "make screenshots - refresh docs/images/ from the demo (headless Chromium)"
	@echo "make lint    - ruff"
	@echo "make soak    - a day of eMAG business under faults on a multi-worker Odoo, invariants checked (SOAK_ORDERS=1500)"
	@echo "make dist    - dist/<17.0|18.0>/: both addons derived for Odoo 17.0/18.0, + one zip per version"
	@echo "make test-all - make test, then the Odoo tests on 18.0 and 17.0 when their trees are found"

venv:
	@tools/setup_venv.sh
	@if [ -n "$$ODOO_VERSION" ] && [ "$$ODOO_VERSION" != 19.0 ]; then python3 tools/dist.py $$ODOO_VERSION; fi

test: venv
	@$(PY) tools/run_tests.py

test-pure: venv
	@TEST_LAYERS=pure $(PY) tools/run_tests.py

test-odoo: venv
	@TEST_LAYERS=odoo $(PY) tools/run_tests.py

test-peers: venv
	@$(PY) tools/run_peers.py

lint: venv
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .

format: venv
	@$(PY) -m ruff check --fix .
	@$(PY) -m ruff format .

demo: venv
	@tools/demo.sh

bench: venv
	@ONLY=$(ONLY) tools/bench.sh

screenshots: venv
	@tools/screenshots.sh

soak: venv
	@$(PY) tools/soak.py

clean:
	rm -rf .odoo .pytest_cache .ruff_cache dist

dist:
	@python3 tools/dist.py

test-all: venv
	@TEST_VERSIONS=19.0,18.0,17.0 $(PY) tools/run_tests.py
