"""Spread apart segments that share a channel, and centre them in it.

After the search, many routes run on the same grid line. Each pass (horizontal segments, then
vertical ones) groups the segments that share a channel (channels.py), merges the segments of
one bus into a single track, orders the tracks so that as few of them cross as possible
(order.py), and spaces them SPREAD apart (less in a narrow channel) round the channel's centre,
skipping the zones beside OU borders (walls.py). A segment only moves within its free range
(segments.py), so a route never moves into a card or a title band.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from designer.drawing.layout import Box
from designer.drawing.routing.channels import CHANNEL, SPREAD, clusters, meet
from designer.drawing.routing.order import Track, order_tracks
from designer.drawing.routing.scene import Solid
from designer.drawing.routing.segments import Segment, SolidIndex, Wire, segments_of
from designer.drawing.routing.walls import Room, Wall, container_walls


def nudge(wires: Sequence[Wire], solids: Sequence[Solid], containers: Sequence[Box]) -> None:
    for horizontal in (True, False):
        index = SolidIndex(solids, horizontal)
        walls = container_walls(containers, horizontal)
        segments = [s for n, w in enumerate(wires) for s in segments_of(n, w, horizontal, index)]
        for cluster in clusters(segments):
            _place(cluster, wires, horizontal, walls)


def _place(
    cluster: list[Segment], wires: Sequence[Wire], horizontal: bool, walls: list[Wall]
) -> None:
    tracks = order_tracks(_tracks(cluster, wires))
    lo = max(s.lo for s in cluster)
    hi = min(s.hi for s in cluster)
    if lo > hi:
        return
    extent = (min(s.start for s in cluster), max(s.end for s in cluster))
    room = Room(lo, hi, walls, extent)
    count = len(tracks)
    spacing = min(SPREAD, room.length / (count + 1)) if count > 1 else 0.0
    half = spacing * (count - 1) / 2
    if hi - lo <= CHANNEL:
        centre = room.length / 2
    else:
        centre = room.inward(sum(s.at for s in cluster) / len(cluster))
        centre = min(max(centre, half), room.length - half)
    values = [room.outward(centre - half + n * spacing) for n in range(count)]
    across = 1 if horizontal else 0
    for value, track in zip(values, tracks, strict=True):
        for segment in track.segments:
            points = wires[segment.wire].points
            points[segment.k][across] = points[segment.k + 1][across] = value


def _tracks(cluster: list[Segment], wires: Sequence[Wire]) -> list[Track]:
    """Segments of one bus that meet become one track (never two segments of one route).

    A segment joins a track only if it shares a bus with every segment there it runs along:
    a fan-out and a fan-in of the same kind must not end up on top of each other.
    """
    forming: list[_Forming] = []
    for segment in cluster:
        keys = frozenset(wires[segment.wire].keys)
        for track in forming:
            if track.accepts(segment, keys, wires):
                track.add(segment, keys)
                break
        else:
            forming.append(_Forming([segment], {segment.wire}, keys))
    return [Track(t.segments) for t in forming]


@dataclass
class _Forming:
    segments: list[Segment]
    wires: set[int]
    common: frozenset[Hashable]  # the buses every segment so far belongs to

    def accepts(self, segment: Segment, keys: frozenset[Hashable], wires: Sequence[Wire]) -> bool:
        if segment.wire in self.wires:
            return False
        if keys & self.common:  # one bus with all of them (the usual trunk): only touching counts
            return any(meet(s, segment) for s in self.segments)
        bus = [bool(keys & set(wires[s.wire].keys)) for s in self.segments]
        pairs = list(zip(self.segments, bus, strict=True))
        return any(b and meet(s, segment) for s, b in pairs) and all(
            b or not _overlap(s, segment) for s, b in pairs
        )

    def add(self, segment: Segment, keys: frozenset[Hashable]) -> None:
        self.segments.append(segment)
        self.wires.add(segment.wire)
        self.common &= keys


def _overlap(a: Segment, b: Segment) -> bool:
    return min(a.end, b.end) - max(a.start, b.start) > 0
