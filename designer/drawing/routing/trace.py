"""A found route on the grid (a trace), and how later routes of its bus start or end on it.

A route of a fan-out may start anywhere on an earlier route of the same bus, having paid what
that route paid to get there; a route of a fan-in may end anywhere on an earlier route of its bus
and follow it to the end. The search then only has to find the branch.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from designer.drawing.layout import Point
from designer.drawing.routing.geometry import opposite, simplify
from designer.drawing.routing.grid import Grid, edge_key
from designer.drawing.routing.ports import Port
from designer.drawing.routing.search import BEND, BUS_DISCOUNT, Goal, Path, Start


@dataclass(frozen=True)
class Trace:
    start: Port
    states: list[int]  # vertex * 4 + heading, from start.vertex to goal.vertex
    costs: list[float]  # cost spent on reaching each state
    goal: Port
    total: float  # cost at the goal port

    @classmethod
    def joined(
        cls,
        grid: Grid,
        head: tuple[Trace | None, int, Port],
        states: list[int],
        tail: tuple[Trace | None, int, Port],
    ) -> Trace:
        """The found states, after the part of the trace it started on, before the part of
        the trace it ended on."""
        before, at, start = head
        after, until, goal = tail
        every = (before.states[:at] if before else []) + states
        every += after.states[until + 1 :] if after else []
        points = [grid.point(state // 4) for state in every]
        costs = [start.length]
        for n in range(1, len(every)):
            (ax, ay), (bx, by) = points[n - 1], points[n]
            bend = BEND if every[n] % 4 != every[n - 1] % 4 else 0.0
            costs.append(costs[-1] + (abs(bx - ax) + abs(by - ay)) * BUS_DISCOUNT + bend)
        inward = opposite(goal.out)
        total = costs[-1] + goal.length + (BEND if every[-1] % 4 != inward else 0.0)
        return cls(start, every, costs, goal, total)

    def edges(self, grid: Grid) -> set[int]:
        vertices = [state // 4 for state in self.states]
        return {edge_key(a, b, abs(a - b) == grid.ny) for a, b in itertools.pairwise(vertices)}

    def points(self, grid: Grid) -> list[Point]:
        middle = [grid.point(state // 4) for state in self.states]
        return simplify([self.start.point, *middle, self.goal.point])

    def heading_after(self, index: int) -> int:
        """The heading the trace goes on with from its state at `index`."""
        if index + 1 < len(self.states):
            return self.states[index + 1] % 4
        return opposite(self.goal.out)


Origin = tuple[Trace | None, int, Port]  # the trace and index started (or ended) on, the port
SEEDS: Final = 48  # a fan-out's routes offer at most this many starts (those nearest the target)


class Bus:
    """The traces of one bus, as the states a later route of it may start or end on."""

    CELL: Final = 256.0  # starts are bucketed so the nearest ones are found without a scan

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.starts: dict[int, tuple[float, Trace, int]] = {}  # state -> cost, where
        self.cells: dict[tuple[int, int], list[int]] = {}  # cell -> states starting there
        self.goals: dict[tuple[int, int], tuple[float, Trace, int]] = {}  # (vertex, heading)

    def add(self, trace: Trace) -> None:
        for index, (state, cost) in enumerate(zip(trace.states, trace.costs, strict=True)):
            if state not in self.starts:
                self.cells.setdefault(self._cell(state), []).append(state)
            if state not in self.starts or cost < self.starts[state][0]:
                self.starts[state] = (cost, trace, index)
            heading = trace.heading_after(index)
            remaining = trace.total - cost - (BEND if heading != state % 4 else 0.0)
            known = self.goals.get((state // 4, heading))
            if known is None or remaining < known[0]:
                self.goals[(state // 4, heading)] = (remaining, trace, index)

    def _cell(self, state: int) -> tuple[int, int]:
        x, y = self.grid.point(state // 4)
        return int(x // self.CELL), int(y // self.CELL)

    def nearest(self, towards: Sequence[Port]) -> list[tuple[int, tuple[float, Trace, int]]]:
        """At most SEEDS starts, the cheapest once the distance to the target is added."""
        if not self.starts or not towards:
            return []
        points = [self.grid.point(p.vertex) for p in towards]
        left, right = min(p[0] for p in points), max(p[0] for p in points)
        top, bottom = min(p[1] for p in points), max(p[1] for p in points)
        found = self._around(left, top, right, bottom)

        def distance(state: int) -> tuple[float, int]:
            x, y = self.grid.point(state // 4)
            near = max(left - x, 0.0, x - right) + max(top - y, 0.0, y - bottom)
            return self.starts[state][0] + near, state

        return [(s, self.starts[s]) for s in sorted(found, key=distance)[:SEEDS]]

    def _around(self, left: float, top: float, right: float, bottom: float) -> list[int]:
        """The states in rings of cells ever further round the box, until there are enough of
        them or the rings cover every occupied cell (a far-away card must not make the search
        walk through millions of empty cells)."""
        if len(self.starts) <= 4 * SEEDS:
            return list(self.starts)  # few: all of them, the nearest picked by the caller
        x0, y0 = int(left // self.CELL), int(top // self.CELL)
        x1, y1 = int(right // self.CELL), int(bottom // self.CELL)
        columns = [cx for cx, _ in self.cells]
        rows = [cy for _, cy in self.cells]
        farthest = max(x0 - min(columns), max(columns) - x1, y0 - min(rows), max(rows) - y1, 0)
        found: list[int] = []
        for reach in range(farthest + 1):
            for cell in _ring(x0, y0, x1, y1, reach):
                found.extend(self.cells.get(cell, ()))
            if len(found) >= SEEDS:
                break
        return found


def _ring(x0: int, y0: int, x1: int, y1: int, reach: int) -> list[tuple[int, int]]:
    """The cells exactly `reach` cells round the block from (x0, y0) to (x1, y1)."""
    if reach == 0:
        return [(cx, cy) for cx in range(x0, x1 + 1) for cy in range(y0, y1 + 1)]
    left, right, top, bottom = x0 - reach, x1 + reach, y0 - reach, y1 + reach
    cells = [(cx, top) for cx in range(left, right + 1)]
    cells += [(cx, bottom) for cx in range(left, right + 1)]
    cells += [(left, cy) for cy in range(top + 1, bottom)]
    cells += [(right, cy) for cy in range(top + 1, bottom)]
    return cells


class Starts:
    """The ports of the source, and the states of the fan-out's routes nearest the target."""

    def __init__(self, ports: Sequence[Port], bus: Bus, towards: Sequence[Port]) -> None:
        self.origins: list[Origin] = [(None, 0, port) for port in ports]
        self.starts = [Start(p.vertex * 4 + p.out, p.length, n) for n, p in enumerate(ports)]
        for state, (cost, trace, index) in bus.nearest(towards):
            self.starts.append(Start(state, cost, len(self.origins)))
            self.origins.append((trace, index, trace.start))

    def origin(self, found: Path) -> Origin:
        return self.origins[found.start]


class Goals:
    """The ports of the target, and every state of the fan-in's routes."""

    def __init__(self, ports: Sequence[Port], bus: Bus) -> None:
        self.origins: list[Origin] = [(None, 0, port) for port in ports]
        self.goals = [Goal(p.vertex, opposite(p.out), p.length, n) for n, p in enumerate(ports)]
        for (vertex, heading), (remaining, trace, index) in bus.goals.items():
            self.goals.append(Goal(vertex, heading, remaining, len(self.origins), False))
            self.origins.append((trace, index, trace.goal))

    def origin(self, found: Path) -> Origin:
        return self.origins[found.goal]
