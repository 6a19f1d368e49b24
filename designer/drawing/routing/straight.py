"""Routes without obstacle avoidance, for views too large to search, and self-loops.

A straight route leaves the side of its source that faces the target and enters the facing side
of the target: one segment when the two boxes overlap across that axis, else three (a Z through
the middle of the gap), or, for boxes that overlap, three round the top (a U). Parallel edges and
edges of different kinds are shifted sideways so that they do not lie on top of each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final

from designer.drawing.layout import Box, Point
from designer.drawing.routing.api import EdgeRequest, Obstacles
from designer.drawing.routing.geometry import band_of, simplify
from designer.drawing.routing.groups import lanes

LANE: Final = 6.0  # between parallel edges
LOOP: Final = 8.0  # how far a self-loop reaches out of its box
LOOP_STEP: Final = 4.0  # between nested self-loops of one box
DETOUR: Final = 12.0  # how far a route round two overlapping boxes goes above them

Route = tuple[Point, ...]


def straight_routes(obstacles: Obstacles, edges: Sequence[EdgeRequest]) -> dict[str, Route]:
    """Border-anchored routes that ignore obstacles: cheap enough for thousands of edges."""
    kinds = sorted({e.kind for e in edges})
    lane_of = lanes(edges)
    loops: Counter[str] = Counter()
    routes: dict[str, Route] = {}
    for edge in edges:
        source, target = box_of(obstacles, edge.source), box_of(obstacles, edge.target)
        assert source is not None
        assert target is not None
        if edge.source == edge.target:
            routes[edge.id] = tuple(self_loops(source, loops[edge.source])[0])
            loops[edge.source] += 1
            continue
        offset = shift(lane_of[edge.id]) + shift(kinds.index(edge.kind)) / 3
        routes[edge.id] = tuple(end_to_end(source, target, obstacles.header, offset))
    return routes


def end_to_end(source: Box, target: Box, header: float, offset: float) -> list[Point]:
    """A straight route; to the band's lower side when one end encloses the other."""
    if source.contains(target):
        return band_route(target, band_of(source, header).bottom, offset)[::-1]
    if target.contains(source):
        return band_route(source, band_of(target, header).bottom, offset)
    return straight_route(source, target, offset)


def box_of(obstacles: Obstacles, end: str) -> Box | None:
    return obstacles.nodes.get(end) or obstacles.containers.get(end)


def self_loops(box: Box, lane: int) -> list[list[Point]]:
    """Where the lane-th self-loop of a box may go, best first: out of the top side and round
    the top-right corner into the right side, or out of and back into the right side. Each
    lane reaches further out than the last, so that the loops of one box nest."""
    reach = LOOP + lane * LOOP_STEP
    inset = min(10.0 + 8.0 * lane, box.width / 2, box.height / 2)
    x, y = box.right - inset, box.y + inset
    corner = [
        (x, box.y),
        (x, box.y - reach),
        (box.right + reach, box.y - reach),
        (box.right + reach, y),
        (box.right, y),
    ]
    middle, half = box.y + box.height / 2, min(8.0 + 6.0 * lane, box.height / 2 - 1)
    right = [
        (box.right, middle - half),
        (box.right + reach, middle - half),
        (box.right + reach, middle + half),
        (box.right, middle + half),
    ]
    return [corner, right]


def shift(lane: int) -> float:
    """0, +1, -1, +2, -2 ... lanes apart."""
    return LANE * ((lane + 1) // 2) * (1 if lane % 2 else -1)


def band_route(inner: Box, band_bottom: float, offset: float) -> list[Point]:
    """From the top of `inner` straight up to the lower side of its container's title band."""
    x = _clamp(inner.x + inner.width / 2 + offset, inner.x, inner.right)
    return [(x, inner.y), (x, band_bottom)]


def straight_route(source: Box, target: Box, offset: float) -> list[Point]:
    below = target.y - source.bottom  # > 0 when the target lies below the source
    above = source.y - target.bottom
    right = target.x - source.right
    left = source.x - target.right
    if max(below, above) <= 0 and max(right, left) <= 0:
        return _round_the_top(source, target, offset)
    if max(below, above) >= max(right, left):
        return _across(source, target, offset, vertical=True)
    return _across(source, target, offset, vertical=False)


def _across(source: Box, target: Box, offset: float, vertical: bool) -> list[Point]:
    """Between boxes separated along one axis (mirrored for the horizontal case)."""
    if not vertical:
        flipped = _across(_flip(source), _flip(target), offset, vertical=True)
        return [(y, x) for x, y in flipped]
    down = target.y >= source.bottom
    start_y, end_y = (source.bottom, target.y) if down else (source.y, target.bottom)
    low, high = max(source.x, target.x), min(source.right, target.right)
    if high - low >= 2 * abs(offset) + 8:
        x = (low + high) / 2 + offset
        return [(x, start_y), (x, end_y)]
    sx = _clamp(source.x + source.width / 2 + offset, source.x, source.right)
    tx = _clamp(target.x + target.width / 2 + offset, target.x, target.right)
    middle = (start_y + end_y) / 2 + offset / 2
    return simplify([(sx, start_y), (sx, middle), (tx, middle), (tx, end_y)])


def _round_the_top(source: Box, target: Box, offset: float) -> list[Point]:
    top = min(source.y, target.y) - DETOUR - abs(offset)
    sx = _clamp(source.x + source.width / 3 + offset, source.x, source.right)
    tx = _clamp(target.x + 2 * target.width / 3 + offset, target.x, target.right)
    if sx == tx:
        tx = _clamp(tx + LANE, target.x, target.right)
    return simplify([(sx, source.y), (sx, top), (tx, top), (tx, target.y)])


def _flip(box: Box) -> Box:
    return Box(box.y, box.x, box.height, box.width)


def _clamp(value: float, low: float, high: float) -> float:
    margin = min(4.0, (high - low) / 2)
    return min(max(value, low + margin), high - margin)
