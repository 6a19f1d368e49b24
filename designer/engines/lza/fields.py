"""Reading LZA's YAML values with their place: a wrong type is one ConfigError naming the file
and the YAML path (organization-config.yaml: serviceControlPolicies[2].type: ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from designer.engines.report import ConfigError, ConversionReport
from designer.engines.yamlio import where
from designer.model.errors import one_line


@dataclass(frozen=True)
class At:
    """A place in one file: the file's name and the YAML path to a value."""

    file: str
    path: tuple[str | int, ...] = ()

    def __truediv__(self, part: str | int) -> At:
        return At(self.file, (*self.path, part))

    @property
    def label(self) -> str:
        """ "iam-config.yaml: roleSets[0].roles[2]", for the conversion report."""
        inner = where(*self.path)
        return f"{self.file}: {inner}" if inner else self.file

    def error(self, problem: str) -> ConfigError:
        return ConfigError(self.file, where(*self.path), one_line(problem))


def _kind(value: Any) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "empty",
    }
    return names.get(type(value), type(value).__name__)


def mapping(value: Any, at: At) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise at.error(f"expected a mapping, found {_kind(value)}")
    return value


def sequence(value: Any, at: At) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise at.error(f"expected a list, found {_kind(value)}")
    return value


def required(data: dict[str, Any], key: str, at: At) -> Any:
    if key not in data or data[key] is None:
        raise (at / key).error("required and missing")
    return data[key]


def text(value: Any, at: At) -> str:
    """A non-empty string (YAML numbers are taken as their text, as LZA's js-yaml would give)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise at.error(f"expected text, found {_kind(value)}")
    found = str(value)
    if not found.strip():
        raise at.error("must not be empty")
    return found


def optional_text(data: dict[str, Any], key: str, at: At) -> str | None:
    return None if data.get(key) is None else text(data[key], at / key)


def texts(value: Any, at: At) -> list[str]:
    return [text(item, at / i) for i, item in enumerate(sequence(value, at))]


def flag(data: dict[str, Any], key: str, at: At, default: bool = False) -> bool:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise (at / key).error(f"expected true or false, found {_kind(value)}")
    return value


def number(data: dict[str, Any], key: str, at: At) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise (at / key).error(f"expected a whole number, found {_kind(value)}")
    return value


def description(data: dict[str, Any], key: str, at: At) -> str:
    """Free text as written ("" when absent): a folded or literal block keeps its newlines."""
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise (at / key).error(f"expected text, found {_kind(value)}")
    return str(value)


def unread_keys(report: ConversionReport, data: dict[str, Any], at: At, read: set[str]) -> None:
    """Reports every key of `data` the reader does not turn into the design: a key LZA adds
    later, or one the design has no place for, is never dropped silently. Keys starting with
    "." are LZA's place for YAML anchors."""
    for key in data:
        if isinstance(key, str) and (key in read or key.startswith(".")):
            continue
        report.gap((at / str(key)).label, f"{key} is not held by the design; left out")
