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


# Rows of the public catalogue that a design cannot decide, and why (shown in docs/rules.md).
NOT_DECIDABLE: dict[str, str] = {
    "IAM-01": "A design's trust always names its trusted side (an account, an identity provider "
    'or a third party), so a Principal of "*" cannot be expressed; the exporters never write '
    "one.",
    "IAM-03": "Trust policies for service principals and bucket statements are written by the "
    "exporters, which always add aws:SourceAccount / aws:SourceArn; the design holds nothing to "
    "check.",
    "PUB-01": "Shares in a design go to accounts, OUs or the organization only; public sharing "
    "cannot be expressed. Block-public-access for AMIs and snapshots is an account setting "
    "applied at deployment.",
    "PUB-02": "The KMS key that encrypts a shared AMI or snapshot is not part of the model.",
}


def all_rules() -> list[Rule]:
    """Every registered rule, in id order."""
    for module in RULE_MODULES:
        importlib.import_module(f"designer.rules.{module}")
    return [REGISTRY[key] for key in sorted(REGISTRY)]
