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
    "outside",
    "publishing",
    "deployment",
    "graph_checks",
    "paths",
    "data",
    "usage",
)


# Rows of the public catalogue that a design cannot decide, and why (shown in docs/rules.md).
NOT_DECIDABLE: dict[str, str] = {
    "PUB-02": "The KMS key that encrypts a shared AMI or snapshot is not part of the model.",
}


def all_rules() -> list[Rule]:
    """Every registered rule, in id order."""
    for module in RULE_MODULES:
        importlib.import_module(f"designer.rules.{module}")
    return [REGISTRY[key] for key in sorted(REGISTRY)]
