"""The design document: every section from the design, three formats, safe with any user text."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from designer.artefacts.policy_set import build_policies
from designer.model import Design
from designer.model.templates import load_template, template_paths
from designer.rules.runner import validate
from exporters.base import export_design
from exporters.doc_model import NOT_RENDERED
from exporters.plan import build_plan
from tests.helpers.hostile import hostile_design

TEMPLATES = sorted(template_paths())
FOLDER = "document"


class Page(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def squeeze(text: str) -> str:
    return " ".join(text.split())


def export(design: Design, folder: Path, redact: bool = False) -> Path:
    export_design(design, folder, ["document"], redact=redact)
    return folder / FOLDER


def pdf_text(path: Path) -> str | None:
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    done = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def external_references(page: Page) -> list[str]:
    """Every attribute that would load or link something outside the file."""
    found = []
    for tag, attrs in page.tags:
        if tag in ("script", "link", "iframe", "object", "embed", "img", "base"):
            found.append(tag)
        for name, value in attrs.items():
            loads = name in ("src", "href", "xlink:href", "action", "srcset", "data")
            if loads and value and not value.startswith("#"):
                found.append(f"{tag} {name}={value}")
            if name == "style" and value and "url(" in value:
                found.append(f"{tag} style url")
    return found


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_gives_markdown_html_and_pdf(template: str, tmp_path: Path) -> None:
    design = load_template(template)
    folder = export(design, tmp_path)
    page = Page((folder / "design-document.html").read_text(encoding="utf-8"))
    assert external_references(page) == []
    assert sum(1 for tag, _ in page.tags if tag == "svg") >= 2  # the diagrams, inline
    ids = [attrs["id"] for _, attrs in page.tags if "id" in attrs]
    assert len(ids) == len(set(ids)), "an id is used twice in the page"
    markdown = (folder / "design-document.md").read_text(encoding="utf-8")
    for account in design.accounts:
        assert account.name in page.plain
        assert account.name in markdown
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown):
        assert (folder / image).is_file(), image
    pdf = (folder / "design-document.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 5


def test_each_structure_has_its_section_with_the_facts_of_the_design(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    folder = export(design, tmp_path)
    text = Page((folder / "design-document.html").read_text(encoding="utf-8")).plain
    for heading in (
        "Summary", "Organization structure", "Account inventory", "Identity", "Logging",
        "Publishing", "Delegated administrators", "Usage policy", "Service control policies",
        "Findings and waivers", "Deployment plan", "Appendix: generated policies",
    ):  # fmt: skip
        assert heading in text
    for r in design.relationships:
        if r.kind == "trust":
            assert r.role_name in text
    for bucket in design.log_buckets:
        assert bucket.name in text
    for unit in design.organizational_units:
        assert unit.name in text
    for scp in design.service_control_policies:
        assert scp.name in text
    for finding in validate(design).findings:
        assert squeeze(finding.message) in text
    for step in build_plan(design):
        assert squeeze(step.title) in text
    for role in build_policies(design).roles:
        assert f"Role {role.name} in {role.account_name}" in text


def test_hostile_text_is_shown_not_obeyed_in_every_format(tmp_path: Path) -> None:
    design = hostile_design()
    folder = export(design, tmp_path)
    source = (folder / "design-document.html").read_text(encoding="utf-8")
    page = Page(source)
    assert [t for t, _ in page.tags if t == "script"] == []
    assert external_references(page) == []
    for account in design.accounts:
        assert squeeze(account.name) in page.plain  # shown, with its markup as text
    assert "&lt;script&gt;" in source
    markdown = (folder / "design-document.md").read_text(encoding="utf-8")
    prose = re.sub(r"(?ms)^(`{3,})json$.*?^\1$", "", markdown)  # code blocks show text as is
    assert "<script" not in prose
    assert "<!--" not in prose
    inventory = markdown.split('<a id="inventory"></a>')[1].split('<a id="identity">')[0]
    rows = [line for line in inventory.splitlines() if line.startswith("|")]
    columns = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
    assert columns == {9}, "a pipe or line break in a name split a table row"
    text = pdf_text(folder / "design-document.pdf")
    if text is not None:
        assert '<script>alert("x")</script>' in text
        assert "Zürich ☃" in text


def test_redacted_files_mask_every_id_and_address_consistently(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    export_design(design, tmp_path, ["diagram", "drawio", "document"], redact=True)
    secrets = [a.aws_account_id for a in design.accounts if a.aws_account_id]
    secrets += [t.aws_account_id for t in design.outside_principals if t.aws_account_id]
    secrets += [a.email for a in design.accounts if a.email]
    secrets.append(design.organization.organization_id or "")
    texts = {
        p: p.read_text(encoding="utf-8")
        for p in tmp_path.rglob("*")
        if p.suffix in (".md", ".html", ".svg", ".dot", ".drawio", ".json")
    }
    pdf = pdf_text(tmp_path / FOLDER / "design-document.pdf")
    if pdf is not None:
        texts[tmp_path / "pdf"] = pdf
    for path, text in texts.items():
        leaked = [s for s in secrets if s in text]
        assert leaked == [], f"{path.name} shows {leaked}"
    # The first account is ...01 everywhere: in the diagram, the drawing and the document.
    first = design.accounts[0].name
    for path in (
        tmp_path / "diagrams" / "all.svg",
        tmp_path / FOLDER / "design-document.md",
        tmp_path / FOLDER / "design-document.html",
    ):
        assert "000000000001" in texts[path], path.name
    drawio = next(t for p, t in texts.items() if p.suffix == ".drawio")
    cell = re.search(f'value="[^"]*{re.escape(html.escape(first, quote=True))}[^"]*"', drawio)
    assert cell is not None
    assert "000000000001" in cell[0]


def test_without_graphviz_the_document_is_written_with_notes_for_its_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    notices: list[str] = []
    export_design(load_template("identity"), tmp_path, ["document"], notice=notices.append)
    folder = tmp_path / FOLDER
    assert sorted(p.name for p in folder.iterdir()) == [
        "design-document.html",
        "design-document.md",
        "design-document.pdf",
    ]
    assert NOT_RENDERED in (folder / "design-document.html").read_text(encoding="utf-8")
    assert NOT_RENDERED in (folder / "design-document.md").read_text(encoding="utf-8")
    assert len(notices) == 1
    assert "apt-get install graphviz" in notices[0]


def test_cancel_stops_a_long_pdf_between_blocks() -> None:
    from exporters.base import CancelToken, ExportCancelled
    from exporters.document_content import build_document
    from exporters.document_pdf import pdf_document

    token = CancelToken()
    token.cancel()
    with pytest.raises(ExportCancelled):
        pdf_document(build_document(load_template("identity")), lambda _view: None, cancel=token)


def test_markdown_structure_is_the_documents_whatever_the_names_say(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    design = load_template("reference-landing-zone")
    lookalikes = "Intro\n===\n- x\n1. y\n---\n    indented\n> quote\n# hash"
    design = design.model_copy(
        update={
            "description": lookalikes,
            "organizational_units": [
                u.model_copy(update={"name": f"{n}. {u.name}"})
                for n, u in enumerate(design.organizational_units, start=1)
            ],
        }
    )
    folder = export(design, tmp_path)
    markdown = (folder / "design-document.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").parse(markdown)
    kinds = Counter(t.type for t in tokens)
    assert kinds["ordered_list_open"] == 0
    assert kinds["hr"] == 0
    assert kinds["blockquote_open"] == 0
    assert kinds["code_block"] == 0
    headings = [t for t in tokens if t.type == "heading_open"]
    from exporters.document_content import build_document

    assert len(headings) == 2 + sum(
        1 for b in build_document(design).blocks if hasattr(b, "anchor")
    )
    html_text = MarkdownIt("commonmark").render(markdown)
    for unit in design.organizational_units:
        assert html.escape(unit.name, quote=False) in html_text


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov"])
def test_the_appendix_shows_policies_in_the_exported_partition(
    tmp_path: Path, partition: str
) -> None:
    export_design(load_template("reference-landing-zone"), tmp_path, ["document"],
                  partition=partition)  # fmt: skip
    text = (tmp_path / "document" / "design-document.md").read_text(encoding="utf-8")
    assert "${AWS::Partition}" not in text
    assert f'"arn:{partition}:iam::' in text
