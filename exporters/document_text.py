"""The design document as Markdown and as one self-contained HTML file.

Both escape every piece of block text for their own syntax. The HTML carries its style and its
diagrams (inline SVG) with it, loads nothing from anywhere, and forbids scripts through its
Content-Security-Policy, so it can be mailed or put on a wiki as one file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from designer.analysis.inventory import markdown_escape
from designer.support.text import neutralise
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

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{border-bottom:2px solid #5b3cc4;padding-bottom:.2rem;margin-top:2.5rem}
h2{margin-top:1.8rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem;width:100%}
th,td{border:1px solid #cfd6e4;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#eef1f8}
tr:nth-child(even) td{background:#fafbfd}
pre{background:#f6f8fa;border:1px solid #dde3ea;padding:.6rem;overflow-x:auto;font-size:.8rem;
white-space:pre-wrap;word-break:break-word}
.note{color:#555;font-style:italic}
figure{margin:1rem 0}
figure svg{max-width:100%;height:auto}
figcaption{color:#555;font-size:.9rem}
nav ol{columns:2;list-style:none;padding-left:0}
.toc2{margin-left:1.2rem;font-size:.92rem}
.subtitle{color:#555;font-size:1.1rem}
"""


# -- Markdown ---------------------------------------------------------------------------------
def markdown_document(doc: DesignDocument, figure_path: Callable[[str], str | None]) -> str:
    """Markdown; `figure_path(view)` is the picture's path relative to the file, or None."""
    lines = [f"# {_md(doc.title)}", "", f"_{_md(doc.subtitle)}_", "", "## Contents", ""]
    lines += [f"{'  ' * (h.level - 1)}- [{_md(h.text)}](#{h.anchor})" for h in doc.headings()]
    for block in doc.blocks:
        lines += ["", *_md_block(block, figure_path)]
    return neutralise("\n".join(lines) + "\n", keep="\n")


def _md(text: str) -> str:
    """One line of user text, inline markup escaped, and nothing at its start that Markdown
    would read as a list item, a heading underline or an indented code block."""
    line = markdown_escape(text).lstrip()
    line = re.sub(r"^(\d+)([.)])", r"\1\\\2", line)  # "1. Security" is not an ordered list
    return "\\" + line if line[:1] in ("-", "=") else line


def _md_block(block: Block, figure_path: Callable[[str], str | None]) -> list[str]:
    if isinstance(block, Heading):
        # One level down: the document title is the only level-1 heading.
        return [f'<a id="{block.anchor}"></a>', "", f"{'#' * (block.level + 1)} {_md(block.text)}"]
    if isinstance(block, Paragraph):
        text = "  \n".join(_md(line) for line in block.text.splitlines() or [""])
        return [f"_{text}_" if block.note else text]
    if isinstance(block, Bullets):
        return [f"- {_md(item)}" for item in block.items]
    if isinstance(block, TreeList):
        return [f"{'  ' * depth}- {_md(text)}" for depth, text in block.items]
    if isinstance(block, Table):
        head = "| " + " | ".join(_md(h) for h in block.headers) + " |"
        rule = "|" + "---|" * len(block.headers)
        return [head, rule, *("| " + " | ".join(_md(c) for c in row) + " |" for row in block.rows)]
    if isinstance(block, Code):
        fence = "`" * max(3, _longest_run(block.text, "`") + 1)
        title = [f"**{_md(block.title)}**", ""] if block.title else []
        return [*title, f"{fence}json", block.text, fence]
    return _md_figure(block, figure_path)


def _md_figure(block: Figure, figure_path: Callable[[str], str | None]) -> list[str]:
    path = figure_path(block.view)
    if path is None:
        return [f"_{_md(block.caption)}: {NOT_RENDERED}_"]
    return [f"![{_md(block.caption)}]({path})", "", f"_{_md(block.caption)}_"]


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(r) for r in runs), default=0)


# -- HTML -------------------------------------------------------------------------------------
def html_document(doc: DesignDocument, svg: Callable[[str], str | None]) -> str:
    """One HTML file; `svg(view)` is the view's SVG text or None."""
    e = _h
    toc = "".join(
        f'<li class="toc{h.level}"><a href="#{h.anchor}">{e(h.text)}</a></li>'
        for h in doc.headings()
    )
    body = "\n".join(_html_block(b, svg) for b in doc.blocks)
    return neutralise(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(doc.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<header><h1 id="top">{e(doc.title)}</h1><p class="subtitle">{e(doc.subtitle)}</p>'
        "</header>\n"
        f"<nav><h2>Contents</h2><ol>{toc}</ol></nav>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        keep="\t\n",
    )


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_lines(text: str) -> str:
    return "<br>".join(_h(line) for line in text.splitlines() or [""])


def _html_block(block: Block, svg: Callable[[str], str | None]) -> str:
    e = _h
    if isinstance(block, Heading):
        level = min(block.level + 1, 6)
        return f'<h{level} id="{e(block.anchor)}">{e(block.text)}</h{level}>'
    if isinstance(block, Paragraph):
        cls = ' class="note"' if block.note else ""
        return f"<p{cls}>{_html_lines(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_html_lines(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, TreeList):
        return _html_tree(block)
    if isinstance(block, Table):
        head = "".join(f"<th>{e(h)}</th>" for h in block.headers)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_html_lines(c)}</td>" for c in row) + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, Code):
        title = f"<p><strong>{e(block.title)}</strong></p>" if block.title else ""
        return f"{title}<pre><code>{e(block.text)}</code></pre>"
    picture = svg(block.view)
    caption = f"<figcaption>{e(block.caption)}</figcaption>"
    if picture is None:
        return f'<figure><p class="note">{e(NOT_RENDERED)}</p>{caption}</figure>'
    return f"<figure>{inline_svg(picture, block.view)}{caption}</figure>"


def _html_tree(block: TreeList) -> str:
    parts: list[str] = []
    depth = -1
    for level, text in block.items:
        if level > depth:
            parts.append("<ul>" * (level - depth))
        else:
            parts.append("</li>" + "</ul></li>" * (depth - level))
        parts.append(f"<li>{_html_lines(text)}")
        depth = level
    parts.append("</li>" + "</ul></li>" * depth + "</ul>" if depth >= 0 else "")
    return "".join(parts)


_PROLOGUE = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)
_SIZE = re.compile(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"')


_ID = re.compile(r'\bid="([^"]*)"')


def inline_svg(text: str, prefix: str) -> str:
    """Graphviz's SVG ready to sit inside HTML: no XML prologue or DTD reference, scalable, and
    its ids (graph0, node1...) made unique in the page by `prefix`."""
    text = _PROLOGUE.sub("", text).strip()
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    for _ in range(2):
        text = _SIZE.sub(r"\1", text, count=1)
    return text
