"""Which edges are parallel (same two ends) and which may share a trunk (a bus).

Edges of one kind that share their source (fan-out) or their target (fan-in) may run on top of
each other. Parallel edges of one kind get different lane numbers and so never join the same bus:
two trusts from Audit to Workload each stay in their own lane, along the whole way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from designer.drawing.routing.api import EdgeRequest

BusKey = tuple[str, str, str, int, bool]  # kind, "out" / "in", end id, lane, end encloses


def pair_of(edge: EdgeRequest) -> tuple[str, str]:
    return (edge.source, edge.target) if edge.source <= edge.target else (edge.target, edge.source)


def bus_keys(
    edges: Sequence[EdgeRequest], encloses: Callable[[str, str], bool] | None = None
) -> dict[str, tuple[BusKey, BusKey]]:
    """The two buses of each edge. `encloses(end, other)` tells whether a container end holds
    the other end: such an edge attaches under the container's title band, not on its border,
    so it does not share a bus with the container's other edges."""
    seen: Counter[tuple[str, str, str]] = Counter()
    keys: dict[str, tuple[BusKey, BusKey]] = {}
    for edge in edges:
        lane = seen[(edge.kind, *pair_of(edge))]
        seen[(edge.kind, *pair_of(edge))] += 1
        inside_source = encloses(edge.source, edge.target) if encloses else False
        inside_target = encloses(edge.target, edge.source) if encloses else False
        keys[edge.id] = (
            (edge.kind, "out", edge.source, lane, inside_source),
            (edge.kind, "in", edge.target, lane, inside_target),
        )
    return keys


def lanes(edges: Sequence[EdgeRequest]) -> dict[str, int]:
    """Each edge's index among the edges with the same two ends (either direction)."""
    seen: Counter[tuple[str, str]] = Counter()
    result: dict[str, int] = {}
    for edge in edges:
        result[edge.id] = seen[pair_of(edge)]
        seen[pair_of(edge)] += 1
    return result
