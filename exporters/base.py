"""The exporter registry: every format writes files into one folder, listed in manifest.json.

Exporters are registered by name; the CLI (`account-designer export`) and the GUI's export dialog
use the same registry. Each exporter takes an ExportContext and returns the files it wrote. Files
are written atomically, their names are sanitised (no path traversal, no collisions, stable
across runs) and their content is deterministic: the same design gives the same bytes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from designer.artefacts.tokens import check_partition
from designer.core.redact import redact_design
from designer.model.errors import DesignError
from designer.model.fileformat import dumps_design, write_atomic
from designer.support.names import safe_name

if TYPE_CHECKING:
    from designer.model.design import Design

MANIFEST = "manifest.json"
DESIGN_FILE = "design.json"  # the design the export was made from (redacted with it)
CARRIES_DESIGN = "plan"  # an export with the plan carries the design its rehearsal diffs against


class ExportCancelled(Exception):
    """The user cancelled; files written so far stay, the manifest is not written."""


class CancelToken:
    """Set from another thread (the GUI's Cancel button); exporters check it between files."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass(frozen=True)
class ExportedFile:
    path: str  # relative to the output folder, with forward slashes
    format: str
    purpose: str


@dataclass
class ExportContext:
    design: Design
    out: Path
    progress: Callable[[str], None] | None = None
    cancel: CancelToken = field(default_factory=CancelToken)
    written: list[ExportedFile] = field(default_factory=list)
    notice: Callable[[str], None] | None = None  # e.g. "dot is missing: install ..."
    memo: dict[Any, Any] = field(default_factory=dict)  # work shared by formats (rendered diagrams)
    partition: str = "aws"  # what the plain-JSON policies name in ARNs (designer.artefacts.tokens)
    _taken: set[str] = field(default_factory=set)
    _noticed: set[str] = field(default_factory=set)

    def tell(self, text: str) -> None:
        """Pass a one-line notice to the user once per export (the CLI prints it on stderr)."""
        if text not in self._noticed:
            self._noticed.add(text)
            if self.notice is not None:
                self.notice(text)

    def unique_path(self, folder: str, stem: str, suffix: str) -> str:
        """folder/stem.suffix made safe and not yet used in this export ('-2', '-3'... if so)."""
        parts = [safe_name(p) for p in PurePosixPath(folder).parts] if folder else []
        base = safe_name(stem)
        candidate = "/".join([*parts, f"{base}{suffix}"])
        n = 2
        while candidate.lower() in self._taken:
            candidate = "/".join([*parts, f"{base}-{n}{suffix}"])
            n += 1
        self._taken.add(candidate.lower())
        return candidate

    def write_text(self, relative: str, text: str, fmt: str, purpose: str) -> ExportedFile:
        """Write one file (atomically) at a path made by unique_path; returns its record."""
        return self.write_bytes(relative, text.encode("utf-8"), fmt, purpose)

    def write_bytes(self, relative: str, data: bytes, fmt: str, purpose: str) -> ExportedFile:
        if self.cancel.cancelled:
            raise ExportCancelled
        target = (self.out / relative).resolve()
        if self.out.resolve() not in target.parents:
            raise DesignError(f"refusing to write outside the export folder: {relative}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data, durable=False)
        except OSError as exc:  # a full disk, a read-only folder: which file, and why
            raise DesignError(f"{target}: not written: {exc.strerror or exc}") from None
        record = ExportedFile(relative, fmt, purpose)
        self.written.append(record)
        if self.progress is not None:
            self.progress(relative)
        return record

    def write_json(self, relative: str, data: Any, fmt: str, purpose: str) -> ExportedFile:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        return self.write_text(relative, text, fmt, purpose)


@dataclass(frozen=True)
class RegisteredExporter:
    name: str
    title: str
    run: Callable[[ExportContext], None]


REGISTRY: dict[str, RegisteredExporter] = {}


def exporter(
    name: str, title: str
) -> Callable[[Callable[[ExportContext], None]], Callable[[ExportContext], None]]:
    """Register an export format under a stable name (used by --format and the dialog)."""

    def register(run: Callable[[ExportContext], None]) -> Callable[[ExportContext], None]:
        if name in REGISTRY:
            raise ValueError(f"export format {name} registered twice")
        REGISTRY[name] = RegisteredExporter(name, title, run)
        return run

    return register


def export_design(
    design: Design,
    out: Path,
    formats: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
    redact: bool = False,
    notice: Callable[[str], None] | None = None,
    partition: str = "aws",
) -> list[ExportedFile]:
    """Run the chosen exporters (all by default) into `out`; write manifest.json last.

    With `redact`, every exporter works on a copy of the design whose account ids, e-mail
    addresses and organization id are masked (designer.core.redact), so the masks agree across
    files.

    An export that holds the plan also holds the design it was made from (the redacted copy
    with `redact`), as DESIGN_FILE in the design file format, named by the manifest's
    "design_file": `account-designer rehearse` diffs the rehearsed organization against it.
    """
    from exporters.registry import load_all

    load_all()
    chosen = list(formats) if formats else sorted(REGISTRY)
    unknown = [f for f in chosen if f not in REGISTRY]
    if unknown:
        raise DesignError(
            f"unknown export format {unknown[0]!r} (known: {', '.join(sorted(REGISTRY))})"
        )
    out.mkdir(parents=True, exist_ok=True)
    if redact:
        design = redact_design(design)
    ctx = ExportContext(
        design,
        out,
        progress,
        cancel or CancelToken(),
        notice=notice,
        partition=check_partition(partition),
    )
    ctx._taken.add(MANIFEST)
    carried = None
    if CARRIES_DESIGN in chosen:
        ctx._taken.add(DESIGN_FILE)
        purpose = "The design this export was made from" + (" (redacted)" if redact else "")
        carried = ctx.write_text(DESIGN_FILE, dumps_design(design), "design", purpose).path
    for name in chosen:
        REGISTRY[name].run(ctx)
    manifest = {
        "design": design.name,
        "redacted": redact,
        "partition": ctx.partition,
        "design_file": carried,
        "files": [
            {"path": f.path, "format": f.format, "purpose": f.purpose}
            for f in sorted(ctx.written, key=lambda f: f.path)
        ],
    }
    ctx.write_json(MANIFEST, manifest, "manifest", "Every file of this export")
    return ctx.written
