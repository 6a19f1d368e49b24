"""The geometry of a design as the editor shows it: the one answer the canvas and diagrams draw.

The design's layout section holds a top-left for nodes and containers. arrange() turns it into the
picture, so that sibling boxes and nodes never overlap and every OU title stays visible:

* Bottom-up, each container's items (its accounts, and its child OUs already arranged) are taken
  in reading order, top to bottom then left to right. An item that comes closer than GAP to one
  taken before it moves right or down to the nearest free spot, so a grown OU pushes its later
  siblings; an OU that moves carries its whole subtree.
* Items without a saved position take the first free slot of their container: accounts the next
  cell of its grid of rows, OUs the end of the last row of boxes or a new row below.
* Pinned nodes (and the OUs holding them) are taken first and so never move. `yields` are taken
  last and may move in any direction: an edit passes what the user dropped, so a dropped account
  snaps to the nearest free spot instead of shoving its new neighbours away. `relocate` items
  take a free slot as if they had no position (an account or OU given another parent in the
  property editor goes into its new OU), an OU keeping its inside as it was.
* On a layout that is already resolved nothing moves. The editor stores what arrange() returns,
  so the file then says exactly what the canvas shows.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from designer.drawing.layout.geometry import (
    GAP,
    HEADER,
    NODE_HEIGHT,
    NODE_WIDTH,
    PADDING,
    ROW_LENGTH,
    SIDE_GAP,
    SIDE_MIN_ROWS,
    Box,
    BoxGrid,
    Point,
    content_origin,
    node_box,
    row_length,
    union,
    wrap,
)
from designer.drawing.layout.packing import auto_layout
from designer.drawing.layout.tree import OuTree, node_ids
from designer.model.design import Design

SEPARATION: Final = GAP  # the least distance between two siblings
EPSILON: Final = 0.01  # positions are floats: closer than this counts as touching
MAX_SEARCH: Final = 64  # candidate spots tried before an item takes the next free grid cell
_ORIGIN: Final = (0.0, 0.0)


@dataclass(frozen=True)
class Arrangement:
    nodes: dict[str, Point]  # top-left of every account, identity provider and outside principal
    containers: dict[str, Box]  # every OU's box, and the root's under the organization id

    def anchors(self) -> dict[str, Point]:
        """What the design's layout stores: every node's and every container's top-left."""
        return {**{i: b.top_left for i, b in self.containers.items()}, **self.nodes}


def arrange(
    design: Design,
    yields: Collection[str] = (),
    positions: Mapping[str, Point] | None = None,
    relocate: Collection[str] = (),
    cards: Collection[str] = (),
) -> Arrangement:
    """The design's geometry; `positions` (top-lefts by id) stand in for the saved ones;
    `cards` are collapsed OUs (the design passed holds nothing of what they hold)."""
    given = positions if positions is not None else _saved(design)
    # Whole units: every size is whole too, so sums are exact and a stored result comes back
    # bit for bit (511.2 + 32 - 32 is not always 511.2).
    saved = {i: (float(round(x)), float(round(y))) for i, (x, y) in given.items()}
    if not any(i in saved for i in node_ids(design)):  # nothing placed yet: a tidy layout
        fresh = auto_layout(design, cards=cards)
        saved = {**{i: b.top_left for i, b in fresh.containers.items()}, **fresh.nodes}
    pinned = {i for i, p in design.layout.positions.items() if p.pinned}
    return _Arranger(design, saved, pinned, set(yields), set(relocate), frozenset(cards)).run()


def _saved(design: Design) -> dict[str, Point]:
    return {i: (p.x, p.y) for i, p in design.layout.positions.items()}


@dataclass
class _Item:
    id: str
    box: Box
    is_node: bool
    placed: bool  # has a position of its own (else it takes a free slot)
    rank: int = 1  # 0: pinned, taken first; 1: in reading order; 2: yields, taken last


@dataclass
class _Arranger:
    design: Design
    saved: Mapping[str, Point]
    pinned: set[str]
    yields: set[str]
    relocate: set[str]
    cards: frozenset[str]
    tree: OuTree = field(init=False)
    local: dict[str, Point] = field(default_factory=dict)  # nodes, before ancestors move
    boxes: dict[str, Box] = field(default_factory=dict)  # containers, before ancestors move
    shift: dict[str, Point] = field(default_factory=dict)  # how far a parent moved a subtree
    placed: set[str] = field(default_factory=set)  # containers that have a place of their own
    anchored: set[str] = field(default_factory=set)  # containers holding a pinned node

    def __post_init__(self) -> None:
        self.tree = OuTree.of(self.design, self.cards)

    def run(self) -> Arrangement:
        for container in reversed(self.tree.order):
            self._arrange_container(container)
        self._arrange_side()
        return self._result()

    # -- one container --------------------------------------------------------------------------
    def _arrange_container(self, container: str) -> None:
        items = self._items(container)
        taken = _Taken()
        for item in sorted((i for i in items if i.placed), key=_reading_order(items)):
            self._take(item, taken.free_spot(item.box, any_way=item.rank == 2), taken)
        origin = self._origin(container, taken)
        columns = row_length(sum(1 for i in items if i.is_node))
        for item in (i for i in items if not i.placed and i.is_node):
            self._take(item, taken.grid_slot(origin, item.box, columns), taken)
        for item in (i for i in items if not i.placed and not i.is_node):
            self._take(item, taken.row_end(origin, item.box), taken)
        if taken.boxes:
            self.boxes[container] = wrap(union(taken.boxes))
            self.placed.add(container)
        else:
            x, y = self.saved.get(container, _ORIGIN)
            self.boxes[container] = Box(x, y, *self.tree.empty_size(container))
            if container in self.saved:
                self.placed.add(container)

    def _items(self, container: str) -> list[_Item]:
        items = [self._node_item(a) for a in self.tree.accounts[container]]
        for kid in self.tree.children[container]:
            rank = 2 if kid in self.yields else 0 if kid in self.anchored else 1
            placed = kid in self.placed and kid not in self.relocate
            items.append(_Item(kid, self.boxes[kid], False, placed, rank))
        if any(i.rank == 0 for i in items):
            self.anchored.add(container)
        return items

    def _node_item(self, node: str) -> _Item:
        at = None if node in self.relocate else self.saved.get(node)
        rank = 2 if node in self.yields else 0 if node in self.pinned else 1  # a drop moves
        return _Item(node, node_box(at or _ORIGIN), True, at is not None, rank)

    def _origin(self, container: str, taken: _Taken) -> Point:
        """The top-left of the container's first grid cell."""
        if taken.boxes:
            content = union(taken.boxes)
            return (content.x, content.y)
        x, y = self.saved.get(container, _ORIGIN)
        return content_origin(Box(x, y, *self.tree.empty_size(container)))

    def _take(self, item: _Item, box: Box, taken: _Taken) -> None:
        if item.is_node:
            self.local[item.id] = box.top_left
        else:
            self.shift[item.id] = (box.x - item.box.x, box.y - item.box.y)
        taken.add(box)

    # -- identity providers and outside principals, beside the organization ----------------------
    def _arrange_side(self) -> None:
        root_box = self.boxes[self.tree.root]
        taken = _Taken()
        taken.add(root_box)
        members = [i.id for i in self.design.identity_providers]
        members += [p.id for p in self.design.outside_principals]
        items = [self._node_item(m) for m in members]
        for item in sorted((i for i in items if i.placed), key=_reading_order(items)):
            self._take(item, taken.free_spot(item.box, any_way=item.rank == 2), taken)
        rows = max(SIDE_MIN_ROWS, int((root_box.height - HEADER) // (NODE_HEIGHT + GAP)))
        for item in (i for i in items if not i.placed):
            self._take(item, taken.side_slot(root_box, rows), taken)

    # -- all together ---------------------------------------------------------------------------
    def _result(self) -> Arrangement:
        total: dict[str, Point] = {}
        parent_of = self.tree.container_of()
        for container in self.tree.order:  # parents first
            px, py = total.get(parent_of.get(container, ""), _ORIGIN)
            dx, dy = self.shift.get(container, _ORIGIN)
            total[container] = (px + dx, py + dy)
        nodes: dict[str, Point] = {}
        for node in node_ids(self.design):
            x, y = self.local[node]
            dx, dy = total.get(parent_of.get(node, ""), _ORIGIN)
            nodes[node] = (x + dx, y + dy)
        boxes = {c: self.boxes[c].moved(*total[c]) for c in self.tree.order}
        return Arrangement(nodes, boxes)


def _reading_order(items: list[_Item]) -> Callable[[_Item], tuple[int, float, float, int]]:
    order = {item.id: index for index, item in enumerate(items)}
    return lambda item: (item.rank, item.box.y, item.box.x, order[item.id])


# --- free space ----------------------------------------------------------------------------------


class _Taken(BoxGrid):
    """The boxes already placed in one container."""

    def __init__(self) -> None:
        super().__init__()
        # Grid cells only ever fill up, so the search for the next free one goes on from where
        # the last ended: N new accounts cost N looks, not N * N.
        self._next_slot: dict[Point, int] = {}

    def clashes(self, box: Box) -> list[Box]:
        """Taken boxes closer than SEPARATION to `box`."""
        return self.meeting(box.grown(SEPARATION - EPSILON))

    def free_spot(self, box: Box, any_way: bool) -> Box:
        """`box` if it is free, else the nearest free spot: right or down (or any way)."""
        if not self.clashes(box):
            return box
        start = (box.x, box.y)
        # Never above or left of where the content (or the item) already reaches: that would
        # grow the container up or left, and its parent would then push the whole OU away.
        content = union(self.boxes)
        floor = (min(content.x, box.x), min(content.y, box.y))
        frontier: list[tuple[float, float, float]] = [(0.0, box.y, box.x)]
        seen = {_key(start)}
        for _ in range(MAX_SEARCH):
            if not frontier:
                break
            _, y, x = heapq.heappop(frontier)
            candidate = Box(x, y, box.width, box.height)
            clashes = self.clashes(candidate)
            if not clashes:
                return candidate
            for spot in _away_from(candidate, clashes, any_way):
                if spot[0] < floor[0] or spot[1] < floor[1]:
                    continue
                if _key(spot) not in seen:
                    seen.add(_key(spot))
                    heapq.heappush(frontier, (math.dist(spot, start), spot[1], spot[0]))
        return self.grid_slot(floor, box)  # a crowd: the next free cell of a grid from there

    def grid_slot(self, origin: Point, box: Box, columns: int = ROW_LENGTH) -> Box:
        """The first free cell of the container's grid (rows of `columns`), in reading order."""
        first = self._next_slot.get(origin, 0)
        for slot in range(first, first + len(self.boxes) * columns + columns * 64):
            row, column = divmod(slot, columns)
            x = origin[0] + column * (NODE_WIDTH + GAP)
            candidate = Box(x, origin[1] + row * (NODE_HEIGHT + GAP), box.width, box.height)
            if not self.clashes(candidate):
                self._next_slot[origin] = slot + 1
                return candidate
        return self._below_all(Box(origin[0], origin[1], box.width, box.height))

    def row_end(self, origin: Point, box: Box) -> Box:
        """At the end of the last row of boxes when the content stays as wide, else below it."""
        if not self.boxes:
            return Box(origin[0], origin[1], box.width, box.height)
        content = union(self.boxes)
        last = max(self.boxes, key=lambda b: (b.bottom, b.right))
        beside = Box(last.right + SEPARATION, last.y, box.width, box.height)
        if beside.right <= content.right and not self.clashes(beside):
            return beside
        return Box(content.x, content.bottom + SEPARATION, box.width, box.height)

    def side_slot(self, root: Box, rows: int) -> Box:
        """The first free place in the columns left of the organization's box."""
        for slot in range(len(self.boxes) + rows * 64):
            column, row = divmod(slot, rows)
            x = root.x - SIDE_GAP - NODE_WIDTH - column * (NODE_WIDTH + GAP)
            y = root.y + HEADER + PADDING + row * (NODE_HEIGHT + GAP)
            candidate = node_box((x, y))
            if not self.clashes(candidate):
                return candidate
        return self._below_all(node_box((root.x - SIDE_GAP - NODE_WIDTH, root.y)))

    def _below_all(self, box: Box) -> Box:
        bottom = max((b.bottom for b in self.boxes), default=box.y - SEPARATION)
        return Box(box.x, max(box.y, bottom + SEPARATION), box.width, box.height)


def _away_from(box: Box, clashes: Iterable[Box], any_way: bool) -> Iterable[Point]:
    """Spots just clear of each clashing box: to its right and below it (also left and above)."""
    for other in clashes:
        yield (other.right + SEPARATION, box.y)
        yield (box.x, other.bottom + SEPARATION)
        if any_way:
            yield (other.x - SEPARATION - box.width, box.y)
            yield (box.x, other.y - SEPARATION - box.height)
            yield (other.right + SEPARATION, other.y)  # beside it, in its row
            yield (other.x, other.bottom + SEPARATION)  # under it, in its column


def _key(point: Point) -> tuple[float, float]:
    return (round(point[0], 2), round(point[1], 2))
