"""What the canvas must show, checked on the scene's items (what the user sees), not the model."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from designer.drawing.layout import Box, arrange
from designer.gui.canvas.scene import DesignScene
from tests.helpers.geometry import layout_problems

Geometry = tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float, float, float]]]


def box_of(rect: QRectF) -> Box:
    return Box(rect.x(), rect.y(), rect.width(), rect.height())


def scene_geometry(scene: DesignScene) -> Geometry:
    """Every node's top-left and every OU box, as drawn."""
    nodes = {i: (n.x(), n.y()) for i, n in scene.nodes.items()}
    boxes = {i: _rect(c.scene_rect()) for i, c in scene.containers.items()}
    return nodes, boxes


def _rect(rect: QRectF) -> tuple[float, float, float, float]:
    return (rect.x(), rect.y(), rect.width(), rect.height())


def scene_problems(scene: DesignScene) -> list[str]:
    """Everything on the canvas that disagrees with the document, overlaps or hides a title."""
    design = scene.controller.design
    problems = _items_match_entities(scene)
    if problems:
        return problems
    expected = arrange(design)
    saved = design.layout.positions
    for node_id, item in scene.nodes.items():
        shown = (item.x(), item.y())
        if shown != expected.nodes[node_id]:
            problems.append(
                f"node {item.title!r} at {shown}, arrange says {expected.nodes[node_id]}"
            )
        place = saved.get(node_id)
        if place is not None and (place.x, place.y) != shown:
            problems.append(f"node {item.title!r} at {shown}, the file says {(place.x, place.y)}")
    for container_id, container in scene.containers.items():
        drawn = box_of(container.scene_rect())
        wanted = expected.containers[container_id]
        if drawn != wanted:
            problems.append(f"box {container.title!r} is {drawn}, arrange says {wanted}")
    nodes = {i: box_of(n.scene_rect()) for i, n in scene.nodes.items()}
    boxes = {i: box_of(c.scene_rect()) for i, c in scene.containers.items()}
    return problems + layout_problems(design, nodes, boxes)


def _items_match_entities(scene: DesignScene) -> list[str]:
    design = scene.controller.design
    nodes = {a.id for a in design.accounts} | {i.id for i in design.identity_providers}
    nodes |= {t.id for t in design.outside_principals}
    boxes = {design.organization.id} | {u.id for u in design.organizational_units}
    edges = {r.id for r in design.relationships}
    problems = []
    for what, shown, wanted in (
        ("node", set(scene.nodes), nodes),
        ("box", set(scene.containers), boxes),
        ("edge", set(scene.edges), edges),
    ):
        if shown != wanted:
            problems.append(
                f"{what} items {sorted(shown - wanted)} not in the design, "
                f"{sorted(wanted - shown)} not drawn"
            )
    return problems
