"""The router's inputs and outputs: plain frozen dataclasses, scene units (y grows downwards)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from designer.drawing.layout import Box


@dataclass(frozen=True)
class EdgeRequest:
    """One relationship to draw; `source` and `target` name a node or a container."""

    id: str
    source: str
    target: str
    kind: str  # relationship kind, e.g. "trust", "log-delivery", "billing"


@dataclass(frozen=True)
class Obstacles:
    """Everything drawn that an edge must respect."""

    nodes: Mapping[str, Box]  # every account / identity provider / outside principal card
    containers: Mapping[str, Box]  # every OU box and the organization root box
    header: float  # height of the title band at the top of each container


@dataclass(frozen=True)
class LabelRequest:
    id: str  # the edge id
    texts: tuple[str, ...]  # the label, then shorter fallbacks, best first


@dataclass(frozen=True)
class PlacedLabel:
    text: str  # the text chosen (one of the request's texts)
    box: Box  # where it is drawn
