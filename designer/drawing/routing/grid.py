"""A sparse orthogonal grid over the free space: the lines edges may run along.

Lines run through the middle of every gap between two facing walls (card sides, container sides,
title bands), so a route naturally keeps to channel centres, and through the centre of every
solid, which guarantees that the straight step between two neighbouring free vertices never
crosses a solid (a solid always contains a line of each axis, hence a blocked vertex). Vertices
inside a solid are blocked; a route moves from a free vertex to the next free one on its line.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from designer.drawing.layout import Box, Point
from designer.drawing.routing.geometry import EAST, NORTH, SOUTH, WEST, Rect, snap

if TYPE_CHECKING:
    from designer.drawing.routing.scene import Solid

FRAME: Final = 48.0  # free margin around everything, for routes that go round the outside

Wall = tuple[float, float, float]  # coordinate, start, end (a side seen along one axis)
Move = tuple[int, int, float, int, int]  # heading, next vertex, length, grid edge, its area
AREA: Final = 48.0  # side of the squares in which the crowding of a channel is counted


def edge_key(a: int, b: int, horizontal: bool) -> int:
    """One key per grid edge, whichever way it is walked."""
    return min(a, b) * 2 + (1 if horizontal else 0)


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    free: bytearray  # by vertex index i * len(ys) + j
    x_index: dict[float, int] = field(default_factory=dict)
    y_index: dict[float, int] = field(default_factory=dict)
    _moves: dict[int, tuple[Move, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.x_index = {x: i for i, x in enumerate(self.xs)}
        self.y_index = {y: j for j, y in enumerate(self.ys)}

    @property
    def ny(self) -> int:
        return len(self.ys)

    def moves(self, vertex: int) -> tuple[Move, ...]:
        """The steps from a free vertex to its free neighbours (computed once, on demand)."""
        found = self._moves.get(vertex)
        if found is None:
            found = self._moves[vertex] = tuple(self._steps(vertex))
        return found

    def _steps(self, vertex: int) -> Iterator[Move]:
        xs, ys, free, ny = self.xs, self.ys, self.free, len(self.ys)
        i, j = divmod(vertex, ny)
        steps = []
        if j > 0 and free[vertex - 1]:
            steps.append((NORTH, vertex - 1, ys[j] - ys[j - 1], (vertex - 1) * 2))
        if i + 1 < len(xs) and free[vertex + ny]:
            steps.append((EAST, vertex + ny, xs[i + 1] - xs[i], vertex * 2 + 1))
        if j + 1 < ny and free[vertex + 1]:
            steps.append((SOUTH, vertex + 1, ys[j + 1] - ys[j], vertex * 2))
        if i > 0 and free[vertex - ny]:
            steps.append((WEST, vertex - ny, xs[i] - xs[i - 1], (vertex - ny) * 2 + 1))
        for heading, other, length, key in steps:
            yield heading, other, length, key, self.area(key)

    def area(self, key: int) -> int:
        """The square (and direction) a grid edge lies in, for counting crowded channels."""
        vertex, horizontal = divmod(key, 2)
        (ax, ay), (bx, by) = (
            self.point(vertex),
            self.point(vertex + (len(self.ys) if horizontal else 1)),
        )
        column, row = int((ax + bx) / 2 // AREA), int((ay + by) / 2 // AREA)
        return ((column * 65537 + row) << 1) | horizontal

    def point(self, vertex: int) -> Point:
        i, j = divmod(vertex, len(self.ys))
        return self.xs[i], self.ys[j]


def build_grid(
    nodes: Sequence[Box], containers: Sequence[Box], header: float, solids: Sequence[Solid]
) -> Grid:
    frame = _frame([*nodes, *containers])
    vertical_walls, horizontal_walls = _walls(nodes, containers, header, frame)
    xs = _midlines(vertical_walls) | {frame.x, frame.right}
    ys = _midlines(horizontal_walls) | {frame.y, frame.bottom}
    for solid in solids:
        left, top, right, bottom = solid.rect
        xs.add(snap((left + right) / 2))
        ys.add(snap((top + bottom) / 2))
    grid = Grid(sorted(xs), sorted(ys), bytearray())
    grid.free = _free(grid, [s.rect for s in solids])
    return grid


def _frame(boxes: Sequence[Box]) -> Box:
    if not boxes:
        return Box(-FRAME, -FRAME, 2 * FRAME, 2 * FRAME)
    left = min(b.x for b in boxes) - FRAME
    top = min(b.y for b in boxes) - FRAME
    right = max(b.right for b in boxes) + FRAME
    bottom = max(b.bottom for b in boxes) + FRAME
    return Box(left, top, right - left, bottom - top)


def _walls(
    nodes: Sequence[Box], containers: Sequence[Box], header: float, frame: Box
) -> tuple[list[Wall], list[Wall]]:
    vertical: list[Wall] = []
    horizontal: list[Wall] = []
    for box in [*nodes, *containers, frame]:
        vertical += [(box.x, box.y, box.bottom), (box.right, box.y, box.bottom)]
        horizontal += [(box.y, box.x, box.right), (box.bottom, box.x, box.right)]
    for box in containers:
        horizontal.append((box.y + min(header, box.height), box.x, box.right))
    return vertical, horizontal


def _midlines(walls: Iterable[Wall]) -> set[float]:
    """The middle between each wall and the nearest wall facing it (further along the axis)."""
    ordered = sorted(set(walls))
    lines: set[float] = set()
    for n, (at, start, end) in enumerate(ordered):
        for other_at, other_start, other_end in ordered[n + 1 :]:
            if other_at > at and other_start < end and other_end > start:
                lines.add(snap((at + other_at) / 2))
                break
    return lines


def _free(grid: Grid, rects: Iterable[Rect]) -> bytearray:
    ny = len(grid.ys)
    free = bytearray(b"\x01") * (len(grid.xs) * ny)
    for left, top, right, bottom in rects:
        j0, j1 = bisect_right(grid.ys, top), bisect_left(grid.ys, bottom)
        if j1 <= j0:
            continue
        blocked = bytes(j1 - j0)
        for i in range(bisect_right(grid.xs, left), bisect_left(grid.xs, right)):
            free[i * ny + j0 : i * ny + j1] = blocked
    return free
