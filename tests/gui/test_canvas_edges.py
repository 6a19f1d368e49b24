"""Edges as drawn on the canvas: anchored on their ends' borders, never through another card or an
OU title, labels covering nothing; names keep what tells them apart. Measured on the scene's own
items, for every bundled template and every view."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from designer.drawing.layout import HEADER, Box
from designer.drawing.routing import EdgeRequest, Obstacles, PlacedLabel
from designer.drawing.routing.check import foreign_crossings, label_overlaps
from designer.drawing.views import VIEWS
from designer.gui.canvas.items import TEXT_WIDTH, TWO_LINE_POINTS, NodeItem, title_metrics
from designer.gui.canvas.names import name_lines
from designer.gui.canvas.scene import DesignScene
from designer.gui.controller import DesignController
from designer.gui.selection import SelectionModel
from designer.model.templates import list_templates, load_template
from tests.gui.canvas_checks import box_of

pytestmark = pytest.mark.gui

TEMPLATES = [info.name for info in list_templates()]


def _scene(name: str, view: str) -> DesignScene:
    scene = DesignScene(DesignController(load_template(name)), SelectionModel())
    scene.set_view(view)
    if view == "all":  # All labels selected edges only: select them all, the hardest case
        for edge in scene.edges.values():
            edge.setSelected(True)
    scene.router.route()
    return scene


def _drawn(scene: DesignScene) -> tuple[Obstacles, list[EdgeRequest], dict[str, list[QPointF]]]:
    nodes = {i: box_of(n.scene_rect()) for i, n in scene.nodes.items()}
    boxes = {i: box_of(c.scene_rect()) for i, c in scene.containers.items()}
    shown = [e for e in scene.edges.values() if e.isVisible()]
    requests = [
        EdgeRequest(e.entity_id, e.source.entity_id, e.target.entity_id, e.kind) for e in shown
    ]
    return Obstacles(nodes, boxes, HEADER), requests, {e.entity_id: e.points for e in shown}


def _on_border(point: QPointF, box: Box) -> bool:
    x, y, eps = point.x(), point.y(), 0.51
    inside_x = box.x - eps <= x <= box.right + eps
    inside_y = box.y - eps <= y <= box.bottom + eps
    on_vertical = abs(x - box.x) <= eps or abs(x - box.right) <= eps
    on_horizontal = abs(y - box.y) <= eps or abs(y - box.bottom) <= eps
    under_title = abs(y - (box.y + HEADER)) <= eps  # an end inside its own container
    return inside_x and inside_y and (on_vertical or on_horizontal or under_title)


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("name", TEMPLATES)
def test_edges_avoid_cards_and_titles_and_labels_cover_nothing(
    qapp: QApplication, name: str, view: str
) -> None:
    scene = _scene(name, view)
    obstacles, requests, points = _drawn(scene)
    routes = {i: [(p.x(), p.y()) for p in route] for i, route in points.items()}
    assert foreign_crossings(obstacles, requests, routes) == []
    labels = {
        e.entity_id: PlacedLabel(e.label_item.text, box_of(e.label_item.scene_rect()))
        for e in scene.edges.values()
        if e.label_item.isVisible()
    }
    assert label_overlaps(obstacles, labels) == []
    for request in requests:
        route = points[request.id]
        source, target = scene.endpoint(request.source), scene.endpoint(request.target)
        assert source is not None
        assert target is not None
        assert _on_border(route[0], box_of(source.scene_rect())), request
        assert _on_border(route[-1], box_of(target.scene_rect())), request
        for a, b in itertools.pairwise(route):
            assert a.x() == b.x() or a.y() == b.y(), f"{request.id}: not orthogonal"


def test_shares_to_an_ou_or_the_organization_end_on_its_border(qapp: QApplication) -> None:
    """The publishing template's shares to the Workloads OU and to the whole organization."""
    scene = _scene("publishing", "publishing")
    design = scene.controller.design
    to_containers = [r for r in design.relationships if r.target in scene.containers]
    assert len(to_containers) >= 2
    for rel in to_containers:
        edge = scene.edges[rel.id]
        source = box_of(edge.source.scene_rect())
        target = box_of(scene.containers[rel.target].scene_rect())
        end = edge.points[-1]
        assert _on_border(end, target), rel.id
        assert not (source.x < end.x() < source.right and source.y < end.y() < source.bottom)
        length = sum(
            abs(a.x() - b.x()) + abs(a.y() - b.y()) for a, b in itertools.pairwise(edge.points)
        )
        assert length > 10, "a stub inside its source"


def test_shown_labels_name_their_edge_and_the_tooltip_keeps_the_full_text(
    qapp: QApplication,
) -> None:
    scene = _scene("reference-landing-zone", "identity")
    shown = [e for e in scene.edges.values() if e.label_item.isVisible()]
    assert shown, "some labels fit"
    for edge in shown:
        assert edge.label_item.text, edge.entity_id
        assert edge.label in edge.toolTip()
        assert edge.label_item.toolTip() == edge.label


@pytest.mark.parametrize(
    "name",
    [
        "BU 02 workload 0137",
        "Payments Production",
        "Retail analytics platform - production - eu-west-1",  # 50 characters
        "Averyveryverylongsinglewordaccountnamewithoutspaces-0042",
    ],
)
def test_names_keep_their_distinguishing_end(qapp: QApplication, name: str) -> None:
    metrics = title_metrics(TWO_LINE_POINTS)
    lines = name_lines(name, metrics, TEXT_WIDTH)
    assert 1 <= len(lines) <= 2
    assert all(metrics.horizontalAdvance(line) <= TEXT_WIDTH for line in lines)
    assert name.replace(" ", "")[-4:] in "".join(lines).replace(" ", ""), lines
    assert name.startswith(lines[0].split(" ")[0])


def test_names_up_to_forty_characters_show_whole(qapp: QApplication) -> None:
    scene = DesignScene(DesignController(load_template("reference-landing-zone")), SelectionModel())
    account = scene.controller.design.accounts[2]
    scene.controller.update(account.id, name="Retail Production Analytics Platform EU")  # 39
    item: NodeItem = scene.nodes[account.id]
    assert " ".join(item.title_lines) == "Retail Production Analytics Platform EU"
    assert item.toolTip().startswith("Retail Production Analytics Platform EU")
