"""Which segments share a channel: the clusters the nudging pass spaces out together.

Segments on one line whose extents meet form a run; runs on nearby lines that meet and lie in
the same channel (nothing solid between them, or less than SPREAD apart) join one cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from designer.drawing.routing.segments import Segment

SPREAD: Final = 7.0  # between neighbouring tracks, when the channel is wide enough
CHANNEL: Final = 80.0  # free space at most this wide is a channel: its tracks are centred in it


@dataclass
class _Run:
    """Segments on one line whose extents meet one another: always in the same cluster."""

    segments: list[Segment]
    at: float
    start: float
    end: float
    lo: float  # the free range all of them share
    hi: float

    def add(self, segment: Segment) -> None:
        self.segments.append(segment)
        self.end = max(self.end, segment.end)
        self.lo, self.hi = max(self.lo, segment.lo), min(self.hi, segment.hi)


def _runs(segments: list[Segment]) -> list[_Run]:
    runs: list[_Run] = []
    for s in sorted(segments, key=lambda s: (s.at, s.start, s.end, s.wire, s.k)):
        if runs and runs[-1].at == s.at and s.start <= runs[-1].end:
            runs[-1].add(s)
        else:
            runs.append(_Run([s], s.at, s.start, s.end, s.lo, s.hi))
    return runs


def clusters(segments: list[Segment]) -> list[list[Segment]]:
    """Runs on nearby lines that meet and share a channel, joined (union-find)."""
    runs = _runs(segments)
    parent = list(range(len(runs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, first in enumerate(runs):
        for j in range(i + 1, len(runs)):
            second = runs[j]
            if second.at - first.at > CHANNEL:
                break
            if second.at != first.at and meet(first, second) and _same_channel(first, second):
                parent[root(j)] = root(i)
    groups: dict[int, list[Segment]] = {}
    for i, run in enumerate(runs):
        groups.setdefault(root(i), []).extend(run.segments)
    return list(groups.values())


def meet(a: Segment | _Run, b: Segment | _Run) -> bool:
    return a.start <= b.end and b.start <= a.end


def _same_channel(a: _Run, b: _Run) -> bool:
    if abs(a.at - b.at) < SPREAD:
        return True
    narrow = a.hi - a.lo <= CHANNEL and b.hi - b.lo <= CHANNEL
    return narrow and a.lo <= b.at <= a.hi and b.lo <= a.at <= b.hi
