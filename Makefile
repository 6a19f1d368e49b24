# `make run` and `make test` set everything up themselves (tools/bootstrap.sh), then run.
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := resources/templates/reference-landing-zone.json

.PHONY: run test setup lint typecheck imports pytest bench templates clean

run: setup
	$(BIN)/account-designer $(SAMPLE)

test: setup lint typecheck imports pytest

setup:
	@bash tools/bootstrap.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports --no-cache

pytest:
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_layout.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_gui.py
	$(BIN)/python benchmarks/bench_export.py
	$(BIN)/python benchmarks/bench_diagram.py

templates: setup
	$(BIN)/python tools/build_templates.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build *.egg-info
