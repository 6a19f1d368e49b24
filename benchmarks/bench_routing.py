"""How long edge routing and label placement take: the reference landing zone's views and
synthetic organizations.

Run: .venv/bin/python benchmarks/bench_routing.py [ACCOUNTS ...]   (default: 200 2000)
Each line is the median of several runs. Views above the router's thresholds (MAX_NODES cards or
MAX_EDGES edges) get straight routes; for the synthetic sizes the obstacle router is also timed
on its own, forced past the thresholds, to show why they are where they are. Every label of the
view is asked for, with the texts the canvas offers (label_forms); "placed" counts those that
found a place nearest their own edge (the others are left out rather than ambiguous).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import synthetic_design
from designer.drawing.layout import HEADER, NODE_HEIGHT, NODE_WIDTH, Box, arrange
from designer.drawing.routing import (
    EdgeRequest,
    LabelRequest,
    Obstacles,
    place_labels,
    route_edges,
    router,
)
from designer.drawing.views import VIEWS, label_forms
from designer.model import Design
from designer.model.templates import load_template

REPEAT = 7


def median_ms(task: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(text: str) -> tuple[float, float]:
    """About what 7-point text measures, as the exporters estimate it."""
    return 5.5 * len(text) + 8.0, 14.0


def view_of(design: Design, view: str) -> tuple[Obstacles, list[EdgeRequest], list[LabelRequest]]:
    placed = arrange(design)
    nodes = {i: Box(x, y, NODE_WIDTH, NODE_HEIGHT) for i, (x, y) in placed.nodes.items()}
    rels = [r for r in design.relationships if r.kind in VIEWS[view]]
    edges = [EdgeRequest(r.id, r.source, r.target, r.kind) for r in rels]
    labels = [LabelRequest(r.id, label_forms(r)) for r in rels]
    return Obstacles(nodes, placed.containers, HEADER), edges, labels


def bench(label: str, design: Design, view: str, repeat: int = REPEAT) -> None:
    obstacles, edges, labels = view_of(design, view)
    routes = route_edges(obstacles, edges)
    straight = len(obstacles.nodes) > router.MAX_NODES or len(edges) > router.MAX_EDGES
    routing = median_ms(lambda: route_edges(obstacles, edges), repeat)
    labelling = median_ms(lambda: place_labels(obstacles, routes, labels, measure), repeat)
    placed = len(place_labels(obstacles, routes, labels, measure))
    wanted = sum(1 for r in labels if r.texts and r.texts[0])
    print(
        f"{label} {view}: {len(obstacles.nodes)} cards, {len(obstacles.containers)} containers, "
        f"{len(edges)} edges ({'straight' if straight else 'obstacle'} routes): "
        f"route {routing:.1f} ms, labels {labelling:.1f} ms ({placed}/{wanted} placed), "
        f"total {routing + labelling:.1f} ms"
    )


def bench_forced(label: str, design: Design, view: str) -> None:
    """The obstacle router on a view the thresholds would send to the straight fallback."""
    obstacles, edges, _ = view_of(design, view)
    saved = router.MAX_NODES, router.MAX_EDGES
    setattr(router, "MAX_NODES", 10**9)  # noqa: B010 - constants, lifted for this measure only
    setattr(router, "MAX_EDGES", 10**9)  # noqa: B010
    try:
        routing = median_ms(lambda: route_edges(obstacles, edges), 3)
    finally:
        setattr(router, "MAX_NODES", saved[0])  # noqa: B010
        setattr(router, "MAX_EDGES", saved[1])  # noqa: B010
    print(
        f"{label} {view}: obstacle router forced on {len(edges)} edges: {routing:.0f} ms "
        f"({routing * 1000 / max(1, len(edges)):.0f} us per edge)"
    )


def main(sizes: list[int]) -> None:
    print(f"thresholds: more than {router.MAX_NODES} cards or {router.MAX_EDGES} edges: straight")
    reference = load_template("reference-landing-zone")
    for view in VIEWS:
        bench("reference landing zone", reference, view)
    for accounts in sizes:
        design = synthetic_design(accounts)
        for view in VIEWS:
            bench(f"{accounts} accounts", design, view, repeat=5)
        if accounts <= 500:
            for view in ("all", "identity"):
                bench_forced(f"{accounts} accounts", design, view)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [200, 2000])
