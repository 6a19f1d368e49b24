"""Export format 'document': the complete design document as Markdown, HTML and PDF.

The Markdown refers to its diagrams as SVG files beside it; the HTML holds them inline; the PDF
embeds them as PNG. Without Graphviz the document is still written, each figure replaced by a
note, and the user is told what to install.
"""

from __future__ import annotations

from designer.model.errors import DesignError
from exporters.base import ExportContext, exporter
from exporters.diagram import picture
from exporters.doc_model import DesignDocument, Figure
from exporters.document_content import build_document
from exporters.document_pdf import pdf_document
from exporters.document_text import html_document, markdown_document
from exporters.summary import is_large

FORMAT = "document"
FOLDER = "document"
STEM = "design-document"


@exporter(FORMAT, "Design document (Markdown, HTML, PDF)")
def run(ctx: ExportContext) -> None:
    doc = build_document(ctx.design, ctx.partition)
    summary = is_large(ctx.design)  # pages show the shape, not every box
    figures = _markdown_figures(ctx, doc, summary)
    ctx.write_text(
        ctx.unique_path(FOLDER, STEM, ".md"),
        markdown_document(doc, figures.get),
        FORMAT,
        "The design document in Markdown (diagrams in images/)",
    )

    def svg(view: str) -> str | None:
        data = picture(ctx, view, "svg", summary)
        return data.decode("utf-8") if data is not None else None

    ctx.write_text(
        ctx.unique_path(FOLDER, STEM, ".html"),
        html_document(doc, svg),
        FORMAT,
        "The design document as one self-contained HTML file",
    )
    try:
        data = pdf_document(
            doc, lambda view: picture(ctx, view, "png", summary), ctx.tell, ctx.cancel
        )
    except DesignError as exc:  # no font to embed: the other two formats stand
        ctx.tell(str(exc))
        return
    ctx.write_bytes(
        ctx.unique_path(FOLDER, STEM, ".pdf"), data, FORMAT, "The design document as PDF"
    )


def _markdown_figures(ctx: ExportContext, doc: DesignDocument, summary: bool) -> dict[str, str]:
    """Write the SVG of each figure beside the Markdown; view -> its path relative to it."""
    paths: dict[str, str] = {}
    for block in doc.blocks:
        if isinstance(block, Figure) and block.view not in paths:
            data = picture(ctx, block.view, "svg", summary)
            if data is None:
                continue
            path = ctx.unique_path(f"{FOLDER}/images", block.view, ".svg")
            ctx.write_bytes(path, data, FORMAT, f"Figure of the design document: {block.caption}")
            paths[block.view] = path.removeprefix(f"{FOLDER}/")
    return paths
