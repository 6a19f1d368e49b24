"""The catalogue: importing the rule modules registers their rules."""

from __future__ import annotations

import importlib

from designer.rules.engine import REGISTRY, Rule

RULE_MODULES = (
    "seed",
    "organization",
    "scp",
    "logs",
    "identity",
    "publishing",
    "deployment",
    "graph_checks",
)


def all_rules() -> list[Rule]:
    """Every registered rule, in id order."""
    for module in RULE_MODULES:
        importlib.import_module(f"designer.rules.{module}")
    return [REGISTRY[key] for key in sorted(REGISTRY)]
