"""The grammar of a service control policy document (AWS Organizations' SCP syntax, a subset
of the IAM policy language): checked when a design is loaded or edited, so that what the
exporters write is a policy AWS accepts, and every error names its JSON path in the document."""

from __future__ import annotations

import math
from typing import Any, Final

from designer.model.paths import json_path

VERSIONS: Final = ("2012-10-17", "2008-10-17")
EFFECTS: Final = ("Allow", "Deny")
STATEMENT_KEYS: Final = frozenset(
    {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

Path = tuple[str | int, ...]


class PolicyError(ValueError):
    """One grammar error; str() is the JSON path inside the document, then why."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{json_path(path)}: {message}")


def check_scp(document: dict[str, Any]) -> dict[str, Any]:
    """The document unchanged, or PolicyError for the first place it breaks the grammar."""
    for key in document:
        if key not in {"Version", "Statement", "Id"}:
            raise PolicyError((key,), "unknown policy element (an SCP has Version and Statement)")
    if not isinstance(document.get("Id", ""), str):
        raise PolicyError(("Id",), f"must be text (got {_shown(document['Id'])})")
    # IAM reads a policy without Version as 2008-10-17; AWS's SCP examples all name 2012-10-17.
    if "Version" in document and document["Version"] not in VERSIONS:
        got = _shown(document["Version"])
        raise PolicyError(("Version",), f'must be "2012-10-17" (got {got})')
    statements = document.get("Statement")
    if isinstance(statements, dict):
        _check_statement(statements, ("Statement",))
    elif isinstance(statements, list):  # an empty list denies and allows nothing
        for index, statement in enumerate(statements):
            _check_statement(statement, ("Statement", index))
    else:
        got = "it is missing" if statements is None else f"got {_shown(statements)}"
        raise PolicyError(("Statement",), f"must be a statement object or a list of them ({got})")
    return document


def _check_statement(statement: Any, path: Path) -> None:
    if not isinstance(statement, dict):
        raise PolicyError(path, f"a statement is a JSON object (got {_shown(statement)})")
    for key in statement:
        if key in {"Principal", "NotPrincipal"}:
            raise PolicyError((*path, key), "an SCP has no Principal: it applies to its targets")
        if key not in STATEMENT_KEYS:
            raise PolicyError((*path, key), "unknown statement element")
    if statement.get("Effect") not in EFFECTS:
        raise PolicyError((*path, "Effect"), f"must be Allow or Deny ({_got(statement, 'Effect')})")
    if ("Action" in statement) == ("NotAction" in statement):
        raise PolicyError(path, "needs exactly one of Action and NotAction")
    if "Resource" in statement and "NotResource" in statement:
        raise PolicyError(path, "has both Resource and NotResource; one at most")
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in statement:
            _check_strings(statement[key], (*path, key))
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        raise PolicyError((*path, "Sid"), f"must be text ({_got(statement, 'Sid')})")
    if "Condition" in statement:
        _check_condition(statement["Condition"], (*path, "Condition"))


def _check_strings(value: Any, path: Path) -> None:
    if isinstance(value, str):
        return
    if not isinstance(value, list) or not value:
        raise PolicyError(path, f"must be text or a list of text (got {_shown(value)})")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise PolicyError((*path, index), f"must be text (got {_shown(item)})")


def _check_condition(condition: Any, path: Path) -> None:
    if not isinstance(condition, dict):
        raise PolicyError(
            path, f"must be an object of condition operators (got {_shown(condition)})"
        )
    for operator, keys in condition.items():
        if not isinstance(keys, dict) or not keys:
            got = _shown(keys)
            raise PolicyError((*path, operator), f"must be an object of condition keys (got {got})")
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                if not _condition_value(item):
                    where = (
                        (*path, operator, key, index)
                        if isinstance(value, list)
                        else (*path, operator, key)
                    )
                    raise PolicyError(
                        where, f"must be text, a number or true/false (got {_shown(item)})"
                    )


def _condition_value(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | bool | int)


def _got(statement: dict[str, Any], key: str) -> str:
    return "it is missing" if key not in statement else f"got {_shown(statement[key])}"


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    text = "null" if value is None else repr(value)
    return text if len(text) <= 40 else f"{text[:40]}..."
