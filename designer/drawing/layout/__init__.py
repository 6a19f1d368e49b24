"""Where everything stands on the canvas and in every diagram (no Qt here).

* geometry: sizes, Box, Point.
* packing.auto_layout: a fresh tidy layout (Tidy Layout, designs without positions).
* enclose.container_boxes: the boxes around given node positions.
* arrange.arrange: the geometry of a design as the editor shows it — saved positions, new items in
  free slots, overlaps resolved; the one answer the canvas and the exporters draw.
"""

from designer.drawing.layout.arrange import Arrangement, arrange
from designer.drawing.layout.enclose import container_boxes
from designer.drawing.layout.geometry import (
    GAP,
    HEADER,
    MIN_HEIGHT,
    MIN_WIDTH,
    NODE_HEIGHT,
    NODE_WIDTH,
    PADDING,
    ROW_LENGTH,
    SIDE_GAP,
    Box,
    Point,
    node_box,
)
from designer.drawing.layout.packing import LayoutResult, auto_layout

__all__ = [
    "GAP",
    "HEADER",
    "MIN_HEIGHT",
    "MIN_WIDTH",
    "NODE_HEIGHT",
    "NODE_WIDTH",
    "PADDING",
    "ROW_LENGTH",
    "SIDE_GAP",
    "Arrangement",
    "Box",
    "LayoutResult",
    "Point",
    "arrange",
    "auto_layout",
    "container_boxes",
    "node_box",
]
