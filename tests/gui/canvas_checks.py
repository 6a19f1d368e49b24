"""What the canvas must show, checked on the scene's items (what the user sees), not the model."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from designer.drawing.aggregate import drawn_edges
from designer.drawing.collapse import pruned, visibility
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
    """Everything on the canvas that disagrees with the document, overlaps or hides a title.
    What a collapsed OU holds is not drawn: the picture is that of the design without it."""
    shown = visibility(scene.controller.design, scene.controller.collapsed())
    design = pruned(scene.controller.design, shown)
    problems = _items_match_entities(scene)
    if problems:
        return problems
    expected = arrange(design, cards=shown.collapsed)
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
    """An item for every node and OU not inside a collapsed OU, one edge per drawn edge, each
    joining the items of its ends."""
    full = scene.controller.design
    shown = visibility(full, scene.controller.collapsed())
    design = pruned(full, shown)
    nodes = {a.id for a in design.accounts} | {i.id for i in design.identity_providers}
    nodes |= {t.id for t in design.outside_principals}
    boxes = {design.organization.id} | {u.id for u in design.organizational_units}
    drawn = {e.id: e for e in drawn_edges(full, shown, scene.grouping)}
    problems = []
    for what, have, wanted in (
        ("node", set(scene.nodes), nodes),
        ("box", set(scene.containers), boxes),
        ("edge", set(scene.edges), set(drawn)),
    ):
        if have != wanted:
            problems.append(
                f"{what} items {sorted(have - wanted)} not in the design, "
                f"{sorted(wanted - have)} not drawn"
            )
    for edge_id, item in scene.edges.items():
        ends = (item.source.entity_id, item.target.entity_id)
        if edge_id in drawn and ends != (drawn[edge_id].source, drawn[edge_id].target):
            problems.append(f"edge {edge_id} joins {ends}, not its ends")
    return problems
