"""Checks of what a picture of a design must satisfy, shared by the layout and the GUI tests."""

from __future__ import annotations

from collections.abc import Mapping

from designer.drawing.layout import HEADER, Box, node_box
from designer.model import Design


def layout_problems(
    design: Design, nodes: Mapping[str, Box], containers: Mapping[str, Box]
) -> list[str]:
    """Everything wrong with these boxes: missing items, items outside their OU or under its
    title, siblings that overlap. Empty when the picture is sound."""
    problems = _missing(design, nodes, containers)
    if problems:
        return problems
    root = design.organization.id
    units = {u.id for u in design.organizational_units}
    siblings: dict[str, dict[str, Box]] = {c: {} for c in containers}
    for account in design.accounts:
        parent = account.parent if account.parent in units else root
        siblings[parent][account.id] = nodes[account.id]
    for unit in design.organizational_units:
        parent = unit.parent if unit.parent in units else root
        siblings[parent][unit.id] = containers[unit.id]
    top = {root: containers[root]}
    beside = [*design.identity_providers, *design.outside_principals]
    top.update({n.id: nodes[n.id] for n in beside})
    for container, members in siblings.items():
        problems += _outside(container, containers[container], members)
        problems += overlapping(members)
    return problems + overlapping(top)


def _missing(design: Design, nodes: Mapping[str, Box], containers: Mapping[str, Box]) -> list[str]:
    wanted = {a.id for a in design.accounts} | {i.id for i in design.identity_providers}
    wanted |= {t.id for t in design.outside_principals}
    boxes = {design.organization.id} | {u.id for u in design.organizational_units}
    return [
        f"no box for {i}" for i in sorted((wanted - nodes.keys()) | (boxes - containers.keys()))
    ]


def _outside(container: str, box: Box, members: Mapping[str, Box]) -> list[str]:
    inner = Box(box.x, box.y + HEADER, box.width, box.height - HEADER)
    return [
        f"{m} is not inside {container} below its title"
        for m, b in members.items()
        if not _within(inner, b)
    ]


def _within(outer: Box, inner: Box) -> bool:
    eps = 1e-6
    return (
        outer.x - eps <= inner.x
        and outer.y - eps <= inner.y
        and inner.right <= outer.right + eps
        and inner.bottom <= outer.bottom + eps
    )


def overlapping(members: Mapping[str, Box]) -> list[str]:
    """'a overlaps b' for every pair of boxes whose interiors meet (a sweep over x)."""
    items = sorted(members.items(), key=lambda item: (item[1].x, item[0]))
    found = []
    for i, (a, box_a) in enumerate(items):
        for b, box_b in items[i + 1 :]:
            if box_b.x >= box_a.right:
                break
            if box_a.overlaps(box_b):
                found.append(f"{a} overlaps {b}")
    return found


def node_boxes(positions: Mapping[str, tuple[float, float]]) -> dict[str, Box]:
    return {i: node_box(p) for i, p in positions.items()}
