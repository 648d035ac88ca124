# PolicyRadar: `make demo` and `make test` work on a fresh machine with Python 3.11+ and pip.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test wheel lint format clean chromium bench soak model

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -rf *.egg-info  # left by the metadata step; the editable install keeps its own
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/policyradar demo --keep demo-home

# Debian's chromium, for the browser tests and for sources with render = "browser", and a Chinese
# font (fonts-noto-cjk): without one, headless chromium draws every Chinese character as a box.
# Installs what is missing when run as root (CI); elsewhere it says what to install.
chromium:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	  [ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || missing="$$missing fonts-noto-cjk"; \
	  [ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
	    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
	  || echo "missing:$$missing; run as root: apt-get install chromium fonts-noto-cjk" \
	    "(the browser tests are skipped, and rendered pages show Chinese as boxes)"

test: $(STAMP) chromium
	$(BIN)/pytest -q

# The long fault runs (40 faulty rounds, 15 kills of a first crawl); `make test` runs the short ones.
soak: $(STAMP)
	POLICYRADAR_SOAK=1 $(BIN)/pytest -q tests/test_faults.py tests/test_crash_safety.py

# Retrain the learned models (data/models/*.json) on the news corpus' tuning part, after the corpus or
# the tokenizer changed; `tests/corpus/news/train_models.py --folds` shows the two-fold check first.
model: $(STAMP)
	$(BIN)/pip install --quiet -e '.[train]'
	$(BIN)/python tests/corpus/news/train_models.py

# dist/policyradar-*.whl, offline with the .venv's setuptools; built in a temporary copy of pyproject's
# package-dir folders so no build/ or egg-info is left here. `pip install dist/*.whl` anywhere.
wheel: $(STAMP)
	@tmp=$$(mktemp -d) && cp -r pyproject.toml README.md policyradar crawler spiders digest data "$$tmp"/ \
	  && find "$$tmp" -name __pycache__ -prune -exec rm -rf {} + \
	  && $(BIN)/pip wheel --quiet --no-deps --no-build-isolation --no-index -w dist "$$tmp"; \
	  rc=$$?; rm -rf "$$tmp"; [ $$rc = 0 ] && ls dist/*.whl; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmark (bench/): N pages per site and rounds per N, e.g. `make bench N=1000,10000 ROUNDS=3`.
# Installs nginx (Debian) and urlwatch (bench/.venv) when missing; BENCH_ARGS passes more options.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(if $(N),--n $(N)) $(if $(ROUNDS),--rounds $(ROUNDS)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) demo-home .pytest_cache .ruff_cache *.egg-info build dist
