"""Measures of a drawing's quality, written plainly and independently of the router.

The tests and the GUI tests judge routes and labels with these; they share no code with the
router's own collision logic, so a router bug cannot hide itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from designer.layout import Box, Point
from designer.routing.api import EdgeRequest, Obstacles, PlacedLabel


def foreign_crossings(
    obstacles: Obstacles, edges: Sequence[EdgeRequest], routes: Mapping[str, Sequence[Point]]
) -> list[tuple[str, str]]:
    """(edge id, id of a card or container band) for each route through something not its end."""
    found: list[tuple[str, str]] = []
    for edge in edges:
        route = routes.get(edge.id)
        if not route:
            continue
        ends = {edge.source, edge.target}
        for name, box in _things(obstacles):
            if name not in ends and _route_enters(route, box):
                found.append((edge.id, name))
    return found


def label_overlaps(
    obstacles: Obstacles, labels: Mapping[str, PlacedLabel]
) -> list[tuple[str, str]]:
    """(label id, id of a card, container band or other label) for each overlap."""
    found: list[tuple[str, str]] = []
    placed = list(labels.items())
    for n, (name, label) in enumerate(placed):
        for thing, box in _things(obstacles):
            if label.box.overlaps(box):
                found.append((name, thing))
        for other, other_label in placed[n + 1 :]:
            if label.box.overlaps(other_label.box):
                found.append((name, other))
    return found


def _things(obstacles: Obstacles) -> list[tuple[str, Box]]:
    """Every card, and every container's title band."""
    things = list(obstacles.nodes.items())
    for name, box in obstacles.containers.items():
        things.append((name, Box(box.x, box.y, box.width, min(obstacles.header, box.height))))
    return things


def _route_enters(route: Sequence[Point], box: Box) -> bool:
    return any(_segment_enters(route[n], route[n + 1], box) for n in range(len(route) - 1))


def _segment_enters(a: Point, b: Point, box: Box) -> bool:
    """Whether the closed segment a-b meets the open interior of the box."""
    left, right = min(a[0], b[0]), max(a[0], b[0])
    top, bottom = min(a[1], b[1]), max(a[1], b[1])
    if a[0] == b[0]:
        return box.x < a[0] < box.right and top < box.bottom and bottom > box.y
    if a[1] == b[1]:
        return box.y < a[1] < box.bottom and left < box.right and right > box.x
    return left < box.right and right > box.x and top < box.bottom and bottom > box.y
