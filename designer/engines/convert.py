"""Open a deployment engine's configuration as a design: find the engine whose configuration a
path belongs to, and read it (designer/engines/<engine>/read.py registers its reader)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from designer.engines.report import ConversionReport
from designer.model.design import Design
from designer.model.errors import DesignError
from designer.model.integrity import check_design

READER_MODULES: tuple[str, ...] = (
    "designer.engines.lza.read",
    "designer.engines.orgformation.read",
)


@dataclass(frozen=True)
class Reader:
    engine: str
    title: str  # "a Landing Zone Accelerator configuration folder"
    detect: Callable[[Path], Path | None]  # the configuration this path belongs to, or None
    read: Callable[[Path], tuple[Design, ConversionReport]]


READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    READERS[reader.engine] = reader
    return reader


def _load_readers() -> None:
    for module in READER_MODULES:
        importlib.import_module(module)


def detect(path: Path) -> tuple[Reader, Path] | None:
    """The reader and configuration root of `path` (a folder or one of its files), or None."""
    _load_readers()
    for reader in READERS.values():
        root = reader.detect(path)
        if root is not None:
            return reader, root
    return None


def convert(path: Path) -> tuple[Design, ConversionReport]:
    """The design a configuration describes and what could not be represented; DesignError
    (one line naming the file and where in it) when it cannot be read."""
    if not path.exists():
        raise DesignError(f"{path}: no such file or folder")
    found = detect(path)
    if found is None:
        known = "; ".join(r.title for r in READERS.values())
        raise DesignError(f"{path}: not a configuration this tool reads ({known})")
    reader, root = found
    design, report = reader.read(root)
    problems = check_design(design)
    if problems:  # a reader's mistake, said as the loader would say it, never saved
        raise DesignError(f"{root}: the converted design is inconsistent: {problems[0]}")
    return design, report
