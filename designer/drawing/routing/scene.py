"""The obstacles of one routing call, prepared once: sorted ids, inflated solids, the grid.

A solid is what an edge may not pass through: a node card, grown by CLEARANCE so lines keep off
it, or a container's title band (grown a little less). Each solid remembers its owner, so an edge
can treat its own ends differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from designer.drawing.layout import Box
from designer.drawing.routing.api import Obstacles
from designer.drawing.routing.geometry import Rect, band_of, rect_of
from designer.drawing.routing.grid import Grid, build_grid

CLEARANCE: Final = 6.0  # between an edge and a card it passes
BAND_CLEARANCE: Final = 4.0  # between an edge and a title band it passes


@dataclass(frozen=True)
class Solid:
    owner: str  # node or container id
    rect: Rect  # grown by the clearance
    raw: Rect  # as drawn


@dataclass
class Scene:
    nodes: dict[str, Box]  # sorted by id, so input dict order never matters
    containers: dict[str, Box]
    header: float
    solids: list[Solid]
    grid: Grid

    def box(self, end: str) -> Box | None:
        return self.nodes.get(end) or self.containers.get(end)

    def own_solids(self, end: str) -> list[Solid]:
        return [s for s in self.solids if s.owner == end]


def solids_of(obstacles: Obstacles) -> list[Solid]:
    solids = [
        Solid(i, rect_of(box, CLEARANCE), rect_of(box))
        for i, box in sorted(obstacles.nodes.items())
    ]
    for i, box in sorted(obstacles.containers.items()):
        band = band_of(box, obstacles.header)
        solids.append(Solid(i, rect_of(band, BAND_CLEARANCE), rect_of(band)))
    return solids


def build_scene(obstacles: Obstacles) -> Scene:
    nodes = dict(sorted(obstacles.nodes.items()))
    containers = dict(sorted(obstacles.containers.items()))
    solids = solids_of(obstacles)
    grid = build_grid(list(nodes.values()), list(containers.values()), obstacles.header, solids)
    return Scene(nodes, containers, obstacles.header, solids, grid)
