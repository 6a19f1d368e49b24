"""Export format 'diagram': one picture per view, as Graphviz DOT, SVG, PNG and PDF.

The DOT file is always written; the pictures need Graphviz's programs. When they are missing the
export still succeeds with the DOT files and tells the user what to install.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import graphviz

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


class GraphvizMissing(DesignError):
    """Graphviz's neato could not be run (the message says what to install)."""


def render(source: str, fmt: str) -> bytes:
    """The picture of a DOT source (pinned positions) in `fmt`: svg, png or pdf."""
    try:
        data = graphviz.pipe(ENGINE, fmt, source.encode("utf-8"), neato_no_op=NO_OP, quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizMissing(INSTALL_GRAPHVIZ) from exc
    except graphviz.CalledProcessError as exc:  # e.g. a Graphviz built without PNG or PDF
        reason = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise DesignError(
            f"Graphviz could not draw {fmt.upper()}: {reason[0] if reason else exc.returncode}"
        ) from None
    # Cairo stamps PDFs with the time: a fixed date of the same length keeps the byte offsets
    # of the file valid and the same design's export identical.
    return _CREATION_DATE.sub(_fixed_date, data) if fmt == "pdf" else data


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
        with ThreadPoolExecutor(max_workers=len(missing)) as pool:
            done = list(pool.map(_try_render, sources, missing))
        for fmt, (data, problem) in zip(missing, done, strict=True):
            if problem:  # Graphviz missing or failing: the rest of the export stands
                ctx.tell(problem)
            ctx.memo[keys[fmt]] = data
    return {fmt: ctx.memo[key] for fmt, key in keys.items()}


def _try_render(source: str, fmt: str) -> tuple[bytes | None, str]:
    try:
        return render(source, fmt), ""
    except DesignError as exc:
        return None, str(exc)


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
