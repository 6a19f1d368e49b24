# `make run` and `make test` set everything up themselves (tools/bootstrap.sh), then run.
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := resources/templates/reference-landing-zone.json

# The GUI tests' second pass: Qt's X11 platform on a virtual screen, typing with xdotool.
XVFB_SCREEN := -screen 0 1920x1200x24

.PHONY: run test setup lint typecheck imports pytest pytest-offscreen pytest-xcb bench rehearse-large templates \
	screenshots clean fuzz

# check_display: on a desktop whose Qt X11 plugin cannot load, one line on what to install
# instead of Qt aborting.
run: setup
	@$(BIN)/python tools/check_display.py
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

# Two passes, each printing its own summary: every test headless (offscreen), then the GUI tests
# (`gui`, and `xcb`: real key presses, tests/xcb) on X11 under Xvfb. A pass that selects no
# test exits 5 and fails the build like a failing test.
pytest: pytest-offscreen pytest-xcb

pytest-offscreen:
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow"

pytest-xcb:
	@command -v xvfb-run >/dev/null && command -v xdotool >/dev/null || { echo "pytest-xcb: \
	xvfb-run and xdotool are missing: sudo apt-get install xvfb xauth xdotool"; exit 1; }
	xvfb-run -a -s "$(XVFB_SCREEN)" env QT_QPA_PLATFORM=xcb CANVAS_EXAMPLES=100 \
	  $(BIN)/python -m pytest -q -p no:cacheprovider -m "gui or xcb"

# Long runs kept out of `make test`: the deployment rehearsal of a 200-account organization
# (export, 311 plan steps against moto on loopback, import, diff; about 100 s on 2 cores).
rehearse-large: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -m slow tests/rehearsal

bench: setup
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_layout.py
	$(BIN)/python benchmarks/bench_routing.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_gui.py
	$(BIN)/python benchmarks/bench_export.py
	$(BIN)/python benchmarks/bench_convert.py
	$(BIN)/python benchmarks/bench_wizard.py
	$(BIN)/python benchmarks/bench_diagram.py
	$(BIN)/python benchmarks/bench_drift.py
	$(BIN)/python benchmarks/bench_import.py

templates: setup
	$(BIN)/python tools/build_templates.py

# The README's pictures: the scripted user session (tools/user_session.py), one per step, and
# 2,000 / 10,000-account organizations as they open and with one OU opened.
screenshots: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/user_session.py docs/images
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/scale_screenshots.py docs/images
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/compare_screenshots.py docs/images

clean:
	rm -rf $(VENV) .venv-checkov .node-orgformation .mypy_cache .ruff_cache .pytest_cache .hypothesis build *.egg-info

# The design-file loader against hostile input for longer than `make test` does (a few hundred
# examples there): FUZZ_EXAMPLES=100000 make fuzz for a night's run.
FUZZ_EXAMPLES ?= 20000
fuzz: setup
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q \
	  -p no:cacheprovider tests/model/test_loader_fuzz.py
