"""The design document as plain blocks; the Markdown, HTML and PDF writers each render them.

Block text is plain user-facing text, never markup: every writer escapes it for its own format,
so a name holding <script>, backticks or pipes is shown, not obeyed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_RENDERED = "Diagram not rendered: Graphviz is not installed."


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = chapter, 2 = section, 3 = subsection
    text: str
    anchor: str  # stable, ASCII: for links and the table of contents


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False  # a remark set apart (an aside, a caveat)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class TreeList:
    """A nested list, as (depth, text) pairs in display order; depth 0 is the top level."""

    items: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # each as long as headers


@dataclass(frozen=True)
class Code:
    text: str  # shown verbatim, monospaced (policies as JSON)
    title: str = ""


@dataclass(frozen=True)
class Figure:
    view: str  # a name in designer.drawing.views.VIEWS: the writer asks for its picture
    caption: str


Block = Heading | Paragraph | Bullets | TreeList | Table | Code | Figure


@dataclass
class DesignDocument:
    title: str
    subtitle: str
    blocks: list[Block] = field(default_factory=list)

    def headings(self, deepest: int = 2) -> list[Heading]:
        """The table of contents."""
        return [b for b in self.blocks if isinstance(b, Heading) and b.level <= deepest]
