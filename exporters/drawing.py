"""A picture of one view of a design, in plain data: what the diagram and draw.io writers draw.

Positions come from designer.drawing.layout.arrange (the canvas's own geometry) and edges are
routed and labelled by designer.drawing.routing, as on the canvas, so an exported diagram looks
like the editor.
Coordinates are scene units (1 unit = 1 point), top-left origin, y growing downwards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from designer.artefacts.scoping import (
    OUTSIDE_KIND_LABELS,
    SCOPED_MEANING,
    ExportScopes,
    outside_identifier,
)
from designer.drawing.layout import HEADER, Box, Point, arrange, node_box
from designer.drawing.routing import EdgeRequest, LabelRequest, Obstacles, place_labels, route_edges
from designer.drawing.views import (
    ENVIRONMENT_BADGES,
    IDP_COLOUR,
    KIND_STYLES,
    OUTSIDE_STYLES,
    UNKNOWN_BADGE,
    VIEW_TITLES,
    VIEWS,
    KindStyle,
    edge_label,
    function_colour,
    label_forms,
)
from designer.model.design import Design
from designer.model.vocabulary import OutsideKind, Unread

FADED_COLOUR = "#bdbdbd"
PUBLIC_FILL = OUTSIDE_STYLES[OutsideKind.ANYONE].fill  # the canvas's own card colours


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
    kind: str  # account, identity_provider, outside_principal
    name: str
    details: tuple[str, ...]  # lines under the name: account id, functions, environment...
    colour: str
    box: Box
    container: str | None  # the OU (or root) holding an account; None beside the organization
    faded: bool  # not touched by the view's relationships
    badge: str = ""  # OUTSIDE, PUBLIC...: drawn above the name of an outside principal
    alarm: bool = False  # anyone at all: drawn in red on a red fill


@dataclass(frozen=True)
class DrawnEdge:
    id: str
    kind: str
    source: str
    target: str
    label: str  # the full label (the tooltip)
    style: KindStyle
    forms: tuple[str, ...] = ()  # the label, then shorter forms, for where room is short
    points: tuple[Point, ...] = ()  # the route, from the source's border to the target's
    shown_label: str = ""  # the form that fits ("" when none does)
    label_box: Box | None = None  # where it is drawn
    scope: str = ""  # an end that is an OU or the organization, in words (for the tooltip)


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
    saved = {i: (p.x, p.y) for i, p in design.layout.positions.items()}
    placed = arrange(design, positions=bounded({**saved, **(positions or {})}))
    nodes_at = placed.nodes
    boxes = placed.containers
    kinds = VIEWS[view]
    ends = nodes_at.keys() | boxes.keys()  # scoped ends: an edge to an OU's or the org's border
    scopes = ExportScopes(design)
    blocked = {b.relationship for b in scopes.blocked}
    shown = [
        r for r in design.relationships if r.kind in kinds and r.source in ends and r.target in ends
    ]
    edges = tuple(
        DrawnEdge(
            r.id,
            r.kind,
            r.source,
            r.target,
            *_label(r, r.id in blocked),
            scope=_scope_words(scopes, r),
        )
        for r in shown
    )
    # Containers never fade; the accounts a scoped end covers are touched (an excluded one is
    # not, so it stands out).
    touched = {e.source for e in edges} | {e.target for e in edges}
    for rel in shown:
        end = scopes.scoped_end(rel)
        if end is not None:
            touched.update(scopes.members(getattr(rel, end), rel.excluded_accounts))
    nodes = _nodes(design, nodes_at, touched if view != "all" else None)
    containers = _containers(design, boxes)
    drawing = Drawing(
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
    return routed(drawing)


MAX_SPREAD = 20_000.0  # points: beyond any real design, and a PNG Graphviz draws in a second


def bounded(positions: Mapping[str, Point]) -> dict[str, Point]:
    """Positions Graphviz can draw quickly: finite ones only, and when any lies past MAX_SPREAD
    all translated so the least is 0 and, if they span more, scaled down to MAX_SPREAD. Their
    order is kept; arrange() moves apart what the scaling brought too close."""
    finite = {i: (x, y) for i, (x, y) in positions.items() if math.isfinite(x) and math.isfinite(y)}
    coordinates = [c for point in finite.values() for c in point]
    if not coordinates or max(map(abs, coordinates)) <= MAX_SPREAD:
        return finite
    left = min(x for x, _ in finite.values())
    top = min(y for _, y in finite.values())
    spread = max(
        max(x - left for x, _ in finite.values()), max(y - top for _, y in finite.values())
    )
    scale = min(1.0, MAX_SPREAD / spread) if spread else 1.0
    return {i: ((x - left) * scale, (y - top) * scale) for i, (x, y) in finite.items()}


LABEL_POINTS = 8.0  # the diagrams' edge-label size (Helvetica)


def measure_label(text: str) -> tuple[float, float]:
    """A label's rectangle in points: Helvetica's characters average about 0.56 em."""
    return (round(len(text) * LABEL_POINTS * 0.56 + 8, 1), LABEL_POINTS + 6)


def routed(drawing: Drawing) -> Drawing:
    """The drawing with every edge routed around the nodes and its label placed where it covers
    no node, no OU title and no other label (as the canvas does)."""
    obstacles = Obstacles(
        {n.id: n.box for n in drawing.nodes},
        {c.id: c.box for c in drawing.containers},
        HEADER,
    )
    requests = [EdgeRequest(e.id, e.source, e.target, e.kind) for e in drawing.edges]
    routes = route_edges(obstacles, requests)
    wanted = [
        LabelRequest(e.id, e.forms or ((e.label,) if e.label else ()))
        for e in drawing.edges
        if e.kind != "billing" and e.id in routes and (e.forms or e.label)
    ]
    labels = place_labels(obstacles, routes, wanted, measure_label)
    edges = []
    for edge in drawing.edges:
        label = labels.get(edge.id)
        edges.append(
            replace(
                edge,
                points=routes.get(edge.id, ()),
                shown_label=label.text if label else "",
                label_box=label.box if label else None,
            )
        )
    return replace(drawing, edges=tuple(edges))


def _nodes(
    design: Design, at: Mapping[str, Point], touched: set[str] | None
) -> tuple[DrawnNode, ...]:
    def box(node_id: str) -> Box:
        return node_box(at[node_id])

    def faded(node_id: str) -> bool:
        return touched is not None and node_id not in touched

    result: list[DrawnNode] = []
    root = design.organization.id
    units = {u.id for u in design.organizational_units}
    for a in design.accounts:
        details = [a.aws_account_id or "id not assigned", " · ".join(map(str, a.functions))]
        badge = ENVIRONMENT_BADGES.get(str(a.environment))
        if Unread.CONTENTS in a.unread:  # unknown, not empty
            badge = UNKNOWN_BADGE
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
    for party in design.outside_principals:
        result.append(
            DrawnNode(
                party.id,
                "outside_principal",
                party.name,
                (
                    OUTSIDE_KIND_LABELS[party.kind],
                    " · ".join(t for t in (outside_identifier(party), party.owner) if t),
                ),
                OUTSIDE_STYLES[party.kind].colour,
                box(party.id),
                None,  # never inside the organization's box
                faded(party.id),
                badge=OUTSIDE_STYLES[party.kind].marking,
                alarm=party.kind == OutsideKind.ANYONE,
            )
        )
    return tuple(n for n in result if n.id in at)


def _label(rel: Any, blocked: bool) -> tuple[str, KindStyle, tuple[str, ...]]:
    """Label, style and shorter forms; a relationship the exports leave out says BLOCKED."""
    label, forms = edge_label(rel), label_forms(rel)
    if blocked:
        label = f"BLOCKED · {label}"
        forms = (label, "BLOCKED")
    return label, KIND_STYLES[rel.kind], forms


def _scope_words(scopes: ExportScopes, rel: Any) -> str:
    """'the role is deployed to every account of OU Workloads (...)' for a scoped edge."""
    end = scopes.scoped_end(rel)
    if end is None:
        return ""
    meaning = SCOPED_MEANING[rel.kind][end]
    return f"{meaning} {scopes.end_words(rel, end)}".strip()


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
