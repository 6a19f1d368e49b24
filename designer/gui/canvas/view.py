"""The canvas widget: zoom, pan, box selection, drawing relationships by dragging."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsView, QWidget

from designer.gui.canvas import style
from designer.gui.canvas.items import ContainerItem, NodeItem
from designer.gui.canvas.scene import DesignScene

ZOOM_STEP = 1.2
MIN_ZOOM, MAX_ZOOM = 0.03, 4.0


class DesignView(QGraphicsView):
    """Signals:
    connect_requested(str, str, QPoint): a line was drawn from one item to another
        (Shift + drag); the global position is where to show the kind menu.
    rename_requested(str): a node was double-clicked.
    """

    connect_requested = Signal(str, str, QPoint)
    rename_requested = Signal(str)

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
        self.show_legend = True

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
        rect = self.design_scene.itemsBoundingRect()
        if not rect.isEmpty():
            self.fitInView(rect.adjusted(-20, -20, 20, 20), Qt.AspectRatioMode.KeepAspectRatio)

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
            target = self._endpoint_at(event.position().toPoint())
            self.finish_link(target.entity_id if target else None, event.globalPosition().toPoint())
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self._endpoint_at(event.position().toPoint())
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

    def _endpoint_at(self, point: QPoint) -> NodeItem | ContainerItem | None:
        for item in self.items(point):
            if isinstance(item, NodeItem | ContainerItem):
                return item
        return None

    def legend_kinds(self) -> list[str]:
        """The relationship kinds the legend lists: those of the current view."""
        return [k for k in style.EDGE_STYLES if k in style.VIEWS[self.design_scene.view_name]]

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """The legend: the relationship kinds of the current view, in the bottom-left corner."""
        kinds = self.legend_kinds()
        if not self.show_legend or not kinds:
            return
        painter.save()
        painter.resetTransform()
        painter.setFont(style.font(8))
        row, width = 16, 190
        box = QRectF(
            10, self.viewport().height() - 14 - row * len(kinds) - 8, width, row * len(kinds) + 10
        )
        painter.setPen(style.pen("#b0bec5"))
        painter.setBrush(style.brush("#ffffff", 235))
        painter.drawRoundedRect(box, 6, 6)
        for i, kind in enumerate(kinds):
            edge = style.EDGE_STYLES[kind]
            y = box.top() + 5 + row * i + row / 2
            painter.setPen(style.pen(edge.colour, max(edge.width, 1.5), edge.dash))
            painter.drawLine(QPointF(box.left() + 10, y), QPointF(box.left() + 44, y))
            painter.setPen(style.pen("#263238"))
            painter.drawText(
                QRectF(box.left() + 52, y - row / 2, width - 56, row),
                Qt.AlignmentFlag.AlignVCenter,
                edge.label,
            )
        painter.restore()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()
