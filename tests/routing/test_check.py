"""The measuring functions themselves, on cases whose answer is known."""

from __future__ import annotations

from designer.drawing.layout import Box
from designer.drawing.routing import EdgeRequest, Obstacles, PlacedLabel
from designer.drawing.routing.check import ambiguous_labels, foreign_crossings, label_overlaps

OBSTACLES = Obstacles(
    {"a": Box(0, 0, 100, 50), "b": Box(300, 0, 100, 50), "c": Box(150, 0, 100, 50)},
    {"ou": Box(0, 100, 400, 200)},
    28.0,
)


def test_a_route_through_a_card_that_is_not_its_end_is_reported() -> None:
    edges = [EdgeRequest("e", "a", "b", "trust")]
    routes = {"e": ((100.0, 25.0), (300.0, 25.0))}
    assert foreign_crossings(OBSTACLES, edges, routes) == [("e", "c")]


def test_touching_a_card_or_passing_beside_it_is_not_a_crossing() -> None:
    edges = [EdgeRequest("e", "a", "b", "trust")]
    routes = {"e": ((50.0, 50.0), (50.0, 75.0), (350.0, 75.0), (350.0, 50.0))}
    assert foreign_crossings(OBSTACLES, edges, routes) == []
    along_the_edge = {"e": ((100.0, 0.0), (300.0, 0.0))}
    assert foreign_crossings(OBSTACLES, edges, along_the_edge) == []


def test_crossing_a_title_band_is_reported_unless_the_container_is_an_end() -> None:
    routes = {"e": ((50.0, 50.0), (50.0, 150.0))}
    assert foreign_crossings(OBSTACLES, [EdgeRequest("e", "a", "x", "trust")], routes) == [
        ("e", "ou")
    ]
    assert foreign_crossings(OBSTACLES, [EdgeRequest("e", "a", "ou", "trust")], routes) == []
    below_the_band = {"e": ((-10.0, 140.0), (410.0, 140.0))}
    assert foreign_crossings(OBSTACLES, [EdgeRequest("e", "a", "b", "t")], below_the_band) == []


def test_label_overlaps_name_both_sides() -> None:
    labels = {
        "one": PlacedLabel("one", Box(90, 40, 30, 14)),  # covers card a
        "two": PlacedLabel("two", Box(260, 60, 30, 14)),
        "three": PlacedLabel("three", Box(280, 70, 30, 14)),  # covers label two
        "four": PlacedLabel("four", Box(10, 110, 30, 14)),  # in the band of ou
        "five": PlacedLabel("five", Box(10, 140, 30, 14)),  # inside ou, below its band: fine
    }
    assert label_overlaps(OBSTACLES, labels) == [("one", "a"), ("two", "three"), ("four", "ou")]


def test_a_label_beside_a_trunk_two_routes_share_is_ambiguous() -> None:
    routes = {
        "one": ((0.0, 0.0), (0.0, 300.0), (100.0, 300.0)),
        "two": ((0.0, 0.0), (0.0, 200.0), (100.0, 200.0)),
    }
    beside_the_trunk = {"one": PlacedLabel("one", Box(3, 100, 60, 14))}
    assert ambiguous_labels(routes, beside_the_trunk) == [("one", "two")]
    beside_its_branch = {"one": PlacedLabel("one", Box(20, 303, 60, 14))}
    assert ambiguous_labels(routes, beside_its_branch) == []


def test_a_label_covering_or_nearer_another_route_is_ambiguous() -> None:
    routes = {
        "mine": ((0.0, 50.0), (300.0, 50.0)),
        "across": ((150.0, 0.0), (150.0, 100.0)),
        "parallel": ((0.0, 70.0), (300.0, 70.0)),
    }
    on_the_crossing = {"mine": PlacedLabel("mine", Box(120, 43, 60, 14))}
    assert ambiguous_labels(routes, on_the_crossing) == [("mine", "across")]
    nearer_the_other = {"mine": PlacedLabel("mine", Box(20, 55, 60, 14))}  # 5 from mine, 1 away
    assert ambiguous_labels(routes, nearer_the_other) == [("mine", "parallel")]
    above_mine = {"mine": PlacedLabel("mine", Box(20, 33, 60, 14))}  # 3 from mine, 23 from parallel
    assert ambiguous_labels(routes, above_mine) == []
    assert ambiguous_labels(routes, {"parallel": PlacedLabel("p", Box(20, 73, 60, 14))}) == []


def test_distances_to_slanted_segments_are_measured_too() -> None:
    routes = {"mine": ((0.0, 200.0), (100.0, 200.0)), "slanted": ((0.0, 0.0), (100.0, 100.0))}
    crossed = {"mine": PlacedLabel("mine", Box(40, 40, 20, 10))}  # the slanted one runs through it
    assert ambiguous_labels(routes, crossed) == [("mine", "slanted")]
    clear = {"mine": PlacedLabel("mine", Box(40, 187, 20, 10))}
    assert ambiguous_labels(routes, clear) == []
