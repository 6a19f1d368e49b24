"""Which parts of a route no other route runs along, and whether another route comes near a
rectangle: what label placement asks of the routes.

Routes are orthogonal, so their segments are kept by the line they lie on (a y for horizontal
ones, an x for vertical ones), as intervals along it. Straight fallback routes put thousands of
segments on a few hundred lines (a fan-out's first segments all lie on one): each line is sorted
once, and one walk along it finds every edge's lone stretches there, so whether a route has a
part of its own at all is one look-up. A line is indexed for `near` only when a label's
rectangle comes to it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from operator import itemgetter
from typing import Final

from designer.drawing.layout import Point
from designer.drawing.routing.geometry import Rect

NEAR: Final = 5.0  # segments on parallel lines closer than this run alongside each other
SCAN: Final = 48  # intervals looked at for one rectangle on one line, at most

Interval = tuple[float, float, str]  # from, to (from < to) along the line, edge id
Piece = tuple[float, float, str | None]  # a stretch covered by routes; the edge if only one
Stretch = tuple[int, float, float, float]  # 0 on a horizontal line or 1 on a vertical one,
# the line's y or x, from, to (from < to) along it


@dataclass
class _Line:
    """The intervals on one line, in the order they were added; sorted on first use."""

    items: list[Interval] = field(default_factory=list)
    los: list[float] = field(default_factory=list)
    his: list[float] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)
    reach: list[float] = field(default_factory=list)  # the largest `to` up to each index
    union: list[Piece] | None = None
    ordered: bool = False

    def order(self) -> None:
        if not self.ordered:
            self.items.sort(key=itemgetter(0))
            self.ordered = True

    def index(self) -> None:
        """Sort the intervals, and index them for `meets`."""
        if self.reach or not self.items:
            return
        self.order()
        self.los = [item[0] for item in self.items]
        self.his = [item[1] for item in self.items]
        self.edges = [item[2] for item in self.items]
        self.reach = list(accumulate(self.his, max))

    def pieces(self) -> list[Piece]:
        """The union of the intervals, as disjoint pieces in order."""
        if self.union is None:
            self.order()
            union: list[Piece] = []
            for lo, hi, edge in self.items:
                if union and lo <= union[-1][1]:
                    last_lo, last_hi, last_edge = union[-1]
                    union[-1] = (
                        last_lo,
                        max(last_hi, hi),
                        last_edge if last_edge == edge else None,
                    )
                else:
                    union.append((lo, hi, edge))
            self.union = union
        return self.union

    def meets(self, edge: str, lo: float, hi: float) -> bool:
        """Whether an interval of another edge meets [lo, hi] (a crowded line: assumed so)."""
        self.index()
        n = bisect_right(self.los, hi) - 1
        for _ in range(SCAN):
            if n < 0 or self.reach[n] < lo:
                return False
            if self.his[n] >= lo and self.edges[n] != edge:
                return True
            n -= 1
        return True


def _lone_stretches(items: list[Interval]) -> dict[str, list[tuple[float, float]]]:
    """For intervals sorted by their start: each edge's stretches that no other one covers.
    Walking the starts in order, only the interval reaching farthest (`owner`) can be alone,
    past the farthest reach of all the others (`second`) and before the next start."""
    found: dict[str, list[tuple[float, float]]] = {}
    owner = ""
    reach = second = previous = float("-inf")
    for lo, hi, edge in (*items, (float("inf"), float("inf"), "")):
        end = lo if lo < reach else reach
        start = previous if previous > second else second
        if end > start:
            stretches = found.get(owner)
            if stretches is None:
                found[owner] = [(start, end)]
            elif stretches[-1][1] == start:
                stretches[-1] = (stretches[-1][0], end)
            else:
                stretches.append((start, end))
        if hi > reach:
            second, reach, owner = reach, hi, edge
        elif hi > second:
            second = hi
        previous = lo
    return found


class Lines:
    """Every route's segments, by the line they lie on."""

    def __init__(self, routes: Mapping[str, Sequence[Point]]) -> None:
        self.lines: tuple[dict[float, _Line], dict[float, _Line]] = ({}, {})
        self.slanted: list[tuple[str, Rect]] = []  # segments neither horizontal nor vertical
        horizontal, vertical = self.lines
        for edge, route in routes.items():
            for (ax, ay), (bx, by) in pairwise(route):
                if ay == by:
                    if ax == bx:
                        continue
                    line = horizontal.get(ay)
                    if line is None:
                        line = horizontal[ay] = _Line()
                    line.items.append((ax, bx, edge) if ax < bx else (bx, ax, edge))
                elif ax == bx:
                    line = vertical.get(ax)
                    if line is None:
                        line = vertical[ax] = _Line()
                    line.items.append((ay, by, edge) if ay < by else (by, ay, edge))
                else:
                    box = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
                    self.slanted.append((edge, box))
        self.places = (sorted(horizontal), sorted(vertical))
        self.lone: dict[str, list[Stretch]] | None = None

    def alone(self, edge: str) -> list[Stretch]:
        """The stretches of the edge's route that no other route runs along, on the same line
        or on a parallel one closer than NEAR."""
        if self.lone is None:
            self.lone = self._lone()
        found: list[Stretch] = []
        for axis, at, lo, hi in self.lone.get(edge, ()):
            lines, places = self.lines[axis], self.places[axis]
            spans = [(lo, hi)]
            for n in range(bisect_right(places, at - NEAR), bisect_left(places, at + NEAR)):
                if places[n] != at:
                    spans = _minus(spans, lines[places[n]].pieces(), edge)
                    if not spans:
                        break
            found.extend((axis, at, span_lo, span_hi) for span_lo, span_hi in spans)
        return found

    def _lone(self) -> dict[str, list[Stretch]]:
        """Every edge's stretches that no other route covers on the same line."""
        lone: dict[str, list[Stretch]] = {}
        for axis, lines in enumerate(self.lines):
            for at, line in lines.items():
                if len(line.items) == 1:
                    lo, hi, edge = line.items[0]
                    lone.setdefault(edge, []).append((axis, at, lo, hi))
                    continue
                line.order()
                for edge, spans in _lone_stretches(line.items).items():
                    lone.setdefault(edge, []).extend((axis, at, lo, hi) for lo, hi in spans)
        return lone

    def near(self, edge: str, rect: Rect) -> bool:
        """Whether a segment of another route meets the closed rectangle."""
        left, top, right, bottom = rect
        for axis, (low, high, lo, hi) in enumerate(
            ((top, bottom, left, right), (left, right, top, bottom))
        ):
            lines, places = self.lines[axis], self.places[axis]
            for n in range(bisect_left(places, low), bisect_right(places, high)):
                if lines[places[n]].meets(edge, lo, hi):
                    return True
        return any(
            other != edge and s[0] <= right and left <= s[2] and s[1] <= bottom and top <= s[3]
            for other, s in self.slanted
        )


def _minus(
    spans: list[tuple[float, float]], pieces: list[Piece], edge: str
) -> list[tuple[float, float]]:
    """The spans (in order, disjoint) less the pieces that are not the edge's own."""
    lo, hi = spans[0][0], spans[-1][1]
    first = max(0, bisect_right(pieces, (lo,)) - 1)
    for piece_lo, piece_hi, owner in pieces[first:]:
        if piece_lo >= hi:
            break
        if piece_hi <= lo or owner == edge:
            continue
        cut: list[tuple[float, float]] = []
        for span_lo, span_hi in spans:
            if piece_hi <= span_lo or piece_lo >= span_hi:
                cut.append((span_lo, span_hi))
                continue
            if piece_lo > span_lo:
                cut.append((span_lo, piece_lo))
            if piece_hi < span_hi:
                cut.append((piece_hi, span_hi))
        spans = cut
        if not spans:
            break
    return spans
