"""The canvas widget: zoom, pan, box selection, drawing relationships by dragging, drops from
the palette, context menus, and the legend in a corner."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsView, QWidget

from designer.gui.canvas import style
from designer.gui.canvas.items import ContainerItem, EdgeItem, NodeItem
from designer.gui.canvas.legend import LegendOverlay
from designer.gui.canvas.scene import DesignScene
from designer.gui.palette import MIME_TYPE

ZOOM_STEP = 1.2
MIN_ZOOM, MAX_ZOOM = 0.03, 4.0


class DesignView(QGraphicsView):
    """Signals:
    connect_requested(str, str, QPoint): a line was drawn from one item to another
        (Shift + drag); the global position is where to show the kind menu.
    rename_requested(str): a node or an open OU's title was double-clicked.
    expand_requested(str): a collapsed OU's card was double-clicked.
    dropped(str, QPointF): a palette entry (its key) was dropped at this scene point.
    context_requested(str, QPointF, QPoint): a right-click on an item (its id; empty for the
        background) at a scene point; the global position is where to show the menu.
    """

    connect_requested = Signal(str, str, QPoint)
    rename_requested = Signal(str)
    expand_requested = Signal(str)
    dropped = Signal(str, QPointF)
    context_requested = Signal(str, QPointF, QPoint)

    def __init__(self, scene: DesignScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.design_scene = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        # Only what lies wholly inside the box: a box around two accounts must not also pick
        # every relationship crossing it, nor an OU whose header it grazes.
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.ContainsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setBackgroundBrush(style.brush("#ffffff"))
        self._link: QGraphicsLineItem | None = None
        self._link_source: str | None = None
        self._pan_from: QPoint | None = None
        self.setAcceptDrops(True)
        self.setObjectName("canvas")
        self.setAccessibleName("Design canvas")
        self.setAccessibleDescription(
            "The organization as nested OU boxes with accounts and relationships"
        )
        # A widget over the canvas, not painted into it: scrolling cannot leave copies of it.
        self.legend = LegendOverlay(self)
        scene.settled.connect(self.refresh_legend)

    # -- zoom and navigation ----------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom() * factor))
        self.scale(target / self.zoom(), target / self.zoom())

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        """Show everything the current view is about (all of it in All)."""
        rect = self.design_scene.items_rect(self.design_scene.shown_ids())
        if rect.isEmpty():
            rect = self.design_scene.itemsBoundingRect()
        if not rect.isEmpty():
            self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
            if self.legend.isVisible() and self.zoom() > 0:
                # the legend sits in the bottom-left corner: leave it a band below the diagram
                band = (self.legend.height() + 16) / self.zoom()
                self.fitInView(
                    rect.adjusted(-40, -40, 40, 40 + band), Qt.AspectRatioMode.KeepAspectRatio
                )
            if self.zoom() > 1.0:  # a view about two accounts: not enlarged beyond 100 %
                self.zoom_by(1.0 / self.zoom())
                self.centerOn(rect.center())

    def focus(self, ids: list[str]) -> None:
        """Centre on these items; zoom out if they do not fit."""
        rect = self.design_scene.items_rect(ids)
        if rect.isEmpty():
            return
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        if rect.width() > visible.width() or rect.height() > visible.height():
            self.fitInView(rect.adjusted(-60, -60, 60, 60), Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self.centerOn(rect.center())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)  # scroll
            return
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)

    # -- mouse: panning and drawing relationships ---------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position().toPoint()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if event.button() == Qt.MouseButton.LeftButton and shift:
            source = self._endpoint_at(event.position().toPoint())
            if source is not None:
                self.start_link(source.entity_id, self.mapToScene(event.position().toPoint()))
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position().toPoint() - self._pan_from
            self._pan_from = event.position().toPoint()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            return
        if self._link is not None:
            line = self._link.line()
            self._link.setLine(QLineF(line.p1(), self.mapToScene(event.position().toPoint())))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.unsetCursor()
            return
        if self._link is not None:
            target = self.link_target_at(event.position().toPoint())
            self.finish_link(target, event.globalPosition().toPoint())
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self._endpoint_at(event.position().toPoint())
        if isinstance(item, ContainerItem) and item.summary is not None:
            self.expand_requested.emit(item.entity_id)
            return
        if item is not None:
            self.rename_requested.emit(item.entity_id)
            return
        super().mouseDoubleClickEvent(event)

    def start_link(self, source_id: str, at: QPointF) -> None:
        self._link_source = source_id
        self._link = QGraphicsLineItem(QLineF(at, at))
        self._link.setPen(style.pen("#1565c0", 2, Qt.PenStyle.DashLine))
        self._link.setZValue(100)
        self.design_scene.addItem(self._link)

    def finish_link(self, target_id: str | None, global_pos: QPoint) -> None:
        if self._link is not None:
            self.design_scene.removeItem(self._link)
        source, self._link, self._link_source = self._link_source, None, None
        if source is not None and target_id is not None:
            self.connect_requested.emit(source, target_id, global_pos)

    def link_target_at(self, point: QPoint) -> str | None:
        """What a relationship drawn to a viewport point joins: the node or OU title there, else
        the innermost OU (or the organization) whose box holds the point."""
        item = self._endpoint_at(point)
        if item is not None:
            return item.entity_id
        return self.design_scene.container_at(self.mapToScene(point))

    def _endpoint_at(self, point: QPoint) -> NodeItem | ContainerItem | None:
        """The node or OU title under a viewport point (what a relationship can join)."""
        item = self.item_at(point, ends_only=True)
        return item if isinstance(item, NodeItem | ContainerItem) else None

    # -- drops from the palette, context menus ---------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(MIME_TYPE):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(MIME_TYPE):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not event.mimeData().hasFormat(MIME_TYPE):
            super().dropEvent(event)
            return
        key = bytes(event.mimeData().data(MIME_TYPE).data()).decode("utf-8")
        event.acceptProposedAction()
        self.dropped.emit(key, self.mapToScene(event.position().toPoint()))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self.item_at(event.pos())
        entity_id = getattr(item, "entity_id", "") if item is not None else ""
        self.context_requested.emit(entity_id, self.mapToScene(event.pos()), event.globalPos())

    def item_at(self, point: QPoint, ends_only: bool = False) -> QGraphicsItem | None:
        """The node, OU title or (unless `ends_only`) relationship under a viewport point."""
        kinds = (NodeItem, ContainerItem) if ends_only else (NodeItem, ContainerItem, EdgeItem)
        return next((item for item in self.items(point) if isinstance(item, kinds)), None)

    # -- legend --------------------------------------------------------------------------------
    def legend_kinds(self) -> list[str]:
        """The relationship kinds the legend lists: those of the current view."""
        return [k for k in style.EDGE_STYLES if k in style.VIEWS[self.design_scene.view_name]]

    def refresh_legend(self) -> None:
        blast = self.design_scene.blast_start is not None
        scoped = any(
            edge.scoped_end is not None and edge.isVisible()
            for edge in self.design_scene.edges.values()
        )
        self.legend.show_kinds(self.legend_kinds(), blast, scoped)
        self._place_legend()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_legend()

    def _place_legend(self) -> None:
        self.legend.adjustSize()
        bottom = self.viewport().geometry().bottom()
        self.legend.move(10, bottom - self.legend.height() - 8)
        self.legend.raise_()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()
