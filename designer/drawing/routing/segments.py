"""The segments of the routes being nudged, each with the free range it may move in.

A segment may move across itself as far as its sweep stays clear of every solid (cards grown by
their clearance, title bands); next to its own end a first or last segment only has to keep off
the end's box as drawn, and moves along that side of the box (its port slides) no closer than
PORT_MARGIN to the corners; the segment after a first one never moves back over the port.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Final

from designer.drawing.layout import Box
from designer.drawing.routing.scene import Solid

REACH: Final = 160.0  # a segment in open space moves at most this far
PORT_MARGIN: Final = 10.0  # ports stay this far from a card's corners
STUB: Final = 6.0  # the shortest first or last segment


@dataclass
class Wire:
    """A route being nudged: its points change in place."""

    points: list[list[float]]
    keys: tuple[Hashable, ...]  # the buses it belongs to
    ends: tuple[tuple[str, Box], tuple[str, Box]]  # owner and the box its port slides along


@dataclass
class Segment:
    wire: int
    k: int  # points[k] -> points[k + 1]
    at: float  # coordinate across the segment
    start: float  # extent along it
    end: float
    turns: tuple[tuple[float, int], ...]  # (position along, -1 / +1 side) where it bends away
    lo: float  # free range across
    hi: float


def segments_of(n: int, wire: Wire, horizontal: bool, solids: SolidIndex) -> list[Segment]:
    points = wire.points
    along, across = (0, 1) if horizontal else (1, 0)
    last = len(points) - 2
    found = []
    for k in range(last + 1):
        a, b = points[k], points[k + 1]
        if (a[1] == b[1]) != horizontal:
            continue
        at = a[across]
        turns = []
        if k > 0:
            turns.append((a[along], _sign(points[k - 1][across] - at)))
        if k < last:
            turns.append((b[along], _sign(points[k + 2][across] - at)))
        raw = {wire.ends[0][0]} if k == 0 else set()
        raw |= {wire.ends[1][0]} if k == last else set()
        start, end = sorted((a[along], b[along]))
        lo, hi = _free(solids.near(start, end), raw, horizontal, at, start, end)
        lo, hi = _stub(points, k, across, lo, hi)
        for side, (_, box) in ((0, wire.ends[0]), (1, wire.ends[1])):
            if k == (0 if side == 0 else last):
                low, high = (box.x, box.right) if not horizontal else (box.y, box.bottom)
                margin = min(PORT_MARGIN, (high - low) / 4)
                lo, hi = max(lo, low + margin), min(hi, high - margin)
        found.append(Segment(n, k, at, start, end, tuple(turns), lo, hi))
    return found


class SolidIndex:
    """Solids bucketed along one axis, so a segment only looks at those beside it."""

    CELL: Final = 128.0

    def __init__(self, solids: Sequence[Solid], horizontal: bool) -> None:
        self.cells: dict[int, list[int]] = {}
        self.solids = solids
        for n, solid in enumerate(solids):
            start, end = (
                (solid.rect[0], solid.rect[2]) if horizontal else (solid.rect[1], solid.rect[3])
            )
            for cell in range(int(start // self.CELL), int(end // self.CELL) + 1):
                self.cells.setdefault(cell, []).append(n)

    def near(self, start: float, end: float) -> list[Solid]:
        found: set[int] = set()
        for cell in range(int(start // self.CELL), int(end // self.CELL) + 1):
            found.update(self.cells.get(cell, ()))
        return [self.solids[n] for n in sorted(found)]


def _stub(
    points: list[list[float]], k: int, across: int, lo: float, hi: float
) -> tuple[float, float]:
    """Keep a first or last segment pointing the way it leaves or enters its box, at least STUB
    long: the segment after it may not move back over the port."""
    for end, segment in ((0, 1), (len(points) - 1, len(points) - 3)):
        if k == segment:
            port, beyond = points[end][across], points[end + (1 if end == 0 else -1)][across]
            if beyond > port:
                lo = max(lo, port + STUB)
            else:
                hi = min(hi, port - STUB)
    return lo, hi


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def _free(
    solids: Sequence[Solid], raw: set[str], horizontal: bool, at: float, start: float, end: float
) -> tuple[float, float]:
    """How far the segment can move either way before its sweep meets a solid."""
    lo, hi = at - REACH, at + REACH
    for solid in solids:
        left, top, right, bottom = solid.raw if solid.owner in raw else solid.rect
        a0, a1, c0, c1 = (left, right, top, bottom) if horizontal else (top, bottom, left, right)
        if a0 >= end or a1 <= start:
            continue
        if c1 <= at:
            lo = max(lo, c1)
        elif c0 >= at:
            hi = min(hi, c0)
        else:
            return at, at  # already inside (a route that could not avoid it): stay
    return lo, hi
