# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format bench clean messages

# First use (or a changed pyproject.toml): every step says what it does, and pip shows each package
# as it arrives, so the minute or two of installing is never silent.
$(STAMP): pyproject.toml
	@echo "==> [1/3] creating the virtual environment $(VENV) (first run only)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> [2/3] updating pip"
	$(BIN)/python -m pip install --progress-bar on --upgrade pip
	@echo "==> [3/3] installing the portal and its dependencies (about 80 packages; a minute or two)"
	$(BIN)/python -m pip install --progress-bar on -e '.[dev]'
	@touch $(STAMP)
	@echo "==> installed; later runs skip this step until pyproject.toml changes"

run: $(STAMP)
	$(BIN)/portal run

# One pytest-xdist worker per core, at most four; each file runs whole on one worker, and each worker
# has its own database, Redis database and data folder (tests/conftest.py). TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# options after ARGS=, e.g. make bench ARGS="--orders 1m" or ARGS="--profile orders" (see bench/README.md)
bench: $(STAMP)
	$(BIN)/python -m bench.run $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache

messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k N_ -k gettext -k ngettext:1,2 -o locales/messages.pot --ignore-dirs='.* var __pycache__ node_modules' --project=portal --copyright-holder="portal authors" .
	@for l in zh_CN en; do \
	  if [ -f locales/$$l/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i locales/messages.pot -d locales -l $$l; \
	  else $(BIN)/pybabel init -i locales/messages.pot -d locales -l $$l; fi; done
