"""Diagrams: one picture per view, pinned to the canvas layout, safe with any user text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from designer.drawing.layout import HEADER, arrange
from designer.drawing.routing import EdgeRequest, Obstacles, PlacedLabel
from designer.drawing.routing.check import foreign_crossings, label_overlaps
from designer.drawing.views import VIEWS
from designer.model import Design
from designer.model.templates import load_template, template_paths
from exporters.base import export_design
from exporters.diagram import INSTALL_GRAPHVIZ
from exporters.dot import dot_source
from exporters.drawing import build_drawing
from tests.helpers.hostile import HOSTILE, hostile_design

TEMPLATES = sorted(template_paths())
SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"


def one_line(text: str) -> str:
    return " ".join(text.splitlines())


def svg_names(path: Path) -> set[str]:
    """Every tooltip and text of an SVG (names are in tooltips even when wrapped or cut)."""
    root = ET.parse(path).getroot()
    names = {e.get(XLINK_TITLE, "") for e in root.iter()}
    return names | {"".join(e.itertext()) for e in root.iter(f"{SVG}text")}


def svg_texts(path: Path) -> list[str]:
    return ["".join(e.itertext()) for e in ET.parse(path).getroot().iter(f"{SVG}text")]


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def export(design: Design, tmp_path: Path) -> Path:
    export_design(design, tmp_path, ["diagram"])
    return tmp_path / "diagrams"


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_view_of_every_template_is_drawn_in_four_formats(
    template: str, tmp_path: Path
) -> None:
    design = load_template(template)
    folder = export(design, tmp_path)
    for view in VIEWS:
        stem = "all" if view == "all" else f"{view}-view"
        assert (folder / f"{stem}.dot").read_text(encoding="utf-8").startswith("//")
        names = svg_names(folder / f"{stem}.svg")
        assert {a.name for a in design.accounts} <= names, f"{view}: an account is missing"
        assert (folder / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert pdf_pages((folder / f"{stem}.pdf").read_bytes()) == 1


def test_a_view_draws_only_its_relationship_kinds(tmp_path: Path) -> None:
    design = load_template("reference-landing-zone")
    folder = export(design, tmp_path)
    for view, kinds in VIEWS.items():
        stem = "all" if view == "all" else f"{view}-view"
        root = ET.parse(folder / f"{stem}.svg").getroot()
        edges = {g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "edge"}
        expected = {r.id for r in design.relationships if r.kind in kinds}
        assert edges == expected, view


def test_nodes_stand_where_the_canvas_puts_them() -> None:
    design = load_template("reference-landing-zone")
    at = arrange(design).nodes
    source = dot_source(build_drawing(design, "all"))
    pos = {
        m["id"]: (float(m["x"]), float(m["y"]))
        for m in re.finditer(
            r'"(?P<id>[0-9a-f-]{36})" \[[^\n]*?pos="(?P<x>[-\d.]+),(?P<y>[-\d.]+)!"', source
        )
    }
    a, b = design.accounts[0].id, design.accounts[-1].id
    # Same distances as on the canvas; Graphviz's y axis points up.
    assert pos[b][0] - pos[a][0] == pytest.approx(at[b][0] - at[a][0], abs=0.1)
    assert pos[b][1] - pos[a][1] == pytest.approx(-(at[b][1] - at[a][1]), abs=0.1)


def test_hostile_names_are_shown_not_obeyed(tmp_path: Path) -> None:
    design = hostile_design()
    folder = export(design, tmp_path)
    for svg in folder.glob("*.svg"):
        root = ET.parse(svg).getroot()  # parses: no markup leaked out of a label
        assert not [e for e in root.iter() if e.tag.endswith("script")]
        assert {one_line(a.name) for a in design.accounts} <= svg_names(svg)
        for text in svg_texts(svg):  # Graphviz escapes such as \N are shown, never expanded
            if "[br] " in text:
                rest = text.split("[br] ", 1)[1].rstrip("…")
                assert rest.startswith("\\N \\G") or "\\N \\G".startswith(rest), text
    source = (folder / "all.dot").read_text(encoding="utf-8")
    assert "\\\\N" in source  # a backslash in a name is doubled: never read as \N
    assert "\\N " not in source.replace("\\\\N", "")
    assert HOSTILE not in source  # raw text never reaches DOT unescaped


def test_without_graphviz_the_dot_files_are_written_and_the_user_told_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    notices: list[str] = []
    export_design(load_template("logging"), tmp_path / "out", ["diagram"], notice=notices.append)
    written = sorted(p.name for p in (tmp_path / "out" / "diagrams").iterdir())
    assert written == sorted(("all" if v == "all" else f"{v}-view") + ".dot" for v in VIEWS)
    assert notices == [INSTALL_GRAPHVIZ]
    assert "apt-get install graphviz" in notices[0]


def test_diagrams_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    design = load_template("publishing")
    first, second = export(design, tmp_path / "a"), export(design, tmp_path / "b")
    for path in first.iterdir():
        if path.suffix in (".dot", ".svg"):
            assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_pdf_pictures_are_the_same_bytes_in_any_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from exporters.diagram import render

    monkeypatch.setenv("TZ", "Europe/Berlin")  # Cairo stamps local time with its offset
    source = dot_source(build_drawing(load_template("logging"), "all"))
    first = render(source, "pdf")
    time.sleep(1.1)
    assert render(source, "pdf") == first


@pytest.mark.parametrize("name", [" ", "\t", "Mgmt\x1bX", "nul\x00", "\ufffe"])
def test_names_graphviz_cannot_read_are_drawn_anyway(name: str, tmp_path: Path) -> None:
    design = load_template("logging")
    design = design.model_copy(
        update={
            "name": name,
            "organization": design.organization.model_copy(update={"name": name}),
            "accounts": [a.model_copy(update={"name": name}) for a in design.accounts],
        }
    )
    notices: list[str] = []
    export_design(design, tmp_path, ["diagram"], notice=notices.append)
    assert notices == []
    assert len(list((tmp_path / "diagrams").glob("*.svg"))) == len(VIEWS)


@pytest.mark.parametrize("template", TEMPLATES)
def test_diagrams_route_edges_as_the_canvas_does(template: str) -> None:
    """Every edge follows its route (given to Graphviz as its path), no route runs through a
    card that is not its end or across an OU title, and no label covers a card, a title or
    another label."""
    design = load_template(template)
    for view in VIEWS:
        drawing = build_drawing(design, view)
        obstacles = Obstacles(
            {n.id: n.box for n in drawing.nodes}, {c.id: c.box for c in drawing.containers}, HEADER
        )
        requests = [EdgeRequest(e.id, e.source, e.target, e.kind) for e in drawing.edges]
        routes = {e.id: e.points for e in drawing.edges}
        assert all(len(points) >= 2 for points in routes.values()), view
        assert foreign_crossings(obstacles, requests, routes) == [], view
        labels = {
            e.id: PlacedLabel(e.shown_label, e.label_box)
            for e in drawing.edges
            if e.label_box is not None
        }
        assert label_overlaps(obstacles, labels) == [], view
        source = dot_source(drawing)
        for edge in drawing.edges:
            line = next(line for line in source.splitlines() if f'id="{edge.id}"' in line)
            assert 'pos="e,' in line, f"{view}: {edge.id} left to Graphviz"
            assert (", lp=" in line) == (edge.label_box is not None)
