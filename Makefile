# The two commands of the README contract: `make run` and `make test`.
# Both create the virtual environment when missing and (re)install only when pyproject.toml changed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fanzha-installed

.PHONY: run test lint typecheck contracts pytest install clean eval bench bench-service system-deps serve-demo screenshots

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/fanzha demo

LINT_PATHS := src tests $(wildcard bench scripts)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: $(STAMP)
	$(BIN)/mypy

# the floors of the package: no module imports from a floor above its own (pyproject.toml, [tool.importlinter])
contracts: $(STAMP)
	$(BIN)/lint-imports

# system packages the tests need (the PostgreSQL server binaries; Chromium and a CJK font for the console's
# browser tests): apt-get only when one is missing
system-deps:
	@bash scripts/system-deps.sh

pytest: $(STAMP) system-deps
	$(BIN)/pytest -n 2

test: lint typecheck contracts pytest

eval: $(STAMP)
	$(BIN)/fanzha eval --corpora ../shared/data --out docs/eval --doc docs/evaluation.md

bench: $(STAMP)
	$(BIN)/python bench/bench_detect.py --out docs/bench

# the anti-fraud centre's service under load on loopback (docs/service.md)
bench-service: $(STAMP)
	$(BIN)/python bench/bench_service.py --doc docs/service.md

# the console's screenshots (docs/console/*.png, zh, desktop and phone width) and the queue's render time with
# 10,000 open alerts (docs/console/queue-10000.json), written by the browser tests (docs/console.md)
screenshots: $(STAMP) system-deps
	FANZHA_SCREENSHOTS=1 $(BIN)/pytest -q tests/console/test_browser.py -k sqlite

# the service with a live synthetic city (stop it with Ctrl-C)
serve-demo: $(STAMP)
	$(BIN)/fanzha serve --demo

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
