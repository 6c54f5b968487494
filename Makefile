# Främja: `make run` serves the app on SQLite with demo data; `make test` runs every test.
# Needs only python3.11, make and git. uv (pinned) is installed into .tools/ and installs the
# locked dependencies into .venv/. Translations are compiled with Babel (pure Python), so
# GNU gettext is only needed to extract new strings (`make messages`).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3.11)
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails (status links, invitations) point where `make run` serves, on any PORT; a
# deployment sets FRAMJA_SITE_URL to its public address. 0.0.0.0 is no address to link to.
SITE_HOST = $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
FRAMJA_SITE_URL ?= http://$(SITE_HOST):$(PORT)
TEST_WORKERS ?= 2
UV_VERSION := 0.9.30
TOOLS ?= .tools
VENV ?= .venv
UV := $(TOOLS)/bin/uv
FRAMJA := $(VENV)/bin/framja
PYTEST := $(VENV)/bin/pytest
LOCALE_DIR := framja/locale
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-fast test-browser setup migrate lint typecheck check-migrations messages compilemessages ci clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "Främja needs Python 3.11: set PYTHON=/path/to/python3.11 (found: $(PYTHON))" >&2; exit 1; }
	@$(PYTHON) -m venv $(TOOLS) || { echo "'$(PYTHON) -m venv' failed: on Debian/Ubuntu install python3.11-venv" >&2; exit 1; }
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

# Compile framja/locale/<lang>/LC_MESSAGES/*.po to .mo. Our `compilemessages` uses Babel
# (pure Python), so no GNU gettext is needed.
compilemessages: setup
	$(FRAMJA) compilemessages -v 0

migrate: setup
	$(FRAMJA) migrate --no-input

run: setup compilemessages migrate
	$(FRAMJA) load_reference
	$(FRAMJA) seed_demo --if-empty
	$(FRAMJA) index_publish  # the similarity snapshot: built when there is none (requests never build it)
	$(FRAMJA) collectstatic --no-input -v 0
	@# The job worker (mail, duplicate candidates, the schedule) runs beside the server and stops with it.
	FRAMJA_SITE_URL=$(FRAMJA_SITE_URL) $(FRAMJA) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  FRAMJA_SITE_URL=$(FRAMJA_SITE_URL) $(FRAMJA) runserver $(HOST):$(PORT)

# The whole suite: unit and view tests in parallel, then the browser tests in one process
# (live_server and Chromium do not share well across workers). PYTEST_ARGS runs just those.
test: setup compilemessages
ifeq ($(strip $(PYTEST_ARGS)),)
	$(PYTEST) -n $(TEST_WORKERS) -m "not browser and not dense"
	$(PYTEST) -m browser
else
	$(PYTEST) $(PYTEST_ARGS)
endif

test-fast: setup compilemessages
	$(PYTEST) -n $(TEST_WORKERS) -m "not browser and not dense" $(PYTEST_ARGS)

test-browser: setup compilemessages
	$(PYTEST) -m browser $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy

check-migrations: setup
	$(FRAMJA) makemigrations --check --dry-run

# Extracting strings needs GNU gettext (xgettext); compiling them does not.
messages: setup
	@command -v xgettext >/dev/null 2>&1 || { echo "make messages needs GNU gettext (apt-get install gettext)" >&2; exit 1; }
	$(FRAMJA) makemessages -l sv -l nb -l en --ignore=.venv --ignore=.tools --ignore=tests --ignore=bench --ignore=data --no-obsolete
	$(FRAMJA) makemessages -d djangojs -l sv -l nb -l en --ignore=.venv --ignore=.tools --ignore=data --ignore=framja/static/vendor --no-obsolete

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) $(TOOLS)
