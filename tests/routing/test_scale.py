"""Determinism, large inputs and the straight fallback (no timing assertions here: see
benchmarks/bench_routing.py for the timings)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

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
from designer.drawing.routing.check import ambiguous_labels, foreign_crossings, label_overlaps
from designer.drawing.views import VIEWS, label_forms
from tests.routing import (
    box_distance,
    enters_band_from_below,
    leaves,
    measure,
    orthogonal_and_clean,
    shared_length,
)

ROOT = Path(__file__).resolve().parents[2]


def synthetic(accounts: int, view: str = "all") -> tuple[Obstacles, list[EdgeRequest]]:
    design = synthetic_design(accounts)
    placed = arrange(design)
    nodes = {i: Box(x, y, NODE_WIDTH, NODE_HEIGHT) for i, (x, y) in placed.nodes.items()}
    kinds = VIEWS[view]
    edges = [
        EdgeRequest(r.id, r.source, r.target, r.kind)
        for r in design.relationships
        if r.kind in kinds
    ]
    return Obstacles(nodes, placed.containers, HEADER), edges


def assert_anchored(obstacles: Obstacles, edges: list[EdgeRequest], routes: dict) -> None:
    """Every route orthogonal, leaving its source and entering its target perpendicularly."""
    for e in edges:
        route = routes[e.id]
        assert orthogonal_and_clean(route), e
        source = obstacles.nodes.get(e.source) or obstacles.containers[e.source]
        target = obstacles.nodes.get(e.target) or obstacles.containers[e.target]
        if e.target in obstacles.containers and target.contains(source):
            assert enters_band_from_below(route, target, obstacles.header), e
        else:
            assert leaves(route, target, at_start=False), e
        if e.source in obstacles.containers and source.contains(target):
            assert enters_band_from_below(route[::-1], source, obstacles.header), e
        else:
            assert leaves(route, source), e


def test_the_same_input_in_another_order_gives_the_same_routes() -> None:
    obstacles, edges = synthetic(60)
    expected = route_edges(obstacles, edges)
    shuffled_nodes = list(obstacles.nodes.items())
    shuffled_containers = list(obstacles.containers.items())
    random.Random(7).shuffle(shuffled_nodes)
    random.Random(8).shuffle(shuffled_containers)
    again = Obstacles(dict(shuffled_nodes), dict(shuffled_containers), obstacles.header)
    assert route_edges(again, edges) == expected


SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from tests.routing.test_scale import synthetic
from designer.drawing.routing import route_edges
obstacles, edges = synthetic(40)
print(json.dumps(sorted(route_edges(obstacles, edges).items())))
"""


def test_routes_do_not_depend_on_the_hash_seed() -> None:
    outputs = set()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(root=str(ROOT))],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())


def test_a_mid_size_view_is_routed_round_the_obstacles() -> None:
    obstacles, edges = synthetic(60, "identity")
    routes = route_edges(obstacles, edges)
    assert set(routes) == {e.id for e in edges}
    assert foreign_crossings(obstacles, edges, routes) == []
    assert_anchored(obstacles, edges, routes)


def test_beyond_the_thresholds_routes_are_straight_and_border_anchored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    obstacles, edges = synthetic(60)
    monkeypatch.setattr(router, "MAX_EDGES", 10)
    routes = route_edges(obstacles, edges)
    assert set(routes) == {e.id for e in edges}
    assert_anchored(obstacles, edges, routes)
    assert all(len(route) <= 4 for route in routes.values())  # at most three segments


def test_straight_routes_keep_parallel_edges_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(router, "MAX_NODES", 0)
    card = lambda x, y: Box(x, y, NODE_WIDTH, NODE_HEIGHT)  # noqa: E731
    for b in (card(0, 300), card(400, 300), card(400, 0), card(100, 30)):
        obstacles = Obstacles({"a": card(0, 0), "b": b}, {}, HEADER)
        edges = [
            EdgeRequest(str(n), *ends, kind)
            for n, (ends, kind) in enumerate(
                [
                    (("a", "b"), "trust"),
                    (("a", "b"), "trust"),
                    (("b", "a"), "trust"),
                    (("a", "b"), "billing"),
                ]
            )
        ]
        routes = route_edges(obstacles, edges)
        for n in range(4):
            assert orthogonal_and_clean(routes[str(n)])
            for m in range(n):
                assert shared_length(routes[str(n)], routes[str(m)]) == 0, (b, n, m)


def test_a_two_thousand_account_view_is_routed() -> None:
    obstacles, edges = synthetic(2000)
    assert len(obstacles.nodes) > router.MAX_NODES
    routes = route_edges(obstacles, edges)
    assert set(routes) == {e.id for e in edges}
    assert_anchored(obstacles, edges[:: len(edges) // 300], routes)


@pytest.mark.parametrize(("accounts", "view"), [(60, "identity"), (200, "all"), (2000, "all")])
def test_labels_of_large_views_name_their_own_edge(accounts: int, view: str) -> None:
    """Obstacle routes, and straight ones (where most routes share their lines, so most labels
    are left out): what is placed covers nothing and lies nearest its own route."""
    design = synthetic_design(accounts)
    obstacles, edges = synthetic(accounts, view)
    routes = route_edges(obstacles, edges)
    relationships = {r.id: r for r in design.relationships}
    requests = [LabelRequest(e.id, label_forms(relationships[e.id])) for e in edges]
    placed = place_labels(obstacles, routes, requests, measure)
    assert placed
    assert label_overlaps(obstacles, placed) == []
    assert ambiguous_labels(routes, placed) == []
    assert all(box_distance(routes[name], label.box) <= 4.0 for name, label in placed.items())
