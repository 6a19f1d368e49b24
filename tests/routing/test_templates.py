"""Every bundled template in every view: no route through a card or a title band, no label on
a card, a band or another label, no label a reader could take for another edge's, every route
anchored on its ends' borders."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from designer.drawing.layout import HEADER, NODE_HEIGHT, NODE_WIDTH, Box, arrange
from designer.drawing.routing import EdgeRequest, LabelRequest, Obstacles, place_labels, route_edges
from designer.drawing.routing.check import ambiguous_labels, foreign_crossings, label_overlaps
from designer.drawing.routing.groups import bus_keys
from designer.drawing.views import VIEWS, edge_label, label_forms
from designer.model.templates import list_templates, load_template
from tests.routing import box_distance, measure, on_a_long_enough_segment, shared_length
from tests.routing.test_scale import assert_anchored

CASES = [(t.name, view) for t in list_templates() for view in VIEWS]


def short(text: str) -> str:
    """A shorter form of a label: the access level of a trust, the first of a list."""
    return text.split(" · ")[-1].split(", ")[0]


@cache
def drawn(template: str, view: str) -> tuple[Obstacles, list[EdgeRequest], list[Any]]:
    design = load_template(template)
    placed = arrange(design)
    nodes = {i: Box(x, y, NODE_WIDTH, NODE_HEIGHT) for i, (x, y) in placed.nodes.items()}
    rels = [r for r in design.relationships if r.kind in VIEWS[view]]
    edges = [EdgeRequest(r.id, r.source, r.target, r.kind) for r in rels]
    return Obstacles(nodes, placed.containers, HEADER), edges, rels


@pytest.mark.parametrize(("template", "view"), CASES)
def test_routes_avoid_what_they_do_not_join(template: str, view: str) -> None:
    obstacles, edges, _ = drawn(template, view)
    routes = route_edges(obstacles, edges)
    assert set(routes) == {e.id for e in edges}
    assert foreign_crossings(obstacles, edges, routes) == []
    assert_anchored(obstacles, edges, routes)


@pytest.mark.parametrize(("template", "view"), CASES)
def test_only_edges_of_one_bus_lie_on_top_of_each_other(template: str, view: str) -> None:
    obstacles, edges, _ = drawn(template, view)
    routes = route_edges(obstacles, edges)
    keys = bus_keys(edges)
    for n, first in enumerate(edges):
        for second in edges[n + 1 :]:
            if not set(keys[first.id]) & set(keys[second.id]):
                assert shared_length(routes[first.id], routes[second.id]) == 0, (first, second)


@pytest.mark.parametrize(("template", "view"), CASES)
@pytest.mark.parametrize("forms", ["canvas", "short"])
def test_labels_cover_nothing_and_name_their_own_edge(template: str, view: str, forms: str) -> None:
    """With the texts the canvas and the exporters offer (label_forms), and with the access
    level alone as the fallback: a label is dropped rather than put where it is ambiguous."""
    obstacles, edges, rels = drawn(template, view)
    routes = route_edges(obstacles, edges)
    if forms == "canvas":
        requests = [LabelRequest(r.id, label_forms(r)) for r in rels]
    else:
        requests = [LabelRequest(r.id, (edge_label(r), short(edge_label(r)))) for r in rels]
    placed = place_labels(obstacles, routes, requests, measure)
    assert label_overlaps(obstacles, placed) == []
    assert ambiguous_labels(routes, placed) == []
    for name, label in placed.items():
        assert box_distance(routes[name], label.box) <= 4.0, name
        assert on_a_long_enough_segment(label, routes[name]), name
        assert label.text in next(r.texts for r in requests if r.id == name)
    wanted = [r for r in requests if r.texts and r.texts[0]]
    assert placed or not wanted  # where routes share most of their way, few labels fit
