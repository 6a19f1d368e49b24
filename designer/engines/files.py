"""The files an engine's writer produces: relative paths and their text, written by the
exporter (exporters/<engine>.py) or straight into a folder (tests, `convert` round trips)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from designer.model.fileformat import write_atomic


@dataclass(frozen=True)
class ConfigFile:
    path: str  # relative, forward slashes, already safe (designer.support.names.safe_name)
    text: str
    purpose: str  # one line for the export manifest


def write_files(files: list[ConfigFile], folder: Path) -> None:
    """Write every file under `folder` (atomically each)."""
    for file in files:
        target = folder / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, file.text.encode("utf-8"), durable=False)
