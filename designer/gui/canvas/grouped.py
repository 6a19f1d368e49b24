"""An edge standing for many relationships: a fan folded onto an OU, or ends in a collapsed OU."""

from __future__ import annotations

from designer.drawing.aggregate import DrawnEdge
from designer.gui.canvas.items import EdgeItem, Endpoint


class GroupEdgeItem(EdgeItem):
    """Selecting it selects the relationships it stands for; its label is its count."""

    def __init__(self, drawn: DrawnEdge, source: Endpoint, target: Endpoint) -> None:
        super().__init__(drawn.id, drawn.kind, source, target)
        self.drawn = drawn

    def wants_label(self) -> bool:
        return bool(self.label) and self.isVisible()  # billing too: the count is the point
