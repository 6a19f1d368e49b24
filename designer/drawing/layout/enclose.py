"""Container boxes around given node positions (a saved layout, a drag in progress).

An OU's own position is used only when it has no positioned content: store the top-left of every
box and container_boxes gives back the very same boxes.
"""

from __future__ import annotations

from collections.abc import Mapping

from designer.drawing.layout.geometry import (
    GAP,
    HEADER,
    PADDING,
    Box,
    Point,
    node_box,
    union,
    wrap,
)
from designer.drawing.layout.tree import OuTree
from designer.model.design import Design


def container_boxes(design: Design, positions: Mapping[str, Point]) -> dict[str, Box]:
    """Every OU's box and the root's box (under the organization id), enclosing their content.

    `positions` holds node top-lefts by id; nodes missing from it are left out. An OU with no
    positioned content gets an empty box of MIN_WIDTH x MIN_HEIGHT: at its own position when
    `positions` has one, otherwise to the right of its positioned siblings.
    """
    return enclose(OuTree.of(design), positions)


def enclose(tree: OuTree, positions: Mapping[str, Point]) -> dict[str, Box]:
    """Boxes bottom-up; OUs with no positioned content float until a parent places them."""
    boxes: dict[str, Box] = {}
    floating: set[str] = set()
    for container in reversed(tree.order):
        items = [node_box(positions[a]) for a in tree.accounts[container] if a in positions]
        items += [boxes[kid] for kid in tree.children[container] if kid not in floating]
        loose = [kid for kid in tree.children[container] if kid in floating]
        floating.difference_update(loose)
        if items:
            content = union(items)
            items += _in_a_row(loose, (content.right + GAP, content.y), tree, boxes)
            boxes[container] = wrap(union(items))
            continue
        x, y = positions.get(container, (0.0, 0.0))
        placed = _in_a_row(loose, (x + PADDING, y + HEADER + PADDING), tree, boxes)
        boxes[container] = wrap(union(placed)) if placed else Box(x, y, *tree.empty_size(container))
        if container not in positions and container != tree.root:
            floating.add(container)
    return {container: boxes[container] for container in tree.order}


def _in_a_row(kids: list[str], start: Point, tree: OuTree, boxes: dict[str, Box]) -> list[Box]:
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
