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
    "engines",
)

# The formats they register, for the command line's help without importing them all (a test
# checks this list against the registry).
FORMAT_NAMES: tuple[str, ...] = (
    "policies",
    "cloudformation",
    "plan",
    "diagram",
    "drawio",
    "document",
    "lza",
    "org-formation",
    "terraform",
)


def load_all() -> None:
    for module in EXPORTER_MODULES:
        importlib.import_module(f"exporters.{module}")
