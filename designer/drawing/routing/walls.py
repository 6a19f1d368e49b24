"""Container borders as soft walls: a route may cross them, but should not run along them.

A segment lying on (or a hair beside) an OU's border reads as part of the border. So a channel's
room is its free range less a zone SOFT wide either side of every parallel border beside it;
the nudging pass spaces its tracks over that room as if the zones were not there.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Final

from designer.drawing.layout import Box

SOFT: Final = 4.0

Wall = tuple[float, float, float]  # coordinate across, start and end along


def container_walls(containers: Iterable[Box], horizontal: bool) -> list[Wall]:
    """The borders of the containers that run along the given axis, sorted."""
    walls: list[Wall] = []
    for box in containers:
        if horizontal:
            walls += [(box.y, box.x, box.right), (box.bottom, box.x, box.right)]
        else:
            walls += [(box.x, box.y, box.bottom), (box.right, box.y, box.bottom)]
    return sorted(walls)


class Room:
    """The stretches of [lo, hi] away from the walls, measured end to end as one length."""

    def __init__(
        self, lo: float, hi: float, walls: Sequence[Wall], extent: tuple[float, float]
    ) -> None:
        stretches = [(lo, hi)]
        for at, start, end in walls[bisect_right(walls, (lo - SOFT, math.inf)) :]:
            if at >= hi + SOFT:
                break
            if start < extent[1] and end > extent[0]:
                stretches = _without(stretches, at - SOFT, at + SOFT)
        self.stretches = stretches or [(lo, hi)]  # all of it beside walls: ignore them
        self.length = sum(b - a for a, b in self.stretches)

    def inward(self, value: float) -> float:
        """Where a coordinate lies in the room (one beside a wall: the nearest end of room)."""
        done = 0.0
        best = (float("inf"), 0.0)
        for a, b in self.stretches:
            near = min(max(value, a), b)
            best = min(best, (abs(value - near), done + near - a))
            done += b - a
        return best[1]

    def outward(self, offset: float) -> float:
        """The coordinate at `offset` into the room."""
        for a, b in self.stretches:
            if offset <= b - a:
                return a + offset
            offset -= b - a
        return self.stretches[-1][1]


def _without(
    stretches: Iterable[tuple[float, float]], cut_lo: float, cut_hi: float
) -> list[tuple[float, float]]:
    kept = []
    for a, b in stretches:
        if cut_lo > a:
            kept.append((a, min(b, cut_lo)))
        if cut_hi < b:
            kept.append((max(a, cut_hi), b))
    return [(a, b) for a, b in kept if b > a]
