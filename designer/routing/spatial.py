"""Spatial hashes for label placement: rectangles (cards, bands, placed labels) and route
segments, so that each test looks only at what is near."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from designer.layout import Point
from designer.routing.geometry import Rect

BUNDLE: Final = 12.0  # routes closer than this run alongside each other (a shared stretch)
MAX_COVERED: Final = 4  # counting the routes a label covers stops here
CELL: Final = 128.0


def _cells(rect: Rect) -> Iterator[tuple[int, int]]:
    for cx in range(int(rect[0] // CELL), int(rect[2] // CELL) + 1):
        for cy in range(int(rect[1] // CELL), int(rect[3] // CELL) + 1):
            yield cx, cy


class RectIndex:
    """Rectangles in a spatial hash: does a rectangle overlap any of them?"""

    def __init__(self) -> None:
        self.cells: defaultdict[tuple[int, int], list[Rect]] = defaultdict(list)

    def add(self, rect: Rect) -> None:
        for cell in _cells(rect):
            self.cells[cell].append(rect)

    def hit(self, rect: Rect) -> Rect | None:
        """One of the rectangles that overlaps `rect` (interiors meet), if any."""
        left, top, right, bottom = rect
        for cell in _cells(rect):
            for other in self.cells.get(cell, ()):
                if left < other[2] and other[0] < right and top < other[3] and other[1] < bottom:
                    return other
        return None


class LineIndex:
    """Every route's segments in a spatial hash: which run alongside another route, and which
    pass through a label's box."""

    def __init__(self, routes: Mapping[str, Sequence[Point]]) -> None:
        self.cells: defaultdict[tuple[int, int], list[tuple[str, int, Rect]]] = defaultdict(list)
        for edge, route in routes.items():
            for n in range(len(route) - 1):
                (ax, ay), (bx, by) = route[n], route[n + 1]
                rect = (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
                for cell in _cells(rect):
                    self.cells[cell].append((edge, n, rect))

    def _near(self, edge: str, rect: Rect) -> Iterator[Rect]:
        """Segments of other routes that meet the rectangle (each once)."""
        left, top, right, bottom = rect
        seen: set[tuple[str, int]] = set()
        for cell in _cells(rect):
            for other, n, line in self.cells.get(cell, ()):
                if other == edge or (other, n) in seen:
                    continue
                if line[0] <= right and left <= line[2] and line[1] <= bottom and top <= line[3]:
                    seen.add((other, n))
                    yield line

    def shared(self, edge: str, a: Point, b: Point, first: float, last: float) -> float:
        """How much of segment a-b, from `first` to `last` along it, runs alongside another
        route."""
        horizontal = a[1] == b[1]
        origin, towards = (a[0], b[0]) if horizontal else (a[1], b[1])
        step = 1.0 if towards >= origin else -1.0
        start, end = sorted((origin + step * first, origin + step * last))
        if horizontal:
            area = (start, a[1] - BUNDLE, end, a[1] + BUNDLE)
            spans = ((line[0], line[2]) for line in self._near(edge, area) if line[1] == line[3])
        else:
            area = (a[0] - BUNDLE, start, a[0] + BUNDLE, end)
            spans = ((line[1], line[3]) for line in self._near(edge, area) if line[0] == line[2])
        covered = 0.0
        for lo, hi in spans:
            covered = max(covered, min(hi, end) - max(lo, start))
            if covered >= end - start:
                break
        return max(0.0, covered) / max(end - start, 1.0)

    def covered(self, edge: str, rect: Rect) -> int:
        """How many segments of other routes pass through the rectangle."""
        count = 0
        for _ in self._near(edge, rect):
            count += 1
            if count == MAX_COVERED:
                break
        return count
