"""Reading and writing design files: versioned, deterministic, atomic."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from designer.model.design import FORMAT_VERSION, Design
from designer.model.errors import DesignError, DesignFileError, Problem
from designer.model.integrity import check_design
from designer.model.kinds import RELATIONSHIP_KINDS
from designer.model.migrations import migrate
from designer.model.paths import json_path
from designer.support.perf import paused_gc

MAX_DEPTH = 64  # far beyond any real design; keeps deeply nested input from exhausting the stack
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


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _too_deep(data: Any) -> list[str | int] | None:
    """The path to the first value nested deeper than MAX_DEPTH, if any (no recursion)."""
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            return path
        if isinstance(value, dict):
            stack.extend((v, [*path, str(k)]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(value))
    return None


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_design(text: str, source: str = "design") -> Design:
    """Turn the text of a design file into a checked Design, or raise a one-line DesignFileError."""
    try:
        data = json.loads(
            text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise DesignFileError(
            f"{source}: not valid JSON: {exc.msg.removesuffix(' at')} "
            f"at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:  # duplicate key, or a number too long to convert
        raise DesignFileError(f"{source}: not a valid design file: {exc}") from None
    except RecursionError:
        raise DesignFileError(f"{source}: JSON is nested too deeply") from None
    deep = _too_deep(data)
    if deep is not None:
        where = json_path(deep[:8])
        raise DesignFileError(f"{source}: {where}...: nested more than {MAX_DEPTH} levels deep")
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
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        raise DesignFileError.from_problems(problems_from_validation(exc), f"{source}: ") from None
    problems = check_design(design)
    if problems:
        raise DesignFileError.from_problems(problems, f"{source}: ")
    return design


def load_design(path: str | os.PathLike[str]) -> Design:
    path = Path(path)
    try:
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


def save_design(design: Design, path: str | os.PathLike[str]) -> None:
    """Write atomically, keeping the previous file as FILE.bak; refuse an inconsistent design."""
    problems = check_design(design)
    if problems:
        raise DesignError.from_problems(problems, "not saved: ")
    try:
        data = dumps_design(design).encode("utf-8")
    except (ValueError, RecursionError) as exc:
        raise DesignError(f"not saved: the design cannot be written as JSON: {exc}") from None
    if not Path(path).name:
        raise DesignFileError(f"{path!s}: not saved: a file name is needed")
    try:
        write_atomic(Path(path), data, keep_backup=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DesignFileError(
            f"{path}: not saved, the previous file is unchanged: {reason}"
        ) from None


def write_atomic(path: Path, data: bytes, keep_backup: bool = False, durable: bool = True) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it.

    Whatever fails on the way, the previous file stays as it was and no temporary file is left.
    `durable=False` skips the fsyncs (the rename stays atomic): for exports of thousands of
    files, where a crash means exporting again, not losing work.
    """
    folder = path.parent if str(path.parent) else Path(".")
    handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; files get the usual mode
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        if keep_backup and path.exists():
            _copy_backup(path)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(folder)


def _read_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


UMASK = _read_umask()  # read once: os.umask() is process-wide and not safe to call from threads


def _copy_backup(path: Path) -> None:
    backup = path.with_name(path.name + ".bak")
    tmp = backup.with_name(f".{backup.name}.tmp")
    try:
        shutil.copy2(path, tmp)
        os.replace(tmp, backup)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename has happened either way
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def design_schema() -> dict[str, Any]:
    return Design.model_json_schema()
