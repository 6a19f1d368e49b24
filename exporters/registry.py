"""Importing the exporter modules registers their formats."""

from __future__ import annotations

import importlib

EXPORTER_MODULES: tuple[str, ...] = (
    "policies",
    "cloudformation",
    "plan",
    "diagram",
    "drawio",
    "document",
)


def load_all() -> None:
    for module in EXPORTER_MODULES:
        importlib.import_module(f"exporters.{module}")
