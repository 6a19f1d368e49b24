"""The draw.io export: one page per view, OUs as containers, every entity and relationship a cell.

Cells are found by the ids they are named after ("org-", "ou-", "node-", "edge-" + design id), so
each check starts from the design, not from the file.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from designer.artefacts.scoping import ExportScopes
from designer.drawing.views import KIND_STYLES, VIEW_TITLES, VIEWS
from designer.model import Design
from designer.model.templates import load_template, template_paths
from exporters.base import export_design, safe_name
from exporters.drawing import FADED_COLOUR, Drawing, build_drawing
from exporters.drawio import drawio_xml
from tests.helpers.factories import small_design

TEMPLATES = sorted(template_paths())
HOSTILE = (
    "<script>alert(1)</script>",
    "\"quotes\" & 'apostrophes'",
    "a\nnewline",
    "Zürich ☃ 日本",
    "]]>",
    "-->",
    "<!-- comment <b>bold</b>",
    "&amp; &#60; &lt;",
)
Cells = dict[str, ET.Element]


# -- reading a .drawio file ------------------------------------------------------------------------
def pages(xml: str) -> dict[str, Cells]:
    """Page name -> the page's cells by id (ids unique on each page)."""
    mxfile = ET.fromstring(xml)
    assert mxfile.tag == "mxfile"
    result: dict[str, Cells] = {}
    for diagram in mxfile.findall("diagram"):
        cells = diagram.findall("./mxGraphModel/root/mxCell")
        by_id = {c.get("id", ""): c for c in cells}
        assert len(by_id) == len(cells), "cell ids are unique on a page"
        result[diagram.get("name", "")] = by_id
    return result


def style(cell: ET.Element) -> dict[str, str]:
    items = [p.partition("=") for p in cell.get("style", "").split(";") if p]
    return {k: v for k, _, v in items}


def geometry(cell: ET.Element) -> tuple[float, float, float, float]:
    g = cell.find("mxGeometry")
    assert g is not None
    x, y, width, height = (float(g.get(k, "0")) for k in ("x", "y", "width", "height"))
    return x, y, width, height


def absolute(cells: Cells, cell_id: str) -> tuple[float, float]:
    """A vertex's top-left on the page: its geometry plus its ancestors' origins."""
    x, y, _, _ = geometry(cells[cell_id])
    parent = cells[cell_id].get("parent", "")
    while parent not in ("0", "1"):
        px, py, _, _ = geometry(cells[parent])
        x, y = x + px, y + py
        parent = cells[parent].get("parent", "")
    return x, y


class Label(HTMLParser):
    """The text a draw.io html label shows (<br> as a newline) and the tags it holds."""

    def __init__(self, value: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.parts: list[str] = []
        self.feed(value)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.append("!--")

    def handle_decl(self, decl: str) -> None:
        self.tags.append("!")

    def unknown_decl(self, data: str) -> None:
        self.tags.append("![")

    @property
    def text(self) -> str:
        return "".join(self.parts)


def shown(cell: ET.Element) -> str:
    label = Label(cell.get("value", ""))
    assert set(label.tags) <= {"b", "br", "span"}, f"unexpected markup in {cell.get('value')!r}"
    return label.text


def node_names(design: Design) -> dict[str, str]:
    """Name by cell id of every account, identity provider and third party."""
    names = {f"node-{a.id}": a.name for a in design.accounts}
    names |= {f"node-{i.id}": i.name for i in design.identity_providers}
    return names | {f"node-{t.id}": t.name for t in design.outside_principals}


def container_of(design: Design, parent: str | None) -> str:
    return f"ou-{parent}" if parent else f"org-{design.organization.id}"


def drawio_of(design: Design) -> tuple[list[Drawing], str]:
    drawings = [build_drawing(design, view) for view in VIEWS]
    return drawings, drawio_xml(drawings)


def designs() -> list[Any]:
    cases = [pytest.param(load_template(n), id=n) for n in TEMPLATES]
    return [*cases, pytest.param(small_design(), id="small")]


# -- structure ----------------------------------------------------------------------------------
@pytest.mark.parametrize("design", designs())
def test_one_page_per_view(design: Design) -> None:
    mxfile = ET.fromstring(drawio_of(design)[1])
    diagrams = mxfile.findall("diagram")
    assert [d.get("name") for d in diagrams] == [VIEW_TITLES[v] for v in VIEWS]
    assert len({d.get("id") for d in diagrams}) == len(VIEWS)
    for diagram in diagrams:
        cells = diagram.findall("./mxGraphModel/root/mxCell")
        assert cells[0].attrib == {"id": "0"}
        assert cells[1].attrib == {"id": "1", "parent": "0"}
        seen = {"0"}
        for cell in cells[1:]:
            assert cell.get("parent") in seen, "parents come before their children"
            seen.add(cell.get("id", ""))


@pytest.mark.parametrize("design", designs())
def test_every_ou_is_a_container_in_its_parent(design: Design) -> None:
    root = f"org-{design.organization.id}"
    expected = {root: "1"} | {
        f"ou-{u.id}": container_of(design, u.parent) for u in design.organizational_units
    }
    for cells in pages(drawio_of(design)[1]).values():
        found = {i: c.get("parent") for i, c in cells.items() if i.startswith(("org-", "ou-"))}
        assert found == expected
        for cell_id in expected:
            assert cells[cell_id].get("vertex") == "1"
            assert {"container": "1", "collapsible": "0"}.items() <= style(cells[cell_id]).items()
        assert shown(cells[root]) == design.organization.name


@pytest.mark.parametrize("design", designs())
def test_every_node_once_accounts_inside_their_ou(design: Design) -> None:
    expected = {f"node-{a.id}": container_of(design, a.parent) for a in design.accounts}
    names = node_names(design)
    expected |= {cell_id: "1" for cell_id in names if cell_id not in expected}
    for cells in pages(drawio_of(design)[1]).values():
        found = {i: c.get("parent") for i, c in cells.items() if i.startswith("node-")}
        assert found == expected
        for cell_id, name in names.items():
            assert cells[cell_id].get("vertex") == "1"
            assert shown(cells[cell_id]).split("\n")[0] == name
        for party in design.outside_principals:
            assert style(cells[f"node-{party.id}"]).get("dashed") == "1"


@pytest.mark.parametrize("design", designs())
def test_every_relationship_of_the_view_is_an_edge(design: Design) -> None:
    # A resource share may end at an OU or the whole organization: at its container cell.
    cell_of = {i.removeprefix("node-"): i for i in node_names(design)}
    cell_of |= {u.id: f"ou-{u.id}" for u in design.organizational_units}
    cell_of[design.organization.id] = f"org-{design.organization.id}"
    drawn = design.relationships
    for view, cells in zip(VIEWS, pages(drawio_of(design)[1]).values(), strict=True):
        expected = {
            f"edge-{r.id}": (cell_of[r.source], cell_of[r.target], r.kind)
            for r in drawn
            if r.kind in VIEWS[view]
        }
        edges = {i: c for i, c in cells.items() if c.get("edge") == "1"}
        assert set(edges) == set(expected), view
        for cell_id, (source, target, kind) in expected.items():
            cell = edges[cell_id]
            assert (cell.get("source"), cell.get("target"), cell.get("parent")) == (
                source,
                target,
                "1",
            )
            s = style(cell)
            assert s["strokeColor"] == KIND_STYLES[kind].colour
            assert ("dashPattern" in s) == (KIND_STYLES[kind].dash != "solid")
            assert s["endArrow"] == "block"
            geometry_element = cell.find("mxGeometry")
            assert geometry_element is not None
            assert geometry_element.attrib == {"relative": "1", "as": "geometry"}


@pytest.mark.parametrize("design", designs())
def test_geometry_is_relative_and_inside_the_parent(design: Design) -> None:
    drawings, xml = drawio_of(design)
    for drawing, cells in zip(drawings, pages(xml).values(), strict=True):
        vertices = {i: c for i, c in cells.items() if c.get("vertex") == "1"}
        for cell_id, cell in vertices.items():
            x, y, width, height = geometry(cell)
            assert min(width, height) > 0, cell_id
            parent = cell.get("parent", "")
            assert min(x, y) >= 0, cell_id  # on the page, or inside the parent's origin
            if parent != "1":
                _, _, parent_width, parent_height = geometry(cells[parent])
                assert x + width <= parent_width, cell_id
                assert y + height <= parent_height, cell_id
        # Relative geometry added up gives back the drawing's boxes, all shifted alike.
        boxes = {f"ou-{c.id}": c.box for c in drawing.containers if c.parent is not None}
        boxes |= {f"org-{c.id}": c.box for c in drawing.containers if c.parent is None}
        boxes |= {f"node-{n.id}": n.box for n in drawing.nodes}
        shifts = set()
        for cell_id, box in boxes.items():
            x, y = absolute(cells, cell_id)
            shifts.add((round(x - box.x, 2), round(y - box.y, 2)))
            assert geometry(cells[cell_id])[2:] == (box.width, box.height)
        assert len(shifts) == 1, shifts


@pytest.mark.parametrize("design", designs())
def test_title_legend_and_faded_nodes(design: Design) -> None:
    drawings, xml = drawio_of(design)
    for drawing, cells in zip(drawings, pages(xml).values(), strict=True):
        assert shown(cells["title"]).split("\n") == [drawing.title, drawing.subtitle]
        legend = {shown(c) for i, c in cells.items() if i.startswith("legend-kind-")}
        assert legend == {KIND_STYLES[k].title for k in VIEWS[drawing.view]} | {""}
        for kind in VIEWS[drawing.view]:
            sample = style(cells[f"legend-kind-{kind}"])
            assert sample["strokeColor"] == KIND_STYLES[kind].colour
        ends = {e.source for e in drawing.edges} | {e.target for e in drawing.edges}
        scopes = ExportScopes(design)
        for rel in design.relationships:  # a scoped end touches every account it covers
            end = scopes.scoped_end(rel)
            if rel.id in {e.id for e in drawing.edges} and end is not None:
                ends.update(scopes.members(getattr(rel, end), rel.excluded_accounts))
        for node in drawing.nodes:
            faded = drawing.view != "all" and node.id not in ends
            assert (style(cells[f"node-{node.id}"])["strokeColor"] == FADED_COLOUR) == faded


def test_nodes_left_of_the_organization_are_shifted_onto_the_page() -> None:
    design = small_design()  # its identity provider stands at negative x
    drawing = build_drawing(design, "all")
    assert drawing.bounds.x < 0
    cells = pages(drawio_xml([drawing]))["All"]
    idp = geometry(cells[f"node-{design.identity_providers[0].id}"])
    org = geometry(cells[f"org-{design.organization.id}"])
    assert idp[0] >= 0
    assert idp[0] + idp[2] < org[0]


# -- escaping -----------------------------------------------------------------------------------
def hostile_design() -> Design:
    """The reference landing zone with user text that could break XML or HTML everywhere."""
    data = load_template("reference-landing-zone").model_dump(mode="json")
    texts = (HOSTILE[n % len(HOSTILE)] + (f" {n}" if n >= len(HOSTILE) else "") for n in range(999))
    data["name"] = next(texts)
    data["organization"]["name"] = next(texts)
    for entity in [
        *data["organizational_units"],
        *data["accounts"],
        *data["identity_providers"],
        *data["outside_principals"],
    ]:
        entity["name"] = next(texts)
    for party in data["outside_principals"]:
        party["owner"] = next(texts)
    for rel in data["relationships"]:
        if rel.get("ram_resource_type"):
            rel["ram_resource_type"] = next(texts)
    return Design.model_validate(data)


def export_one(design: Design, out: Path) -> tuple[str, str]:
    """(relative path, text) of the .drawio file an export_design run wrote."""
    written = export_design(design, out, ["drawio"])
    assert [f.format for f in written] == ["drawio", "manifest"]
    relative = written[0].path
    return relative, (out / relative).read_text(encoding="utf-8")


def test_hostile_names_are_shown_literally(tmp_path: Path) -> None:
    design = hostile_design()
    relative, xml = export_one(design, tmp_path)
    assert relative == f"diagrams/{safe_name(design.name)}.drawio"
    for markup in ("<script", "<!--", "]]>", "-->"):
        assert markup not in xml
    expected = {"title": design.name, f"org-{design.organization.id}": design.organization.name}
    expected |= {f"ou-{u.id}": u.name for u in design.organizational_units}
    expected |= node_names(design)
    labels = {
        f"edge-{r.id}": r.ram_resource_type
        for r in design.relationships
        if r.kind == "resource-share" and r.ram_resource_type
    }
    assert labels
    for cells in pages(xml).values():
        for cell in cells.values():
            value = cell.get("value", "")  # XML-unescaped once by the parser: the html label
            assert "<script" not in value.lower()
            assert "<!--" not in value
            shown(cell)  # only the exporter's own tags
        for cell_id, name in expected.items():
            assert shown(cells[cell_id]).startswith(name), cell_id
            if "<script>" in name:  # still escaped once the XML attribute is decoded
                assert "&lt;script&gt;" in cells[cell_id].get("value", ""), cell_id
        for cell_id, label in labels.items():
            if cell_id in cells:
                assert shown(cells[cell_id]) == label
    party = design.outside_principals[0]
    assert party.owner in shown(pages(xml)["All"][f"node-{party.id}"])


def test_characters_xml_cannot_hold_are_replaced(tmp_path: Path) -> None:
    design = small_design()
    design.name = "bell\x07 nul\x00 half\ud800 end"
    account = design.accounts[0]
    design.accounts[0] = account.model_copy(update={"name": "form\x0cfeed\x1b[31m"})
    xml = drawio_of(design)[1]
    (tmp_path / "surrogate.drawio").write_text(xml, encoding="utf-8")  # encodable
    cells = pages(xml)["All"]
    assert shown(cells["title"]).startswith("bell\ufffd nul\ufffd half\ufffd end")
    assert shown(cells[f"node-{account.id}"]).startswith("form\nfeed\ufffd[31m")


# -- determinism and the registry ---------------------------------------------------------------
def test_same_design_same_bytes(tmp_path: Path) -> None:
    first, _ = export_one(load_template("reference-landing-zone"), tmp_path / "a")
    second, _ = export_one(load_template("reference-landing-zone"), tmp_path / "b")
    assert first == second
    assert (tmp_path / "a" / first).read_bytes() == (tmp_path / "b" / second).read_bytes()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert {"path": first, "format": "drawio"}.items() <= manifest["files"][0].items()
