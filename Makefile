# Two commands: `make run` (set up, serve, and build or update the index beside the server: a first run
# serves keyword search within minutes while the vectors are embedded; see README) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install browser index serve clean lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch goes first and pinned: any other torch spec pulls a multi-GB CUDA build.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(BIN)/medcite ingest

serve: install
	$(BIN)/medcite serve --host $(HOST) --port $(PORT)

run: install
	$(BIN)/medcite serve --ingest --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium through Playwright (Playwright's own browser download
# cannot work without network); install the package once if it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# Lint, format and types (configuration in pyproject.toml); `make test` runs it first.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install browser lint
	$(BIN)/python -m pytest

# Figures, never asserted: embedding texts/s for torch fp32 vs onnx-int8 on real chunks (ratio, cosine), Ray with
# 1 vs 2 workers, re-ingest of the unchanged corpus, then a timed first `make run` in a temporary index dir
# (time to page, to chunk vectors, to the full index: the last embeds the whole corpus, tens of minutes on 2 cores).
.PHONY: bench
bench: install
	$(BIN)/python bench/ingest_speed.py
	$(BIN)/python bench/ingest_speed.py --first-run

clean:
	rm -rf $(VENV) var
