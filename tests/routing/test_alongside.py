"""Which parts of a route no other route runs along, against a plain count over the points
where intervals start and end (random segments on a few nearby lines)."""

from __future__ import annotations

import itertools
import random

from designer.drawing.layout import Point
from designer.drawing.routing.alongside import NEAR, Lines

Route = tuple[Point, ...]


def expected(routes: dict[str, Route], edge: str) -> list[tuple[float, float]]:
    """Pieces of the edge's (single, horizontal) segment that no other segment on a line
    closer than NEAR covers."""
    (ax, y), (bx, _) = routes[edge]
    others = [
        (min(route[0][0], route[1][0]), max(route[0][0], route[1][0]))
        for name, route in routes.items()
        if name != edge and abs(route[0][1] - y) < NEAR
    ]
    cuts = sorted({min(ax, bx), max(ax, bx), *(x for pair in others for x in pair)})
    pieces: list[tuple[float, float]] = []
    for lo, hi in itertools.pairwise(cuts):
        if lo < min(ax, bx) or hi > max(ax, bx) or lo == hi:
            continue
        if any(o_lo < hi and lo < o_hi for o_lo, o_hi in others):
            continue
        if pieces and pieces[-1][1] == lo:
            pieces[-1] = (pieces[-1][0], hi)
        else:
            pieces.append((lo, hi))
    return pieces


def test_lone_stretches_match_a_plain_count() -> None:
    rng = random.Random(3)
    for _ in range(300):
        routes: dict[str, Route] = {}
        for n in range(rng.randint(1, 8)):
            a, b = rng.sample(range(0, 60, 3), 2)
            y = rng.choice((0.0, 0.0, 0.0, 4.0, 9.0))
            routes[f"e{n}"] = ((float(a), y), (float(b), y))
        lines = Lines(routes)
        for edge in routes:
            found = sorted((lo, hi) for _, _, lo, hi in lines.alone(edge))
            assert found == expected(routes, edge), (routes, edge)


def test_near_sees_other_routes_only() -> None:
    routes: dict[str, Route] = {
        "mine": ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0)),
        "other": ((50.0, 20.0), (50.0, 80.0)),
    }
    lines = Lines(routes)
    assert not lines.near("mine", (90.0, 10.0, 110.0, 30.0))  # only its own segments there
    assert lines.near("mine", (40.0, 10.0, 50.0, 25.0))  # touches the other one's side
    assert lines.near("mine", (45.0, 5.0, 55.0, 20.0))  # and its end
    assert not lines.near("mine", (40.0, 10.0, 49.9, 30.0))
    assert lines.near("other", (90.0, 10.0, 110.0, 30.0))
