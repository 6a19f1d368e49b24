"""place_labels: on or beside the own route, covering nothing, fallbacks, drops and order."""

from __future__ import annotations

from designer.drawing.layout import Box, Point
from designer.drawing.routing import LabelRequest, Obstacles, PlacedLabel, place_labels
from designer.drawing.routing.check import ambiguous_labels, label_overlaps
from tests.routing import box_distance, measure, on_a_long_enough_segment

HEADER = 28.0
Route = tuple[Point, ...]


def card(x: float, y: float) -> Box:
    return Box(x, y, 180.0, 64.0)


def near(label: PlacedLabel, route: Route) -> bool:
    """On the route or right beside it."""
    return box_distance(route, label.box) <= 4.0


def test_a_label_sits_on_its_route_covering_nothing() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(500, 0)}, {}, HEADER)
    route: Route = ((180.0, 32.0), (500.0, 32.0))
    placed = place_labels(obstacles, {"e": route}, [LabelRequest("e", ("WorkloadAdmin",))], measure)
    label = placed["e"]
    assert label.text == "WorkloadAdmin"
    assert (label.box.width, label.box.height) == measure("WorkloadAdmin")
    assert near(label, route)
    assert on_a_long_enough_segment(label, route)
    assert label_overlaps(obstacles, placed) == []


def test_a_label_prefers_the_unshared_part_of_its_route() -> None:
    obstacles = Obstacles({"s": card(0, 0), "t": card(600, 300), "u": card(0, 600)}, {}, HEADER)
    trunk = ((90.0, 64.0), (90.0, 332.0))
    routes = {
        "mine": (*trunk, (600.0, 332.0)),
        "other": (*trunk, (90.0, 600.0)),
    }
    placed = place_labels(obstacles, routes, [LabelRequest("mine", ("share",))], measure)
    box = placed["mine"].box
    assert box.x > 100  # on the branch to t, not on the trunk both routes run along


def fan_out(branch: float) -> tuple[Obstacles, dict[str, Route]]:
    """Four edges of one kind out of `s` down a shared trunk, each leaving it `branch` long to
    its target on the right (the last one's is the end of the trunk, below the third branch)."""
    nodes = {"s": card(0, 0)}
    routes: dict[str, Route] = {}
    for n, y in enumerate((150.0, 280.0, 410.0, 540.0)):
        nodes[f"t{n}"] = card(90 + branch, y - 32)
        routes[f"e{n}"] = ((90.0, 64.0), (90.0, y), (90.0 + branch, y))
    return Obstacles(nodes, {}, HEADER), routes


def test_labels_of_a_fan_out_with_short_branches_are_never_stacked_on_the_trunk() -> None:
    obstacles, routes = fan_out(30.0)
    texts = ("SecurityReadOnly · RO", "SecurityReadOnly", "RO")
    requests = [LabelRequest(name, texts) for name in routes]
    placed = place_labels(obstacles, routes, requests, measure)
    assert ambiguous_labels(routes, placed) == []
    assert label_overlaps(obstacles, placed) == []
    # The branches are too short for any text; only the last edge has a part of its own long
    # enough (the trunk below the third branch): the others are left out.
    assert set(placed) <= {"e3"}
    for label in placed.values():
        # By the trunk below the third branch, and not along it: there the label would read
        # as that branch's.
        assert label.box.y >= 410 + 14 or label.box.right <= 90
        assert label.box.bottom < 540


def test_labels_of_a_fan_out_with_long_branches_go_on_the_branches() -> None:
    obstacles, routes = fan_out(320.0)
    requests = [LabelRequest(name, ("SecurityReadOnly · RO",)) for name in routes]
    placed = place_labels(obstacles, routes, requests, measure)
    assert set(placed) == set(routes)
    assert ambiguous_labels(routes, placed) == []
    assert label_overlaps(obstacles, placed) == []
    for name, label in placed.items():
        y = routes[name][-1][1]
        assert label.box.y - 4 <= y <= label.box.bottom + 4, name  # by the branch...
        assert label.box.x > 100, name  # ...not the trunk
        assert label.box.right < 90 + 320, name
    for name in ("e0", "e1", "e2"):  # their own part is their branch: near its middle
        assert abs(placed[name].box.x + placed[name].box.width / 2 - (90 + 320 / 2)) < 20


def test_no_label_by_routes_that_run_a_few_units_apart() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(600, 0)}, {}, HEADER)
    routes: dict[str, Route] = {
        "one": ((180.0, 30.0), (600.0, 30.0)),
        "two": ((180.0, 33.0), (600.0, 33.0)),  # collinear within a few units
    }
    requests = [LabelRequest(name, ("trust · RO", "RO")) for name in routes]
    assert place_labels(obstacles, routes, requests, measure) == {}
    apart: dict[str, Route] = {"one": routes["one"], "two": ((180.0, 56.0), (600.0, 56.0))}
    placed = place_labels(obstacles, apart, requests, measure)
    assert set(placed) == {"one", "two"}
    assert ambiguous_labels(apart, placed) == []


def test_a_label_covers_no_other_route() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(600, 0)}, {}, HEADER)
    routes: dict[str, Route] = {
        "mine": ((180.0, 32.0), (600.0, 32.0)),
        "across": ((390.0, -200.0), (390.0, 300.0)),  # through the middle of mine
    }
    placed = place_labels(obstacles, routes, [LabelRequest("mine", ("WorkloadAdmin",))], measure)
    assert ambiguous_labels(routes, placed) == []
    assert near(placed["mine"], routes["mine"])


def test_a_label_sits_near_the_middle_of_its_own_part() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(800, 0), "c": card(300, 200)}, {}, HEADER)
    alone: dict[str, Route] = {"mine": ((180.0, 32.0), (800.0, 32.0))}
    placed = place_labels(obstacles, alone, [LabelRequest("mine", ("label",))], measure)
    box = placed["mine"].box
    assert abs(box.x + box.width / 2 - 490) < 20
    shared = {**alone, "other": ((180.0, 32.0), (390.0, 32.0), (390.0, 200.0))}
    placed = place_labels(obstacles, shared, [LabelRequest("mine", ("label",))], measure)
    box = placed["mine"].box
    assert abs(box.x + box.width / 2 - 595) < 20  # the middle of 390 to 800


def test_a_shorter_text_is_used_when_the_label_does_not_fit() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(230, 0)}, {}, HEADER)
    route: Route = ((180.0, 32.0), (230.0, 32.0))  # 50 long between two cards
    request = LabelRequest("e", ("a label far too wide for the gap between the cards", "ok"))
    placed = place_labels(obstacles, {"e": route}, [request], measure)
    assert placed["e"].text == "ok"
    assert label_overlaps(obstacles, placed) == []


def test_a_label_that_fits_nowhere_is_dropped() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(0, 70)}, {}, HEADER)
    route: Route = ((90.0, 64.0), (90.0, 70.0))
    placed = place_labels(obstacles, {"e": route}, [LabelRequest("e", ("too long", "no"))], measure)
    assert placed == {}


def test_earlier_labels_win_and_later_ones_move_aside() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(0, 300)}, {}, HEADER)
    routes = {"first": ((90.0, 64.0), (90.0, 300.0)), "second": ((97.0, 64.0), (97.0, 300.0))}
    requests = [LabelRequest("first", ("first label",)), LabelRequest("second", ("second",))]
    placed = place_labels(obstacles, routes, requests, measure)
    assert set(placed) == {"first", "second"}
    alone = place_labels(obstacles, routes, requests[:1], measure)
    assert placed["first"] == alone["first"]
    assert label_overlaps(obstacles, placed) == []
    assert all(near(placed[name], routes[name]) for name in placed)


def test_labels_avoid_title_bands_and_cards() -> None:
    unit = Box(0, 200, 400, 150)
    obstacles = Obstacles({"a": card(100, 0), "b": card(100, 260)}, {"ou": unit}, HEADER)
    route: Route = ((190.0, 64.0), (190.0, 160.0), (420.0, 160.0), (420.0, 292.0), (280.0, 292.0))
    placed = place_labels(obstacles, {"e": route}, [LabelRequest("e", ("trust · RO",))], measure)
    assert label_overlaps(obstacles, placed) == []
    assert near(placed["e"], route)


def test_empty_texts_and_unknown_routes_give_no_label() -> None:
    obstacles = Obstacles({"a": card(0, 0), "b": card(500, 0)}, {}, HEADER)
    routes: dict[str, Route] = {"e": ((180.0, 32.0), (500.0, 32.0))}
    requests = [LabelRequest("e", ("",)), LabelRequest("missing", ("text",))]
    assert place_labels(obstacles, routes, requests, measure) == {}


def test_measure_is_asked_once_per_text() -> None:
    obstacles = Obstacles({}, {}, HEADER)
    routes: dict[str, Route] = {str(n): ((0.0, n * 40.0), (300.0, n * 40.0)) for n in range(5)}
    asked: list[str] = []

    def counting(text: str) -> tuple[float, float]:
        asked.append(text)
        return measure(text)

    place_labels(obstacles, routes, [LabelRequest(n, ("same",)) for n in routes], counting)
    assert asked == ["same"]
