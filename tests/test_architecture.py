"""The layer rule (no Qt below designer/gui) covers every core module, present and future."""

from __future__ import annotations

import tomllib

from tests.helpers.factories import ROOT

APP_LAYER = {"gui", "cli", "__main__", "__init__"}


def test_every_core_module_is_under_the_no_qt_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    core = next(
        c
        for c in contracts
        if "PySide6" in c["forbidden_modules"]
        and "designer.gui" in c["forbidden_modules"]
        and any(m.startswith("designer.") for m in c["source_modules"])
    )
    listed = set(core["source_modules"])
    present = {
        f"designer.{p.stem}"
        for p in (ROOT / "designer").iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.stem not in APP_LAYER
    }
    assert present - listed == set(), "add new core modules to the import-linter contract"
    assert "exporters" in core["forbidden_modules"]
