"""Measures of a drawing's quality, written plainly and independently of the router.

The tests and the GUI tests judge routes and labels with these; they share no code with the
router's own collision logic, so a router bug cannot hide itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from designer.drawing.layout import Box, Point
from designer.drawing.routing.api import EdgeRequest, Obstacles, PlacedLabel


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


def ambiguous_labels(
    routes: Mapping[str, Sequence[Point]], labels: Mapping[str, PlacedLabel]
) -> list[tuple[str, str]]:
    """(label id, id of another edge) for each other route at least as close to the label's
    box as the label's own route: a reader cannot tell which of the two the label names. A label
    beside a trunk that several routes share, or covering another route, is reported."""
    found: list[tuple[str, str]] = []
    extents = {name: _extent(route) for name, route in routes.items() if route}
    for name, label in labels.items():
        own = routes.get(name)
        if not own:
            continue
        mine = _route_distance(own, label.box)
        for other, extent in extents.items():
            if other == name or _box_distance(extent, label.box) > mine:
                continue  # the whole route is farther than the own one
            if _route_distance(routes[other], label.box) <= mine:
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


def _extent(route: Sequence[Point]) -> Box:
    xs, ys = [p[0] for p in route], [p[1] for p in route]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _box_distance(first: Box, second: Box) -> float:
    dx = max(first.x - second.right, second.x - first.right, 0.0)
    dy = max(first.y - second.bottom, second.y - first.bottom, 0.0)
    return math.hypot(dx, dy)


def _route_distance(route: Sequence[Point], box: Box) -> float:
    """The least distance between the polyline and the closed box (0 when they meet)."""
    return min(_segment_distance(route[n], route[n + 1], box) for n in range(len(route) - 1))


def _segment_distance(a: Point, b: Point, box: Box) -> float:
    if _segment_meets(a, b, box):
        return 0.0
    corners = [(box.x, box.y), (box.right, box.y), (box.x, box.bottom), (box.right, box.bottom)]
    return min(
        _point_box_distance(a, box),
        _point_box_distance(b, box),
        *(_point_segment_distance(c, a, b) for c in corners),
    )


def _segment_meets(a: Point, b: Point, box: Box) -> bool:
    """Whether the segment a-b meets the closed box (Liang-Barsky clipping)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    low, high = 0.0, 1.0
    for step, room in (
        (-dx, a[0] - box.x),
        (dx, box.right - a[0]),
        (-dy, a[1] - box.y),
        (dy, box.bottom - a[1]),
    ):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        if step < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _point_box_distance(p: Point, box: Box) -> float:
    dx = max(box.x - p[0], p[0] - box.right, 0.0)
    dy = max(box.y - p[1], p[1] - box.bottom, 0.0)
    return math.hypot(dx, dy)


def _point_segment_distance(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    squared = dx * dx + dy * dy
    t = (
        0.0
        if squared == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / squared))
    )
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
