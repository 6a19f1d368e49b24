"""Automatic layout ("Tidy"): OUs packed as nested boxes, accounts in rows, IdPs and outside
principals in a column to the left of the organization.

The organization root's box starts at (0, 0); the side column stands at negative x. Everything is
computed in design order, so the same design always gives the same numbers. Pinned nodes stay
exactly where they are: containers grow to enclose them and free nodes move off them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Final

from designer.drawing.layout.enclose import enclose
from designer.drawing.layout.geometry import (
    GAP,
    HEADER,
    MIN_HEIGHT,
    MIN_WIDTH,
    NODE_HEIGHT,
    NODE_WIDTH,
    PADDING,
    SIDE_GAP,
    SIDE_MIN_ROWS,
    Box,
    BoxGrid,
    Point,
    node_box,
    row_length,
)
from designer.drawing.layout.tree import OuTree, node_ids
from designer.model.design import Design

ASPECT: Final = 1.6  # target width : height when packing child OUs side by side
SHELF_CANDIDATES: Final = 48  # row widths tried when packing child OUs
MAX_PASSES: Final = 8  # re-layouts that move free nodes off pinned ones
_IDP_FLOW: Final = "\0identity-providers"
_OUTSIDE_FLOW: Final = "\0outside-principals"


@dataclass(frozen=True)
class LayoutResult:
    nodes: dict[str, Point]  # top-left of each account / IdP / outside principal node, by id
    containers: dict[str, Box]  # each OU's box, and the root's box under the organization id


def auto_layout(
    design: Design, keep: Mapping[str, Point] | None = None, cards: Collection[str] = ()
) -> LayoutResult:
    """Place every node; nodes in `keep` (pinned) stay exactly where they are; `cards` are
    collapsed OUs (the design passed holds nothing of what they hold).

    Containers grow to enclose their pinned nodes; free nodes are moved off pinned ones.
    """
    tree = OuTree.of(design, cards)
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
    ordered = {i: nodes[i] for i in node_ids(design)}
    return LayoutResult(ordered, enclose(tree, {**placement.anchors, **ordered}))


def _pinned(design: Design, keep: Mapping[str, Point]) -> dict[str, Point]:
    return {i: (float(keep[i][0]), float(keep[i][1])) for i in node_ids(design) if i in keep}


# --- packing: sizes bottom-up, offsets top-down --------------------------------------------------


@dataclass
class _Placement:
    nodes: dict[str, Point] = field(default_factory=dict)  # free nodes, absolute
    anchors: dict[str, Point] = field(default_factory=dict)  # container top-lefts, absolute
    slots: dict[str, tuple[str, int]] = field(default_factory=dict)  # node -> (flow, slot)
    sizes: dict[str, Point] = field(default_factory=dict)  # container sizes
    offsets: dict[str, Point] = field(default_factory=dict)  # node / child OU within its parent


def _place_all(
    design: Design, tree: OuTree, pinned: Mapping[str, Point], reserved: Mapping[str, set[int]]
) -> _Placement:
    placement = _Placement()
    for container in reversed(tree.order):
        _pack(container, tree, pinned, reserved, placement)
    _to_absolute(tree, placement)
    _place_side(design, pinned, reserved, placement)
    return placement


def _pack(
    container: str,
    tree: OuTree,
    pinned: Mapping[str, Point],
    reserved: Mapping[str, set[int]],
    placement: _Placement,
) -> None:
    free = [a for a in tree.accounts[container] if a not in pinned]
    columns = row_length(len(tree.accounts[container]))
    slots = _assign_slots(free, reserved.get(container, set()))
    for account, slot in slots.items():
        placement.slots[account] = (container, slot)
        placement.offsets[account] = _grid_offset(slot, columns)
    grid_width, grid_height = _grid_size(max(slots.values(), default=-1) + 1, columns)
    kids = tree.children[container]
    top = grid_height + GAP if grid_height and kids else grid_height
    sizes = [placement.sizes[kid] for kid in kids]
    spots, shelves_width, shelves_height = _shelves(sizes, (grid_width, grid_height))
    for kid, (x, y) in zip(kids, spots, strict=True):
        placement.offsets[kid] = (PADDING + x, HEADER + PADDING + top + y)
    placement.sizes[container] = _container_size(
        max(grid_width, shelves_width), top + shelves_height, tree.empty_size(container)
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


def _grid_offset(slot: int, columns: int) -> Point:
    row, column = divmod(slot, columns)
    return (
        PADDING + column * (NODE_WIDTH + GAP),
        HEADER + PADDING + row * (NODE_HEIGHT + GAP),
    )


def _grid_size(slots: int, columns: int) -> Point:
    if slots == 0:
        return 0.0, 0.0
    rows = math.ceil(slots / columns)
    return min(slots, columns) * (NODE_WIDTH + GAP) - GAP, rows * (NODE_HEIGHT + GAP) - GAP


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


def _container_size(content_width: float, content_height: float, empty: Point) -> Point:
    if content_width == 0 and content_height == 0:
        return empty
    return (
        max(MIN_WIDTH, content_width + 2 * PADDING),
        max(MIN_HEIGHT, content_height + HEADER + 2 * PADDING),
    )


def _to_absolute(tree: OuTree, placement: _Placement) -> None:
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
    """Identity providers, then outside principals, in columns to the left of the root box."""
    org_height = placement.sizes[design.organization.id][1]
    fits = int((org_height - HEADER - 2 * PADDING + GAP) // (NODE_HEIGHT + GAP))
    rows = max(SIDE_MIN_ROWS, fits)
    top = HEADER + PADDING
    for flow, members in (
        (_IDP_FLOW, [idp.id for idp in design.identity_providers]),
        (_OUTSIDE_FLOW, [party.id for party in design.outside_principals]),
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
    grid = BoxGrid()
    for position in pinned.values():
        grid.add(node_box(position))
    return {placement.slots[n] for n, p in placement.nodes.items() if grid.meeting(node_box(p))}
