"""route_edges: orthogonal routes round cards and title bands, spread apart where they meet.

How: a sparse grid of channel-centre lines (grid.py); an A* search per edge over (vertex,
heading) with cost = length + a penalty per bend (search.py), from the ports of the source to
those of the target (ports.py). A route of a bus (one kind, a shared source or target) may start
or end on an earlier route of the same bus (trace.py), so fan-outs grow as a trunk with branches;
other buses pay for running through areas already crowded. Parallel edges reuse the route of the
first of them; the nudging pass (nudge.py) then gives every route its own lane, bus routes share
theirs, and all are centred in their channels, clear of OU borders. Self-loops go round the
top-right corner of their box (straight.py).

Large views get straight routes instead (straight.py: two or three segments anchored on the
borders, no obstacle avoidance, parallel edges and kinds still apart). Measured on a loaded
2-core machine with benchmarks/bench_routing.py, the search costs 1 to 2 ms per edge on the
synthetic organizations (about 0.4 to 0.8 s for 300 edges) while straight routes cost a few
microseconds each (2,000 accounts, 6,000 edges: well under 0.1 s). Hence the thresholds: more
than MAX_NODES cards (the grid and the search grow with the drawing) or MAX_EDGES edges.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Final

from designer.drawing.layout import Box, Point
from designer.drawing.routing.api import EdgeRequest, Obstacles
from designer.drawing.routing.geometry import Rect, band_of, simplify
from designer.drawing.routing.groups import BusKey, bus_keys, pair_of
from designer.drawing.routing.nudge import nudge
from designer.drawing.routing.ports import Port, container_ports, node_ports
from designer.drawing.routing.scene import Scene, build_scene
from designer.drawing.routing.search import Crowding, search
from designer.drawing.routing.segments import Wire
from designer.drawing.routing.straight import Route, box_of, end_to_end, self_loops, straight_routes
from designer.drawing.routing.trace import Bus, Goals, Starts, Trace

MAX_NODES: Final = 400
MAX_EDGES: Final = 300


def route_edges(obstacles: Obstacles, edges: Sequence[EdgeRequest]) -> dict[str, Route]:
    """Routes by edge id; edges with an unknown end are left out."""
    known = [e for e in edges if box_of(obstacles, e.source) and box_of(obstacles, e.target)]
    if len(obstacles.nodes) > MAX_NODES or len(known) > MAX_EDGES:
        return straight_routes(obstacles, known)
    return _Router(build_scene(obstacles)).route(known)


class _Router:
    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.ports: dict[tuple[str, bool], list[Port]] = {}
        self.used: defaultdict[BusKey, set[int]] = defaultdict(set)
        self.buses: dict[BusKey, Bus] = {}
        self.crowded: dict[int, int] = {}  # grid area -> how many buses run through it
        self.areas: defaultdict[BusKey, set[int]] = defaultdict(set)  # where each bus runs

    def route(self, edges: Sequence[EdgeRequest]) -> dict[str, Route]:
        keys = bus_keys(edges, self._encloses)
        first: dict[tuple[str, str], EdgeRequest] = {}
        loops: Counter[str] = Counter()
        routes: dict[str, list[Point]] = {}
        wires: dict[str, Wire] = {}
        for edge in edges:
            if edge.source == edge.target:
                routes[edge.id] = self._loop(edge.source, loops[edge.source])
                loops[edge.source] += 1
                continue
            earlier = first.setdefault(pair_of(edge), edge)
            if earlier is edge:
                points = self._search(edge, keys[edge.id])
            else:
                points = self._copy(routes[earlier.id], earlier, edge)
            routes[edge.id] = points
            wires[edge.id] = self._wire(edge, points, keys[edge.id])
        nudge(list(wires.values()), self.scene.solids, list(self.scene.containers.values()))
        for name, wire in wires.items():
            routes[name] = simplify((x, y) for x, y in wire.points)
        return {name: tuple(points) for name, points in routes.items()}

    def _loop(self, end: str, lane: int) -> list[Point]:
        """The first place for the self-loop that stays clear of everything else."""
        box = self.scene.box(end)
        assert box is not None
        places = self_loops(box, lane)
        others = [s.rect for s in self.scene.solids if s.owner != end]
        clear = [p for p in places if not any(_meets(p, rect) for rect in others)]
        return (clear or places)[0]

    def _copy(self, route: list[Point], earlier: EdgeRequest, edge: EdgeRequest) -> list[Point]:
        """A parallel edge starts on the route of the first edge between the same two ends."""
        return list(route) if earlier.source == edge.source else list(reversed(route))

    def _search(self, edge: EdgeRequest, keys: tuple[BusKey, BusKey]) -> list[Point]:
        """Search from the source's ports, or from anywhere on a route of the same fan-out, to
        the target's ports, or anywhere on a route of the same fan-in: a bus grows as a tree."""
        out, into = keys
        goal_ports = self._ports(edge.target, edge.source)
        starts = Starts(self._ports(edge.source, edge.target), self.bus(out), goal_ports)
        goals = Goals(goal_ports, self.bus(into))
        cheap = (self.used[out], self.used[into])
        crowding = Crowding(self.crowded, self.areas[out] | self.areas[into])
        found = search(self.scene.grid, starts.starts, goals.goals, cheap, crowding)
        if found is None:
            source, target = self.scene.box(edge.source), self.scene.box(edge.target)
            assert source is not None
            assert target is not None
            return end_to_end(source, target, self.scene.header, 0.0)
        trace = Trace.joined(
            self.scene.grid, starts.origin(found), found.states, goals.origin(found)
        )
        edges = trace.edges(self.scene.grid)
        areas = {self.scene.grid.area(e) for e in edges}
        for area in areas - crowding.own:
            self.crowded[area] = self.crowded.get(area, 0) + 1
        for key in keys:
            self.used[key] |= edges
            self.areas[key] |= areas
            self.bus(key).add(trace)
        return trace.points(self.scene.grid)

    def bus(self, key: BusKey) -> Bus:
        if key not in self.buses:
            self.buses[key] = Bus(self.scene.grid)
        return self.buses[key]

    def _encloses(self, end: str, other: str) -> bool:
        """Whether `end` is a container holding `other` (the edge ends under its band)."""
        box, other_box = self.scene.containers.get(end), self.scene.box(other)
        return box is not None and other_box is not None and box.contains(other_box)

    def _ports(self, end: str, other: str) -> list[Port]:
        scene = self.scene
        box = scene.box(end)
        assert box is not None
        enclosing = self._encloses(end, other)
        if (end, enclosing) not in self.ports:
            own = [s.rect for s in scene.own_solids(end)]
            if end in scene.nodes:
                found = node_ports(scene.grid, box, own)
            else:
                bottom = band_of(box, scene.header).bottom if enclosing else None
                found = container_ports(
                    scene.grid, box, band_of(box, scene.header).height, own, bottom
                )
            self.ports[(end, enclosing)] = found
        return self.ports[(end, enclosing)]

    def _wire(self, edge: EdgeRequest, points: list[Point], keys: tuple[BusKey, BusKey]) -> Wire:
        return Wire(
            [list(p) for p in points],
            keys,
            (self._slide(edge.source), self._slide(edge.target)),
        )

    def _slide(self, end: str) -> tuple[str, Box]:
        """The owner of an end and the box along whose side its port may slide (for a container,
        its band: ports on its left and right sides stay beside the title)."""
        box = self.scene.box(end)
        assert box is not None
        return end, box if end in self.scene.nodes else band_of(box, self.scene.header)


def _meets(route: list[Point], rect: Rect) -> bool:
    """Whether the route passes through the inside of the rectangle."""
    for (ax, ay), (bx, by) in itertools.pairwise(route):
        left, right, top, bottom = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
        if left < rect[2] and right > rect[0] and top < rect[3] and bottom > rect[1]:
            return True
    return False
