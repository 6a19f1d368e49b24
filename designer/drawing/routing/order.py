"""The order of the tracks in one channel: as few crossings as possible, never folding a route.

Two tracks in a channel cross when one of them bends, at a point inside the other's extent,
towards the side where the other lies. Tracks are inserted one by one (in their current order)
where they add the fewest crossings; two segments of one route keep their order, since swapping
them would fold the route back on itself.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Final, Protocol

WRONG_WAY: Final = 1000  # the cost of putting two segments of one route the other way round


class Segment(Protocol):
    wire: int
    k: int
    at: float
    start: float
    end: float
    turns: tuple[tuple[float, int], ...]


class Track:
    """Segments that will share one coordinate, with what ordering needs precomputed."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments = list(segments)
        self.at = sum(s.at for s in segments) / len(segments)
        self.wires = {s.wire: s.at for s in segments}
        self.up = sorted(at for s in segments for at, side in s.turns if side < 0)
        self.down = sorted(at for s in segments for at, side in s.turns if side > 0)
        self.spans = _union([(s.start, s.end) for s in segments])

    def covers(self, at: float) -> bool:
        """Whether `at` lies strictly inside the extent of one of its segments."""
        n = bisect_left(self.spans, (at, float("inf"))) - 1
        return n >= 0 and self.spans[n][0] < at < self.spans[n][1]


def _union(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def crossings(first: Track, second: Track) -> int:
    """What placing `first` before (above, left of) `second` costs."""
    total = sum(1 for at in first.down if second.covers(at))
    total += sum(1 for at in second.up if first.covers(at))
    for wire, at in first.wires.items():
        if wire in second.wires and at > second.wires[wire]:
            total += WRONG_WAY
    return total


def order_tracks(tracks: Sequence[Track]) -> list[Track]:
    ordered = sorted(range(len(tracks)), key=lambda n: (tracks[n].at, n))
    cost = {(a, b): crossings(tracks[a], tracks[b]) for a in ordered for b in ordered if a != b}
    placed: list[int] = []
    for n in ordered:
        best, where = None, 0
        for position in range(len(placed) + 1):
            total = sum(cost[(m, n)] for m in placed[:position])
            total += sum(cost[(n, m)] for m in placed[position:])
            if best is None or total <= best:
                best, where = total, position
        placed.insert(where, n)
    return [tracks[n] for n in placed]
