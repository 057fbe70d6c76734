# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format bench clean messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/portal run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var .pytest_cache

messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k N_ -k gettext -k ngettext:1,2 -o locales/messages.pot --ignore-dirs='.* var __pycache__ node_modules' --project=portal --copyright-holder="portal authors" .
	@for l in zh_CN en; do \
	  if [ -f locales/$$l/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i locales/messages.pot -d locales -l $$l; \
	  else $(BIN)/pybabel init -i locales/messages.pot -d locales -l $$l; fi; done
