"""Automatic layout of a design: OUs as nested boxes, accounts in rows, IdPs and third parties left.

Scene coordinates: top-left origin, y grows downwards. The organization root's box starts at (0, 0);
identity providers and third parties stand in a column to its left (negative x).

No Qt here: the GUI canvas and the diagram exporters both use it. Everything is computed in design
order, so the same design always gives the same numbers.

Two entry points:

* auto_layout places every node afresh (keeping pinned ones exactly where they are) and returns the
  boxes of all containers.
* container_boxes computes the boxes for given node positions (a saved layout, a drag). An OU's own
  position is used only when it has no positioned content: store the top-left of every box returned
  by auto_layout and container_boxes gives back the very same boxes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from designer.model.design import Design

Point = tuple[float, float]

NODE_WIDTH: Final = 180.0
NODE_HEIGHT: Final = 64.0
HEADER: Final = 28.0  # band at the top of a container for its name
PADDING: Final = 16.0  # inside a container, around its content
GAP: Final = 24.0  # between sibling nodes and sibling containers
ROW_LENGTH: Final = 4  # accounts per row inside a container
MIN_WIDTH: Final = 200.0  # size of an empty container
MIN_HEIGHT: Final = 90.0
SIDE_GAP: Final = 64.0  # between the IdP / third-party column and the organization box
SIDE_MIN_ROWS: Final = 6  # the side column wraps only after this many nodes (or the org's height)
ASPECT: Final = 1.6  # target width : height when packing child OUs side by side
SHELF_CANDIDATES: Final = 48  # row widths tried when packing child OUs
MAX_PASSES: Final = 8  # re-layouts that move free nodes off pinned ones
_CELL: Final = 256.0  # spatial-hash cell for overlap checks (larger than a node)
_IDP_FLOW: Final = "\0identity-providers"
_THIRD_PARTY_FLOW: Final = "\0third-parties"


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


@dataclass(frozen=True)
class LayoutResult:
    nodes: dict[str, Point]  # top-left of each account / IdP / third-party node, by id
    containers: dict[str, Box]  # each OU's box, and the root's box under the organization id


def node_box(position: Point) -> Box:
    """The rectangle a node occupies when its top-left is at `position`."""
    return Box(position[0], position[1], NODE_WIDTH, NODE_HEIGHT)


def auto_layout(design: Design, keep: Mapping[str, Point] | None = None) -> LayoutResult:
    """Place every node; nodes in `keep` (pinned) stay exactly where they are.

    Containers grow to enclose their pinned nodes; free nodes are moved off pinned ones.
    """
    tree = _Tree.of(design)
    pinned = _pinned(design, keep or {})
    reserved: dict[str, set[int]] = defaultdict(set)
    for _ in range(MAX_PASSES):
        placement = _place_all(design, tree, pinned, reserved)
        clashes = _clashes(placement, pinned)
        if not clashes:
            break
        for flow, slot in clashes:
            reserved[flow].add(slot)
    nodes = {**placement.nodes, **pinned}
    ordered = {i: nodes[i] for i in _node_ids(design)}
    return LayoutResult(ordered, _enclose(tree, {**placement.anchors, **ordered}))


def container_boxes(design: Design, positions: Mapping[str, Point]) -> dict[str, Box]:
    """Every OU's box and the root's box (under the organization id), enclosing their content.

    `positions` holds node top-lefts by id; nodes missing from it are left out. An OU with no
    positioned content gets an empty box of MIN_WIDTH x MIN_HEIGHT: at its own position when
    `positions` has one, otherwise to the right of its positioned siblings.
    """
    return _enclose(_Tree.of(design), positions)


# --- the OU tree ---------------------------------------------------------------------------------


@dataclass
class _Tree:
    root: str
    order: list[str]  # containers, every parent before its children (root first)
    children: dict[str, list[str]]  # child OUs by container, in design order
    accounts: dict[str, list[str]]  # accounts by container, in design order

    @classmethod
    def of(cls, design: Design) -> _Tree:
        """Unknown parents count as the root; an OU in a parent cycle hangs from the root."""
        root = design.organization.id
        declared = _declared_children(design, root)
        tree = cls(root, [root], {root: []}, {})
        tree._grow(0, declared)
        for unit in design.organizational_units:
            if unit.id not in tree.children:
                tree._adopt(root, unit.id)
                tree._grow(len(tree.order) - 1, declared)
        tree.accounts = {c: [] for c in tree.order}
        for account in design.accounts:
            parent = account.parent if account.parent in tree.children else root
            tree.accounts[parent or root].append(account.id)
        return tree

    def _adopt(self, parent: str, child: str) -> None:
        self.children[parent].append(child)
        self.children[child] = []
        self.order.append(child)

    def _grow(self, start: int, declared: Mapping[str, list[str]]) -> None:
        """Breadth-first from order[start], taking each OU once."""
        for container in self._from(start):
            for child in declared.get(container, ()):
                if child not in self.children:
                    self._adopt(container, child)

    def _from(self, start: int) -> Iterable[str]:
        index = start
        while index < len(self.order):
            yield self.order[index]
            index += 1

    def subtree(self, top: str) -> Iterable[str]:
        stack = [top]
        while stack:
            container = stack.pop()
            yield container
            stack.extend(self.children[container])


def _declared_children(design: Design, root: str) -> dict[str, list[str]]:
    known = {unit.id for unit in design.organizational_units}
    declared: dict[str, list[str]] = defaultdict(list)
    for unit in design.organizational_units:
        declared[unit.parent if unit.parent in known else root].append(unit.id)
    return declared


def _node_ids(design: Design) -> Iterable[str]:
    yield from (account.id for account in design.accounts)
    yield from (idp.id for idp in design.identity_providers)
    yield from (party.id for party in design.third_parties)


def _pinned(design: Design, keep: Mapping[str, Point]) -> dict[str, Point]:
    return {i: (float(keep[i][0]), float(keep[i][1])) for i in _node_ids(design) if i in keep}


# --- packing: sizes bottom-up, offsets top-down --------------------------------------------------


@dataclass
class _Placement:
    nodes: dict[str, Point] = field(default_factory=dict)  # free nodes, absolute
    anchors: dict[str, Point] = field(default_factory=dict)  # container top-lefts, absolute
    slots: dict[str, tuple[str, int]] = field(default_factory=dict)  # node -> (flow, slot)
    sizes: dict[str, Point] = field(default_factory=dict)  # container sizes
    offsets: dict[str, Point] = field(default_factory=dict)  # node / child OU within its parent


def _place_all(
    design: Design, tree: _Tree, pinned: Mapping[str, Point], reserved: Mapping[str, set[int]]
) -> _Placement:
    placement = _Placement()
    for container in reversed(tree.order):
        _pack(container, tree, pinned, reserved, placement)
    _to_absolute(tree, placement)
    _place_side(design, pinned, reserved, placement)
    return placement


def _pack(
    container: str,
    tree: _Tree,
    pinned: Mapping[str, Point],
    reserved: Mapping[str, set[int]],
    placement: _Placement,
) -> None:
    free = [a for a in tree.accounts[container] if a not in pinned]
    slots = _assign_slots(free, reserved.get(container, set()))
    for account, slot in slots.items():
        placement.slots[account] = (container, slot)
        placement.offsets[account] = _grid_offset(slot)
    grid_width, grid_height = _grid_size(max(slots.values(), default=-1) + 1)
    kids = tree.children[container]
    top = grid_height + GAP if grid_height and kids else grid_height
    sizes = [placement.sizes[kid] for kid in kids]
    spots, shelves_width, shelves_height = _shelves(sizes, (grid_width, grid_height))
    for kid, (x, y) in zip(kids, spots, strict=True):
        placement.offsets[kid] = (PADDING + x, HEADER + PADDING + top + y)
    placement.sizes[container] = _container_size(
        max(grid_width, shelves_width), top + shelves_height
    )


def _assign_slots(members: list[str], reserved: set[int]) -> dict[str, int]:
    """Members take the first slots that are not reserved, in order."""
    slots: dict[str, int] = {}
    slot = 0
    for member in members:
        while slot in reserved:
            slot += 1
        slots[member] = slot
        slot += 1
    return slots


def _grid_offset(slot: int) -> Point:
    row, column = divmod(slot, ROW_LENGTH)
    return (
        PADDING + column * (NODE_WIDTH + GAP),
        HEADER + PADDING + row * (NODE_HEIGHT + GAP),
    )


def _grid_size(slots: int) -> Point:
    if slots == 0:
        return 0.0, 0.0
    columns = min(slots, ROW_LENGTH)
    rows = math.ceil(slots / ROW_LENGTH)
    return columns * (NODE_WIDTH + GAP) - GAP, rows * (NODE_HEIGHT + GAP) - GAP


def _shelves(sizes: list[Point], grid: Point) -> tuple[list[Point], float, float]:
    """Boxes left to right in rows (shelves), the row length chosen for a landscape result."""
    if not sizes:
        return [], 0.0, 0.0
    return _shelf_spots(sizes, _best_limit(sizes, grid))


def _shelf_spots(sizes: list[Point], limit: float) -> tuple[list[Point], float, float]:
    """Spots for boxes in rows no wider than `limit` (a box wider than it gets a row of its own)."""
    spots: list[Point] = []
    x = y = shelf_height = width = 0.0
    for box_width, box_height in sizes:
        if x > 0 and x + box_width > limit:
            x, y, shelf_height = 0.0, y + shelf_height + GAP, 0.0
        spots.append((x, y))
        width = max(width, x + box_width)
        x += box_width + GAP
        shelf_height = max(shelf_height, box_height)
    return spots, width, y + shelf_height


def _best_limit(sizes: list[Point], grid: Point) -> float:
    """The row width whose packing (under the account grid) is smallest and closest to ASPECT."""
    return min(_candidate_limits(sizes), key=lambda limit: _cost(sizes, grid, limit))


def _candidate_limits(sizes: list[Point]) -> list[float]:
    """Row widths where a row would end after some box: at most SHELF_CANDIDATES of them."""
    ends = []
    right = -GAP
    for box_width, _ in sizes:
        right += box_width + GAP
        ends.append(right)
    step = max(1, math.ceil(len(ends) / SHELF_CANDIDATES))
    widest = max(w for w, _ in sizes)
    return sorted({max(widest, end) for end in ends[::step]} | {max(widest, ends[-1])})


def _cost(sizes: list[Point], grid: Point, limit: float) -> float:
    _, shelves_width, shelves_height = _shelf_spots(sizes, limit)
    width = max(grid[0], shelves_width)
    height = grid[1] + (GAP if grid[1] else 0.0) + shelves_height
    ratio = width / height
    return width * height * max(ratio / ASPECT, ASPECT / ratio)


def _container_size(content_width: float, content_height: float) -> Point:
    if content_width == 0 and content_height == 0:
        return MIN_WIDTH, MIN_HEIGHT
    return (
        max(MIN_WIDTH, content_width + 2 * PADDING),
        max(MIN_HEIGHT, content_height + HEADER + 2 * PADDING),
    )


def _to_absolute(tree: _Tree, placement: _Placement) -> None:
    anchors = placement.anchors
    anchors[tree.root] = (0.0, 0.0)
    for container in tree.order:
        x, y = anchors[container]
        for kid in tree.children[container]:
            dx, dy = placement.offsets[kid]
            anchors[kid] = (x + dx, y + dy)
        for account in tree.accounts[container]:
            if account in placement.slots:
                dx, dy = placement.offsets[account]
                placement.nodes[account] = (x + dx, y + dy)


def _place_side(
    design: Design,
    pinned: Mapping[str, Point],
    reserved: Mapping[str, set[int]],
    placement: _Placement,
) -> None:
    """Identity providers, then third parties, in columns to the left of the root box."""
    org_height = placement.sizes[design.organization.id][1]
    fits = int((org_height - HEADER - 2 * PADDING + GAP) // (NODE_HEIGHT + GAP))
    rows = max(SIDE_MIN_ROWS, fits)
    top = HEADER + PADDING
    for flow, members in (
        (_IDP_FLOW, [idp.id for idp in design.identity_providers]),
        (_THIRD_PARTY_FLOW, [party.id for party in design.third_parties]),
    ):
        slots = _assign_slots([m for m in members if m not in pinned], reserved.get(flow, set()))
        for member, slot in slots.items():
            placement.slots[member] = (flow, slot)
            placement.nodes[member] = _side_position(slot, rows, top)
        if slots:
            used_rows = min(rows, max(slots.values()) + 1)
            top += used_rows * (NODE_HEIGHT + GAP) + GAP


def _side_position(slot: int, rows: int, top: float) -> Point:
    column, row = divmod(slot, rows)
    return (
        -SIDE_GAP - NODE_WIDTH - column * (NODE_WIDTH + GAP),
        top + row * (NODE_HEIGHT + GAP),
    )


def _clashes(placement: _Placement, pinned: Mapping[str, Point]) -> set[tuple[str, int]]:
    """The (flow, slot) of every free node that overlaps a pinned one."""
    if not pinned:
        return set()
    grid: dict[tuple[int, int], list[Box]] = defaultdict(list)
    for position in pinned.values():
        box = node_box(position)
        for cell in _cells(box):
            grid[cell].append(box)
    found: set[tuple[str, int]] = set()
    for node, position in placement.nodes.items():
        box = node_box(position)
        if any(box.overlaps(other) for cell in _cells(box) for other in grid.get(cell, ())):
            found.add(placement.slots[node])
    return found


def _cells(box: Box) -> Iterable[tuple[int, int]]:
    for column in range(math.floor(box.x / _CELL), math.floor(box.right / _CELL) + 1):
        for row in range(math.floor(box.y / _CELL), math.floor(box.bottom / _CELL) + 1):
            yield column, row


# --- boxes around given positions ----------------------------------------------------------------


def _enclose(tree: _Tree, positions: Mapping[str, Point]) -> dict[str, Box]:
    """Boxes bottom-up; OUs with no positioned content float until a parent places them."""
    boxes: dict[str, Box] = {}
    floating: set[str] = set()
    for container in reversed(tree.order):
        items = [node_box(positions[a]) for a in tree.accounts[container] if a in positions]
        items += [boxes[kid] for kid in tree.children[container] if kid not in floating]
        loose = [kid for kid in tree.children[container] if kid in floating]
        floating.difference_update(loose)
        if items:
            content = _union(items)
            items += _in_a_row(loose, (content.right + GAP, content.y), tree, boxes)
            boxes[container] = _wrap(_union(items))
            continue
        x, y = positions.get(container, (0.0, 0.0))
        placed = _in_a_row(loose, (x + PADDING, y + HEADER + PADDING), tree, boxes)
        boxes[container] = _wrap(_union(placed)) if placed else Box(x, y, MIN_WIDTH, MIN_HEIGHT)
        if container not in positions and container != tree.root:
            floating.add(container)
    return {container: boxes[container] for container in tree.order}


def _in_a_row(kids: list[str], start: Point, tree: _Tree, boxes: dict[str, Box]) -> list[Box]:
    """Move floating subtrees so their boxes stand side by side from `start`."""
    x, y = start
    placed = []
    for kid in kids:
        dx, dy = x - boxes[kid].x, y - boxes[kid].y
        for member in tree.subtree(kid):
            boxes[member] = boxes[member].moved(dx, dy)
        placed.append(boxes[kid])
        x = boxes[kid].right + GAP
    return placed


def _union(boxes: list[Box]) -> Box:
    left = min(b.x for b in boxes)
    top = min(b.y for b in boxes)
    right = max(b.right for b in boxes)
    bottom = max(b.bottom for b in boxes)
    return Box(left, top, right - left, bottom - top)


def _wrap(content: Box) -> Box:
    """A container's box around its content: padding all round and the header band on top."""
    return Box(
        content.x - PADDING,
        content.y - HEADER - PADDING,
        max(MIN_WIDTH, content.width + 2 * PADDING),
        max(MIN_HEIGHT, content.height + HEADER + 2 * PADDING),
    )
