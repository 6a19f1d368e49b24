"""Export format 'diagram': one picture per view, as Graphviz DOT, SVG, PNG and PDF.

The DOT file is always written; the pictures need Graphviz's programs. When they are missing the
export still succeeds with the DOT files and tells the user what to install.
"""

from __future__ import annotations

import graphviz

from designer.views import VIEW_TITLES, VIEWS
from exporters.base import ExportContext, exporter
from exporters.dot import ENGINE, NO_OP, dot_source, png_dpi
from exporters.drawing import Drawing, build_drawing

FORMAT = "diagram"
FOLDER = "diagrams"
PICTURES = ("svg", "png", "pdf")
INSTALL_GRAPHVIZ = (
    "Graphviz is not installed, so diagrams were written as DOT only: install it "
    "(Debian/Ubuntu: sudo apt-get install graphviz; Fedora: sudo dnf install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz) and export again"
)


class GraphvizMissing(Exception):
    """Graphviz's neato could not be run."""


def render(source: str, fmt: str) -> bytes:
    """The picture of a DOT source (pinned positions) in `fmt`: svg, png or pdf."""
    try:
        return graphviz.pipe(ENGINE, fmt, source.encode("utf-8"), neato_no_op=NO_OP, quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizMissing(INSTALL_GRAPHVIZ) from exc


def drawing_of(ctx: ExportContext, view: str) -> Drawing:
    key = ("drawing", view)
    if key not in ctx.memo:
        ctx.memo[key] = build_drawing(ctx.design, view)
    drawing: Drawing = ctx.memo[key]
    return drawing


def picture(ctx: ExportContext, view: str, fmt: str) -> bytes | None:
    """The view's picture, rendered once per export; None (and a notice) without Graphviz."""
    key = ("picture", view, fmt)
    if key not in ctx.memo:
        drawing = drawing_of(ctx, view)
        source = dot_source(drawing, png_dpi(drawing) if fmt == "png" else None)
        try:
            ctx.memo[key] = render(source, fmt)
        except GraphvizMissing as exc:
            ctx.tell(str(exc))
            ctx.memo[key] = None
    result: bytes | None = ctx.memo[key]
    return result


@exporter(FORMAT, "Diagrams per view (DOT, SVG, PNG, PDF)")
def run(ctx: ExportContext) -> None:
    for view in VIEWS:
        title = VIEW_TITLES[view]
        stem = f"{view}-view" if view != "all" else "all"
        source = dot_source(drawing_of(ctx, view))
        path = ctx.unique_path(FOLDER, stem, ".dot")
        ctx.write_text(path, source, FORMAT, f"{title} view as Graphviz DOT (neato -n2)")
        for fmt in PICTURES:
            data = picture(ctx, view, fmt)
            if data is None:
                return  # Graphviz missing: told once, DOT files for the other views still follow
            path = ctx.unique_path(FOLDER, stem, f".{fmt}")
            ctx.write_bytes(path, data, FORMAT, f"{title} view as {fmt.upper()}")
