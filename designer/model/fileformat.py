"""Reading and writing design files: versioned, deterministic, atomic."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from designer.model import limits
from designer.model.design import FORMAT_VERSION, Design
from designer.model.errors import DesignError, DesignFileError, Problem
from designer.model.governance import NodeLayout
from designer.model.ids import Id
from designer.model.integrity import check_design
from designer.model.kinds import RELATIONSHIP_KINDS
from designer.model.migrations import migrate
from designer.model.paths import json_path
from designer.model.saving import UMASK as UMASK
from designer.model.saving import _copy_backup as _copy_backup
from designer.model.saving import _fsync_folder as _fsync_folder
from designer.model.saving import _read_umask as _read_umask
from designer.model.saving import may_replace
from designer.model.saving import write_atomic as write_atomic
from designer.support.perf import paused_gc

ID_FIELDS = frozenset(
    {
        "id",
        "source",
        "target",
        "parent",
        "subject",
        "account",
        "bucket",
        "management_account",
        "home_account",
        "scps",
        "root_scps",
    }
)

# Friendlier words for values that fail a pattern, keyed by the field name.
PATTERN_HINTS = {
    "aws_account_id": "an AWS account id is exactly 12 digits",
    "email": "not a valid e-mail address",
    "organization_id": "an organization id looks like o-a1b2c3d4e5",
    "regions": "not an AWS Region code such as eu-west-1",
    "allowed_regions": "not an AWS Region code such as eu-west-1",
    "role_name": "an IAM role name is 1-64 letters, digits or +=,.@_-",
    "principal_role_name": "an IAM role name is 1-64 letters, digits or +=,.@_-",
    "mapped_roles": "an IAM role name is 1-64 letters, digits or +=,.@_-",
    "external_id": "an external id is 2-1224 letters, digits or +=,.@:/-_",
    "name": "an S3 bucket name is 3-63 lower-case letters, digits, dots or hyphens",
    "service_principals": "a service principal looks like guardduty.amazonaws.com",
    "managed_policy_arns": "a managed policy ARN looks like arn:aws:iam::aws:policy/ReadOnlyAccess",
}


def _problem_from_error(error: Any, prefix: tuple[str | int, ...] = ()) -> Problem:
    loc = [*prefix, *error["loc"]]
    # Tagged unions add the tag (e.g. "trust") to the location; the file has no such level.
    if len(loc) > 2 and loc[0] == "relationships" and loc[2] in RELATIONSHIP_KINDS:
        del loc[2]
    kind, message = error["type"], error["msg"]
    if kind == "string_pattern_mismatch":
        field = next((p for p in reversed(loc) if isinstance(p, str)), "")
        message = PATTERN_HINTS.get(field, "value has the wrong form")
        if field in ID_FIELDS or "positions" in loc:
            message = "not an id (a lower-case uuid such as 0f8fad5b-d9cb-469f-a165-70867728950e)"
    elif kind == "string_type":
        message = "must be text in double quotes"
    elif kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "missing":
        message = "required field is missing"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
        inner, found, rest = message.partition(": ")
        if found and inner.startswith("$") and " " not in inner:
            # The validator named a place inside its value (an SCP document's statement).
            return Problem(json_path(loc) + inner[1:], rest)
    shown = error.get("input")
    if kind not in {"missing", "extra_forbidden"} and isinstance(shown, str | int | float | bool):
        text = repr(shown)
        message += f" (got {text[:60]}{'...' if len(text) > 60 else ''})"
    return Problem(json_path(loc), message)


def problems_from_validation(
    exc: ValidationError, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Problems with JSON paths; `prefix` places an entity's own errors inside the design."""
    return [_problem_from_error(e, prefix) for e in exc.errors(include_url=False)]


def document_problem(exc: ValidationError) -> str:
    """The first problem of an SCP whose document was refused, placed inside the document
    ("$.Statement[0].Effect: ..."), as a policy file's reader names it."""
    problem = problems_from_validation(exc)[0]
    return f"${problem.path.removeprefix('$.document')}: {problem.message}"


def parse_design(text: str, source: str = "design") -> Design:
    """Turn the text of a design file into a checked Design, or raise a one-line DesignFileError."""
    limits.check_size(len(text), source)
    limits.check_value_count(text, source)
    try:
        data = json.loads(
            text,
            object_pairs_hook=limits.object_from_pairs,
            parse_constant=limits.parse_constant,
            parse_int=limits.parse_int,
        )
    except json.JSONDecodeError as exc:
        raise DesignFileError(
            f"{source}: not valid JSON: {exc.msg.removesuffix(' at')} "
            f"at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise limits.locate_too_deep(text, source) from None
    limits.check_data(data, source)
    return design_from_data(data, source)


def design_from_data(data: Any, source: str = "design") -> Design:
    if not isinstance(data, dict):
        raise DesignFileError(f"{source}: $: a design file holds a JSON object at the top level")
    version = data.get("format_version")
    if version is None:
        raise DesignFileError(
            f"{source}: $.format_version is missing; is this an account-designer design file?"
        )
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DesignFileError(f"{source}: $.format_version must be a positive whole number")
    if version > FORMAT_VERSION:
        shown = version if version < 10**6 else f"{str(version)[:6]}..."
        raise DesignFileError(
            f"{source}: written by a newer account-designer (format_version {shown}; "
            f"this version reads up to {FORMAT_VERSION}); please upgrade"
        )
    try:
        data = migrate(data, version, FORMAT_VERSION)
    except DesignFileError as exc:
        raise DesignFileError(f"{source}: {exc}") from None
    data, problems, count = _validate_collections(data)
    if not problems:
        try:
            design = Design.model_validate(data)
        except ValidationError as exc:
            problems, count = _first_problems(exc, ()), exc.error_count()
    if problems:
        raise DesignFileError.from_problems(problems, f"{source}: ", count)
    problems = check_design(design)
    if problems:
        raise DesignFileError.from_problems(problems, f"{source}: ")
    return design


# The big collections are validated a chunk at a time and stop after MAX_REPORTED problems:
# pydantic keeps an error object for every bad value, which for a whole file of bad values
# would take gigabytes. Validated chunks go into Design as instances, which it does not check
# again.
CHUNK = 1000
_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(Design.model_fields[name].annotation or Any) for name in limits.ENTITY_LISTS
}
_POSITIONS: TypeAdapter[dict[str, NodeLayout]] = TypeAdapter(dict[Id, NodeLayout])


def _validate_collections(data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem], int]:
    """The data with its collections validated, or the first problems and how many there are."""
    data = dict(data)
    problems: list[Problem] = []
    count = 0
    for name, adapter in _ADAPTERS.items():
        if not isinstance(data.get(name), list):
            continue  # Design's own validation names what is wrong with it
        items: list[Any] = data[name]
        done: list[Any] = []
        for start in range(0, len(items), CHUNK):
            try:
                done += adapter.validate_python(items[start : start + CHUNK])
            except ValidationError as exc:
                problems += _first_problems(exc, (name,), start)
                count += exc.error_count()
                if len(problems) >= limits.MAX_REPORTED:
                    return data, problems[: limits.MAX_REPORTED], count
        data[name] = done
    layout = data.get("layout")
    if isinstance(layout, dict) and isinstance(layout.get("positions"), dict):
        entries = list(layout["positions"].items())
        done_positions: dict[str, NodeLayout] = {}
        for start in range(0, len(entries), CHUNK):
            try:
                done_positions |= _POSITIONS.validate_python(dict(entries[start : start + CHUNK]))
            except ValidationError as exc:
                problems += _first_problems(exc, ("layout", "positions"))
                count += exc.error_count()
                if len(problems) >= limits.MAX_REPORTED:
                    break
        data["layout"] = {**layout, "positions": done_positions}
    return data, problems[: limits.MAX_REPORTED], count


def _first_problems(
    exc: ValidationError, prefix: tuple[str | int, ...], offset: int = 0
) -> list[Problem]:
    errors = exc.errors(include_url=False)[: limits.MAX_REPORTED]
    if offset:  # a chunk's item numbers start at 0
        errors = [{**e, "loc": (int(e["loc"][0]) + offset, *e["loc"][1:])} for e in errors]
    return [_problem_from_error(e, prefix) for e in errors]


def load_design(path: str | os.PathLike[str]) -> Design:
    path = Path(path)
    try:
        if path.is_file():
            limits.check_size(path.stat().st_size, str(path))
        raw = path.read_bytes()
    except IsADirectoryError:
        raise DesignFileError(f"{path}: is a folder, not a design file") from None
    except OSError as exc:
        raise DesignFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DesignFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    with paused_gc():
        return parse_design(text, str(path))


def dumps_design(design: Design) -> str:
    """The canonical text of a design: same design, same bytes."""
    data = design.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def save_design(design: Design, path: str | os.PathLike[str], force: bool = False) -> None:
    """Write atomically, keeping the previous file as FILE.bak; refuse an inconsistent design,
    and a read-only file unless `force` (or within saving.replacing_read_only).

    A symlink stays a symlink (its target is replaced) and the file keeps its mode; see
    designer.model.saving.
    """
    problems = check_design(design)
    if problems:
        raise DesignError.from_problems(problems, "not saved: ")
    try:
        data = dumps_design(design).encode("utf-8")
    except (ValueError, RecursionError) as exc:
        raise DesignError(f"not saved: the design cannot be written as JSON: {exc}") from None
    if not Path(path).name:
        raise DesignFileError(f"{path!s}: not saved: a file name is needed")
    if not may_replace(Path(path), force):
        raise DesignFileError(f"{path}: not saved: the file is read-only")
    try:
        write_atomic(Path(path), data, keep_backup=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DesignFileError(
            f"{path}: not saved, the previous file is unchanged: {reason}"
        ) from None


def design_schema() -> dict[str, Any]:
    return Design.model_json_schema()
