# Samarbeidsportalen. The two commands that matter: `make run` and `make test`.
# Everything installs itself into .venv (Python 3.12+: Django 6 requires it).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.requirements-dev.lock.installed
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# Screenshots and the browser/worker summary (two runs side by side each need their own).
TEST_ARTIFACTS ?= test-artifacts
export TEST_ARTIFACTS

# Where to look for Python 3.12+, first match wins; `make PYTHON=/path/to/python3.12 ...` goes first.
PYENV_ROOT ?= $(HOME)/.pyenv
PYTHON_CANDIDATES := $(PYTHON) python3.12 python3.13 \
	$(sort $(wildcard $(PYENV_ROOT)/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.12*/bin/python3.12)) \
	$(sort $(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3.13 /root/.pyenv/versions/3.13*/bin/python3.13)) \
	python3
IS_PY312 := import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)

PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help venv run test check lint lock messages translations bench worker beat clean distclean

help:
	@echo "make run        serve the demo portal on http://$(ADDR) (SQLite, eager jobs, demo data)"
	@echo "make test       run the tests (SQLite; DATABASE_URL=postgres://... for PostgreSQL;"
	@echo "                REDIS_URL=redis://... also runs the Celery worker tests)"
	@echo "make check      Django system checks and the missing-migrations check"
	@echo "make lint       ruff and import-linter (the layer contracts in pyproject.toml)"
	@echo "make lock       pin the dependencies again (requirements.lock, requirements-dev.lock)"
	@echo "make messages   update and compile the English catalogue (locale/en)"
	@echo "make bench      run benchmarks/*.py"
	@echo "make worker     a Celery worker (needs REDIS_URL); make beat for the scheduler"
	@echo "make clean      remove generated files (keeps .venv and db.sqlite3); make distclean removes those too"

# -- The virtualenv ------------------------------------------------------------
# Recreated when missing or older than Python 3.12; requirements-dev.lock (the
# production lock plus the test and lint tools) is
# installed again only when it changed since the last install (stamp file).
venv:
	@if ! $(PY) -c '$(IS_PY312)' >/dev/null 2>&1; then \
	  py=""; \
	  for c in $(PYTHON_CANDIDATES); do \
	    if "$$c" -c '$(IS_PY312)' >/dev/null 2>&1; then py="$$c"; break; fi; \
	  done; \
	  if [ -z "$$py" ]; then \
	    echo "error: Python 3.12 or newer not found (Django 6 requires it)." >&2; \
	    echo "       Tried: $(PYTHON_CANDIDATES)" >&2; \
	    echo "       Install python3.12 (or pyenv install 3.12), or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	    exit 1; \
	  fi; \
	  if [ -e $(VENV) ]; then echo "$(VENV) does not run Python 3.12+: recreating it"; rm -rf $(VENV); fi; \
	  echo "Creating $(VENV) with $$py ($$("$$py" --version 2>&1))"; \
	  "$$py" -m venv $(VENV); \
	fi
	@if [ ! -f $(STAMP) ] || [ requirements-dev.lock -nt $(STAMP) ]; then \
	  echo "Installing requirements-dev.lock into $(VENV)"; \
	  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PY) -m pip install --disable-pip-version-check -qq -r requirements-dev.lock; \
	  touch $(STAMP); \
	fi

# -- Translations: .mo files are compiled from newer .po files, if gettext is here.
translations: $(MO_FILES)

locale/%.mo: locale/%.po
	@if command -v msgfmt >/dev/null 2>&1; then \
	  msgfmt --check-format -o $@ $< && echo "Compiled $@"; \
	else \
	  echo "warning: msgfmt (gettext) not found: $@ not recompiled from $<" >&2; \
	fi

# -- Run the demo portal -------------------------------------------------------
run: venv translations
	@export DEMO=1; \
	$(MANAGE) migrate --noinput; \
	$(MANAGE) load_demo --if-empty; \
	if [ -n "$${REDIS_URL:-}" ]; then \
	  echo "Background jobs: Redis ($$REDIS_URL); start workers with: make worker"; \
	else \
	  echo "Background jobs: eager (run inside the web process; no REDIS_URL)"; \
	fi; \
	db="$${DATABASE_URL:-sqlite:///db.sqlite3}"; echo "Database: $${db%%://*}"; \
	echo "Samarbeidsportalen: http://$(ADDR)/  (Ctrl-C stops it; data stays in the database)"; \
	exec $(MANAGE) runserver $(ADDR)

# -- Tests ---------------------------------------------------------------------
test: venv translations
	@mkdir -p $(TEST_ARTIFACTS); rm -f $(TEST_ARTIFACTS)/marker-summary.txt
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	  url="$${DATABASE_URL#*://}"; db="PostgreSQL ($${url#*@})"; \
	else \
	  db="SQLite (in-memory test database)"; \
	fi; \
	if [ -n "$${REDIS_URL:-}" ]; then jobs="Redis, worker tests start a Celery worker"; \
	else jobs="eager; worker tests need REDIS_URL"; fi; \
	echo "== make test: database $$db; background jobs $$jobs"; \
	rc=0; TESTING=1 $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	echo "== make test: database $$db"; \
	if [ -f $(TEST_ARTIFACTS)/marker-summary.txt ]; then \
	  sed 's/^/== make test: /' $(TEST_ARTIFACTS)/marker-summary.txt; \
	  if grep -Eq "^browser tests: 0 ran .*, [1-9][0-9]* skipped" $(TEST_ARTIFACTS)/marker-summary.txt; then \
	    echo "== make test: NOTE: browser tests were SKIPPED (install Debian's chromium: apt-get install chromium)"; \
	  fi; \
	else \
	  echo "== make test: browser/worker tests were not collected in this run"; \
	fi; \
	if [ $$rc -eq 5 ]; then echo "== make test: FAILED: pytest collected no tests" >&2; fi; \
	exit $$rc

check: venv
	@TESTING=1 $(MANAGE) check
	@TESTING=1 $(MANAGE) makemigrations --check --dry-run

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# -- Pinned dependencies: production apart from development (uv pip compile) --
lock: venv
	$(PY) -m pip install -qq uv
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.12 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.12 -c requirements.lock -o requirements-dev.lock

# -- Translations: Norwegian bokmål msgids, an English catalogue ---------------
messages: venv
	@command -v xgettext >/dev/null 2>&1 || { echo "error: gettext is not installed (apt-get install gettext)" >&2; exit 1; }
	@mkdir -p locale
	DEMO=1 $(MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=test-artifacts --ignore=staticfiles --ignore=tests --ignore=benchmarks --ignore=node_modules
	DEMO=1 $(MANAGE) compilemessages -l en --ignore=.venv

# -- Benchmarks (scripts in benchmarks/) ---------------------------------------
bench: venv
	@shopt -s nullglob; files=(benchmarks/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "No benchmarks in benchmarks/"; exit 0; fi; \
	for f in "$${files[@]}"; do \
	  echo "== $$f"; \
	  PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=portal.settings $(PY) "$$f"; \
	done

# -- Background jobs on Redis --------------------------------------------------
worker: venv
	@if [ -z "$${REDIS_URL:-}" ]; then \
	  echo "error: make worker needs REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379/0)." >&2; \
	  echo "       Without it, jobs run eagerly inside the web process and no worker is needed." >&2; \
	  exit 1; \
	fi
	DEMO=1 exec $(VENV)/bin/celery -A portal worker -l info

beat: venv
	@[ -n "$${REDIS_URL:-}" ] || { echo "error: make beat needs REDIS_URL" >&2; exit 1; }
	DEMO=1 exec $(VENV)/bin/celery -A portal beat -l info

clean:
	rm -rf test-artifacts staticfiles .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal
