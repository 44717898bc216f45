# Keten — the two commands: `make run` (start the platform) and `make test` (everything CI checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
DEV    := KETEN_DEV=1
MANAGE := $(BIN)/python manage.py

.PHONY: run test install lint test-sqlite test-postgres test-e2e demo-code bench clean

## run: install, migrate the SQLite database under var/, load regions and demo data, serve on 127.0.0.1:$(PORT)
run: install
	$(DEV) $(MANAGE) migrate --noinput
	$(DEV) $(MANAGE) createcachetable
	$(DEV) $(MANAGE) load_regions
	$(DEV) $(MANAGE) seed_demo
	@echo
	@echo "Keten runs at http://127.0.0.1:$(PORT)/  (stop with Ctrl-C)"
	@$(DEV) $(MANAGE) demo_accounts
	@echo
	$(DEV) $(MANAGE) runserver 127.0.0.1:$(PORT)

## test: lint, the suite on SQLite and on a throwaway PostgreSQL, then the browser tests
test: install lint test-sqlite test-postgres test-e2e

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint:
	$(BIN)/ruff check src tests scripts bench

test-sqlite:
	$(BIN)/python -m pytest -q --ignore=tests/e2e

test-postgres:
	$(BIN)/python -m pytest -q --ignore=tests/e2e --postgres

test-e2e:
	$(BIN)/python -m pytest tests/e2e -q

## demo-code: the current six-digit code for the demo accounts
demo-code:
	@$(DEV) $(MANAGE) demo_accounts --code

clean:
	rm -rf $(VENV) node_modules staticfiles

## bench: request costs against the health-check baseline (see bench/)
bench: install
	$(BIN)/python bench/bench_requests.py
