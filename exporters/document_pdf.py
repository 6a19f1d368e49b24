"""The design document as PDF (fpdf2): title page, contents, bookmarks, tables, code, diagrams.

Text is drawn with an embedded TrueType font (DejaVu or similar) so any Unicode in names prints;
characters that font lacks come from a fallback font when the system has one (CJK), otherwise
fpdf2 draws its missing-glyph box and logs a warning: the document is still written.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from io import BytesIO

from fpdf import FPDF
from fpdf.enums import (
    Align,
    MethodReturnValue,
    TableCellFillMode,
    VAlign,
    WrapMode,
    XPos,
    YPos,
)
from fpdf.fonts import FontFace
from fpdf.outline import OutlineSection
from fpdf.util import Padding
from PIL import Image

from exporters.base import CancelToken, ExportCancelled
from exporters.doc_model import (
    NOT_RENDERED,
    Block,
    Bullets,
    Code,
    DesignDocument,
    Figure,
    Heading,
    Paragraph,
    Table,
    TreeList,
)
from exporters.pdf_fonts import FontFiles, find_fonts

PRODUCER = "AWS Account Structure Designer"
# A fixed date: the same design gives the same bytes (diffable, cacheable exports).
FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)

SANS, MONO = "body", "code"
# The total page count is substituted for this at the end. Not fpdf2's "{nb}": a name typed as
# "{nb}" must print as typed. Private-use characters, removed from user text by _clean().
PAGE_COUNT = "\ue000\ue001\ue002\ue003\ue004"  # wide enough for 5 digits

# Layout, in millimetres and points.
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18.0, 20.0, 18.0
BODY_PT, BODY_LINE = 10.0, 5.0
HEADINGS = {1: (18.0, 8.5, 6.0), 2: (14.0, 6.5, 5.0), 3: (11.5, 5.5, 3.5)}  # pt, line, space above
KEEP_WITH_HEADING = 18.0  # room kept below a heading so it does not end a page alone
TABLE_PT, TABLE_LINE, TABLE_PAD = 8.0, 3.8, 1.2
CODE_PT, CODE_LINE = 7.5, 3.4
CODE_TOP, CODE_SIDE = 1.5, 2.5  # padding inside a code box, mm
TOC_LINE, TOC_NUMBER_W, TOC_INDENT, TOC_TITLE_H = 6.5, 14.0, 6.0, 16.0
MAX_TOC_LINES = 3
MAX_CELL_LINES, MAX_HEADER_LINES = 40, 6  # fpdf2 refuses a row taller than a page
MAX_COLUMNS = 10  # more would leave columns too narrow for a word
MIN_COL_W, MAX_WORD_SHARE, MAX_COL_SHARE = 10.0, 0.22, 0.45
CAPTION_ROOM = 14.0
MAX_UPSCALE = 1.5  # a small diagram is not blown up past 1.5x its 96-dpi size (blurry)

GREY = (110, 110, 110)
RULE = (190, 190, 190)
NOTE_BG = (240, 243, 247)
CODE_BG = (244, 244, 244)
HEAD_BG = (222, 228, 236)
ROW_BG = (248, 249, 251)
BULLETS = ("\u2022", "\u25e6", "\u25aa")  # in WGL4: DejaVu and Arial both have them


# ---------------------------------------------------------------- the PDF


class _Pdf(FPDF):
    """Header (the title, from page 2 on) and footer (Page N of M) on every page."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.doc_title = title
        self.toc_pages = 1
        self.uses_fallback = False  # a fallback font draws what the main one lacks (CJK)

    def header(self) -> None:
        if self.page_no() < 2:
            return
        self.set_font(SANS, "", 8)
        self.set_text_color(*GREY)
        self.set_xy(self.l_margin, 9)
        self.cell(self.epw, 4, _fit(self, self.doc_title, self.epw))
        self.set_draw_color(*RULE)
        self.line(self.l_margin, 14, self.w - self.r_margin, 14)
        self.set_text_color(0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_font(SANS, "", 8)
        self.set_text_color(*GREY)
        self.set_xy(self.l_margin, -12)
        self.cell(self.epw, 4, f"Page {self.page_no()} of {PAGE_COUNT}", align="C")
        self.set_text_color(0)


def pdf_document(
    doc: DesignDocument,
    picture: Callable[[str], bytes | None],
    warn: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
) -> bytes:
    """The document as PDF bytes; `picture(view)` is a diagram's PNG, or None without Graphviz.

    Characters no installed font can draw are reported once through `warn`, not on stderr.
    """
    missing = _MissingGlyphs()
    logger = logging.getLogger("fpdf.output")
    logger.addHandler(missing)
    propagate, logger.propagate = logger.propagate, False
    try:
        data = _render(doc, picture, cancel or CancelToken())
    finally:
        logger.removeHandler(missing)
        logger.propagate = propagate
    if missing.chars and warn is not None:
        shown = " ".join(sorted(missing.chars)[:10])
        warn(
            f"the PDF shows boxes for characters no installed font has ({shown}); install a "
            "font that has them (e.g. sudo apt-get install fonts-noto-cjk) and export again"
        )
    return data


class _MissingGlyphs(logging.Handler):
    """Collects the characters fpdf2 reports missing from the embedded fonts."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.chars: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "missing the following glyphs" in message:
            self.chars.update(re.findall(r"'(.)' \(\\u", message))


def _render(
    doc: DesignDocument, picture: Callable[[str], bytes | None], cancel: CancelToken
) -> bytes:
    pdf = _new_pdf(doc)
    _title_page(pdf, doc)
    pdf.add_page()
    entries = _toc_entries(doc.blocks)
    if entries:  # the contents are drawn last, into pages reserved now
        pdf.toc_pages = _toc_page_count(pdf, entries)
        pdf.insert_toc_placeholder(_render_toc, pages=pdf.toc_pages)
    for block in doc.blocks:
        if cancel.cancelled:  # thousands of pages take a while: stop between blocks
            raise ExportCancelled
        _block(pdf, block, picture)
    return bytes(pdf.output())


def _new_pdf(doc: DesignDocument) -> _Pdf:
    fonts = find_fonts()
    pdf = _Pdf(_one_line(doc.title))
    pdf.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    pdf.alias_nb_pages(PAGE_COUNT)
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(_one_line(doc.title))
    pdf.set_subject(_one_line(doc.subtitle))
    pdf.set_producer(PRODUCER)
    pdf.set_creator(PRODUCER)
    _add_fonts(pdf, fonts, _document_chars(doc))
    return pdf


def _add_fonts(pdf: _Pdf, fonts: FontFiles, chars: set[str]) -> None:
    # A missing bold, italic or mono face is stood in for by the regular one.
    pdf.add_font(SANS, "", fonts.regular)
    pdf.add_font(SANS, "B", fonts.bold or fonts.regular)
    pdf.add_font(SANS, "I", fonts.italic or fonts.regular)
    pdf.add_font(MONO, "", fonts.mono or fonts.regular)
    if fonts.fallback is None:
        return
    cmap = pdf.fonts[SANS].cmap  # type: ignore[union-attr]
    if all(ord(c) in cmap for c in chars):
        return  # loading a CJK font is slow and slows every line down: only when needed
    pdf.add_font("fallback", "", fonts.fallback)
    pdf.set_fallback_fonts(["fallback"], exact_match=False)
    pdf.uses_fallback = True


def _document_chars(doc: DesignDocument) -> set[str]:
    chars = set(doc.title) | set(doc.subtitle)
    for block in doc.blocks:
        for text in _texts(block):
            chars.update(text)
    return {c for c in chars if _printable(c)}


def _texts(block: Block) -> Iterator[str]:
    match block:
        case Heading() | Paragraph():
            yield block.text
        case Bullets():
            yield from block.items
        case TreeList():
            yield from (text for _, text in block.items)
        case Table():
            yield from block.headers
            for row in block.rows:
                yield from row
        case Code():
            yield block.title
            yield block.text
        case Figure():
            yield block.caption


def _clean(text: str) -> str:
    """User text made printable: tabs expanded, other control characters shown as '?'."""
    text = text.replace("\r\n", "\n").expandtabs(4)
    if text.isprintable():
        return text
    return "".join(c if c == "\n" or _printable(c) else "\ufffd" for c in text)


def _printable(c: str) -> bool:
    return unicodedata.category(c) not in ("Cc", "Co") and c not in PAGE_COUNT


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit on one line of `width`."""
    if pdf.get_string_width(text) <= width:
        return text
    text = text[:400]  # far more than a line holds: keeps the loop below short
    while text and pdf.get_string_width(text + "\u2026") > width:
        text = text[:-1]
    return text + "\u2026"


# ---------------------------------------------------------------- title and contents


def _title_page(pdf: FPDF, doc: DesignDocument) -> None:
    pdf.add_page()
    pdf.set_y(95)
    pdf.set_font(SANS, "B", 26)
    pdf.multi_cell(0, 11, _clean(doc.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin + 40, pdf.y, pdf.w - pdf.r_margin - 40, pdf.y)
    pdf.ln(6)
    pdf.set_font(SANS, "", 13)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 6.5, _clean(doc.subtitle), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)


def _level(heading: Heading) -> int:
    return min(max(heading.level, 1), 3)


def _toc_entries(blocks: Sequence[Block]) -> list[tuple[int, str]]:
    """(outline level, name) of the chapters and sections: the same names _heading() bookmarks."""
    return [
        (_level(b) - 1, _one_line(b.text))
        for b in blocks
        if isinstance(b, Heading) and _level(b) <= 2
    ]


def _toc_entry_lines(pdf: FPDF, level: int, name: str) -> list[str]:
    """At most MAX_TOC_LINES lines, so that an entry always fits on a page."""
    pdf.set_font(SANS, "B" if level == 0 else "", 10)
    width = pdf.epw - level * TOC_INDENT - TOC_NUMBER_W
    lines = _wrapped(pdf, width, name) or [""]
    if len(lines) <= MAX_TOC_LINES:
        return lines
    return [*lines[: MAX_TOC_LINES - 1], _fit(pdf, lines[MAX_TOC_LINES - 1] + "\u2026", width)]


def _wrapped(pdf: FPDF, width: float, text: str) -> list[str]:
    """The lines multi_cell() would print, in the current font, without printing them."""
    lines = pdf.multi_cell(width, text=text, dry_run=True, output=MethodReturnValue.LINES)
    assert isinstance(lines, list)
    return [str(line) for line in lines]


def _toc_fits(pdf: FPDF, y: float, lines: int) -> bool:
    # The same test in the page count and in the drawing: the ToC must fill exactly its pages.
    return y + lines * TOC_LINE <= pdf.page_break_trigger - 0.01


def _toc_page_count(pdf: FPDF, entries: list[tuple[int, str]]) -> int:
    pages, y = 1, pdf.t_margin + TOC_TITLE_H
    for level, name in entries:
        lines = len(_toc_entry_lines(pdf, level, name))
        if not _toc_fits(pdf, y, lines):
            pages, y = pages + 1, pdf.t_margin
        y += lines * TOC_LINE
    return pages


def _render_toc(pdf: FPDF, outline: list[OutlineSection]) -> None:
    """fpdf2 calls this at the end, when the sections' page numbers are known."""
    assert isinstance(pdf, _Pdf)
    assert pdf.toc_placeholder is not None
    last_page = pdf.toc_placeholder.start_page + pdf.toc_pages - 1
    pdf.set_font(SANS, "B", 18)
    pdf.set_x(pdf.l_margin)
    pdf.cell(pdf.epw, 10, "Contents")
    pdf.set_y(pdf.t_margin + TOC_TITLE_H)
    for section in outline:
        if section.level <= 1:
            _toc_entry(pdf, section)
    while pdf.page < last_page:  # the estimate is exact; this only guards against rounding
        pdf.add_page()


def _toc_entry(pdf: FPDF, section: OutlineSection) -> None:
    lines = _toc_entry_lines(pdf, section.level, section.name)
    if not _toc_fits(pdf, pdf.y, len(lines)):
        pdf.add_page()
    link = pdf.add_link(page=section.page_number)
    x = pdf.l_margin + section.level * TOC_INDENT
    top = pdf.y
    for i, line in enumerate(lines):
        pdf.set_xy(x, top + i * TOC_LINE)
        pdf.cell(pdf.get_string_width(line) + 0.5, TOC_LINE, line, link=link)
    number = str(section.page_number)
    last_y = top + (len(lines) - 1) * TOC_LINE
    number_x = pdf.w - pdf.r_margin - pdf.get_string_width(number)
    dots_from = x + pdf.get_string_width(lines[-1]) + 2
    if number_x - 2 > dots_from:
        pdf.set_draw_color(*GREY)
        with pdf.local_context(dash_pattern={"dash": 0.2, "gap": 1.2}):
            pdf.line(dots_from, last_y + TOC_LINE * 0.7, number_x - 2, last_y + TOC_LINE * 0.7)
    pdf.set_xy(number_x - 1, last_y)
    pdf.cell(pdf.get_string_width(number) + 1, TOC_LINE, number, link=link, align="R")
    pdf.set_xy(pdf.l_margin, top + len(lines) * TOC_LINE)


# ---------------------------------------------------------------- blocks


def _block(pdf: FPDF, block: Block, picture: Callable[[str], bytes | None]) -> None:
    match block:
        case Heading():
            _heading(pdf, block)
        case Paragraph():
            _paragraph(pdf, block)
        case Bullets():
            _list(pdf, [(0, item) for item in block.items])
        case TreeList():
            _list(pdf, list(block.items))
        case Table():
            _table(pdf, block)
        case Code():
            _code(pdf, block)
        case Figure():
            _figure(pdf, block, picture(block.view))


def _at_page_top(pdf: FPDF) -> bool:
    return pdf.y <= pdf.t_margin + 0.01


def _heading(pdf: FPDF, heading: Heading) -> None:
    level = _level(heading)
    size, line, space = HEADINGS[level]
    if level == 1 and not _at_page_top(pdf):
        pdf.add_page()  # chapters start on a new page
    elif pdf.will_page_break(space + line + KEEP_WITH_HEADING):
        pdf.add_page()
    elif not _at_page_top(pdf):
        pdf.ln(space)
    name = _one_line(heading.text)
    pdf.start_section(name, level=level - 1, strict=False)  # the bookmark and the ToC entry
    pdf.set_font(SANS, "B", size)
    pdf.multi_cell(0, line, name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if level == 1:
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.y + 1, pdf.w - pdf.r_margin, pdf.y + 1)
    pdf.ln(2.5 if level == 1 else 1.5)


def _paragraph(pdf: FPDF, paragraph: Paragraph) -> None:
    text = _clean(paragraph.text)
    if paragraph.note:
        pdf.set_font(SANS, "I", BODY_PT - 0.5)
        pdf.set_fill_color(*NOTE_BG)
        pdf.multi_cell(
            0,
            BODY_LINE,
            text,
            align="L",
            fill=True,
            padding=Padding(2, 3, 2, 3),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    else:
        pdf.set_font(SANS, "", BODY_PT)
        pdf.multi_cell(0, BODY_LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2.5)


def _list(pdf: FPDF, items: list[tuple[int, str]]) -> None:
    """Bullets and trees: one bullet per item, indented by depth."""
    pdf.set_font(SANS, "", BODY_PT)
    for depth, text in items:
        depth = min(max(depth, 0), 10)  # deeper trees would leave no room for the text
        if pdf.will_page_break(BODY_LINE):
            pdf.add_page()
        x = pdf.l_margin + 2 + depth * 6
        pdf.set_x(x)
        pdf.cell(5, BODY_LINE, BULLETS[depth % len(BULLETS)])
        pdf.multi_cell(
            pdf.w - pdf.r_margin - x - 5,
            BODY_LINE,
            _clean(text),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(0.6)
    pdf.ln(2)


# ---------------------------------------------------------------- tables


def _table(pdf: FPDF, table: Table) -> None:
    """A table; one too wide for the page is printed in parts that each repeat the first column."""
    columns = len(table.headers)
    headers = [_clean(h) for h in table.headers]
    rows = [[_clean(c) for c in (*row, *[""] * columns)[:columns]] for row in table.rows]
    if columns <= MAX_COLUMNS:
        _table_part(pdf, headers, rows)
        return
    for start in range(1, columns, MAX_COLUMNS - 1):
        part = [0, *range(start, min(start + MAX_COLUMNS - 1, columns))]
        _table_part(pdf, [headers[i] for i in part], [[row[i] for i in part] for row in rows])


def _table_part(pdf: FPDF, headers: list[str], rows: list[list[str]]) -> None:
    if not headers:
        return
    widths = _column_widths(pdf, headers, rows)
    headers = [
        _clip(pdf, h, w, MAX_HEADER_LINES, "B") for h, w in zip(headers, widths, strict=True)
    ]
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    if isinstance(pdf, _Pdf) and not pdf.uses_fallback:
        _FastTable(pdf, widths).draw(headers, rows)
        pdf.ln(4)
        return
    rows = [
        [_clip(pdf, c, w, MAX_CELL_LINES) for c, w in zip(r, widths, strict=True)] for r in rows
    ]
    pdf.set_font(SANS, "", TABLE_PT)
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        line_height=TABLE_LINE,
        padding=Padding(0.8, TABLE_PAD, 0.8, TABLE_PAD),
        text_align=Align.L,
        v_align=VAlign.T,
        headings_style=FontFace(emphasis="B", fill_color=HEAD_BG),
        cell_fill_color=ROW_BG,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        repeat_headings=1,
    ) as drawn:
        drawn.row(headers)
        for row in rows:
            drawn.row(row)
    pdf.ln(4)


class _FastTable:
    """Draws a table line by line with word widths measured once each: fpdf2's own table wraps
    every cell character by character, twice, and takes about 20 s for 4,000 rows. Used when
    no fallback font is needed (text() cannot switch fonts mid-line; fpdf2's table can)."""

    def __init__(self, pdf: _Pdf, widths: list[float]) -> None:
        self.pdf, self.widths = pdf, widths
        self.size = TABLE_PT / pdf.k  # the font size in mm
        self.known: dict[tuple[str, str], float] = {}

    def draw(self, headers: list[str], rows: list[list[str]]) -> None:
        self.pdf.set_text_color(0)
        head = self.wrap(headers, "B", MAX_HEADER_LINES)
        first = self.height(self.wrap(rows[0], "", MAX_CELL_LINES)) if rows else 0.0
        if self.pdf.get_y() + self.height(head) + first > self.pdf.page_break_trigger:
            self.pdf.add_page()  # a header never ends a page alone
        self.row(head, "B", HEAD_BG)
        for n, cells in enumerate(rows):
            lines = self.wrap(cells, "", MAX_CELL_LINES)
            if self.pdf.get_y() + self.height(lines) > self.pdf.page_break_trigger:
                self.pdf.add_page()
                self.row(head, "B", HEAD_BG)
            self.row(lines, "", ROW_BG if n % 2 else None)

    def height(self, lines: list[list[str]]) -> float:
        return max(len(cell) for cell in lines) * TABLE_LINE + 1.6

    def row(self, lines: list[list[str]], style: str, fill: tuple[int, int, int] | None) -> None:
        pdf, top, x = self.pdf, self.pdf.get_y(), self.pdf.l_margin
        height = self.height(lines)
        if fill is not None:
            pdf.set_fill_color(*fill)
        self.font(style)
        for width, cell in zip(self.widths, lines, strict=True):
            pdf.rect(x, top, width, height, style="DF" if fill is not None else "D")
            for n, line in enumerate(cell):
                baseline = top + 0.8 + n * TABLE_LINE + (TABLE_LINE + self.size * 0.7) / 2
                pdf.text(x + TABLE_PAD, baseline, line)
            x += width
        pdf.set_xy(pdf.l_margin, top + height)

    def wrap(self, cells: list[str], style: str, most: int) -> list[list[str]]:
        return [
            self.lines(cell, width - 2 * TABLE_PAD, style, most)
            for cell, width in zip(cells, self.widths, strict=True)
        ]

    def lines(self, text: str, room: float, style: str, most: int) -> list[str]:
        result: list[str] = []
        for paragraph in text.split("\n"):
            result += self.fill(paragraph.split(" "), room, style)
            if len(result) > most:
                return [*result[: most - 1], "\u2026"]
        return result or [""]

    def fill(self, words: list[str], room: float, style: str) -> list[str]:
        lines: list[str] = []
        line, used, space = "", 0.0, self.width(" ", style)
        for word in words:
            width = self.width(word, style)
            if line and used + space + width <= room:
                line, used = f"{line} {word}", used + space + width
                continue
            if line:
                lines.append(line)
            while width > room and len(word) > 1:  # a word wider than the column is cut
                cut = self.cut(word, room, style)
                lines.append(word[:cut])
                word = word[cut:]
                width = self.width(word, style)
            line, used = word, width
        return [*lines, line]

    def cut(self, word: str, room: float, style: str) -> int:
        total = 0.0
        for n, char in enumerate(word):
            total += self.width(char, style)
            if total > room:
                return max(n, 1)
        return len(word)

    def width(self, text: str, style: str) -> float:
        key = (style, text)
        if key not in self.known:
            self.font(style)
            self.known[key] = self.pdf.get_string_width(text)
        return self.known[key]

    def font(self, style: str) -> None:
        pdf = self.pdf
        if (pdf.font_family, pdf.font_style, pdf.font_size_pt) != (SANS, style, TABLE_PT):
            pdf.set_font(SANS, style, TABLE_PT)


def _column_widths(pdf: FPDF, headers: list[str], rows: list[list[str]]) -> list[float]:
    """Widths as a browser lays out a table: each column gets at least its longest word and,
    room allowing, its longest line; both capped so one long ARN cannot take the page."""
    pdf.set_font(SANS, "B", TABLE_PT)
    least = [_longest_word(pdf, h) for h in headers]
    most = [_longest_line(pdf, h) for h in headers]
    pdf.set_font(SANS, "", TABLE_PT)
    word_cap, line_cap = pdf.epw * MAX_WORD_SHARE, pdf.epw * MAX_COL_SHARE
    for row in rows:
        for i, cell in enumerate(row):
            if least[i] < word_cap:
                least[i] = max(least[i], _longest_word(pdf, cell))
            if most[i] < line_cap:
                most[i] = max(most[i], _longest_line(pdf, cell))
    pad = 2 * TABLE_PAD + 0.5
    least = [min(max(w + pad, MIN_COL_W), word_cap) for w in least]
    most = [max(min(w + pad, line_cap), lo) for w, lo in zip(most, least, strict=True)]
    return _share(least, most, pdf.epw)


def _longest_word(pdf: FPDF, text: str) -> float:
    words = text.split()
    return pdf.get_string_width(max(words, key=len)) if words else 0.0


def _longest_line(pdf: FPDF, text: str) -> float:
    if "\n" not in text:
        return pdf.get_string_width(text)
    return max(pdf.get_string_width(line) for line in text.split("\n"))


def _share(least: list[float], most: list[float], total: float) -> list[float]:
    """Widths summing to `total`: the room beyond the minimums goes where lines are longest."""
    if sum(most) <= total:
        return [w * total / sum(most) for w in most]
    if sum(least) > total:
        return _squeeze(least, total)
    spare = (total - sum(least)) / (sum(most) - sum(least))
    return [lo + (hi - lo) * spare for lo, hi in zip(least, most, strict=True)]


def _squeeze(wanted: list[float], total: float) -> list[float]:
    """Too little room even for the longest words: columns under a fair share keep their width
    (short ids stay whole), the wider ones share what is left (long ARNs break)."""
    kept: dict[int, float] = {}
    while True:
        rest = [i for i in range(len(wanted)) if i not in kept]
        free = total - sum(kept.values())
        narrow = {i: wanted[i] for i in rest if wanted[i] <= free / len(rest)}
        if not narrow:
            scale = free / sum(wanted[i] for i in rest)
            return [kept.get(i, wanted[i] * scale) for i in range(len(wanted))]
        kept |= narrow


def _clip(pdf: FPDF, text: str, width: float, max_lines: int, style: str = "") -> str:
    """A cell cut to `max_lines` (with an ellipsis line): fpdf2 refuses a row taller than a page."""
    if len(text) < 200 and text.count("\n") < 20:
        return text  # at most about 40 lines even in the narrowest column: no need to measure
    pdf.set_font(SANS, style, TABLE_PT)
    lines = _wrapped(pdf, width - 2 * TABLE_PAD, text)
    if len(lines) <= max_lines:
        return text
    return "\n".join(lines[: max_lines - 1]) + "\n\u2026"


# ---------------------------------------------------------------- code and figures


def _code(pdf: FPDF, code: Code) -> None:
    if code.title:
        if pdf.will_page_break(BODY_LINE + 4 * CODE_LINE):
            pdf.add_page()
        pdf.set_font(SANS, "B", 9)
        pdf.multi_cell(0, 4.5, _clean(code.title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.8)
    pdf.set_font(MONO, "", CODE_PT)
    pdf.set_fill_color(*CODE_BG)
    if isinstance(pdf, _Pdf) and not pdf.uses_fallback:
        _fast_code(pdf, _clean(code.text).rstrip("\n"))
        pdf.ln(3.5)
        return
    pdf.multi_cell(
        0,
        CODE_LINE,
        _clean(code.text).rstrip("\n") or " ",
        align="L",
        fill=True,
        padding=Padding(CODE_TOP, CODE_SIDE, CODE_TOP, CODE_SIDE),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        wrapmode=WrapMode.CHAR,  # verbatim: a long line breaks at the edge, words or not
    )
    pdf.ln(3.5)


def _fast_code(pdf: _Pdf, text: str) -> None:
    """Verbatim lines cut at the box edge by count (the font is monospaced), drawn line by line:
    fpdf2's character-by-character wrapping takes ~3 ms a block, too slow for 8,000 policies."""
    widest = max(pdf.get_string_width(c) for c in "MW@#")
    per_line = max(int((pdf.epw - 2 * CODE_SIDE) / widest), 1)
    lines: list[str] = []
    for raw in text.split("\n"):
        raw = raw.replace("\t", "    ")
        lines += [raw[i : i + per_line] for i in range(0, len(raw), per_line)] or [""]
    baseline = (CODE_LINE + CODE_PT / pdf.k * 0.7) / 2
    while lines:
        top = pdf.get_y()
        fit = int((pdf.page_break_trigger - top - 2 * CODE_TOP) / CODE_LINE)
        if fit < 1:
            pdf.add_page()
            continue
        chunk, lines = lines[:fit], lines[fit:]
        height = len(chunk) * CODE_LINE + 2 * CODE_TOP
        pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F")
        for n, line in enumerate(chunk):
            pdf.text(pdf.l_margin + CODE_SIDE, top + CODE_TOP + n * CODE_LINE + baseline, line)
        pdf.set_xy(pdf.l_margin, top + height)
        if lines:
            pdf.add_page()


def _figure(pdf: FPDF, figure: Figure, png: bytes | None) -> None:
    if png is None:
        _caption(pdf, figure.caption)
        _note_line(pdf, NOT_RENDERED)
        return
    try:
        with Image.open(BytesIO(png)) as image:
            px_w, px_h = image.size
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        _caption(pdf, figure.caption)
        _note_line(pdf, f"Diagram could not be embedded: {error}")
        return
    w, h = _figure_size(pdf, px_w, px_h)
    if pdf.will_page_break(h + CAPTION_ROOM):
        pdf.add_page()
    pdf.image(BytesIO(png), x=pdf.l_margin + (pdf.epw - w) / 2, y=pdf.y, w=w, h=h)
    pdf.set_y(pdf.y + h + 2)
    _caption(pdf, figure.caption)
    pdf.ln(2)


def _figure_size(pdf: FPDF, px_w: int, px_h: int) -> tuple[float, float]:
    """Millimetres: the page width, or less to fit one page; small pictures are not blown up."""
    natural_w = px_w * 25.4 / 96 * MAX_UPSCALE
    w = min(pdf.epw, natural_w)
    h = w * px_h / max(px_w, 1)
    room = pdf.page_break_trigger - pdf.t_margin - CAPTION_ROOM
    if h > room:
        w, h = w * room / h, room
    return w, h


def _caption(pdf: FPDF, caption: str) -> None:
    pdf.set_font(SANS, "I", 9)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.5, _clean(caption), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)


def _note_line(pdf: FPDF, text: str) -> None:
    pdf.set_font(SANS, "I", 9)
    pdf.multi_cell(0, 4.5, _clean(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
