"""Autosave to a recovery file while there are unsaved changes, and offer it after a crash."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from designer.model import Design, DesignFileError, dumps_design, load_design
from designer.model.fileformat import write_atomic

ENV_VAR = "ACCOUNT_DESIGNER_STATE"


def state_dir() -> Path:
    """Where recovery files live: $ACCOUNT_DESIGNER_STATE, else the XDG state folder."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "account-designer"


def recovery_path(design_path: Path | None) -> Path:
    """One recovery file per design file (and one for untitled designs)."""
    key = str(design_path.resolve()) if design_path else "untitled"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    name = design_path.stem if design_path else "untitled"
    return state_dir() / "recovery" / f"{name}-{digest}.json"


def write_recovery(design: Design, design_path: Path | None) -> Path:
    target = recovery_path(design_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, dumps_design(design).encode("utf-8"))
    return target


def pending_recovery(design_path: Path | None) -> Path | None:
    """A recovery file left by a session that did not save, if it is newer than the design."""
    candidate = recovery_path(design_path)
    if not candidate.exists():
        return None
    saved_later = (
        design_path is not None
        and design_path.exists()
        and candidate.stat().st_mtime <= design_path.stat().st_mtime
    )
    return None if saved_later else candidate


def load_recovery(path: Path) -> Design | None:
    try:
        return load_design(path)
    except DesignFileError:
        return None  # a damaged recovery file is no use; the design file is untouched


def discard_recovery(design_path: Path | None) -> None:
    recovery_path(design_path).unlink(missing_ok=True)
