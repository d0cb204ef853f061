# whosaid: `make run` and `make test` are the whole set-up on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: run test test-fast lint typecheck bench eval docs samples constraints clean attribution-model

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $(STAMP)

venv: $(STAMP)

## Ingest the bundled samples/ into warehouse/, show who said what, and write the report to
## browse (report/index.html; its path is the last line printed).
run: $(STAMP)
	$(BIN)/whosaid ingest samples/
	$(BIN)/whosaid sql "SELECT speaker_name, quote_text, said_on, outlet FROM who_said_what WHERE speaker_name IS NOT NULL ORDER BY said_on, speaker_name LIMIT 12"
	$(BIN)/whosaid report

## The whole test suite, as CI runs it.
test: $(STAMP)
	$(BIN)/python -m pytest -q --timeout=900

## Unit tests only (no spaCy flows, no servers).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not integration"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## Accuracy on the gold data in ../shared/eval (printed as tables).
eval: $(STAMP)
	$(BIN)/python bench/eval_quotes.py
	$(BIN)/python bench/eval_quotes.py --path warehouse
	$(BIN)/python bench/eval_identity.py
	$(BIN)/python bench/eval_clean.py
	$(BIN)/python bench/eval_dates.py

## Throughput (vs spaCy's own nlp.pipe) and query-speed benchmarks; see bench/README.md.
BENCH_ARTICLES ?= 1000
bench: $(STAMP)
	mkdir -p bench/out
	$(BIN)/python bench/run.py --articles $(BENCH_ARTICLES) --out bench/out/run.md
	$(BIN)/python bench/query_speed.py | tee bench/out/query_speed.md
	$(BIN)/python bench/report_speed.py | tee bench/out/report_speed.md

docs: $(STAMP)
	$(BIN)/python -m schemas.ddl > docs/schema.md

samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

constraints: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -vi '^whosaid' > constraints.txt

## The learned attribution layer trained on this repo's own corpus (corpus/attribution, MIT):
## the markup built to brat in build/, then `whosaid train-attribution` on it.
ATTRIBUTION_MODEL ?= build/attribution-model
attribution-model: $(STAMP)
	rm -rf build/attribution-corpus
	$(BIN)/python corpus/attribution/build.py corpus/attribution/src -o build/attribution-corpus
	$(BIN)/whosaid train-attribution build/attribution-corpus -o $(ATTRIBUTION_MODEL)

clean:
	rm -rf warehouse/parquet warehouse/runs warehouse/state warehouse/whosaid.duckdb* warehouse/.cache report
