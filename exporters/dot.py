"""Graphviz DOT for a Drawing, with every node pinned where the canvas puts it.

`neato -n2` draws pinned nodes, the OU clusters (their boxes given as bb) and routes the edges:
no layout search, so a design of thousands of accounts renders in seconds where `dot` would run
for minutes. User text reaches Graphviz only through html_text (HTML-like labels) or
quoted (quoted strings), so no name can end a label, start an attribute or be read as a
Graphviz escape such as \\N.
"""

from __future__ import annotations

import html
import itertools
import re
import textwrap
from collections.abc import Iterator

from designer.drawing.layout import Box, Point
from exporters.drawing import (
    FADED_COLOUR,
    PUBLIC_FILL,
    Drawing,
    DrawnContainer,
    DrawnEdge,
    DrawnNode,
)

ENGINE = "neato"
NO_OP = 2  # neato -n2: positions are final, in points
MARGIN = 24.0
LEGEND_WIDTH = 190.0
TITLE_HEIGHT = 56.0
FONT = "Helvetica"
DASHES = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dash-dot": "dashed"}
CONTAINER_FILLS = ("#f4f6fb", "#eef1f8", "#e7ebf5", "#e0e6f2", "#d9e0ee", "#d2dbeb")
NAME_WIDTH = 26  # characters of a node's name per line (two lines at most)
MAX_PNG_PIXELS = 16_000_000
MAX_PNG_SIDE = 10_000


# Characters Graphviz's XML label parser refuses (control characters, non-characters, lone
# surrogates): shown as U+FFFD rather than failing the whole picture.
_UNDRAWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def quoted(text: str) -> str:
    """A DOT double-quoted string holding `text` literally.

    Graphviz reads a backslash twice: the parser turns \\\\ into \\, then escape expansion turns
    \\N into the node's name. Four backslashes survive both as one.
    """
    body = _UNDRAWABLE.sub("\N{REPLACEMENT CHARACTER}", text)
    body = body.replace("\\", "\\\\\\\\").replace('"', '\\"')
    return '"' + " ".join(body.splitlines()) + '"'


def tooltip(text: str) -> str:
    """A tooltip: Graphviz keeps entities in it as they are, so a literal & must be one."""
    return quoted(text.replace("&", "&amp;"))


def html_text(text: str) -> str:
    """`text` for inside an HTML-like label: one line, markup characters as entities.

    Backslashes are doubled: Graphviz expands \\N or \\G even inside HTML labels (and decodes
    entities first, so &#92; would not help); \\\\ shows one backslash.
    """
    text = _UNDRAWABLE.sub("\N{REPLACEMENT CHARACTER}", " ".join(text.splitlines()))
    return html.escape(text, quote=True).replace("\\", "\\\\")


def bold(text: str) -> str:
    """Bold text for a label; a no-break space when empty (Graphviz refuses an empty <B></B>)."""
    return f"<B>{html_text(text)}</B>" if text.strip() else "&#160;"


def fit(text: str, width: float, char_width: float) -> str:
    """One line of `text` cut (with an ellipsis) to about `width` points of characters."""
    line = " ".join(text.split())
    most = max(int(width / char_width), 4)
    return line if len(line) <= most else line[: most - 1].rstrip() + "…"


def _name_lines(name: str) -> list[str]:
    one_line = " ".join(name.split())
    lines = textwrap.wrap(one_line, NAME_WIDTH, break_long_words=True) or [""]
    if len(lines) > 2:
        lines = [lines[0], lines[1][: NAME_WIDTH - 1] + "…"]
    return lines


class _Frame:
    """Scene coordinates (y down) to Graphviz points (y up), everything positive."""

    def __init__(self, drawing: Drawing) -> None:
        b = drawing.bounds
        self.left = b.x - MARGIN
        self.top = b.y - MARGIN - TITLE_HEIGHT
        self.height = b.height + 2 * MARGIN + TITLE_HEIGHT

    def point(self, x: float, y: float) -> str:
        return f"{x - self.left:.1f},{self.height - (y - self.top):.1f}"

    def bb(self, box: Box) -> str:
        return f"{self.point(box.x, box.bottom)},{self.point(box.right, box.y)}"


def dot_source(drawing: Drawing, dpi: float | None = None) -> str:
    """The whole DOT graph; `dpi` is set for bitmap output only."""
    frame = _Frame(drawing)
    lines = [
        "// Render with: neato -n2 -Tsvg THIS_FILE -o diagram.svg  (positions are fixed)",
        "digraph design {",
        # Every edge carries its route (pos): Graphviz draws it as given and routes nothing.
        f"  graph [splines=true, outputorder=edgesfirst, fontname={quoted(FONT)}, "
        f"pad=0.2{f', dpi={dpi:.0f}' if dpi else ''}];",
        f"  node [fontname={quoted(FONT)}, fixedsize=true, margin=0];",
        f"  edge [fontname={quoted(FONT)}, fontsize=8, arrowsize=0.7];",
    ]
    lines += _title(drawing, frame)
    lines += _clusters(drawing, frame)
    lines += [f"  {_node(n, frame)}" for n in drawing.nodes if n.container is None]
    lines += _anchors(drawing, frame)
    lines += [f"  {_edge(e, frame)}" for e in drawing.edges]
    lines += _legend(drawing, frame)
    lines.append("}")
    return "\n".join(lines) + "\n"


def png_dpi(drawing: Drawing) -> float:
    """96 dpi unless the picture would be too large to open: then less."""
    width = (drawing.bounds.width + 2 * MARGIN + LEGEND_WIDTH) / 72
    height = (drawing.bounds.height + 2 * MARGIN + TITLE_HEIGHT) / 72
    dpi = min(96.0, MAX_PNG_SIDE / max(width, height), (MAX_PNG_PIXELS / (width * height)) ** 0.5)
    return max(dpi, 8.0)


def _title(drawing: Drawing, frame: _Frame) -> list[str]:
    b = drawing.bounds
    width = max(b.width, 200.0)
    label = (
        f'<<FONT POINT-SIZE="18">{bold(fit(drawing.title, width, 11))}</FONT><BR/>'
        f'<FONT POINT-SIZE="10" COLOR="#555555">{html_text(drawing.subtitle)}</FONT>>'
    )
    pos = frame.point(b.x + width / 2, b.y - TITLE_HEIGHT / 2 - 4)
    return [
        f'  "title" [shape=plaintext, label={label}, pos="{pos}!", '
        f"tooltip={tooltip(drawing.title)}, "
        f"width={width / 72:.3f}, height={TITLE_HEIGHT / 72:.3f}];"
    ]


def _clusters(drawing: Drawing, frame: _Frame) -> list[str]:
    children: dict[str | None, list[DrawnContainer]] = {}
    for c in drawing.containers:
        children.setdefault(c.parent, []).append(c)
    members: dict[str | None, list[DrawnNode]] = {}
    for n in drawing.nodes:
        members.setdefault(n.container, []).append(n)

    def emit(container: DrawnContainer, indent: str) -> Iterator[str]:
        fill = (
            "#ffffff"
            if container.depth == 0
            else CONTAINER_FILLS[min(container.depth - 1, len(CONTAINER_FILLS) - 1)]
        )
        lp = frame.point(container.box.x + container.box.width / 2, container.box.y + 14)
        yield f'{indent}subgraph "cluster_{container.id}" {{'
        yield (
            f'{indent}  graph [bb="{frame.bb(container.box)}", lp="{lp}", '
            f"label=<{bold(fit(container.name, container.box.width - 16, 7.5))}>, "
            f"tooltip={tooltip(container.name)}, "
            f'fontsize=12, style="rounded,filled", '
            f'fillcolor="{fill}", color="{"#5b3cc4" if container.depth == 0 else "#9aa5b8"}"];'
        )
        for child in children.get(container.id, []):
            yield from emit(child, indent + "  ")
        for node in members.get(container.id, []):
            yield f"{indent}  {_node(node, frame)}"
        yield f"{indent}}}"

    return [line for root in children.get(None, []) for line in emit(root, "  ")]


def _node(node: DrawnNode, frame: _Frame) -> str:
    box = node.box
    pos = frame.point(box.x + box.width / 2, box.y + box.height / 2)
    colour = FADED_COLOUR if node.faded else node.colour
    text = "#9e9e9e" if node.faded else "#1a1a1a"
    name = "<BR/>".join(bold(line) for line in _name_lines(node.name))
    details = "".join(
        f'<BR/><FONT POINT-SIZE="8" COLOR="{text}">{html_text(d)}</FONT>' for d in node.details
    )
    badge = (
        f'<FONT POINT-SIZE="8" COLOR="{colour}">{bold(node.badge)}</FONT><BR/>'
        if node.badge
        else ""
    )
    # Never a record shape: Graphviz would read | { } < > in a name as the record's fields.
    style = "rounded,filled,dashed" if node.kind == "outside_principal" else "rounded,filled"
    fill = "#fafafa" if node.faded else PUBLIC_FILL if node.alarm else "#ffffff"
    width = 3 if node.alarm else 2
    tip = f"{node.badge}: {node.name}" if node.badge else node.name
    return (
        f'"{node.id}" [shape=box, style="{style}", pos="{pos}!", '
        f"width={box.width / 72:.3f}, height={box.height / 72:.3f}, penwidth={width}, "
        f'color="{colour}", fillcolor="{fill}", '
        f'fontsize=10, fontcolor="{text}", tooltip={tooltip(tip)}, '
        f'label=<{badge}<FONT POINT-SIZE="10">{name}</FONT>{details}>];'
    )


def _anchors(drawing: Drawing, frame: _Frame) -> list[str]:
    """A point under the name of each OU that a relationship reaches (e.g. a share to an OU)."""
    ends = {e.source for e in drawing.edges} | {e.target for e in drawing.edges}
    return [
        f'  "{c.id}" [shape=point, width=0.06, color="#9aa5b8", '
        f'pos="{frame.point(c.box.x + c.box.width / 2, c.box.y + 26)}!", '
        f"tooltip={tooltip(c.name)}];"
        for c in drawing.containers
        if c.id in ends
    ]


def _edge(edge: DrawnEdge, frame: _Frame) -> str:
    """An edge along its route (pos: a B-spline of straight pieces) with its label where the
    router placed it (lp); neato -n2 draws both as given."""
    s = edge.style
    label = ""
    if edge.label_box is not None and edge.shown_label:
        box = edge.label_box
        lp = frame.point(box.x + box.width / 2, box.y + box.height / 2)
        label = f', label=<{html_text(edge.shown_label)}>, lp="{lp}"'
    route = f', pos="{_spline(edge.points, frame)}"' if len(edge.points) >= 2 else ""
    return (
        f'"{edge.source}" -> "{edge.target}" [id="{edge.id}", color="{s.colour}", '
        f'fontcolor="{s.colour}", style={DASHES[s.dash]}, penwidth={s.width:.1f}, '
        f"tooltip={tooltip(_edge_tip(edge))}{route}{label}];"
    )


def _edge_tip(edge: DrawnEdge) -> str:
    tip = edge.style.title + (": " + edge.label if edge.label else "")
    return f"{tip} ({edge.scope})" if edge.scope else tip


ARROW = 7.0  # points: arrowsize 0.7 of Graphviz's 10


def _spline(points: tuple[Point, ...], frame: _Frame) -> str:
    """Graphviz's edge pos: the arrow's tip (e,x,y), then a cubic B-spline whose pieces are the
    route's straight segments (each as start, end, end), ending an arrow's length short."""
    *body, (tx, ty) = points
    px, py = body[-1]
    length = max(abs(tx - px) + abs(ty - py), 1e-9)
    cut = min(ARROW, length / 2)
    end = (tx - (tx - px) * cut / length, ty - (ty - py) * cut / length)
    path = [*body, end]
    parts = [frame.point(*path[0])]
    for before, point in itertools.pairwise(path):
        parts += [frame.point(*before), frame.point(*point), frame.point(*point)]
    return f"e,{frame.point(tx, ty)} " + " ".join(parts)


def _legend(drawing: Drawing, frame: _Frame) -> list[str]:
    rows = [
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{s.colour}">{_sample(s.dash)}</FONT></TD>'
        f'<TD ALIGN="LEFT">{html_text(s.title)}</TD></TR>'
        for _, s in drawing.legend
    ]
    rows += [
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{colour}">■</FONT></TD>'
        f'<TD ALIGN="LEFT">{html_text(function)}</TD></TR>'
        for function, colour in drawing.functions
    ]
    table = (
        '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" COLOR="#9aa5b8" BGCOLOR="#ffffff">'
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>' + "".join(rows) + "</TABLE>>"
    )
    b = drawing.bounds
    height = 22.0 + 16.0 * len(rows)
    pos = frame.point(b.right + MARGIN + LEGEND_WIDTH / 2, b.y + height / 2)
    return [
        f'  "legend" [shape=plaintext, fontsize=9, label={table}, pos="{pos}!", '
        f"width={LEGEND_WIDTH / 72:.3f}, height={height / 72:.3f}];"
    ]


def _sample(dash: str) -> str:
    return {"solid": "━━━", "dash": "╍╍╍", "dot": "┉┉┉", "dash-dot": "━ · ━"}[dash]
