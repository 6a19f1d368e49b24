"""Reading SCP documents: which actions a policy denies, and under which conditions."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple


def statements(document: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    if not document:
        return
    found = document.get("Statement", [])
    for statement in found if isinstance(found, list) else [found]:
        if isinstance(statement, dict):
            yield statement


def as_list(value: Any) -> list[str]:
    """A policy field that may be one string or a list of them, as a list."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _matches(patterns: list[str], action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


def denying_statements(document: dict[str, Any] | None, action: str) -> list[dict[str, Any]]:
    """Deny statements that cover `action` (through Action, or by leaving it out of NotAction)."""
    found = []
    for statement in statements(document):
        if statement.get("Effect") != "Deny":
            continue
        listed = "Action" in statement and _matches(as_list(statement["Action"]), action)
        spared = "NotAction" in statement and _matches(as_list(statement["NotAction"]), action)
        if listed or ("NotAction" in statement and not spared):
            found.append(statement)
    return found


def denies_everything(statement: dict[str, Any]) -> bool:
    """An unconditional Deny of every action on every resource (a quarantine policy)."""
    return (
        statement.get("Effect") == "Deny"
        and "*" in as_list(statement.get("Action"))
        and "*" in resources(statement)
        and not statement.get("Condition")
    )


def quarantines(document: dict[str, Any] | None) -> bool:
    """A policy with a deny-all statement: whatever it is attached to can do nothing."""
    return any(denies_everything(s) for s in statements(document))


def has_condition_key(statement: dict[str, Any], key: str) -> bool:
    conditions = statement.get("Condition", {})
    if not isinstance(conditions, dict):
        return False
    return any(
        isinstance(block, dict) and any(k.lower() == key.lower() for k in block)
        for block in conditions.values()
    )


def condition_values(statement: dict[str, Any], key: str) -> list[str]:
    conditions = statement.get("Condition", {})
    values: list[str] = []
    for block in conditions.values() if isinstance(conditions, dict) else []:
        if isinstance(block, dict):
            for name, value in block.items():
                if name.lower() == key.lower():
                    values += as_list(value)
    return values


def resources(statement: dict[str, Any]) -> list[str]:
    return as_list(statement.get("Resource", "*"))


def size(document: dict[str, Any] | None) -> int:
    """Characters AWS counts for the SCP size quota (whitespace removed, as the console does)."""
    if not document:
        return 0
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


class KmsArn(NamedTuple):
    """A KMS key or alias ARN taken apart: who owns the key is its account."""

    partition: str
    region: str
    account: str
    kind: str  # "key" or "alias"
    name: str  # the key id or the alias name (without "alias/")


_KMS_ARN = re.compile(r"^arn:(aws[a-z-]*):kms:([a-z0-9-]*):([0-9]{12}):(key|alias)/(.+)$")


def kms_arn(text: str | None) -> KmsArn | None:
    """The parts of a KMS key or alias ARN; None for an alias name or key id without ARN."""
    matched = _KMS_ARN.match(text or "")
    return None if matched is None else KmsArn(*matched.groups())
