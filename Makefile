# The two commands a new user needs: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck eval fuzz faults bench clean install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# pip 23's resolver crashes on trafilatura + readability-lxml (lxml extras); a current pip does not.
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24.2"
	$(BIN)/python -m pip install --quiet -e ".[dev,nlp]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/occasional demo

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

eval: $(STAMP)
	$(BIN)/python -m pytest -q -m eval

# Fuzzing for longer than CI does: each target runs for FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	OCCASIONAL_FUZZ_SECONDS=$(FUZZ_SECONDS) OCCASIONAL_FUZZ_EXAMPLES=500 \
		$(BIN)/python -m pytest -q -p no:cacheprovider -m fuzz --no-cov

# The fault suite alone (it also runs in `make test`), with each hostile case's time and memory.
faults: $(STAMP)
	$(BIN)/python -m pytest -q -s -m faults --no-cov

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .coverage
