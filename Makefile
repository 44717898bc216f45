# Keten — the two commands: `make run` (start the platform) and `make test` (everything CI checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
DEV    := KETEN_DEV=1
MANAGE := $(BIN)/python manage.py
# Compiled translations are built at install time, not committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard src/keten/locale/*/LC_MESSAGES/django.po))

.PHONY: run serve test install lint audit-deps test-sqlite test-postgres test-e2e demo-code bench bench-linking bench-monitor soak messages clean

## run: install, migrate the SQLite database under var/, load regions and demo data, serve on 127.0.0.1:$(PORT)
##      with the background worker (imports, notifications, deadline scans) beside the server; stopping the
##      server stops the worker too.
run: install
	$(DEV) $(MANAGE) migrate --noinput
	$(DEV) $(MANAGE) createcachetable
	$(DEV) $(MANAGE) load_regions
	$(DEV) $(MANAGE) load_indicators
	$(DEV) $(MANAGE) load_taxonomies
	$(DEV) $(MANAGE) seed_demo
	$(DEV) $(MANAGE) load_knowledge --demo
	@echo
	@echo "Keten runs at http://127.0.0.1:$(PORT)/  (stop with Ctrl-C)"
	@$(DEV) $(MANAGE) demo_accounts
	@echo
	@$(DEV) $(MANAGE) worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(MANAGE) runserver 127.0.0.1:$(PORT)

## serve: Keten as in production (docs/operations.md): DATABASE_URL (PostgreSQL) and DJANGO_SECRET_KEY required;
##        migrates, collects the static files, then gunicorn (deploy/gunicorn.conf.py) and the tasks worker
serve: install
	PORT=$(PORT) $(BIN)/python scripts/serve.py

## test: lint, the suite on SQLite and on a throwaway PostgreSQL, then the browser tests
test: install lint test-sqlite test-postgres test-e2e

install: $(VENV)/.installed node_modules/.installed $(MO_FILES)

%.mo: %.po
	msgfmt --check -o $@ $<

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## lint: ruff; bandit over src (no finding of medium or high severity; the kinds left to ruff, with their
##       reasons, in pyproject.toml's [tool.bandit]); the dependency audit (scripts/audit_deps.py: pip-audit, which
##       needs PyPI's vulnerability service and says so loudly when it cannot reach it)
## audit-deps: the dependency audit where PyPI can be reached (the release pipeline): fails when it cannot
lint:
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive src --severity-level medium
	$(BIN)/python scripts/audit_deps.py

audit-deps: install
	KETEN_REQUIRE_DEPENDENCY_AUDIT=1 $(BIN)/python scripts/audit_deps.py

test-sqlite:
	$(BIN)/python -m pytest -q --ignore=tests/e2e

test-postgres:
	$(BIN)/python -m pytest -q --ignore=tests/e2e --postgres

test-e2e:
	$(BIN)/python -m pytest tests/e2e -q

## messages: collect new Dutch strings into the English catalogue (then translate the new entries)
messages: install
	cd src/keten && DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=../.. ../../$(BIN)/python ../../manage.py \
		makemessages -l en --no-obsolete

## demo-code: the current six-digit code for the demo accounts
demo-code:
	@$(DEV) $(MANAGE) demo_accounts --code

clean:
	rm -rf $(VENV) node_modules staticfiles

## bench: request costs against the health-check baseline (see bench/)
bench: install
	$(BIN)/python bench/bench_requests.py
	$(BIN)/python bench/bench_identity.py
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/bench_socialmap.py
	$(BIN)/python bench/bench_intake.py

## bench-linking: the linking engine against Splink 5 at 100,000 and 1,000,000 records (about 45 minutes,
##                most of it Splink at 1,000,000 spilling to disk under its 8 GiB limit)
bench-linking: install
	$(BIN)/python bench/bench_linking.py

## soak: hostile and concurrent use, too slow for `make test`: schemathesis against the API for every role
##       (SOAK_API_CASES per role, default 10,000: bench/soak_api.py), then 1,000 races of two people saving one
##       record version on a throwaway PostgreSQL (SOAK_RACES: bench/soak_races.py)
soak: install
	$(BIN)/python bench/soak_api.py
	$(BIN)/python bench/soak_races.py
	$(BIN)/python bench/soak_crash.py

## bench-monitor: the national dashboard and a quarterly PDF over 1,000,000 signals and 50,000 trajectories on a
##                throwaway PostgreSQL (about 5 minutes, most of it inserting)
bench-monitor: install
	$(BIN)/python bench/bench_monitor.py
