# Two commands do everything: `make run` serves the site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint bench browser services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The stamps re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The development server: DEBUG on, the embedded SQLite database unless DATABASE_URL is set.
run: export DEBUG ?= 1
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium and CJK fonts for the browser tests; never a downloaded browser.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else \
			echo "Browser tests need: sudo apt-get install -y chromium fonts-noto-cjk"; \
		fi; \
	fi

# Debian's Varnish 7 with varnish-modules (the xkey vmod) and Redis, for the cache and outage tests
# (deploy/varnish/README.md); tests skip with a reason when they are missing.
services:
	@if [ ! -x /usr/sbin/varnishd ] || ! ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 \
		|| ! command -v redis-server >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				varnish varnish-modules redis-server >/dev/null; \
		else \
			echo "Cache tests need: sudo apt-get install -y varnish varnish-modules redis-server"; \
		fi; \
	fi

# Tests run with DEBUG off, as production does; the key only signs test sessions.
test: export SECRET_KEY ?= newsroom-test-only-key
# The test client and live servers speak plain HTTP; production defaults to HTTPS (README).
test: export HTTPS ?= 0
test: $(VENV)/.installed-dev browser services
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Pages and feed under load (bench/README.md), search latency (bench/SEARCH.md), the worst inputs
# (bench/WORST_CASES.md) and the site under load and faults (bench/FAULTS.md).
bench: $(VENV)/.installed-dev
	bash bench/run
	bash bench/search
	DJANGO_SETTINGS_MODULE=newsroom.settings SECRET_KEY=bench-only DEBUG=0 HTTPS=0 \
		$(BIN)/python bench/worst_cases.py | tee bench/WORST_CASES.md
	bash bench/faults

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
