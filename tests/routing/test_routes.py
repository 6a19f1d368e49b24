"""route_edges on hand-made obstacle sets: one test per requirement."""

from __future__ import annotations

import itertools

import pytest

from designer.drawing.layout import Box
from designer.drawing.routing import EdgeRequest, Obstacles, route_edges
from designer.drawing.routing.check import foreign_crossings
from tests.routing import (
    clearance,
    enters_band_from_below,
    horizontal,
    leaves,
    orthogonal_and_clean,
    segments,
    shared_length,
)

HEADER = 28.0


def card(x: float, y: float) -> Box:
    return Box(x, y, 180.0, 64.0)


def edge(name: str, source: str, target: str, kind: str = "trust") -> EdgeRequest:
    return EdgeRequest(name, source, target, kind)


def test_a_route_is_orthogonal_and_leaves_and_enters_perpendicularly() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(400, 200)}, {}, HEADER)
    route = route_edges(obstacles, [edge("e", "a", "b")])["e"]
    assert orthogonal_and_clean(route)
    assert leaves(route, obstacles.nodes["a"])
    assert leaves(route, obstacles.nodes["b"], at_start=False)


def test_aligned_cards_are_joined_by_one_straight_segment() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(0, 200)}, {}, HEADER)
    assert route_edges(obstacles, [edge("e", "a", "b")])["e"] == ((90.0, 64.0), (90.0, 200.0))


def test_a_diagonal_route_bends_once() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(400, 200)}, {}, HEADER)
    route = route_edges(obstacles, [edge("e", "a", "b")])["e"]
    assert len(route) == 3


def test_a_route_goes_round_a_card_in_the_way_with_clearance() -> None:
    nodes = {"a": card(0, 0), "blocker": card(204, 0), "b": card(408, 0)}
    obstacles = Obstacles(nodes, {}, HEADER)
    edges = [edge("e", "a", "b")]
    routes = route_edges(obstacles, edges)
    assert foreign_crossings(obstacles, edges, routes) == []
    assert clearance(routes["e"], nodes["blocker"]) >= 6.0
    assert orthogonal_and_clean(routes["e"])


def test_a_route_never_crosses_a_title_band_but_may_cross_a_plain_border() -> None:
    unit = Box(0, 100, 600, 150)  # band from y 100 to 128
    nodes = {"inside": card(16, 144), "above": card(300, -100)}
    obstacles = Obstacles(nodes, {"ou": unit}, HEADER)
    edges = [edge("e", "above", "inside")]
    routes = route_edges(obstacles, edges)
    assert foreign_crossings(obstacles, edges, routes) == []
    route = routes["e"]
    crosses_border = any(
        min(a[0], b[0]) < unit.x < max(a[0], b[0])
        or min(a[1], b[1]) < unit.bottom < max(a[1], b[1])
        for a, b in segments(route)
    ) or any(min(a[0], b[0]) < unit.right < max(a[0], b[0]) for a, b in segments(route))
    assert crosses_border  # it went in through a side or the bottom


def test_an_edge_to_a_container_ends_on_its_border() -> None:
    unit = Box(300, 0, 400, 200)
    obstacles = Obstacles({"a": card(0, 300), "x": card(316, 44)}, {"ou": unit}, HEADER)
    route = route_edges(obstacles, [edge("e", "a", "ou", "resource-share")])["e"]
    assert orthogonal_and_clean(route)
    assert leaves(route, unit, at_start=False)
    assert leaves(route, obstacles.nodes["a"])


@pytest.mark.parametrize("reverse", [False, True])
def test_an_edge_between_an_account_and_its_own_ou_ends_under_the_title_band(reverse: bool) -> None:
    unit = Box(0, 0, 450, 200)
    nodes = {"x": card(220, 44), "y": card(16, 44)}
    obstacles = Obstacles(nodes, {"ou": unit}, HEADER)
    e = edge("e", "ou", "x") if reverse else edge("e", "x", "ou")
    routes = route_edges(obstacles, [e])
    route = routes["e"][::-1] if reverse else routes["e"]
    assert orthogonal_and_clean(route)
    assert leaves(route, nodes["x"])
    assert enters_band_from_below(route, unit, HEADER)
    assert foreign_crossings(obstacles, [e], routes) == []


def test_an_edge_to_the_whole_organization_ends_under_the_root_band() -> None:
    root = Box(0, 0, 900, 500)
    unit = Box(16, 44, 600, 200)
    nodes = {"deep": card(32, 88), "beside": card(700, 60)}
    obstacles = Obstacles(nodes, {"root": root, "ou": unit}, HEADER)
    edges = [edge("e", "deep", "root", "resource-share")]
    routes = route_edges(obstacles, edges)
    assert enters_band_from_below(routes["e"], root, HEADER)
    assert foreign_crossings(obstacles, edges, routes) == []


def test_a_self_loop_leaves_and_returns_through_the_top_or_right_side_outside_the_box() -> None:
    box = card(100, 100)
    obstacles = Obstacles({"a": box}, {}, HEADER)
    routes = route_edges(obstacles, [edge("one", "a", "a"), edge("two", "a", "a")])
    for route in routes.values():
        assert orthogonal_and_clean(route)
        assert leaves(route, box)
        assert leaves(route, box, at_start=False)
        for end in (route[0], route[-1]):
            assert end[1] == box.y or end[0] == box.right  # the top or the right side
        for x, y in route[1:-1]:
            assert not (box.x <= x <= box.right and box.y <= y <= box.bottom)
    assert shared_length(routes["one"], routes["two"]) == 0


def test_parallel_edges_either_way_never_lie_on_top_of_each_other() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(500, 300)}, {}, HEADER)
    edges = [
        edge("1", "a", "b"),
        edge("2", "a", "b"),
        edge("3", "b", "a"),
        edge("4", "a", "b", "log-delivery"),
    ]
    routes = route_edges(obstacles, edges)
    names = sorted(routes)
    for n, first in enumerate(names):
        for second in names[n + 1 :]:
            assert shared_length(routes[first], routes[second]) == 0, (first, second)
        assert leaves(routes[first], obstacles.nodes["a" if first != "3" else "b"])


def test_a_fan_out_of_one_kind_shares_a_trunk() -> None:
    nodes = {"hub": card(300, 0), **{f"t{n}": card(n * 204, 300) for n in range(4)}}
    obstacles = Obstacles(nodes, {}, HEADER)
    edges = [edge(f"e{n}", "hub", f"t{n}", "billing") for n in range(4)]
    routes = route_edges(obstacles, edges)
    assert len({routes[e.id][0] for e in edges}) < len(edges)  # ports are shared
    for e in edges:
        others = [o for o in edges if o is not e]
        assert max(shared_length(routes[e.id], routes[o.id]) for o in others) > 0


def test_a_fan_out_and_a_fan_in_of_one_kind_do_not_merge() -> None:
    nodes = {"s": card(0, 0), "t": card(0, 300), "u": card(400, 0), "v": card(400, 300)}
    obstacles = Obstacles(nodes, {}, HEADER)
    # s->v shares its source with s->t and its target with u->v; s->t and u->v share nothing.
    edges = [edge("st", "s", "t"), edge("sv", "s", "v"), edge("uv", "u", "v")]
    routes = route_edges(obstacles, edges)
    assert shared_length(routes["st"], routes["uv"]) == 0


def test_edges_of_different_kinds_sharing_a_channel_are_spread_apart() -> None:
    nodes = {"left": card(0, 200), "right": card(220, 200), "s": card(0, 0), "t": card(220, 400)}
    obstacles = Obstacles(nodes, {}, HEADER)
    edges = [edge("a", "s", "t", "trust"), edge("b", "s", "t", "log-delivery")]
    edges.append(edge("c", "s", "t", "billing"))
    routes = route_edges(obstacles, edges)
    assert foreign_crossings(obstacles, edges, routes) == []
    in_gap = []
    for route in routes.values():
        for a, b in segments(route):
            if not horizontal((a, b)) and 180 < a[0] < 220 and min(a[1], b[1]) < 220:
                in_gap.append(a[0])
    assert len(in_gap) == 3  # all three go down the channel between the two cards...
    in_gap.sort()
    assert min(b - a for a, b in itertools.pairwise(in_gap)) >= 3.0  # ...apart
    assert abs(sum(in_gap) / 3 - 200.0) < 1.0  # and round its centre


def test_a_lone_route_runs_down_the_middle_of_a_channel() -> None:
    nodes = {"left": card(0, 200), "right": card(240, 200), "s": card(0, 0), "t": card(240, 400)}
    obstacles = Obstacles(nodes, {}, HEADER)
    route = route_edges(obstacles, [edge("e", "s", "t")])["e"]
    xs = [a[0] for a, b in segments(route) if not horizontal((a, b)) and 180 < a[0] < 240]
    assert xs == [210.0]


def test_edges_with_an_unknown_end_are_skipped() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(0, 200)}, {}, HEADER)
    edges = [edge("e", "a", "b"), edge("f", "a", "gone"), edge("g", "gone", "b")]
    assert set(route_edges(obstacles, edges)) == {"e"}


def test_no_edges_no_routes() -> None:
    assert route_edges(Obstacles({}, {}, HEADER), []) == {}
