# Främja: `make run` serves the app on SQLite with demo data; `make test` runs every test.
# Needs only python3.11, make and git. uv (pinned) is installed into .tools/ and
# installs the locked dependencies into .venv/.

PYTHON ?= python3.11
PORT ?= 8000
UV_VERSION := 0.9.30
UV := .tools/bin/uv
VENV := .venv
FRAMJA := $(VENV)/bin/framja
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test setup migrate lint typecheck check-migrations messages compilemessages clean

$(UV):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Främja needs $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

compilemessages: setup
	$(FRAMJA) compilemessages --ignore=.venv --ignore=.tools -v 0

run: setup compilemessages
	$(FRAMJA) migrate --no-input
	$(FRAMJA) load_reference
	$(FRAMJA) seed_demo --if-empty
	$(FRAMJA) collectstatic --no-input -v 0
	$(FRAMJA) runserver 127.0.0.1:$(PORT)

test: setup compilemessages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy

check-migrations: setup
	$(FRAMJA) makemigrations --check --dry-run

messages: setup
	$(FRAMJA) makemessages -l sv -l nb -l en --ignore=.venv --ignore=.tools --ignore=tests --ignore=bench --no-obsolete
	$(FRAMJA) makemessages -d djangojs -l sv -l nb -l en --ignore=.venv --ignore=.tools --ignore=data --no-obsolete

clean:
	rm -rf .venv .tools
