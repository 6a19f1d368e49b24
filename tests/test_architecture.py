"""The folder tree is the architecture: every package of designer/ is a named layer, and only the
GUI may import Qt. A new folder that is in no layer would escape both rules, so it fails here."""

from __future__ import annotations

import tomllib
from typing import Any

from tests.helpers.factories import ROOT

ENTRY_POINTS = {"cli", "__main__", "__init__"}


def _contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _packages() -> set[str]:
    """designer's sub-packages; loose modules are not allowed beside them (but the entry points)."""
    found = set()
    for path in (ROOT / "designer").iterdir():
        if path.suffix == ".py" and path.stem not in ENTRY_POINTS:
            raise AssertionError(
                f"designer/{path.name} is a loose module: put it in a layer folder"
            )
        if (path / "__init__.py").exists():
            found.add(f"designer.{path.name}")
    return found


def test_every_package_is_a_layer() -> None:
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    assert _packages() - named == set(), "add the new folder to the layers contract"
    assert "exporters" in named


def test_every_package_below_the_gui_is_kept_from_qt() -> None:
    no_qt = next(
        c
        for c in _contracts()
        if c["type"] == "forbidden" and "designer.model" in c["source_modules"]
    )
    assert "PySide6" in no_qt["forbidden_modules"]
    assert _packages() - {"designer.gui"} - set(no_qt["source_modules"]) == set()
