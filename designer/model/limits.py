"""How big a design file may be, checked before pydantic sees it.

pydantic makes an error object per bad value, so a file of a million bad values costs gigabytes
(and pydantic-core aborts without a message when memory runs out). The limits hold about three
times the largest organization the benchmarks draw (10,000 accounts, one trust per account:
23 MB, 670,000 values, 4 levels deep) and keep every input to bounded time and memory.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from designer.model.errors import DesignFileError
from designer.model.paths import json_path

MAX_FILE_BYTES: Final = 64 * 1024 * 1024
MAX_VALUES: Final = 2_000_000  # lists' items plus objects' members, in the whole file
MAX_DEPTH: Final = 64
MAX_STRING: Final = 100_000  # characters; the longest field (Text) holds 10,000
MAX_INT_DIGITS: Final = 4300  # Python's own limit for turning text into a whole number
MAX_ITEMS: Final = 100_000  # a list or object not named below
# The design's own collections, by the path of their parent: (field, its items' name, limit).
COLLECTIONS: Final[dict[str, tuple[str, int]]] = {
    "organizational_units": ("organizational units", 100_000),
    "accounts": ("accounts", 100_000),
    "identity_providers": ("identity providers", 100_000),
    "outside_principals": ("outside principals", 100_000),
    "relationships": ("relationships", 500_000),
    "log_buckets": ("log buckets", 100_000),
    "service_control_policies": ("service control policies", 100_000),
    "waivers": ("waivers", 100_000),
    "decisions": ("decisions", 100_000),
}
LAYOUT_POSITIONS: Final = 500_000  # one per node and OU
ENTITY_LISTS: Final = tuple(COLLECTIONS)  # each item an entity: a non-object stops the load
MAX_REPORTED: Final = 100  # validation problems kept; the message counts the rest

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class HugeInt:
    """A whole number too long to convert cheaply: kept as its digit count, reported with its
    path (Python's own refusal names no place and suggests set_int_max_str_digits)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


class BadConstant:
    """NaN, Infinity or -Infinity in the text: not JSON; reported with its path."""

    def __init__(self, name: str) -> None:
        self.name = name


class DuplicateKeys(dict[str, Any]):
    """An object that named a key twice; the walk reports it with the object's path."""

    duplicate: str = ""


def parse_int(text: str) -> int | HugeInt:
    return HugeInt(len(text.lstrip("-"))) if len(text) > MAX_INT_DIGITS else int(text)


def parse_constant(name: str) -> BadConstant:
    return BadConstant(name)


def object_from_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = DuplicateKeys(result)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.duplicate = key
            break
        seen.add(key)
    return marked


def check_size(size: int, source: str) -> None:
    if size > MAX_FILE_BYTES:
        raise DesignFileError(
            f"{source}: the file has {size} bytes; the limit is {MAX_FILE_BYTES} "
            f"({MAX_FILE_BYTES // 2**20} MB)"
        )


def check_value_count(text: str, source: str) -> None:
    """Bound what json.loads builds (about 60 bytes a value) before it builds it."""
    bound = text.count(",") + text.count("[") + text.count("{")
    if bound <= MAX_VALUES:
        return
    bare = _STRING.sub('""', text)  # commas and brackets inside strings are no values
    count = bare.count(",") + bare.count("[") + bare.count("{")
    if count > MAX_VALUES:
        raise DesignFileError(
            f"{source}: the file has about {count} values; the limit is {MAX_VALUES}"
        )


def locate_too_deep(text: str, source: str) -> DesignFileError:
    """The line and column where nesting passes MAX_DEPTH (for text json could not parse)."""
    depth = 0
    for match in _BRACKET_OR_STRING.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - text.rfind("\n", 0, match.start())
                return DesignFileError(
                    f"{source}: line {line} column {column}: nested too deeply "
                    f"(more than {MAX_DEPTH} levels)"
                )
        elif token in "]}":
            depth -= 1
    return DesignFileError(f"{source}: nested more than {MAX_DEPTH} levels deep")


def check_data(data: Any, source: str) -> None:
    """Refuse, naming the JSON path and the limit, anything outside the limits or not JSON
    (non-finite numbers, duplicate keys), and a design list holding a non-object."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            _check_object(value, path, source)
            stack.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            _check_list(value, path, source)
            stack.extend((v, (*path, i)) for i, v in enumerate(value))
        elif isinstance(value, str):
            if len(value) > MAX_STRING:
                _fail(source, path, f"text of {len(value)} characters; the limit is {MAX_STRING}")
        elif isinstance(value, float):
            if not math.isfinite(value):
                _fail(source, path, "number too large for JSON (it would be infinite)")
        elif isinstance(value, HugeInt):
            _fail(source, path, f"number of {value.digits} digits; the limit is {MAX_INT_DIGITS}")
        elif isinstance(value, BadConstant):
            _fail(source, path, f"{value.name} is not a number JSON allows")


def _check_object(value: dict[str, Any], path: tuple[str | int, ...], source: str) -> None:
    _check_depth(path, source)
    if isinstance(value, DuplicateKeys):
        _fail(source, path, f"duplicate key {value.duplicate!r}")
    limit = LAYOUT_POSITIONS if path == ("layout", "positions") else MAX_ITEMS
    if len(value) > limit:
        _fail(source, path, f"has {len(value)} members; the limit is {limit}")
    for key in value:
        if len(key) > MAX_STRING:
            _fail(source, path, f"a key of {len(key)} characters; the limit is {MAX_STRING}")


def _check_list(value: list[Any], path: tuple[str | int, ...], source: str) -> None:
    _check_depth(path, source)
    named = COLLECTIONS.get(path[0]) if len(path) == 1 and isinstance(path[0], str) else None
    noun, limit = named or ("items", MAX_ITEMS)
    if len(value) > limit:
        _fail(source, path, f"has {len(value)} {noun}; the limit is {limit}")
    if named:
        bad = next((i for i, item in enumerate(value) if not isinstance(item, dict)), None)
        if bad is not None:
            shown = json_text(value[bad])
            _fail(source, (*path, bad), f"must be a JSON object {{...}} (got {shown})")


def _check_depth(path: tuple[str | int, ...], source: str) -> None:
    if len(path) >= MAX_DEPTH:
        _fail(source, path[:8], f"...: nested more than {MAX_DEPTH} levels deep", join="")


def json_text(value: Any) -> str:
    """A short picture of a value for a message."""
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str | int | float | bool) else "null"
    return text if len(text) <= 60 else f"{text[:60]}..."


def _fail(source: str, path: tuple[str | int, ...], message: str, join: str = ": ") -> None:
    raise DesignFileError(f"{source}: {json_path(path)}{join}{message}")
