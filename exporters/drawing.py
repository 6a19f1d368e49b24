"""A picture of one view of a design, in plain data: what the diagram and draw.io writers draw.

Positions come from designer.views.placement (the canvas's own layout) unless the caller passes
the positions on screen, so an exported diagram looks like the canvas. Coordinates are scene
units (1 unit = 1 point), top-left origin, y growing downwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from designer.layout import NODE_HEIGHT, NODE_WIDTH, Box, Point, container_boxes
from designer.model.design import Design
from designer.views import (
    ENVIRONMENT_BADGES,
    IDP_COLOUR,
    KIND_STYLES,
    THIRD_PARTY_COLOUR,
    VIEW_TITLES,
    VIEWS,
    KindStyle,
    edge_label,
    function_colour,
    placement,
)

FADED_COLOUR = "#bdbdbd"


@dataclass(frozen=True)
class DrawnContainer:
    id: str
    name: str
    box: Box
    parent: str | None  # None for the organization root
    depth: int  # 0 for the root


@dataclass(frozen=True)
class DrawnNode:
    id: str
    kind: str  # account, identity_provider, third_party
    name: str
    details: tuple[str, ...]  # lines under the name: account id, functions, environment...
    colour: str
    box: Box
    container: str | None  # the OU (or root) holding an account; None beside the organization
    faded: bool  # not touched by the view's relationships


@dataclass(frozen=True)
class DrawnEdge:
    id: str
    kind: str
    source: str
    target: str
    label: str
    style: KindStyle


@dataclass(frozen=True)
class Drawing:
    view: str
    title: str
    subtitle: str
    containers: tuple[DrawnContainer, ...]  # every parent before its children
    nodes: tuple[DrawnNode, ...]
    edges: tuple[DrawnEdge, ...]
    legend: tuple[tuple[str, KindStyle], ...]  # the kinds this view shows
    functions: tuple[tuple[str, str], ...]  # (function, colour) of the accounts drawn
    bounds: Box


def build_drawing(
    design: Design, view: str = "all", positions: Mapping[str, Point] | None = None
) -> Drawing:
    """The drawing of `view`; `positions` (node top-lefts by id) replace the layout's if given."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r} (known: {', '.join(VIEWS)})")
    placed = placement(design)
    nodes_at = dict(placed.nodes)
    boxes = placed.containers
    if positions is not None:
        nodes_at.update({i: p for i, p in positions.items() if i in nodes_at})
        saved = {i: (p.x, p.y) for i, p in design.layout.positions.items() if i not in nodes_at}
        boxes = container_boxes(design, {**saved, **nodes_at})
    kinds = VIEWS[view]
    ends = nodes_at.keys() | boxes.keys()  # a share may go to an OU or the whole organization
    edges = tuple(
        DrawnEdge(r.id, r.kind, r.source, r.target, edge_label(r), KIND_STYLES[r.kind])
        for r in design.relationships
        if r.kind in kinds and r.source in ends and r.target in ends
    )
    touched = {e.source for e in edges} | {e.target for e in edges}  # containers never fade
    nodes = _nodes(design, nodes_at, touched if view != "all" else None)
    containers = _containers(design, boxes)
    return Drawing(
        view=view,
        title=f"{design.name}: {VIEW_TITLES[view]}" if view != "all" else design.name,
        subtitle=_subtitle(design, view, len(edges)),
        containers=containers,
        nodes=nodes,
        edges=edges,
        legend=tuple((k, s) for k, s in KIND_STYLES.items() if k in kinds),
        functions=_functions(design),
        bounds=_bounds([c.box for c in containers] + [n.box for n in nodes]),
    )


def _nodes(
    design: Design, at: Mapping[str, Point], touched: set[str] | None
) -> tuple[DrawnNode, ...]:
    def box(node_id: str) -> Box:
        x, y = at[node_id]
        return Box(x, y, NODE_WIDTH, NODE_HEIGHT)

    def faded(node_id: str) -> bool:
        return touched is not None and node_id not in touched

    result: list[DrawnNode] = []
    root = design.organization.id
    units = {u.id for u in design.organizational_units}
    for a in design.accounts:
        details = [a.aws_account_id or "id not assigned", " · ".join(map(str, a.functions))]
        badge = ENVIRONMENT_BADGES.get(str(a.environment))
        if badge:
            details[1] += f" · {badge[0]}"
        container = a.parent if a.parent in units else root
        colour = function_colour([str(f) for f in a.functions])
        result.append(
            DrawnNode(
                a.id, "account", a.name, tuple(details), colour, box(a.id), container, faded(a.id)
            )
        )
    for idp in design.identity_providers:
        result.append(
            DrawnNode(
                idp.id,
                "identity_provider",
                idp.name,
                (str(idp.kind),),
                IDP_COLOUR,
                box(idp.id),
                None,
                faded(idp.id),
            )
        )
    for party in design.third_parties:
        lines = (party.aws_account_id or "third party", party.vendor)
        result.append(
            DrawnNode(
                party.id,
                "third_party",
                party.name,
                tuple(line for line in lines if line),
                THIRD_PARTY_COLOUR,
                box(party.id),
                None,
                faded(party.id),
            )
        )
    return tuple(n for n in result if n.id in at)


def _containers(design: Design, boxes: Mapping[str, Box]) -> tuple[DrawnContainer, ...]:
    root = design.organization.id
    parents = {u.id: (u.parent if u.parent else root) for u in design.organizational_units}
    names = {root: design.organization.name, **{u.id: u.name for u in design.organizational_units}}

    def depth(unit: str) -> int:
        seen = 0
        while unit != root and seen <= len(parents):
            unit = parents.get(unit, root)
            seen += 1
        return seen

    ordered = sorted((i for i in boxes if i in names), key=depth)  # stable: design order per depth
    return tuple(
        DrawnContainer(i, names[i], boxes[i], None if i == root else parents.get(i, root), depth(i))
        for i in ordered
    )


def _functions(design: Design) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for account in design.accounts:
        first = str(account.functions[0])
        seen.setdefault(first, function_colour([first]))
    return tuple(seen.items())


def _subtitle(design: Design, view: str, edge_count: int) -> str:
    accounts = len(design.accounts)
    units = len(design.organizational_units)
    shown = "relationships" if view == "all" else f"{VIEW_TITLES[view].lower()} relationships"
    return f"{accounts} accounts in {units} OUs · {edge_count} {shown}"


def _bounds(boxes: list[Box]) -> Box:
    if not boxes:
        return Box(0, 0, 0, 0)
    left = min(b.x for b in boxes)
    top = min(b.y for b in boxes)
    return Box(left, top, max(b.right for b in boxes) - left, max(b.bottom for b in boxes) - top)
