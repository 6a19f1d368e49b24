"""Where a route may leave or enter an end: ports on the border and the grid vertex beyond each.

A node offers the centre of each side (the nudging pass later spreads edges that share a side).
A container offers every grid line that crosses one of its sides; when it contains the other end,
only the lower side of its title band, entered from below.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Final

from designer.drawing.layout import Box, Point
from designer.drawing.routing.geometry import (
    EAST,
    NORTH,
    SOUTH,
    WEST,
    Rect,
    snap,
    strictly_inside,
    vertical,
)
from designer.drawing.routing.grid import Grid

PORT_MARGIN: Final = 12.0  # keep container ports off the corners


@dataclass(frozen=True)
class Port:
    point: Point  # on the border
    out: int  # direction pointing away from the box
    vertex: int  # first free grid vertex on the ray from point
    length: float  # from point to that vertex


def node_ports(grid: Grid, box: Box, own: list[Rect]) -> list[Port]:
    cx, cy = snap(box.x + box.width / 2), snap(box.y + box.height / 2)
    sides = (
        ((cx, box.y), NORTH),
        ((box.right, cy), EAST),
        ((cx, box.bottom), SOUTH),
        ((box.x, cy), WEST),
    )
    return [p for point, out in sides if (p := _walk(grid, own, point, out)) is not None]


def container_ports(
    grid: Grid, box: Box, header: float, own: list[Rect], band_bottom: float | None
) -> list[Port]:
    """Ports on the top and bottom sides and beside the title band (an arrow into a container's
    side lower down would seem to point at the card beside it), or only on the band's lower side
    when `band_bottom` is given."""
    xs = _lines(grid.xs, box.x, box.right)
    if band_bottom is not None:
        wanted = [((x, band_bottom), SOUTH) for x in xs]
    else:
        ys = _lines(grid.ys, box.y, box.y + header)
        wanted = [((x, box.y), NORTH) for x in xs] + [((x, box.bottom), SOUTH) for x in xs]
        wanted += [((box.x, y), WEST) for y in ys] + [((box.right, y), EAST) for y in ys]
    return [p for point, out in wanted if (p := _walk(grid, own, point, out)) is not None]


def _lines(lines: list[float], start: float, end: float) -> list[float]:
    margin = min(PORT_MARGIN, (end - start) / 4)
    return lines[bisect_left(lines, start + margin) : bisect_right(lines, end - margin)]


def _walk(grid: Grid, own: list[Rect], point: Point, out: int) -> Port | None:
    """Follow the ray out of the box to the first free vertex, past the end's own solids only."""
    x, y = point
    if vertical(out):
        line, along, step = grid.x_index.get(x), grid.ys, y
    else:
        line, along, step = grid.y_index.get(y), grid.xs, x
    if line is None:
        return None
    if out in (NORTH, WEST):
        indices = range(bisect_left(along, step) - 1, -1, -1)
    else:
        indices = range(bisect_right(along, step), len(along))
    ny = grid.ny
    for k in indices:
        vertex = line * ny + k if vertical(out) else k * ny + line
        if grid.free[vertex]:
            return Port(point, out, vertex, abs(along[k] - step))
        vx, vy = grid.point(vertex)
        if not any(strictly_inside(r, vx, vy) for r in own):
            return None  # something else stands right against this side
    return None
