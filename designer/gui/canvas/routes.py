"""The canvas's edges, routed by designer.drawing.routing around the nodes, labels in free spots.

The same router draws exported diagrams (exporters/drawing.py), so a picture on paper shows the
routes on screen. Only the edges of the current view are routed; a label goes where it covers no
node, no OU title and no other label, shortened or left out (the tooltip keeps the full text)
when there is no room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QTimer

from designer.drawing.layout import HEADER, Point, node_box
from designer.drawing.routing import EdgeRequest, LabelRequest, Obstacles, place_labels, route_edges
from designer.gui.canvas.items import EdgeItem, measure_label

if TYPE_CHECKING:
    from designer.gui.canvas.scene import DesignScene


class EdgeRouter:
    def __init__(self, scene: DesignScene) -> None:
        self.scene = scene
        self.obstacles = Obstacles({}, {}, HEADER)
        self.routes: dict[str, tuple[Point, ...]] = {}
        self._labels_timer = QTimer(scene)
        self._labels_timer.setSingleShot(True)
        self._labels_timer.timeout.connect(self.place_labels)
        self._route_timer = QTimer(scene)
        self._route_timer.setSingleShot(True)
        self._route_timer.timeout.connect(self.route)

    def schedule(self) -> None:
        """Route once the current burst of changes is over."""
        self._route_timer.start(0)

    def shown(self) -> list[EdgeItem]:
        return [edge for edge in self.scene.edges.values() if edge.isVisible()]

    def route(self) -> None:
        """Route every shown edge around the nodes where arrange() put them."""
        self._route_timer.stop()
        geometry = self.scene.geometry
        if geometry is None:
            return
        nodes = {i: node_box(p) for i, p in geometry.nodes.items()}
        self.obstacles = Obstacles(nodes, dict(geometry.containers), HEADER)
        shown = self.shown()
        requests = [
            EdgeRequest(e.entity_id, e.source.entity_id, e.target.entity_id, e.kind) for e in shown
        ]
        self.routes = route_edges(self.obstacles, requests)
        for edge in shown:
            edge.set_route([QPointF(x, y) for x, y in self.routes.get(edge.entity_id, ())])
        self.place_labels()
        self.scene.settled.emit()

    def labels_wanted(self) -> None:
        """Selections come item by item: place the labels once they are done."""
        self._labels_timer.start(0)

    def place_labels(self) -> None:
        self._labels_timer.stop()
        wanted = [e for e in self.shown() if e.wants_label() and self._labelled(e)]
        wanted.sort(key=lambda e: (not e.isSelected(), e.highlight is None))  # stable
        forms = {e.entity_id: self.scene.label_forms(e) for e in wanted}
        requests = [
            LabelRequest(e.entity_id, forms[e.entity_id])
            for e in wanted
            if forms[e.entity_id] and e.entity_id in self.routes
        ]
        placed = (
            place_labels(self.obstacles, self.routes, requests, measure_label) if requests else {}
        )
        for edge in self.scene.edges.values():
            label = placed.get(edge.entity_id)
            if label is None:
                edge.label_item.hide()
            else:
                edge.label_item.place(label.text, label.box)

    def _labelled(self, edge: EdgeItem) -> bool:
        """In All, labels of selected or highlighted edges and of edges standing for many
        accounts only; in other views, all of them."""
        all_view = self.scene.view_name == "all" and self.scene.blast_start is None
        many = edge.scoped_end is not None  # its count of accounts is what a large picture says
        return not all_view or many or edge.isSelected() or edge.highlight is not None
