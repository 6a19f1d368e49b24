"""Export format 'drawio': an editable draw.io file (mxGraph XML), one page per view.

Every OU is a draw.io container holding its child OUs and accounts with geometry relative to it,
so moving an OU in draw.io moves its contents. Cell ids come from the design's ids ("ou-<id>",
"node-<id>", "edge-<id>"), so a file maps back to the design. Labels are HTML (html=1): user text
is HTML-escaped here and XML-escaped by ElementTree, so a name is always shown literally.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from designer.drawing.layout import Box
from designer.drawing.views import VIEW_TITLES, VIEWS, KindStyle
from exporters.base import ExportContext, exporter
from exporters.diagram import drawing_of
from exporters.dot import CONTAINER_FILLS
from exporters.drawing import (
    FADED_COLOUR,
    PUBLIC_FILL,
    Drawing,
    DrawnContainer,
    DrawnEdge,
    DrawnNode,
)

FORMAT = "drawio"
FOLDER = "diagrams"
LAYER = "1"  # the default layer every top-level cell lives in
MARGIN = 24.0
TITLE_HEIGHT = 56.0
LEGEND_GAP = 40.0
LEGEND_WIDTH = 200.0
LEGEND_ROW = 20.0
LEGEND_HEADER = 28.0
DASH_PATTERNS = {"dash": "8 4", "dot": "1 3", "dash-dot": "8 3 1 3"}
ROOT_STROKE = "#5b3cc4"
OU_STROKE = "#9aa5b8"
TEXT_COLOUR = "#1a1a1a"
FADED_TEXT = "#9e9e9e"
# draw.io's usual page settings (grid, snapping guides, connectable shapes, a printable page).
MODEL_SETTINGS = {
    "grid": "1",
    "gridSize": "10",
    "guides": "1",
    "tooltips": "1",
    "connect": "1",
    "arrows": "1",
    "fold": "1",
    "page": "1",
    "pageScale": "1",
    "math": "0",
    "shadow": "0",
}
# XML 1.0 forbids most control characters and lone surrogates would not even encode as UTF-8.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def container_cell(container_id: str, root_id: str) -> str:
    """The cell id of an OU's container ("ou-<id>") or of the organization root ("org-<id>")."""
    return f"org-{container_id}" if container_id == root_id else f"ou-{container_id}"


def node_cell(node_id: str) -> str:
    return f"node-{node_id}"


def edge_cell(edge_id: str) -> str:
    return f"edge-{edge_id}"


def html_lines(text: str) -> str:
    """User text for an html=1 label: markup characters as entities, line breaks as <br>."""
    lines = text.splitlines()  # first: form feeds and the like are line breaks, not garbage
    return "<br>".join(html.escape(_NOT_XML.sub("\ufffd", line), quote=True) for line in lines)


def _num(value: float) -> str:
    """A coordinate without float noise: '120', '12.5'."""
    rounded = round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.2f}".rstrip("0")


def _style(base: str = "", **items: str | float) -> str:
    """A draw.io style string: an optional named base style ('text', 'line'), then key=value."""
    return "".join(f"{p};" for p in [base, *(f"{k}={v}" for k, v in items.items())] if p)


@dataclass
class _Page:
    """One page being written: its <root>, and where each container cell sits on the page."""

    drawing: Drawing
    root: ET.Element
    dx: float  # scene to page: shift so that everything (IdPs at negative x too) is >= MARGIN
    dy: float
    origins: dict[str, tuple[float, float]] = field(default_factory=lambda: {LAYER: (0.0, 0.0)})

    def cell(self, cell_id: str, value: str, style: str, parent: str) -> ET.Element:
        attributes = {"id": cell_id, "value": value, "style": style, "parent": parent}
        return ET.SubElement(self.root, "mxCell", attributes)

    def vertex(self, cell_id: str, value: str, style: str, parent: str, box: Box) -> None:
        """A vertex at a scene box, its geometry relative to its parent's origin (mxGraph rule)."""
        element = self.cell(cell_id, value, style, parent)
        element.set("vertex", "1")
        px, py = self.origins[parent]
        x, y = box.x + self.dx - px, box.y + self.dy - py
        _geometry(element, x, y, box.width, box.height)

    def place(self, cell_id: str, value: str, style: str, parent: str, box: Box) -> None:
        """A vertex at page coordinates (title, legend): no scene shift."""
        element = self.cell(cell_id, value, style, parent)
        element.set("vertex", "1")
        px, py = self.origins[parent]
        _geometry(element, box.x - px, box.y - py, box.width, box.height)


def _geometry(element: ET.Element, x: float, y: float, width: float, height: float) -> None:
    box = {"x": _num(x), "y": _num(y), "width": _num(width), "height": _num(height)}
    ET.SubElement(element, "mxGeometry", {**box, "as": "geometry"})


def drawio_xml(drawings: list[Drawing]) -> str:
    """The whole .drawio file: an <mxfile> with one uncompressed page per drawing."""
    mxfile = ET.Element("mxfile", host="aws-account-designer", compressed="false")
    for drawing in drawings:
        mxfile.append(_diagram(drawing))
    ET.indent(mxfile, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(mxfile, "unicode") + "\n"


def _diagram(drawing: Drawing) -> ET.Element:
    b = drawing.bounds
    width = 2 * MARGIN + b.width + LEGEND_GAP + LEGEND_WIDTH
    height = 2 * MARGIN + TITLE_HEIGHT + max(b.height, _legend_height(drawing))
    diagram = ET.Element("diagram", name=VIEW_TITLES[drawing.view], id=f"page-{drawing.view}")
    size = {"pageWidth": _num(width), "pageHeight": _num(height)}
    model = ET.SubElement(diagram, "mxGraphModel", {**MODEL_SETTINGS, **size})
    root = ET.SubElement(model, "root")
    ET.SubElement(root, "mxCell", id="0")
    ET.SubElement(root, "mxCell", {"id": LAYER, "parent": "0"})
    page = _Page(drawing, root, MARGIN - b.x, MARGIN + TITLE_HEIGHT - b.y)
    _title(page)
    root_id = _root_id(drawing)
    for container in drawing.containers:
        _container(page, container, root_id)
    for node in drawing.nodes:
        _node(page, node, root_id)
    cells = {n.id: node_cell(n.id) for n in drawing.nodes}
    cells |= {c.id: container_cell(c.id, root_id) for c in drawing.containers}
    for edge in drawing.edges:  # a share may end at an OU or the organization: its container
        _edge(page, edge, cells)
    _legend(page)
    return diagram


def _root_id(drawing: Drawing) -> str:
    return next((c.id for c in drawing.containers if c.parent is None), "")


def _title(page: _Page) -> None:
    d = page.drawing
    value = (
        f"<b>{html_lines(d.title)}</b><br>"
        f'<span style="font-size:11px;color:#555555">{html_lines(d.subtitle)}</span>'
    )
    style = _style(
        "text", html=1, align="left", verticalAlign="top", whiteSpace="wrap", fontSize=18
    )
    box = Box(MARGIN, MARGIN, max(d.bounds.width, 200.0), TITLE_HEIGHT - 8)
    page.place("title", value, style, LAYER, box)


def _container(page: _Page, container: DrawnContainer, root_id: str) -> None:
    cell_id = container_cell(container.id, root_id)
    parent = LAYER
    if container.parent is not None:
        parent = container_cell(container.parent, root_id)
    parent = parent if parent in page.origins else LAYER  # a parent not drawn: stand alone
    fill = "#ffffff" if container.depth == 0 else _fill(container.depth)
    style = _style(
        rounded=1,
        absoluteArcSize=1,
        arcSize=16,
        whiteSpace="wrap",
        html=1,
        container=1,
        collapsible=0,
        recursiveResize=0,
        verticalAlign="top",
        align="center",
        spacingTop=2,
        fontStyle=1,
        fontSize=12,
        fillColor=fill,
        strokeColor=ROOT_STROKE if container.depth == 0 else OU_STROKE,
    )
    page.vertex(cell_id, html_lines(container.name), style, parent, container.box)
    box = container.box
    page.origins[cell_id] = (box.x + page.dx, box.y + page.dy)


def _fill(depth: int) -> str:
    return CONTAINER_FILLS[min(depth - 1, len(CONTAINER_FILLS) - 1)]


def _node(page: _Page, node: DrawnNode, root_id: str) -> None:
    parent = LAYER if node.container is None else container_cell(node.container, root_id)
    parent = parent if parent in page.origins else LAYER
    badge = ""
    if node.badge:  # under the name, in the principal's colour
        colour = FADED_COLOUR if node.faded else node.colour
        text = html_lines(node.badge)
        badge = f'<br><span style="color:{colour};font-weight:bold;font-size:9px">{text}</span>'
    value = f"<b>{html_lines(node.name)}</b>{badge}" + "".join(
        f"<br>{html_lines(line)}" for line in node.details
    )
    page.vertex(node_cell(node.id), value, _node_style(node), parent, node.box)


def _node_style(node: DrawnNode) -> str:
    style = _style(
        rounded=1,
        whiteSpace="wrap",
        html=1,
        fontSize=10,
        strokeWidth=2,
        strokeColor=FADED_COLOUR if node.faded else node.colour,
        fillColor="#fafafa" if node.faded else PUBLIC_FILL if node.alarm else "#ffffff",
        fontColor=FADED_TEXT if node.faded else TEXT_COLOUR,
    )
    if node.kind == "outside_principal":
        style += _style(dashed=1)
    if node.alarm:
        style = style.replace("strokeWidth=2;", "strokeWidth=3;")
    return style


def _edge(page: _Page, edge: DrawnEdge, cells: dict[str, str]) -> None:
    style = _style(
        edgeStyle="none",
        html=1,
        endArrow="block",
        endFill=1,
        fontSize=9,
        labelBackgroundColor="#ffffff",
        fontColor=edge.style.colour,
    ) + _line_style(edge.style)
    element = page.cell(edge_cell(edge.id), html_lines(edge.label), style, LAYER)
    element.set("edge", "1")
    element.set("source", cells[edge.source])
    element.set("target", cells[edge.target])
    ET.SubElement(element, "mxGeometry", {"relative": "1", "as": "geometry"})


def _line_style(style: KindStyle) -> str:
    """Colour, width and dash of a relationship kind, shared by edges and legend samples."""
    text = _style(strokeColor=style.colour, strokeWidth=_num(style.width))
    if style.dash in DASH_PATTERNS:
        text += _style(dashed=1, dashPattern=DASH_PATTERNS[style.dash])
    return text


def _legend_height(drawing: Drawing) -> float:
    rows = len(drawing.legend) + len(drawing.functions)
    return LEGEND_HEADER + LEGEND_ROW * rows + 8


def _legend(page: _Page) -> None:
    """A container right of the drawing: a line sample per relationship kind, a swatch per
    function. Samples are 'line' vertices, not edges, so the page's edges stay relationships."""
    d = page.drawing
    box = Box(
        MARGIN + d.bounds.width + LEGEND_GAP,
        MARGIN + TITLE_HEIGHT,
        LEGEND_WIDTH,
        _legend_height(d),
    )
    style = _style(
        rounded=1,
        whiteSpace="wrap",
        html=1,
        container=1,
        collapsible=0,
        verticalAlign="top",
        align="left",
        spacingLeft=8,
        fontStyle=1,
        fillColor="#ffffff",
        strokeColor=OU_STROKE,
    )
    page.place("legend", "Legend", style, LAYER, box)
    page.origins["legend"] = (box.x, box.y)
    for row, (kind, kind_style) in enumerate(d.legend):
        sample = _style("line", html=1) + _line_style(kind_style)
        _legend_row(page, f"legend-kind-{kind}", row, sample, 20, kind_style.title)
    for row, (function, colour) in enumerate(d.functions, start=len(d.legend)):
        swatch = _style(rounded=1, html=1, fillColor=colour, strokeColor=colour)
        _legend_row(page, f"legend-function-{function}", row, swatch, 12, function)


def _legend_row(
    page: _Page, cell_id: str, row: int, sample_style: str, sample_height: float, text: str
) -> None:
    """One legend row: a sample (line or swatch, centred in the row) and its text."""
    left, top = page.origins["legend"]
    left += 8
    top += LEGEND_HEADER + row * LEGEND_ROW
    sample = Box(left, top + (LEGEND_ROW - sample_height) / 2, 36, sample_height)
    page.place(cell_id, "", sample_style, "legend", sample)
    label = _style("text", html=1, align="left", verticalAlign="middle", fontSize=10)
    page.place(f"{cell_id}-label", html_lines(text), label, "legend", Box(left + 44, top, 140, 20))


@exporter(FORMAT, "Editable draw.io diagram, one page per view")
def run(ctx: ExportContext) -> None:
    xml = drawio_xml([drawing_of(ctx, view) for view in VIEWS])
    path = ctx.unique_path(FOLDER, ctx.design.name, ".drawio")
    ctx.write_text(path, xml, FORMAT, "Every view as an editable draw.io diagram (one page each)")
