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
.PHONY: help install run serve test lint format typecheck migrations-check pytest services clean messages browser-deps nginx-deps bench

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,detoxify]"
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install everything (incl. test tools)

# Translations: the compiled .mo files are committed; rebuild them when msgfmt is there.
messages: ## Compile locale/*/LC_MESSAGES/django.po (needs gettext's msgfmt to rebuild)
	@if command -v msgfmt >/dev/null 2>&1; then \
		for po in locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done; \
	else echo "msgfmt not found (apt-get install gettext): using the committed .mo files"; fi

# Browser tests: Playwright (Python) driving Debian's Chromium; no browser download.
browser-deps: install ## Install Chromium (Debian package) and Playwright if missing
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }
	@$(PY) -c "import playwright" 2>/dev/null || $(PY) -m pip install --quiet playwright

# tests/e2e/test_behind_nginx.py runs Debian's nginx (the binary only; it starts its own).
nginx-deps: ## Install nginx (Debian package) if missing
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; fi; }

var/secret_key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

run: serve ## Set up, seed the demo town hall and serve it with daphne on HOST:PORT

serve: export DJANGO_SECRET_KEY_FILE ?= var/secret_key
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1],$(HOST)
serve: export DEMO_PASSWORD := $(DEMO_PASSWORD)
serve: install messages var/secret_key
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

pytest: install services messages browser-deps nginx-deps ## Run the test suite (incl. browser tests) against PostgreSQL and Redis
	DJANGO_SECRET_KEY=test-only-not-secret \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	TOWNHALL_REDIS_PREFIX=townhall-test-$$$$ TOWNHALL_REQUIRE_SERVICES=1 \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: install services lint typecheck migrations-check pytest ## Set up everything and run lint, types and all tests

bench: install services ## Load benchmark: 2,000 sockets on 2 daphne processes vs two baselines, plot (~6 min)
	@$(PY) -c "import matplotlib" 2>/dev/null || $(PY) -m pip install --quiet -e ".[bench]" \
		|| echo "matplotlib not installed: the run writes no plot"
	$(PY) -m bench.run $(BENCH_ARGS)

clean: ## Remove the virtualenv and local state
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
