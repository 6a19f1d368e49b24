"""What is wrong with an answer, in one line a person reads on the page (never a traceback)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from designer.model.answers import Answers

# What a pattern mismatch means for each field, instead of the regular expression.
PATTERNS = {
    "email_domain": "an e-mail domain like example.com",
    "business_units": "a name of letters, digits, spaces and & . - (starting with a letter "
    "or digit)",
    "regions": "an AWS Region name like eu-west-1",
    "aws_account_id": "a 12-digit AWS account id",
    "role_name": "an IAM role name (letters, digits and +=,.@_-)",
}
LABELS = {
    "organization_name": "Organization name",
    "email_domain": "E-mail domain",
    "business_units": "Business units",
    "environments": "Environments",
    "data_sensitivity": "Data sensitivity",
    "regions": "Regions",
    "third_parties": "Third party",
    "log_retention_days": "Log retention",
}


def validated(values: dict[str, Any]) -> tuple[Answers | None, list[ErrorDetails]]:
    """The answers these values make, or the model's errors."""
    try:
        return Answers.model_validate(values), []
    except ValidationError as exc:
        return None, exc.errors()


def first_problem(errors: list[ErrorDetails], keys: tuple[str, ...]) -> str:
    """The first error about one of `keys` (an error of the whole model belongs to the data
    sensitivity question, which it checks), in one line; "" when none."""
    for error in errors:
        loc = error["loc"]
        key = str(loc[0]) if loc else "data_sensitivity"
        if key in keys:
            return describe(key, error)
    return ""


SHOWN = 60  # characters of a value quoted back in a message


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[: SHOWN - 1]}…"


def describe(key: str, error: ErrorDetails) -> str:
    label = LABELS.get(key, key.replace("_", " ").capitalize())
    rest = list(error["loc"][1:])
    if key == "third_parties" and rest and isinstance(rest[0], int):
        label = f"{label} {rest[0] + 1}"
        rest = rest[1:]
    field = str(rest[-1]) if rest and isinstance(rest[-1], str) else key
    value = error.get("input")
    kind = error["type"]
    if kind == "string_pattern_mismatch":
        return f"{label}: {_shown(value)} is not {PATTERNS.get(field, 'valid here')}"
    if kind == "too_short" and not rest:
        return f"{label}: give at least one"
    if kind == "string_too_short":
        return f"{label}: {field.replace('_', ' ')} cannot be empty"
    message = error["msg"].removeprefix("Value error, ").removesuffix(" after validation")
    if kind == "string_too_long":
        message = f"{field.replace('_', ' ')}: {message}"
    if rest and isinstance(value, str):  # one item of a list: say which
        message = f"{_shown(value)}: {message}"
    return f"{label}: {message}".splitlines()[0]
