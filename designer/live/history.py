"""Imports kept beside a design, so the next check compares with the last one (a baseline).

The history of `plan.json` is the folder `plan.imports/`: one `<UTC time>.json` per import (the
design read) and `<UTC time>.import-report.json` beside it. Names sort by time; a second import
in the same second gets `-2`, `-3`, ... Files are written atomically and never replaced.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from designer.model.design import Design
from designer.model.fileformat import dumps_design, write_atomic

STAMP = "%Y%m%dT%H%M%SZ"
REPORT_SUFFIX = ".import-report.json"
_NAME = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?\.json$")


@dataclass(frozen=True)
class Kept:
    path: Path  # the design read
    taken: datetime  # when (UTC, to the second)
    report: Path | None  # its import report, when kept

    @property
    def name(self) -> str:
        return self.path.name


def history_dir(design_path: Path | str) -> Path:
    """The folder that keeps a design's imports: `<stem>.imports/` beside it."""
    path = Path(design_path)
    return path.with_name(f"{path.stem}.imports")


def keep(history: Path, live: Design, report: dict[str, Any], now: datetime | None = None) -> Kept:
    """Keep an import and its report in `history` (made when missing) under a new name."""
    history.mkdir(parents=True, exist_ok=True)
    taken = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    path = _reserve(history, taken.strftime(STAMP))
    try:
        report_path = path.with_name(path.name[: -len(".json")] + REPORT_SUFFIX)
        write_atomic(report_path, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
        write_atomic(path, dumps_design(live).encode("utf-8"))
    except BaseException:
        path.unlink(missing_ok=True)  # the reserved name, empty: not an import
        raise
    return Kept(path, taken, report_path)


def _reserve(history: Path, stamp: str) -> Path:
    """A name no other import has, claimed by creating it (exclusive create is atomic)."""
    for number in range(1, 1000):
        name = f"{stamp}.json" if number == 1 else f"{stamp}-{number}.json"
        try:
            os.close(os.open(history / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        return history / name
    raise FileExistsError(f"{history}: too many imports kept at {stamp}")


def kept(history: Path) -> list[Kept]:
    """The imports kept in `history`, oldest first; [] when there is no such folder."""
    if not history.is_dir():
        return []
    found: list[tuple[datetime, int, Kept]] = []
    for path in history.iterdir():
        match = _NAME.match(path.name)
        if match is None or not path.is_file() or path.stat().st_size == 0:
            continue  # another file, or a name reserved by an import still being written
        taken = datetime.strptime(match[1], STAMP).replace(tzinfo=UTC)
        report = path.with_name(path.name[: -len(".json")] + REPORT_SUFFIX)
        found.append(
            (taken, int(match[2] or 1), Kept(path, taken, report if report.is_file() else None))
        )
    return [k for *_, k in sorted(found, key=lambda f: (f[0], f[1]))]


def latest(history: Path) -> Kept | None:
    """The newest import kept, if any."""
    imports = kept(history)
    return imports[-1] if imports else None
