# Townhall — run `make help` for the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= townhall-demo
# Test services: the machine's PostgreSQL and Redis (database 9, flushed by tests).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/9
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run serve test lint format typecheck migrations-check pytest services clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,detoxify]"
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install everything (incl. test tools)

var/secret_key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

run: serve ## Set up, seed the demo town hall and serve it with daphne on HOST:PORT

serve: export DJANGO_SECRET_KEY_FILE ?= var/secret_key
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1],$(HOST)
serve: export DEMO_PASSWORD := $(DEMO_PASSWORD)
serve: install var/secret_key
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Townhall is starting on http://$(HOST):$(PORT)/"
	@echo "  Audience:     http://$(HOST):$(PORT)/s/demo/"
	@echo "  Moderator:    http://$(HOST):$(PORT)/s/demo/moderate/   (login: moderator / $(DEMO_PASSWORD))"
	@echo "  Official:     http://$(HOST):$(PORT)/s/demo/official/   (login: official / $(DEMO_PASSWORD))"
	@echo "  Stage view:   http://$(HOST):$(PORT)/s/demo/stage/"
	@echo "  Organizer:    http://$(HOST):$(PORT)/organizer/          (login: organizer / $(DEMO_PASSWORD))"
	@echo "  Health:       http://$(HOST):$(PORT)/healthz"
	@echo ""
	exec $(VENV)/bin/daphne -b $(HOST) -p $(PORT) townhall.asgi:application

services: ## Make sure PostgreSQL and Redis are reachable (start them if installed)
	bash scripts/ensure-services

lint: install ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install ## mypy over the apps
	DJANGO_SECRET_KEY=typecheck $(VENV)/bin/mypy townhall sessions moderation frontend reach juries

migrations-check: install ## Fail when models changed without a migration
	DJANGO_SECRET_KEY=check $(PY) manage.py makemigrations --check --dry-run

pytest: install services ## Run the test suite against PostgreSQL and Redis
	DJANGO_SECRET_KEY=test-only-not-secret \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	TOWNHALL_REDIS_PREFIX=townhall-test-$$$$ TOWNHALL_REQUIRE_SERVICES=1 \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: install services lint typecheck migrations-check pytest ## Set up everything and run lint, types and all tests

clean: ## Remove the virtualenv and local state
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
