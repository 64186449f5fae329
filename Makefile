# make run  — the embedded stack with demo data on http://127.0.0.1:8000
# make test — installs what the tests need and runs the whole suite
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test lint install clean

$(INSTALLED): pyproject.toml constraints.txt scripts/install-system-packages.sh
	scripts/install-system-packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[test]"
	touch $@

install: $(INSTALLED)

run: $(INSTALLED)
	$(PY) -m eoffice.cli run

# Real servers for the contract tests; each script is quick when its server is already there.
SERVERS := scripts/install-postgres.sh scripts/install-minio.sh scripts/install-elasticsearch.sh \
	scripts/install-softhsm.sh scripts/install-chromium.sh

test: $(INSTALLED)
	for script in $(SERVERS); do $$script || exit 1; done
	$(PY) -m pytest

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy documents workflow signing search api eoffice bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
