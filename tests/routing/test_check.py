"""The measuring functions themselves, on cases whose answer is known."""

from __future__ import annotations

from designer.layout import Box
from designer.routing import EdgeRequest, Obstacles, PlacedLabel
from designer.routing.check import foreign_crossings, label_overlaps

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
