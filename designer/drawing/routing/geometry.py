"""Small geometry for the router: rectangles as tuples, the four directions, polyline clean-up."""

from __future__ import annotations

from collections.abc import Iterable

from designer.drawing.layout import Box, Point

Rect = tuple[float, float, float, float]  # left, top, right, bottom

NORTH, EAST, SOUTH, WEST = 0, 1, 2, 3


def opposite(direction: int) -> int:
    return (direction + 2) % 4


def vertical(direction: int) -> bool:
    return direction in (NORTH, SOUTH)


def snap(value: float) -> float:
    """Coordinates are compared exactly; rounding keeps sums like x + w / 2 from drifting."""
    return round(value, 6)


def rect_of(box: Box, pad: float = 0.0) -> Rect:
    return (box.x - pad, box.y - pad, box.right + pad, box.bottom + pad)


def band_of(box: Box, header: float) -> Box:
    """The title band at the top of a container."""
    return Box(box.x, box.y, box.width, min(header, box.height))


def strictly_inside(rect: Rect, x: float, y: float) -> bool:
    return rect[0] < x < rect[2] and rect[1] < y < rect[3]


def simplify(points: Iterable[Point]) -> list[Point]:
    """Drop repeated points and merge consecutive collinear segments."""
    out: list[Point] = []
    for point in points:
        if out and point == out[-1]:
            continue
        if len(out) >= 2 and _collinear(out[-2], out[-1], point):
            out[-1] = point
            if out[-1] == out[-2]:
                out.pop()
            continue
        out.append(point)
    return out


def _collinear(a: Point, b: Point, c: Point) -> bool:
    return (a[0] == b[0] == c[0]) or (a[1] == b[1] == c[1])
