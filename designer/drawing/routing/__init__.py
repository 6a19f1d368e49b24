"""Orthogonal edge routing and label placement for drawings of a design (pure Python, no Qt).

route_edges() turns relationships into orthogonal polylines that keep clear of cards and title
bands; place_labels() puts each edge's label on or beside its route where it covers nothing.
check.py measures both independently of the router.
"""

from designer.drawing.routing.api import EdgeRequest, LabelRequest, Obstacles, PlacedLabel
from designer.drawing.routing.labels import place_labels
from designer.drawing.routing.router import route_edges

__all__ = [
    "EdgeRequest",
    "LabelRequest",
    "Obstacles",
    "PlacedLabel",
    "place_labels",
    "route_edges",
]
