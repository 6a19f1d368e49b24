"""A* over the grid with state (vertex, heading): cost = length + a penalty per bend.

Steps along grid edges that routes of the same bus (same kind, shared source or target) already
use cost less, so such edges gather on one trunk. Ties are broken by insertion order, so the
result depends only on the input.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Final

from designer.drawing.routing.geometry import EAST, NORTH, SOUTH, WEST
from designer.drawing.routing.grid import Grid

BEND: Final = 40.0  # one bend is worth this much length
BUS_DISCOUNT: Final = 0.5  # length factor on grid edges already used by the same bus
CROWDING: Final = 0.5  # extra length factor for each other bus already in a grid area...
CAP: Final = 4  # ...counting up to this many


@dataclass(frozen=True)
class Crowding:
    count: dict[int, int]  # grid area -> how many buses run through it
    own: set[int]  # the areas the route's own buses run through (they do not count)


_BACK: Final = (2, 3, 0, 1)  # the opposite of each heading


@dataclass(frozen=True)
class Start:
    state: int  # vertex * 4 + heading
    cost: float  # already spent on getting there
    tag: int  # the caller's name for it


@dataclass(frozen=True)
class Goal:
    vertex: int
    heading: int  # the heading the route goes on with from the vertex
    remaining: float  # the cost from the vertex to the end, going on that way
    tag: int
    aimed: bool = True  # steer the search towards it (not for a stretch of a long route)


@dataclass(frozen=True)
class Path:
    start: int  # tag of the start taken
    states: list[int]  # from that start to the goal's vertex
    goal: int  # tag of the goal reached


def _bends(across: int, down: int, heading: int) -> int:
    """The fewest bends from `heading` to a box that lies `across` (EAST / WEST / -1: level)
    and `down` (SOUTH / NORTH / -1)."""
    if across < 0 and down < 0:
        return 0
    if across >= 0 and down >= 0:
        return 1 if heading in (across, down) else 2
    wanted = max(across, down)
    return 0 if heading == wanted else (2 if heading == _BACK[wanted] else 1)


# BEND times the bends, by (where the goals lie: 9 cases) * 4 + heading.
_BEND_COST: Final = tuple(
    BEND * _bends(across, down, heading)
    for across in (-1, EAST, WEST)
    for down in (-1, SOUTH, NORTH)
    for heading in (NORTH, EAST, SOUTH, WEST)
)


class _Estimate:
    """A lower bound of the cost to the nearest goal: the distance to the goals' bounding box
    plus the bends that any route from this heading needs to get there (per vertex, cached)."""

    def __init__(self, grid: Grid, goals: Sequence[Goal]) -> None:
        points = [grid.point(g.vertex) for g in goals]
        self.left, self.right = min(p[0] for p in points), max(p[0] for p in points)
        self.top, self.bottom = min(p[1] for p in points), max(p[1] for p in points)
        self.grid = grid
        self.cache: dict[int, tuple[float, int]] = {}

    def near(self, vertex: int) -> tuple[float, int]:
        """The distance to the goals' box and the index of its side in _BEND_COST."""
        x, y = self.grid.point(vertex)
        if x < self.left:
            dx, across = self.left - x, 1
        elif x > self.right:
            dx, across = x - self.right, 2
        else:
            dx, across = 0.0, 0
        if y < self.top:
            dy, down = self.top - y, 1
        elif y > self.bottom:
            dy, down = y - self.bottom, 2
        else:
            dy, down = 0.0, 0
        found = self.cache[vertex] = (dx + dy, (across * 3 + down) * 4)
        return found

    def __call__(self, state: int) -> float:
        distance, side = self.cache.get(state >> 2) or self.near(state >> 2)
        return distance + _BEND_COST[side + (state & 3)]


def search(
    grid: Grid,
    starts: Sequence[Start],
    goals: Sequence[Goal],
    cheap: tuple[set[int], set[int]],
    crowded: Crowding,
) -> Path | None:
    """The cheapest route from one of the starts to one of the goals. Grid edges in `cheap`
    (used by the route's own buses) cost less; those in an area other buses already run
    through cost more, so unrelated routes spread over the channels there are."""
    if not starts or not goals:
        return None
    by_vertex: dict[int, list[Goal]] = {}
    for goal in goals:
        by_vertex.setdefault(goal.vertex, []).append(goal)
    estimate = _Estimate(grid, [g for g in goals if g.aimed] or goals)
    tie = count()
    best: dict[int, float] = {}
    parent: dict[int, int] = {}
    heap: list[tuple[float, int, float, int]] = []
    first: dict[int, int] = {}  # start state -> tag
    for start in starts:
        if start.cost < best.get(start.state, float("inf")):
            best[start.state], first[start.state] = start.cost, start.tag
            heapq.heappush(
                heap, (start.cost + estimate(start.state), next(tie), start.cost, start.state)
            )
    goal_base = 4 * len(grid.xs) * grid.ny  # goal states come after every grid state
    inf, moves = float("inf"), grid.moves
    cheap_out, cheap_in = cheap
    crowd, own = crowded.count.get, crowded.own
    near, known, bend_cost = estimate.near, estimate.cache.get, _BEND_COST
    while heap:
        _, _, cost, state = heapq.heappop(heap)
        if state >= goal_base:
            return _path(first, parent, parent[state], state - goal_base)
        if cost > best[state]:
            continue
        vertex, heading = state >> 2, state & 3
        if vertex in by_vertex:
            _reach(by_vertex[vertex], state, cost, goal_base, best, parent, heap, tie)
        back = heading ^ 2
        for turn, other, length, key, area in moves(vertex):
            if turn == back:
                continue
            if key in cheap_out or key in cheap_in:
                step = cost + length * BUS_DISCOUNT
            else:
                step = cost + length * (1.0 + CROWDING * min(crowd(area, 0) - (area in own), CAP))
            if turn != heading:
                step += BEND
            next_state = (other << 2) | turn
            if step < best.get(next_state, inf):
                best[next_state], parent[next_state] = step, state
                distance, side = known(other) or near(other)
                heapq.heappush(
                    heap, (step + distance + bend_cost[side + turn], next(tie), step, next_state)
                )
    return None


def _reach(
    goals: Sequence[Goal],
    state: int,
    cost: float,
    goal_base: int,
    best: dict[int, float],
    parent: dict[int, int],
    heap: list[tuple[float, int, float, int]],
    tie: Iterator[int],
) -> None:
    """Queue the goals at the state's vertex, each with the full cost of ending there."""
    heading = state & 3
    for goal in goals:
        if heading == _BACK[goal.heading]:
            continue
        total = cost + goal.remaining + (BEND if heading != goal.heading else 0.0)
        if total < best.get(goal_base + goal.tag, float("inf")):
            best[goal_base + goal.tag], parent[goal_base + goal.tag] = total, state
            heapq.heappush(heap, (total, next(tie), total, goal_base + goal.tag))


def _path(first: dict[int, int], parent: dict[int, int], state: int, goal: int) -> Path:
    states = [state]
    while state in parent:
        state = parent[state]
        states.append(state)
    states.reverse()
    return Path(first[states[0]], states, goal)
