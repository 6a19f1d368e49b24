"""Importing the exporter modules registers their formats."""

from __future__ import annotations

import importlib

EXPORTER_MODULES = ("policies", "cloudformation", "plan")


def load_all() -> None:
    for module in EXPORTER_MODULES:
        importlib.import_module(f"exporters.{module}")
