"""Random drawings: whatever the cards, containers and edges, the routes keep the rules.

Cards stand on a jittered lattice, a container encloses some of them, edges join random ends
(self-loops, parallels, container ends included). Seeded, so a failure can be replayed.
"""

from __future__ import annotations

import random

import pytest

from designer.drawing.layout import Box
from designer.drawing.routing import EdgeRequest, LabelRequest, Obstacles, place_labels, route_edges
from designer.drawing.routing.check import foreign_crossings, label_overlaps
from tests.routing import enters_band_from_below, leaves, measure, orthogonal_and_clean

HEADER = 28.0


def drawing(seed: int) -> tuple[Obstacles, list[EdgeRequest]]:
    rnd = random.Random(seed)
    spots = rnd.sample([(i, j) for i in range(6) for j in range(6)], rnd.randint(2, 14))
    nodes = {
        f"n{n}": Box(i * 230 + rnd.choice([0, 8, 16]), j * 120 + rnd.choice([0, 10]), 180, 64)
        for n, (i, j) in enumerate(spots)
    }
    containers = {}
    inside = [b for b in nodes.values() if b.y < 250]
    if inside and rnd.random() < 0.7:
        left, top = min(b.x for b in inside) - 16, min(b.y for b in inside) - 44
        right, bottom = max(b.right for b in inside) + 16, max(b.bottom for b in inside) + 16
        box = Box(left, top, right - left, bottom - top)
        if all(box.contains(b) or not box.overlaps(b) for b in nodes.values()):
            containers["ou"] = box
    ends = [*nodes, *containers]
    kinds = ["trust", "billing", "log-delivery"]
    edges = [
        EdgeRequest(f"e{k}", rnd.choice(ends), rnd.choice(ends), rnd.choice(kinds))
        for k in range(rnd.randint(1, 25))
    ]
    return Obstacles(nodes, containers, HEADER), edges


def anchored(obstacles: Obstacles, edge: EdgeRequest, route: tuple) -> bool:
    source = obstacles.nodes.get(edge.source) or obstacles.containers[edge.source]
    target = obstacles.nodes.get(edge.target) or obstacles.containers[edge.target]
    if edge.source == edge.target:
        return leaves(route, source) and leaves(route, source, at_start=False)
    if edge.target in obstacles.containers and target.contains(source):
        at_target = enters_band_from_below(route, target, HEADER)
    else:
        at_target = leaves(route, target, at_start=False)
    if edge.source in obstacles.containers and source.contains(target):
        return at_target and enters_band_from_below(route[::-1], source, HEADER)
    return at_target and leaves(route, source)


@pytest.mark.parametrize("seed", range(60))
def test_random_drawings_keep_the_rules(seed: int) -> None:
    obstacles, edges = drawing(seed)
    routes = route_edges(obstacles, edges)
    assert foreign_crossings(obstacles, edges, routes) == []
    for edge in edges:
        assert orthogonal_and_clean(routes[edge.id]), edge
        assert anchored(obstacles, edge, routes[edge.id]), edge
    requests = [LabelRequest(e.id, (f"label {e.id}", e.id)) for e in edges]
    assert label_overlaps(obstacles, place_labels(obstacles, routes, requests, measure)) == []


def test_stacked_self_loops_on_a_card_under_a_title_band_stay_out_of_it() -> None:
    obstacles = Obstacles({"a": Box(16, 44, 180, 64)}, {"ou": Box(0, 0, 400, 200)}, HEADER)
    edges = [EdgeRequest(f"loop{n}", "a", "a", "log-delivery") for n in range(3)]
    routes = route_edges(obstacles, edges)
    assert foreign_crossings(obstacles, edges, routes) == []
    assert all(anchored(obstacles, e, routes[e.id]) for e in edges)


def test_a_container_fanning_out_inside_and_outside_attaches_each_edge_its_own_way() -> None:
    unit = Box(0, 0, 400, 300)
    nodes = {"in": Box(16, 180, 180, 64), "out": Box(0, 400, 180, 64)}
    obstacles = Obstacles(nodes, {"ou": unit}, HEADER)
    edges = [EdgeRequest("o", "ou", "out", "billing"), EdgeRequest("i", "ou", "in", "billing")]
    routes = route_edges(obstacles, edges)
    assert leaves(routes["o"], unit)
    assert enters_band_from_below(routes["i"][::-1], unit, HEADER)
