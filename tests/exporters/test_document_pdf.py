"""The design document as PDF: every block kind, hostile text, figures, fonts, determinism.

fpdf2 subsets the font and writes glyph ids, so text is read back with poppler's pdftotext when it
is installed; bookmark titles are PDF strings and are read from the raw bytes in any case.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image

from designer.model import DesignError
from exporters import document_pdf, pdf_fonts
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
from exporters.document_pdf import pdf_document
from exporters.pdf_fonts import NO_FONT, FontFiles, find_fonts

HOSTILE = 'Zürich ☃ 日本 <script>alert("x")</script> & \\ (a) {nb} `b` | c'
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler) not installed")


def png(width: int = 40, height: int = 20) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (40, 90, 200)).save(out, "PNG")
    return out.getvalue()


def no_picture(view: str) -> bytes | None:
    return None


def every_block() -> DesignDocument:
    return DesignDocument(
        title="Acme " + HOSTILE,
        subtitle="Design document",
        blocks=[
            Heading(1, "Organization " + HOSTILE, "organization"),
            Paragraph("Plain paragraph " + HOSTILE),
            Paragraph("A caveat set apart.", note=True),
            Bullets(("first bullet", "second\nbullet on two lines")),
            Heading(2, "Tree", "tree"),
            TreeList(((0, "Root"), (1, "Security"), (2, "log-archive"), (1, "Workloads"))),
            Heading(3, "Accounts", "accounts"),
            Table(("Name", "Account ID"), (("audit", "111111111111"), ("log <b>", "2222"))),
            Code('{\n  "Version": "2012-10-17",\n\t"Tab": "indented"\n}', title="scp.json"),
            Heading(1, "Diagrams", "diagrams"),
            Figure("organization", "Organization chart"),
            Figure("trust", "Trust relationships"),
        ],
    )


def render(doc: DesignDocument, pictures: dict[str, bytes] | None = None) -> bytes:
    return pdf_document(doc, (pictures or {}).get)


def pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def text(data: bytes, tmp_path: Path, page: int | None = None) -> str:
    assert PDFTOTEXT is not None
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    where = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(
        [PDFTOTEXT, *where, str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def squeezed(value: str) -> str:
    return re.sub(r"\s+", "", value)


def bookmarks(data: bytes) -> list[str]:
    """Every /Title string: the document information's title and each outline entry's."""
    found = re.findall(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>)", data)
    return [pdf_string(raw) for raw in found]


def pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):
        return bytes.fromhex(raw[1:-1].decode()).decode("utf-16")
    return re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1")


def test_every_block_kind_renders_a_pdf() -> None:
    data = render(every_block(), {"organization": png()})
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert pages(data) >= 4  # title, contents, two chapters


def test_hostile_text_is_bookmarked_as_written() -> None:
    titles = bookmarks(render(every_block()))
    assert "Organization " + HOSTILE in titles
    assert "Acme " + HOSTILE in titles  # the document information's title
    assert {"Tree", "Accounts", "Diagrams"} <= set(titles)


@needs_pdftotext
def test_text_is_printed_escaped_not_obeyed(tmp_path: Path) -> None:
    printed = text(render(every_block(), {"organization": png()}), tmp_path)
    for expected in (
        "Zürich ☃",
        '<script>alert("x")</script>',
        "{nb}",  # not taken for the page count
        "A caveat set apart.",
        "log <b>",
        "111111111111",
        '"Version": "2012-10-17"',
        "Organization chart",
        "Trust relationships",
        NOT_RENDERED,
        "scp.json",
        "log-archive",
    ):
        assert expected in printed


@needs_pdftotext
def test_contents_and_page_numbers(tmp_path: Path) -> None:
    data = render(every_block())
    contents = text(data, tmp_path, page=2)
    assert "Contents" in contents
    assert "Tree" in contents
    assert "Accounts" not in contents  # level 3: bookmarked, not in the contents
    total = pages(data)
    assert f"Page 3 of {total}" in text(data, tmp_path, page=3)
    assert "Acme Zürich" in text(data, tmp_path, page=3)  # the running header
    assert "Page 1 of" in text(data, tmp_path, page=1)


@needs_pdftotext
def test_long_contents_spans_pages(tmp_path: Path) -> None:
    blocks: list[Block] = [Heading(2 if i % 5 else 1, f"Section {i}", f"s{i}") for i in range(150)]
    data = render(DesignDocument("Long", "", blocks))
    contents = text(data, tmp_path, page=2) + text(data, tmp_path, page=3)
    assert "Section 0" in contents
    assert "Section 60" in contents
    assert "Section 149" in text(data, tmp_path)


@needs_pdftotext
def test_long_table_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    rows = tuple((f"account-{i}", f"{100000000000 + i}", "Workloads") for i in range(150))
    data = render(DesignDocument("T", "", [Table(("Name", "Account ID", "OU"), rows)]))
    assert pages(data) > 3
    for page in range(2, pages(data) + 1):
        assert "Account ID" in text(data, tmp_path, page=page)
    assert "account-149" in text(data, tmp_path)


def test_tables_that_fpdf2_would_refuse() -> None:
    """A cell taller than a page is cut; too many columns are split into parts; ragged rows."""
    huge = ("word " * 4000, "x" * 20000, "\n".join("line" for _ in range(500)))
    wide = Table(tuple(f"Column {i}" for i in range(25)), (tuple("v" * 30 for _ in range(25)),))
    ragged = Table(("A", "B", "C"), (("only one",), ("1", "2", "3", "4")))
    data = render(DesignDocument("T", "", [Table(("A", "B", "C"), (huge,)), wide, ragged]))
    assert pages(data) >= 2


@needs_pdftotext
def test_code_is_wrapped_not_cut(tmp_path: Path) -> None:
    line = "x" * 400 + "TAILMARK"
    printed = squeezed(text(render(DesignDocument("C", "", [Code(line)])), tmp_path))
    assert "x" * 400 + "TAILMARK" in printed


def test_figures_small_tall_broken_and_missing() -> None:
    doc = DesignDocument(
        "F",
        "",
        [Figure("small", "s"), Figure("tall", "t"), Figure("broken", "b"), Figure("none", "n")],
    )
    pictures = {"small": png(), "tall": png(50, 2000), "broken": b"not a png"}
    data = render(doc, pictures)
    assert data.count(b"/Subtype /Image") == 2


def test_same_document_same_bytes() -> None:
    pictures = {"organization": png()}
    assert render(every_block(), pictures) == render(every_block(), pictures)


def test_empty_document() -> None:
    data = render(DesignDocument("", "", []))
    assert pages(data) == 2  # the title page and an empty body page


def test_missing_font_is_one_line_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(pdf_fonts.FONT_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(pdf_fonts, "_fc_match", lambda pattern: None)
    monkeypatch.setattr(pdf_fonts, "_FONT_DIRS", ())
    with pytest.raises(DesignError) as raised:
        render(every_block())
    assert str(raised.value) == NO_FONT
    assert "\n" not in str(raised.value)
    assert "fonts-dejavu-core" in str(raised.value)


def test_fc_match_missing_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_fonts.shutil, "which", lambda name: None)
    assert pdf_fonts._fc_match("DejaVu Sans") is None


@pytest.mark.skipif(not (DEJAVU / "DejaVuSans.ttf").is_file(), reason="DejaVu not installed")
def test_font_directory_from_the_environment_comes_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "DejaVuSans.ttf").symlink_to(DEJAVU / "DejaVuSans.ttf")
    monkeypatch.setenv(pdf_fonts.FONT_DIR_ENV, str(tmp_path))
    assert find_fonts().regular == tmp_path / "DejaVuSans.ttf"


@pytest.mark.skipif(not (DEJAVU / "DejaVuSansMono.ttf").is_file(), reason="DejaVu not installed")
def test_fallback_font_prints_what_the_main_font_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    mono, sans = DEJAVU / "DejaVuSansMono.ttf", DEJAVU / "DejaVuSans.ttf"
    lacking = sorted(
        set(TTFont(sans).getBestCmap())
        - set(TTFont(mono).getBestCmap())
        - set(range(0x2000, 0x2070))
    )
    char = chr(lacking[0])
    monkeypatch.setattr(document_pdf, "find_fonts", lambda: FontFiles(mono, fallback=sans))
    data = render(DesignDocument("Fallback", "", [Paragraph(f"a {char} b")]))
    assert b"+DejaVuSansBook" in data  # the fallback font was embedded for that one character
    without = render(DesignDocument("Fallback", "", [Paragraph("a b")]))
    assert b"+DejaVuSansBook" not in without  # and is not loaded when nothing needs it
