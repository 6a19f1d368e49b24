"""place_labels: each edge's label on or right beside its own route, covering no card, no title
band and no other label.

Labels are placed in the order given (the most important first). For each text, best first, the
candidates are positions along every segment long enough for the label: centred on the line or
just beside it. They are scored by where they sit (near the middle or near the target end, on
the route's own part rather than where it runs alongside another route) and by how many other
routes they cover; the best free one wins, and a candidate that meets a label already placed
slides along its segment past it. A label that fits nowhere, even with its shortest text, is
left out; an empty text is never placed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from designer.layout import Box, Point
from designer.routing.api import LabelRequest, Obstacles, PlacedLabel
from designer.routing.geometry import Rect, band_of, rect_of
from designer.routing.spatial import LineIndex, RectIndex

MARGIN: Final = 2.0  # kept free round a label
BESIDE: Final = 3.0  # between the line and a label beside it
END_GAP: Final = 12.0  # labels keep off the route's ends (arrow heads)
NEAR_END: Final = 200.0  # this far before the target end scores like the farthest from the middle
SHARED: Final = 1.5  # score penalties, in units of "at an end, away from the middle"
BESIDE_COST: Final = 0.25
VERTICAL_COST: Final = 0.15  # on a vertical segment (text reads across the line)
COVER_COST: Final = 0.5  # per other route under the label
SAMPLES: Final = 16  # most positions tried along one segment...
CROWD: Final = 400  # ...and with more routes than this (a view routed straight), so many:
CROWDED_SAMPLES: Final = 5  # there a candidate does not slide, and covered routes are not counted
SPACING: Final = 18.0  # least distance between two positions tried along a segment
SLIDES: Final = 3  # a blocked candidate slides past at most this many obstacles
TRIES: Final = 150  # candidates tried for one text at most...
WEIGHED: Final = 16  # ...and free places weighed against each other at most

Measure = Callable[[str], tuple[float, float]]
Size = tuple[float, float]


def place_labels(
    obstacles: Obstacles,
    routes: Mapping[str, Sequence[Point]],
    labels: Sequence[LabelRequest],
    measure: Measure,
) -> dict[str, PlacedLabel]:
    blocked = RectIndex()
    for box in obstacles.nodes.values():
        blocked.add(rect_of(box))
    for box in obstacles.containers.values():
        blocked.add(rect_of(band_of(box, obstacles.header)))
    lines = LineIndex(routes)
    crowded = len(routes) > CROWD
    sizes: dict[str, Size] = {}
    placed: dict[str, PlacedLabel] = {}
    for request in labels:
        route = routes.get(request.id)
        if not route or len(route) < 2 or request.id in placed:
            continue
        for text in request.texts:
            if not text:
                continue
            if text not in sizes:
                sizes[text] = measure(text)
            found = _Placer(request.id, route, sizes[text], blocked, lines, crowded).best()
            if found is not None:
                placed[request.id] = PlacedLabel(text, found)
                blocked.add(rect_of(found))
                break
    return placed


@dataclass(frozen=True)
class _Stretch:
    """Where along one segment a label's centre may go."""

    a: Point
    b: Point
    done: float  # route length before the segment
    first: float  # distances from a
    last: float
    penalty: float
    sides: tuple[int, ...]  # 0 on the line, -1 / +1 beside it


class _Placer:
    def __init__(
        self,
        edge: str,
        route: Sequence[Point],
        size: Size,
        blocked: RectIndex,
        lines: LineIndex,
        crowded: bool,
    ) -> None:
        self.edge, self.size, self.blocked, self.lines = edge, size, blocked, lines
        self.crowded = crowded
        self.total = sum(_length(route[n], route[n + 1]) for n in range(len(route) - 1)) or 1.0
        self.stretches = list(_stretches(route, size))
        self.slid: dict[tuple[int, int, Rect, int], tuple[float, Rect] | None] = {}

    def best(self) -> Box | None:
        """The cheapest free candidate. A candidate's score leaves out what depends on the
        other routes (never negative), so trying them cheapest first the search stops as soon
        as no remaining one can beat the best found."""
        candidates: list[tuple[float, int, int, float, int]] = []
        for n, stretch in enumerate(self.stretches):
            for along in _positions(stretch, CROWDED_SAMPLES if self.crowded else SAMPLES):
                for side in stretch.sides:
                    score = self.score(stretch, along, side)
                    candidates.append((score, len(candidates), n, along, side))
        best: tuple[float, Rect] | None = None
        tried: set[tuple[int, float, int]] = set()
        for tries, (score, _, n, along, side) in enumerate(sorted(candidates)):
            if best is not None and score >= best[0]:
                break
            if tries == TRIES or len(tried) == WEIGHED:
                break  # enough looked at: take the best so far, or try the next text
            spot = self.free_spot(n, along, side)
            if spot is None or (n, round(spot[0], 1), side) in tried:
                continue
            tried.add((n, round(spot[0], 1), side))
            total = self.score(self.stretches[n], spot[0], side)
            total += self.shared(n, spot[0])
            if not self.crowded and (best is None or total < best[0]):
                total += COVER_COST * self.lines.covered(self.edge, spot[1])
            if best is None or total < best[0]:
                best = (total, spot[1])
        if best is None:
            return None
        left, top, right, bottom = best[1]
        return Box(left, top, right - left, bottom - top)

    def score(self, stretch: _Stretch, along: float, side: int) -> float:
        at = stretch.done + along
        where = min(abs(at / self.total - 0.5) * 2, (self.total - at) / NEAR_END)
        return where + stretch.penalty + (BESIDE_COST if side else 0.0)

    def shared(self, n: int, along: float) -> float:
        stretch = self.stretches[n]
        span = self.size[0] if stretch.a[1] == stretch.b[1] else self.size[1]
        first, last = along - span / 2, along + span / 2
        return SHARED * self.lines.shared(self.edge, stretch.a, stretch.b, first, last)

    def free_spot(self, n: int, along: float, side: int) -> tuple[float, Rect] | None:
        """The candidate, or where it ends up sliding along the segment past what it meets
        (candidates stopped by the same obstacle end up in the same place: remembered)."""
        stretch = self.stretches[n]
        rect = _rect_at(stretch.a, stretch.b, along, side, self.size)
        hit = self.blocked.hit(_grown(rect))
        if hit is None:
            return along, rect
        if stretch.first == stretch.last or self.crowded:
            return None
        axis = 0 if stretch.a[1] == stretch.b[1] else 1
        away = -1 if rect[axis] + rect[axis + 2] < hit[axis] + hit[axis + 2] else 1
        key = (n, side, hit, away)
        if key not in self.slid:
            self.slid[key] = self._slide(stretch, along, side, rect, hit, away)
        return self.slid[key]

    def _slide(
        self, stretch: _Stretch, along: float, side: int, rect: Rect, hit: Rect, direction: int
    ) -> tuple[float, Rect] | None:
        """Move the label along its segment (towards larger coordinates when `direction` is
        +1) just past each obstacle it meets, a few times at most."""
        axis = 0 if stretch.a[1] == stretch.b[1] else 1
        step = 1.0 if (stretch.b[0] - stretch.a[0] + stretch.b[1] - stretch.a[1]) > 0 else -1.0
        for _ in range(SLIDES):
            if direction > 0:
                shift = hit[axis + 2] + MARGIN - rect[axis] + 0.01
            else:
                shift = hit[axis] - MARGIN - rect[axis + 2] - 0.01
            along += shift * step
            if not stretch.first <= along <= stretch.last:
                return None
            rect = _rect_at(stretch.a, stretch.b, along, side, self.size)
            found = self.blocked.hit(_grown(rect))
            if found is None:
                return along, rect
            hit = found
        return None


def _stretches(route: Sequence[Point], size: Size) -> Iterator[_Stretch]:
    width, height = size
    done = 0.0
    last = len(route) - 2
    for n in range(last + 1):
        a, b = route[n], route[n + 1]
        span = width if a[1] == b[1] else height
        gap_a, gap_b = (END_GAP if n == 0 else 2.0), (END_GAP if n == last else 2.0)
        length = _length(a, b)
        penalty = 0.0 if a[1] == b[1] else VERTICAL_COST
        if length >= span + gap_a + gap_b:  # long enough for the label
            start, stop = gap_a + span / 2, length - gap_b - span / 2
            yield _Stretch(a, b, done, start, stop, penalty, (0, -1, 1))
        done += length


def _positions(stretch: _Stretch, samples: int) -> list[float]:
    """Evenly spread positions over a stretch, closer for a label that spans less of the
    segment (one on a vertical segment: such labels stack)."""
    first, last = stretch.first, stretch.last
    count = min(samples, int((last - first) // SPACING) + 1)
    if count <= 1:
        return [(first + last) / 2]
    return [first + (last - first) * n / (count - 1) for n in range(count)]


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


def _grown(rect: Rect) -> Rect:
    return (rect[0] - MARGIN, rect[1] - MARGIN, rect[2] + MARGIN, rect[3] + MARGIN)


def _length(a: Point, b: Point) -> float:
    return abs(b[0] - a[0]) + abs(b[1] - a[1])
