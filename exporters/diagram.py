"""Export format 'diagram': one picture per view, as Graphviz DOT, SVG, PNG and PDF.

The DOT file is always written; the pictures need Graphviz's programs. When they are missing the
export still succeeds with the DOT files and tells the user what to install. Any other picture
Graphviz cannot draw fails the export; Graphviz runs within RENDER_SECONDS and dies with the
process that started it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from designer.core.redact import redact_design
from designer.drawing.layout import Point
from designer.drawing.views import VIEW_TITLES, VIEWS
from designer.model.design import Design
from designer.model.errors import DesignError
from designer.model.fileformat import write_atomic
from exporters.base import ExportContext, exporter
from exporters.dot import ENGINE, NO_OP, dot_source, png_dpi
from exporters.drawing import Drawing, build_drawing
from exporters.summary import is_large, summary_drawing

FORMAT = "diagram"
FOLDER = "diagrams"
PICTURES = ("svg", "png", "pdf")
INSTALL_GRAPHVIZ = (
    "Graphviz is not installed, so diagrams were written as DOT only: install it "
    "(Debian/Ubuntu: sudo apt-get install graphviz; Fedora: sudo dnf install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz) and export again"
)


_CREATION_DATE = re.compile(rb"/CreationDate \(D:\d{14}(?:Z|[+-]\d\d'\d\d'?)\)")


RENDER_SECONDS = 120.0  # one picture; thousands of accounts draw in seconds


class GraphvizMissing(DesignError):
    """Graphviz's neato could not be run (the message says what to install)."""


class Children:
    """The Graphviz processes one export runs, so an interrupted export can stop them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()

    def add(self, child: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._running.add(child)

    def discard(self, child: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._running.discard(child)

    def stop(self) -> None:
        with self._lock:
            for child in self._running:
                child.kill()


def render(source: str, fmt: str, children: Children | None = None) -> bytes:
    """The picture of a DOT source (pinned positions) in `fmt`: svg, png or pdf."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(INSTALL_GRAPHVIZ)
    command = [program, f"-K{ENGINE}", f"-T{fmt}", f"-n{NO_OP}"]
    data, problem = _run(command, source.encode("utf-8"), fmt, children or Children())
    if problem:  # a bad DOT source, or a Graphviz built without PNG or PDF
        raise DesignError(f"Graphviz could not draw {fmt.upper()}: {problem}")
    # Cairo stamps PDFs with the time: a fixed date of the same length keeps the byte offsets
    # of the file valid and the same design's export identical.
    return _CREATION_DATE.sub(_fixed_date, data) if fmt == "pdf" else data


def _run(command: list[str], source: bytes, fmt: str, children: Children) -> tuple[bytes, str]:
    """Graphviz's output and its first error line ("" when it succeeded), within the time
    limit; the child is killed on any way out, and by the kernel if this process dies."""
    try:
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent(),  # only prctl: set up before the fork
        )
    except OSError as exc:
        raise GraphvizMissing(INSTALL_GRAPHVIZ) from exc
    children.add(child)
    try:
        out, err = child.communicate(source, timeout=RENDER_SECONDS)
    except subprocess.TimeoutExpired:
        raise DesignError(
            f"Graphviz took longer than the time limit of {RENDER_SECONDS:g} s to draw "
            f"{fmt.upper()}"
        ) from None
    finally:
        if child.poll() is None:  # timed out or interrupted: stopped, reaped, pipes closed
            child.kill()
            child.communicate()
        children.discard(child)
    if child.returncode == 0:
        return out, ""
    lines = err.decode("utf-8", "replace").strip().splitlines()
    errors = [line for line in lines if "error" in line.lower()] or lines
    return b"", errors[0].strip() if errors else f"exit status {child.returncode}"


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, a hook that makes the child get SIGTERM when this process dies (even by
    SIGKILL), so no Graphviz is left running; None elsewhere."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def hook() -> None:
        # Sent when the starting thread ends: render() waits for the child in that thread.
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os._exit(1)

    return hook


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up once in the parent (the child only calls it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return function


def _fixed_date(found: re.Match[bytes]) -> bytes:
    """2000-01-01 in place of the stamp, the zone's digits zeroed: the same length."""
    stamp = found.group()
    return stamp[:17] + b"20000101000000" + re.sub(rb"\d", b"0", stamp[31:])


def save_view(
    design: Design,
    view: str,
    target: Path,
    positions: Mapping[str, Point] | None = None,
    redact: bool = False,
) -> None:
    """One view's picture at `target`; its suffix picks the format (.svg, .png, .pdf or .dot).

    With `redact`, account ids, addresses and the organization id are masked (designer.core.redact).
    """
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in (*PICTURES, "dot"):
        raise DesignError(f"cannot draw a diagram as {target.suffix or 'a file without suffix'}")
    drawing = build_drawing(redact_design(design) if redact else design, view, positions)
    source = dot_source(drawing, png_dpi(drawing) if fmt == "png" else None)
    data = source.encode("utf-8") if fmt == "dot" else render(source, fmt)
    write_atomic(target, data, durable=False)


def drawing_of(ctx: ExportContext, view: str, summary: bool = False) -> Drawing:
    key = ("drawing", view, summary)
    if key not in ctx.memo:
        make = summary_drawing if summary else build_drawing
        ctx.memo[key] = make(ctx.design, view)
    drawing: Drawing = ctx.memo[key]
    return drawing


def picture(ctx: ExportContext, view: str, fmt: str, summary: bool = False) -> bytes | None:
    """The view's picture, rendered once per export; None (and a notice) without Graphviz."""
    return pictures(ctx, view, (fmt,), summary)[fmt]


def pictures(
    ctx: ExportContext, view: str, formats: tuple[str, ...], summary: bool = False
) -> dict[str, bytes | None]:
    """Several formats of one view, rendered side by side (Graphviz runs as one process each)."""
    keys = {fmt: ("picture", view, fmt, summary) for fmt in formats}
    missing = [fmt for fmt, key in keys.items() if key not in ctx.memo]
    if missing:
        drawing = drawing_of(ctx, view, summary)
        sources = [dot_source(drawing, png_dpi(drawing) if f == "png" else None) for f in missing]
        try:
            done = _render_all(sources, missing)
        except DesignError as exc:  # the export fails: a picture left out must not pass silently
            raise DesignError(f"diagram of the {VIEW_TITLES[view]} view: {exc}") from None
        for fmt, (data, problem) in zip(missing, done, strict=True):
            if problem:  # Graphviz missing: the DOT files and the rest of the export stand
                ctx.tell(problem)
            ctx.memo[keys[fmt]] = data
    return {fmt: ctx.memo[key] for fmt, key in keys.items()}


def _render_all(sources: list[str], formats: list[str]) -> list[tuple[bytes | None, str]]:
    """Each source in its format, side by side; any failure but a missing Graphviz is raised
    (the export fails), and an interrupt stops every Graphviz still running."""
    children = Children()
    pool = ThreadPoolExecutor(max_workers=len(formats))
    try:
        futures = [
            pool.submit(render, s, f, children) for s, f in zip(sources, formats, strict=True)
        ]
        done: list[tuple[bytes | None, str]] = []
        for future in futures:
            try:
                done.append((future.result(), ""))
            except GraphvizMissing as exc:
                done.append((None, str(exc)))
        return done
    except BaseException:
        children.stop()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@exporter(FORMAT, "Diagrams per view (DOT, SVG, PNG, PDF)")
def run(ctx: ExportContext) -> None:
    """Every view; for a large design also its summary (one box per OU, relationships counted)."""
    large = is_large(ctx.design)
    for view in VIEWS:
        for summary in (False, True) if large else (False,):
            _write_view(ctx, view, summary)


def _write_view(ctx: ExportContext, view: str, summary: bool) -> None:
    title = VIEW_TITLES[view] + (" summary" if summary else "")
    stem = ("all" if view == "all" else f"{view}-view") + ("-summary" if summary else "")
    source = dot_source(drawing_of(ctx, view, summary))
    path = ctx.unique_path(FOLDER, stem, ".dot")
    ctx.write_text(path, source, FORMAT, f"{title} view as Graphviz DOT (neato -n2)")
    for fmt, data in pictures(ctx, view, PICTURES, summary).items():
        if data is None:
            continue  # Graphviz missing: told once; the DOT files of every view still follow
        path = ctx.unique_path(FOLDER, stem, f".{fmt}")
        ctx.write_bytes(path, data, FORMAT, f"{title} view as {fmt.upper()}")
