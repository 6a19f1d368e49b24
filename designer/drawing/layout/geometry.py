"""Sizes and rectangles of the canvas, in scene units (top-left origin, y grows downwards).

One table of sizes for the editor, the automatic layout, edge routing and every exported diagram,
so a picture drawn anywhere has the same proportions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

Point = tuple[float, float]

NODE_WIDTH: Final = 220.0  # wide enough for a name of about 40 characters on two lines
NODE_HEIGHT: Final = 64.0
HEADER: Final = 28.0  # band at the top of a container for its name
PADDING: Final = 16.0  # inside a container, around its content
GAP: Final = 32.0  # between sibling nodes and sibling containers: room for edges and labels
ROW_LENGTH: Final = 4  # accounts per row inside a container (more in a large one: row_length)
MIN_WIDTH: Final = 200.0  # size of an empty container
MIN_HEIGHT: Final = 90.0
CARD_WIDTH: Final = NODE_WIDTH  # a collapsed OU's card: in line with the account columns,
CARD_HEIGHT: Final = 112.0  # tall enough for its counts, functions and environments
SIDE_GAP: Final = 64.0  # between the IdP / outside principal column and the organization box
SIDE_MIN_ROWS: Final = 6  # the side column wraps only after this many nodes (or the org's height)


@dataclass(frozen=True)
class Box:
    """A rectangle in scene coordinates (top-left origin, y grows downwards)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def top_left(self) -> Point:
        return (self.x, self.y)

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def overlaps(self, other: Box) -> bool:
        """True when the interiors intersect (touching edges do not count)."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.width, self.height)

    def grown(self, margin: float) -> Box:
        return Box(
            self.x - margin, self.y - margin, self.width + 2 * margin, self.height + 2 * margin
        )


def node_box(position: Point) -> Box:
    """The rectangle a node occupies when its top-left is at `position`."""
    return Box(position[0], position[1], NODE_WIDTH, NODE_HEIGHT)


def union(boxes: Iterable[Box]) -> Box:
    """The smallest box holding all `boxes` (at least one)."""
    items = list(boxes)
    left = min(b.x for b in items)
    top = min(b.y for b in items)
    right = max(b.right for b in items)
    bottom = max(b.bottom for b in items)
    return Box(left, top, right - left, bottom - top)


def wrap(content: Box) -> Box:
    """A container's box around its content: padding all round and the header band on top."""
    return Box(
        content.x - PADDING,
        content.y - HEADER - PADDING,
        max(MIN_WIDTH, content.width + 2 * PADDING),
        max(MIN_HEIGHT, content.height + HEADER + 2 * PADDING),
    )


def content_origin(box: Box) -> Point:
    """Where the first node goes inside a container's box (below its header)."""
    return (box.x + PADDING, box.y + HEADER + PADDING)


class BoxGrid:
    """Boxes hashed by area, to find the ones a box meets without looking at all of them.

    A box spanning many cells (an OU stretched across the canvas) is kept aside and checked
    directly, so it costs one comparison, not thousands of cells.
    """

    LARGE = 64  # cells: a box spanning more is kept aside

    def __init__(self, cell: float = 512.0) -> None:
        self.cell = cell  # larger than a node, so a node lands in at most four cells
        self.boxes: list[Box] = []
        self._large: list[Box] = []
        self._cells: dict[tuple[int, int], list[Box]] = defaultdict(list)

    def add(self, box: Box) -> None:
        self.boxes.append(box)
        if self._span(box) > self.LARGE:
            self._large.append(box)
            return
        for cell in self._cells_of(box):
            self._cells[cell].append(box)

    def meeting(self, box: Box) -> list[Box]:
        """The boxes whose interiors meet `box`'s, each once."""
        found = {id(other): other for other in self._large if box.overlaps(other)}
        cells = self._cells_of(box) if self._span(box) <= self.LARGE else self._cells
        for cell in cells:
            for other in self._cells.get(cell, ()):
                if box.overlaps(other):
                    found[id(other)] = other
        return list(found.values())

    def _span(self, box: Box) -> int:
        size = self.cell
        columns = math.floor(box.right / size) - math.floor(box.x / size) + 1
        rows = math.floor(box.bottom / size) - math.floor(box.y / size) + 1
        return columns * rows

    def _cells_of(self, box: Box) -> Iterable[tuple[int, int]]:
        size = self.cell
        for column in range(math.floor(box.x / size), math.floor(box.right / size) + 1):
            for row in range(math.floor(box.y / size), math.floor(box.bottom / size) + 1):
                yield column, row


def row_length(accounts: int) -> int:
    """Accounts per row of a container's grid: ROW_LENGTH, or for a large OU as many as make its
    grid about square on screen (250 accounts: 10 rows of 25, not 63 rows of 4)."""
    square = math.ceil(math.sqrt(accounts * (NODE_HEIGHT + GAP) / (NODE_WIDTH + GAP)))
    return max(ROW_LENGTH, square)
