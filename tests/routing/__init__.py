"""Tests of designer.drawing.routing, and the small geometry they judge routes with (written here,
independently of the router)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from designer.drawing.layout import Box, Point
from designer.drawing.routing import PlacedLabel

Segment = tuple[Point, Point]


def measure(text: str) -> tuple[float, float]:
    """A label's size, roughly as the exporters estimate it."""
    return 6.0 * len(text) + 8.0, 14.0


def segments(route: Sequence[Point]) -> list[Segment]:
    return [(route[n], route[n + 1]) for n in range(len(route) - 1)]


def horizontal(segment: Segment) -> bool:
    return segment[0][1] == segment[1][1]


def orthogonal_and_clean(route: Sequence[Point]) -> bool:
    """Every segment horizontal or vertical, none of length zero, no two in a row collinear."""
    parts = segments(route)
    if not parts:
        return False
    for a, b in parts:
        if a == b or (a[0] != b[0] and a[1] != b[1]):
            return False
    return all(horizontal(p) != horizontal(q) for p, q in itertools.pairwise(parts))


def side(point: Point, box: Box) -> str | None:
    """Which side of the box the point lies on (corners excluded)."""
    x, y = point
    if box.x < x < box.right and y in (box.y, box.bottom):
        return "top" if y == box.y else "bottom"
    if box.y < y < box.bottom and x in (box.x, box.right):
        return "left" if x == box.x else "right"
    return None


def leaves(route: Sequence[Point], box: Box, at_start: bool = True) -> bool:
    """The route's end lies on a side of the box and the route leaves it perpendicularly,
    outwards."""
    end, after = (route[0], route[1]) if at_start else (route[-1], route[-2])
    where = side(end, box)
    if where == "top":
        return after[0] == end[0] and after[1] < end[1]
    if where == "bottom":
        return after[0] == end[0] and after[1] > end[1]
    if where == "left":
        return after[1] == end[1] and after[0] < end[0]
    if where == "right":
        return after[1] == end[1] and after[0] > end[0]
    return False


def enters_band_from_below(route: Sequence[Point], box: Box, header: float) -> bool:
    """The route ends on the lower side of the container's title band, coming up."""
    (bx, by), (ax, ay) = route[-1], route[-2]
    return by == box.y + header and box.x < bx < box.right and ax == bx and ay > by


def overlap(first: Segment, second: Segment) -> float:
    """How long two segments run on top of each other (0 unless collinear)."""
    if horizontal(first) and horizontal(second) and first[0][1] == second[0][1]:
        axis = 0
    elif not horizontal(first) and not horizontal(second) and first[0][0] == second[0][0]:
        axis = 1
    else:
        return 0.0
    lo = max(min(first[0][axis], first[1][axis]), min(second[0][axis], second[1][axis]))
    hi = min(max(first[0][axis], first[1][axis]), max(second[0][axis], second[1][axis]))
    return max(0.0, hi - lo)


def shared_length(first: Sequence[Point], second: Sequence[Point]) -> float:
    return sum(overlap(p, q) for p in segments(first) for q in segments(second))


def clearance(route: Sequence[Point], box: Box) -> float:
    """The smallest distance between the route and the box (0 when they meet)."""
    best = float("inf")
    for (ax, ay), (bx, by) in segments(route):
        left, right = min(ax, bx), max(ax, bx)
        top, bottom = min(ay, by), max(ay, by)
        dx = max(box.x - right, left - box.right, 0.0)
        dy = max(box.y - bottom, top - box.bottom, 0.0)
        best = min(best, max(dx, dy) if dx == 0 or dy == 0 else (dx**2 + dy**2) ** 0.5)
    return best


def box_distance(route: Sequence[Point], box: Box) -> float:
    """How far a label's box is from the route."""
    return clearance(route, box)


def on_a_long_enough_segment(label: PlacedLabel, route: Sequence[Point]) -> bool:
    """Centred on a segment at least as long as the label (along the segment), on it or just
    beside it."""
    cx, cy = label.box.x + label.box.width / 2, label.box.y + label.box.height / 2
    for (ax, ay), (bx, by) in segments(route):
        along_horizontal = ay == by and abs(cx - (ax + bx) / 2) <= abs(bx - ax) / 2
        if along_horizontal and abs(cy - ay) <= 12 and abs(bx - ax) >= label.box.width:
            return True
        along_vertical = ax == bx and abs(cy - (ay + by) / 2) <= abs(by - ay) / 2
        beside = abs(cx - ax) <= label.box.width / 2 + 4
        if along_vertical and beside and abs(by - ay) >= label.box.height:
            return True
    return False
