"""place_labels: each edge's label on or right beside a part of its route that is its own,
covering no card, no title band and no other label, and nearer its own route than any other.

A reader must be able to tell which edge a label names. So a label only goes by a stretch of
its route that no other route runs along (not a trunk that the edges of a fan-out share, nor a
lane a few units from another route's: alongside.py), and no other route may pass within
CLEAR of it beyond its distance from its own route (covering another route is never allowed).
By a vertical segment the text runs across its route, and a line along one of its long sides
reads as the one it names: there other routes keep ACROSS off those sides.
Where no such place exists for any of its texts, the label is left out (the tooltip keeps the
full text): a missing label is better than one that names the wrong edge.

Labels are placed in the order given (the most important first). For each text, best first,
the candidates are positions along the own stretches long enough for it, on the line or just
beside it, scored by where they sit: near the middle of the route's own part, else near its
target end; on the line rather than beside it; on a horizontal stretch rather than a vertical
one. The cheapest free candidate wins; one that meets a card, a band or a label slides along its
stretch past it. With many routes (more than CROWD: the straight fallback routes of large views)
a label gets a few candidates and no sliding. There most routes share their lines with others:
the index of lines, built once, tells in one look-up that a route has no own stretch, and a
label whose own stretches are all too short for its texts is not measured against anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from designer.drawing.layout import Box, Point
from designer.drawing.routing.alongside import Lines
from designer.drawing.routing.api import LabelRequest, Obstacles, PlacedLabel
from designer.drawing.routing.geometry import Rect, band_of, rect_of

MARGIN: Final = 2.0  # kept free round a label (from cards, title bands, other labels)
BESIDE: Final = 3.0  # between the line and a label beside it
CLEAR: Final = 5.0  # another route keeps this much farther from a label than its own route
ACROSS: Final = 14.0  # and this far from the long sides of one by a vertical segment
END_GAP: Final = 12.0  # labels keep off the route's ends (arrow heads)
NEAR_END: Final = 200.0  # this far before the own part's target end scores like its ends
BESIDE_COST: Final = 0.25  # score penalties, in units of "at an end, away from the middle"
VERTICAL_COST: Final = 0.15  # on a vertical segment (text reads across the line)
SPACING: Final = 8.0  # least distance between two positions tried along a stretch
SAMPLES: Final = 24  # most positions tried along one stretch...
SLIDES: Final = 3  # ...each sliding past at most this many obstacles in its way
TRIES: Final = 200  # candidates tried for one text at most
CROWD: Final = 400  # with more routes than this (a view routed straight), labels get less:
CROWDED_SAMPLES: Final = 3  # positions along one stretch, no sliding,
CROWDED_TRIES: Final = 12  # and so many candidates for one text
CELL: Final = 256.0  # of the spatial hash of cards, title bands and labels

Measure = Callable[[str], tuple[float, float]]
Size = tuple[float, float]


@dataclass(frozen=True)
class _Stretch:
    """A part of one segment that is the route's own."""

    a: Point  # the segment's ends
    b: Point
    done: float  # route length before the segment
    first: float  # where along it a label may reach, as distances from a (the stretch less
    last: float  # a margin at each end, and the route's ends kept free for arrow heads)

    @property
    def horizontal(self) -> bool:
        return self.a[1] == self.b[1]


def place_labels(
    obstacles: Obstacles,
    routes: Mapping[str, Sequence[Point]],
    labels: Sequence[LabelRequest],
    measure: Measure,
) -> dict[str, PlacedLabel]:
    wanted = [r for r in labels if any(r.texts) and len(routes.get(r.id, ())) >= 2]
    if not wanted:
        return {}
    lines = Lines(routes)
    crowded = len(routes) > CROWD
    blocked: _Blocked | None = None
    sizes: dict[str, Size] = {}
    placed: dict[str, PlacedLabel] = {}
    for request in wanted:
        if request.id in placed:
            continue
        stretches = _own_stretches(lines, request.id, routes[request.id])
        if not stretches:
            continue
        longest = (
            max((s.last - s.first for s in stretches if s.horizontal), default=-1.0),
            max((s.last - s.first for s in stretches if not s.horizontal), default=-1.0),
        )
        placer: _Placer | None = None
        for text in request.texts:
            if not text:
                continue
            if text not in sizes:
                sizes[text] = measure(text)
            width, height = sizes[text]
            if width > longest[0] and height > longest[1]:
                continue  # no own stretch is long enough for this text
            if blocked is None:
                blocked = _obstacles(obstacles)
            placer = placer or _Placer(request.id, stretches, blocked, lines, crowded)
            found = placer.best((width, height))
            if found is not None:
                placed[request.id] = PlacedLabel(text, found)
                blocked.add(rect_of(found))
                break
    return placed


def _obstacles(obstacles: Obstacles) -> _Blocked:
    blocked = _Blocked()
    for box in obstacles.nodes.values():
        blocked.add(rect_of(box))
    for box in obstacles.containers.values():
        blocked.add(rect_of(band_of(box, obstacles.header)))
    return blocked


class _Blocked:
    """Cards, title bands and the labels placed so far, in a spatial hash."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Rect]] = {}

    def add(self, rect: Rect) -> None:
        cells = self.cells
        for cx in range(int(rect[0] // CELL), int(rect[2] // CELL) + 1):
            for cy in range(int(rect[1] // CELL), int(rect[3] // CELL) + 1):
                cell = cells.get((cx, cy))
                if cell is None:
                    cells[(cx, cy)] = [rect]
                else:
                    cell.append(rect)

    def hit(self, rect: Rect) -> Rect | None:
        """One of them whose interior meets the rectangle's, if any."""
        left, top, right, bottom = rect
        for cx in range(int(left // CELL), int(right // CELL) + 1):
            for cy in range(int(top // CELL), int(bottom // CELL) + 1):
                for other in self.cells.get((cx, cy), ()):
                    if (
                        left < other[2]
                        and other[0] < right
                        and top < other[3]
                        and other[1] < bottom
                    ):
                        return other
        return None


def _own_stretches(lines: Lines, edge: str, route: Sequence[Point]) -> list[_Stretch]:
    """The parts of the route's segments that are its own, less a margin at each end, and
    the route's ends kept free for arrow heads."""
    alone = lines.alone(edge)
    if not alone:
        return []  # the usual case with straight routes: decided without a look at the route
    found: list[_Stretch] = []
    done = 0.0
    last = len(route) - 2
    for n in range(last + 1):
        a, b = route[n], route[n + 1]
        length = _length(a, b)
        if (a[0] == b[0]) == (a[1] == b[1]):
            done += length
            continue  # slanted (or a point): no label on it
        axis = 0 if a[1] == b[1] else 1
        start, end = a[axis], b[axis]
        low, high = min(start, end), max(start, end)
        for on, at, lo, hi in alone:
            if on != axis or at != a[1 - axis] or lo >= high or hi <= low:
                continue
            lo, hi = max(lo, low), min(hi, high)
            first, stop = (lo - start, hi - start) if start < end else (start - hi, start - lo)
            first, stop = first + MARGIN, stop - MARGIN
            if n == 0:
                first = max(first, END_GAP)
            if n == last:
                stop = min(stop, length - END_GAP)
            if stop > first:
                found.append(_Stretch(a, b, done, first, stop))
        done += length
    return found


class _Placer:
    def __init__(
        self,
        edge: str,
        stretches: list[_Stretch],
        blocked: _Blocked,
        lines: Lines,
        crowded: bool,
    ) -> None:
        self.edge, self.stretches, self.blocked, self.lines = edge, stretches, blocked, lines
        self.crowded = crowded
        self.start = min(s.done + s.first for s in stretches)  # the own part, along the route
        self.end = max(s.done + s.last for s in stretches)

    def best(self, size: Size) -> Box | None:
        """The cheapest free place. Candidates are tried cheapest first; one that meets a card,
        a band or a label slides along its stretch past it (not with many routes), which may
        cost more, so the search goes on while a candidate could still do better."""
        candidates: list[tuple[float, int, int, float, int]] = []
        for n, stretch in enumerate(self.stretches):
            span = size[0] if stretch.horizontal else size[1]
            low, high = stretch.first + span / 2, stretch.last - span / 2
            for along in self._positions(low, high, stretch.done):
                for side in (0, -1, 1):
                    score = self._score(stretch, along, side)
                    candidates.append((score, len(candidates), n, along, side))
        candidates.sort()
        best: tuple[float, Rect] | None = None
        seen: set[tuple[int, float, int]] = set()
        for tries, (score, _, n, along, side) in enumerate(candidates):
            if tries == (CROWDED_TRIES if self.crowded else TRIES) or (
                best is not None and score >= best[0]
            ):
                break
            spot = self._free(n, along, side, size)
            if spot is None or (n, spot[0], side) in seen:
                continue
            seen.add((n, spot[0], side))
            total = self._score(self.stretches[n], spot[0], side)
            if best is None or total < best[0]:
                best = (total, spot[1])
        if best is None:
            return None
        left, top, right, bottom = best[1]
        return Box(left, top, right - left, bottom - top)

    def _free(self, n: int, along: float, side: int, size: Size) -> tuple[float, Rect] | None:
        """The candidate, or where it ends up sliding past what it meets, if it is free and
        no other route comes near."""
        stretch = self.stretches[n]
        rect = _rect_at(stretch.a, stretch.b, along, side, size)
        hit = self.blocked.hit(_grown(rect, MARGIN))
        if hit is not None:
            if self.crowded:
                return None
            found = self._slide(stretch, along, side, size, rect, hit)
            if found is None:
                return None
            along, rect = found
        clear = (BESIDE if side else 0.0) + CLEAR
        if stretch.horizontal:
            room = _grown(rect, clear)
        else:  # the label's long sides run across its route: keep other routes further off them
            room = (rect[0] - clear, rect[1] - ACROSS, rect[2] + clear, rect[3] + ACROSS)
        if self.lines.near(self.edge, room):
            return None
        return along, rect

    def _slide(
        self, stretch: _Stretch, along: float, side: int, size: Size, rect: Rect, hit: Rect
    ) -> tuple[float, Rect] | None:
        """Move the label along its stretch just past each obstacle it meets, away from the
        obstacle's centre, a few times at most."""
        axis = 0 if stretch.horizontal else 1
        forwards = 1.0 if stretch.b[axis] > stretch.a[axis] else -1.0
        span = size[axis]
        low, high = stretch.first + span / 2, stretch.last - span / 2
        away = 1 if rect[axis] + rect[axis + 2] > hit[axis] + hit[axis + 2] else -1
        for _ in range(SLIDES):
            if away > 0:
                shift = hit[axis + 2] + MARGIN - rect[axis] + 0.01
            else:
                shift = hit[axis] - MARGIN - rect[axis + 2] - 0.01
            along = round(along + shift * forwards, 2)
            if not low <= along <= high:
                return None
            rect = _rect_at(stretch.a, stretch.b, along, side, size)
            found = self.blocked.hit(_grown(rect, MARGIN))
            if found is None:
                return along, rect
            hit = found
        return None

    def _positions(self, low: float, high: float, done: float) -> list[float]:
        """Evenly spread over [low, high], and the one there nearest the own part's middle."""
        if high < low:
            return []
        middle = min(max((self.start + self.end) / 2 - done, low), high)
        samples = CROWDED_SAMPLES if self.crowded else SAMPLES
        count = min(samples, int((high - low) // SPACING) + 1)
        if count <= 1:
            return [middle]
        return [middle, *(low + (high - low) * n / (count - 1) for n in range(count))]

    def _score(self, stretch: _Stretch, along: float, side: int) -> float:
        """Where the label sits: 0 at the middle of the route's own part, 1 at its ends, less
        near its target end; more beside the line than on it, and on a vertical stretch."""
        at = stretch.done + along
        half = max((self.end - self.start) / 2, 1.0)
        where = min(abs(at - (self.start + self.end) / 2) / half, (self.end - at) / NEAR_END)
        return (
            where + (0.0 if stretch.horizontal else VERTICAL_COST) + (BESIDE_COST if side else 0.0)
        )


def _rect_at(a: Point, b: Point, along: float, side: int, size: Size) -> Rect:
    """The label's rectangle `along` from a towards b: on the segment (side 0) or beside it."""
    width, height = size
    t = along / _length(a, b)
    x, y = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
    if a[1] == b[1]:
        y += side * (height / 2 + BESIDE)
    else:
        x += side * (width / 2 + BESIDE)
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _grown(rect: Rect, margin: float) -> Rect:
    return (rect[0] - margin, rect[1] - margin, rect[2] + margin, rect[3] + margin)


def _length(a: Point, b: Point) -> float:
    return abs(b[0] - a[0]) + abs(b[1] - a[1])
