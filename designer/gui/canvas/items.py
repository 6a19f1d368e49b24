"""Scene items: cheap to paint (cached geometry, level of detail), no layout in paint()."""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPolygonF
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.gui.canvas import style
from designer.layout import NODE_HEIGHT, NODE_WIDTH
from designer.resources import resources_dir

if TYPE_CHECKING:
    from designer.rules.engine import Severity

HEADER = 28.0
DETAIL_LOD = 0.45  # below this zoom, nodes are plain blocks and edges have no labels


@cache
def icon_renderer(name: str) -> QSvgRenderer | None:
    path = resources_dir() / "icons" / f"{name}.svg"
    renderer = QSvgRenderer(str(path)) if path.exists() else None
    return renderer if renderer is not None and renderer.isValid() else None


def _lod(painter: QPainter, option: QStyleOptionGraphicsItem) -> float:
    return option.levelOfDetailFromTransform(painter.worldTransform())


class NodeItem(QGraphicsItem):
    """An account, identity provider or third party."""

    def __init__(self, entity_id: str, kind: str) -> None:
        super().__init__()
        self.entity_id, self.kind = entity_id, kind
        self.title, self.subtitle, self.icon = "", "", ""
        self.colour = "#455a64"
        self.environment: tuple[str, str] | None = None
        self.badge: Severity | None = None
        self.note = ""  # e.g. the access level reached, when showing a blast radius
        self.diff_mark: str | None = None  # missing / changed, when compared with live
        self.pinned = False  # kept in place by Tidy Layout
        self.dimmed = False
        self.edges: list[EdgeItem] = []
        self._rect = QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(10)

    def set_content(self, entity: Any) -> None:
        """Copy what is shown from the entity (called on add and update, never in paint)."""
        self.title = entity.name
        if self.kind == "account":
            self.subtitle = entity.aws_account_id or "planned"
            self.colour = style.function_colour(list(entity.functions))
            self.icon = str(entity.functions[0])
            self.environment = style.ENVIRONMENT_BADGES.get(str(entity.environment))
            self.setToolTip(f"{entity.name}\n{', '.join(map(str, entity.functions))}")
        elif self.kind == "identity_provider":
            self.subtitle = str(entity.kind).replace("-", " ")
            self.colour, self.icon = "#1f6feb", f"idp-{entity.kind}"
        else:
            self.subtitle = entity.aws_account_id or "third party"
            self.colour, self.icon = "#757575", "third-party"
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-4, -8, 8, 4)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self._rect)
        return path

    def center(self) -> QPointF:
        return self.scenePos() + self._rect.center()

    def scene_rect(self) -> QRectF:
        return self._rect.translated(self.scenePos())

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
        return super().itemChange(change, value)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setOpacity(0.25 if self.dimmed else 1.0)
        selected = self.isSelected()
        if _lod(painter, option) < DETAIL_LOD:
            painter.fillRect(self._rect, style.brush(self.colour))
            if selected:
                painter.setPen(style.pen("#1565c0", 3))
                painter.drawRect(self._rect)
            return
        self._paint_body(painter, selected)
        self._paint_text(painter)
        self._paint_badges(painter)
        if self.diff_mark is not None:
            painter.setPen(style.pen(style.DIFF_COLOURS[self.diff_mark], 3.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self._rect.adjusted(-3, -3, 3, 3), 8, 8)

    def _paint_body(self, painter: QPainter, selected: bool) -> None:
        border = style.pen("#1565c0", 2.5) if selected else style.pen("#90a4ae", 1)
        if self.kind == "third_party":
            border = style.pen("#1565c0" if selected else "#757575", 1.5, Qt.PenStyle.DashLine)
        painter.setPen(border)
        painter.setBrush(style.brush("#ffffff"))
        radius = NODE_HEIGHT / 2 if self.kind == "identity_provider" else 6
        painter.drawRoundedRect(self._rect, radius, radius)
        if self.kind == "account":
            painter.fillRect(QRectF(0, 0, 6, NODE_HEIGHT), style.brush(self.colour))
        renderer = icon_renderer(self.icon)
        if renderer is not None:
            renderer.render(painter, QRectF(14, (NODE_HEIGHT - 28) / 2, 28, 28))

    def _paint_text(self, painter: QPainter) -> None:
        metrics_width = NODE_WIDTH - 56
        painter.setPen(style.pen("#212121"))
        painter.setFont(style.font(9, bold=True))
        title = painter.fontMetrics().elidedText(
            self.title, Qt.TextElideMode.ElideRight, int(metrics_width)
        )
        painter.drawText(QRectF(50, 10, metrics_width, 18), Qt.AlignmentFlag.AlignLeft, title)
        painter.setPen(style.pen("#546e7a"))
        painter.setFont(style.font(8))
        painter.drawText(
            QRectF(50, 30, metrics_width, 16), Qt.AlignmentFlag.AlignLeft, self.subtitle
        )
        if self.note:
            colour = style.LEVEL_COLOURS.get(self.note, "#c62828")
            painter.setPen(style.pen(colour))
            painter.setFont(style.font(7.5, bold=True))
            painter.drawText(
                QRectF(50, 44, metrics_width, 14), Qt.AlignmentFlag.AlignLeft, self.note
            )

    def _paint_badges(self, painter: QPainter) -> None:
        if self.pinned:  # a small pin head in the top-left corner
            painter.setPen(style.pen("#37474f", 1))
            painter.setBrush(style.brush("#ffca28"))
            painter.drawEllipse(QPointF(2, 2), 5, 5)
        if self.environment is not None and not self.note:
            text, colour = self.environment
            painter.setFont(style.font(6.5, bold=True))
            width = painter.fontMetrics().horizontalAdvance(text) + 10
            box = QRectF(NODE_WIDTH - width - 6, NODE_HEIGHT - 18, width, 13)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.brush(colour))
            painter.drawRoundedRect(box, 6, 6)
            painter.setPen(style.pen("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        if self.badge is not None:
            colour = style.SEVERITY_COLOURS[self.badge]
            painter.setPen(style.pen("#ffffff", 1.5))
            painter.setBrush(style.brush(colour))
            painter.drawEllipse(QPointF(NODE_WIDTH - 2, 0), 8, 8)
            painter.setFont(style.font(7, bold=True))
            painter.drawText(
                QRectF(NODE_WIDTH - 10, -8, 16, 16),
                Qt.AlignmentFlag.AlignCenter,
                self.badge.value[0].upper(),
            )


class ContainerItem(QGraphicsItem):
    """An OU (or the organization root): a box that encloses its accounts and child OUs."""

    def __init__(self, entity_id: str, is_root: bool) -> None:
        super().__init__()
        self.entity_id, self.is_root = entity_id, is_root
        self.title = ""
        self.badge: Severity | None = None
        self.dimmed = False
        self.edges: list[EdgeItem] = []
        self._rect = QRectF(0, 0, 200, 90)
        flags = QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        if not is_root:
            flags |= (
                QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            )
        self.setFlags(flags)
        self.setZValue(-1)
        self.syncing = False  # set while the scene places it, so its content is not dragged

    def set_box(self, x: float, y: float, width: float, height: float) -> None:
        self.syncing = True
        self.prepareGeometryChange()
        self._rect = QRectF(0, 0, width, height)
        self.setPos(x, y)
        self.syncing = False
        for edge in self.edges:
            edge.adjust()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -8, 8, 2)

    def shape(self) -> QPainterPath:
        # Only the header band grabs the mouse: clicks inside the box reach the background,
        # so box selection and dropping work across containers.
        path = QPainterPath()
        path.addRect(QRectF(0, 0, self._rect.width(), HEADER))
        return path

    def center(self) -> QPointF:
        return self.scenePos() + QPointF(self._rect.width() / 2, HEADER / 2)

    def scene_rect(self) -> QRectF:
        return self._rect.translated(self.scenePos())

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setOpacity(0.4 if self.dimmed else 1.0)
        fill = "#f5f7fa" if self.is_root else "#eef3f8"
        selected = self.isSelected()
        painter.setPen(style.pen("#1565c0", 2) if selected else style.pen("#b0bec5", 1))
        painter.setBrush(style.brush(fill))
        painter.drawRoundedRect(self._rect, 8, 8)
        painter.fillRect(
            QRectF(1, 1, self._rect.width() - 2, HEADER - 1), style.brush("#cfd8dc", 140)
        )
        if _lod(painter, option) < DETAIL_LOD / 2:
            return
        painter.setPen(style.pen("#263238"))
        painter.setFont(style.font(10 if self.is_root else 9, bold=True))
        prefix = "" if self.is_root else "OU  "
        painter.drawText(
            QRectF(10, 0, self._rect.width() - 20, HEADER),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            prefix + self.title,
        )
        if self.badge is not None:
            painter.setBrush(style.brush(style.SEVERITY_COLOURS[self.badge]))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QPointF(self._rect.width() - 14, HEADER / 2), 6, 6)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and not self.syncing:
            scene = self.scene()
            if scene is not None and hasattr(scene, "container_moving"):
                scene.container_moving(self, value - self.pos())
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
        return super().itemChange(change, value)


Endpoint = NodeItem | ContainerItem


class EdgeItem(QGraphicsItem):
    """A relationship: a line between two items, styled per kind, with a short label."""

    def __init__(
        self, entity_id: str, kind: str, source: Endpoint, target: Endpoint, lane: int = 0
    ) -> None:
        super().__init__()
        self.entity_id, self.kind = entity_id, kind
        self.source, self.target = source, target
        self.label = ""
        self.edge_style = style.EDGE_STYLES[kind]
        self.highlight: str | None = None
        self.diff_mark: str | None = None  # missing / changed, when compared with live
        self.show_label = True
        self.lane = lane  # parallel edges between the same two items are drawn side by side
        self._line = QLineF()
        self._bounds = QRectF()
        self._arrow = QPolygonF()
        source.edges.append(self)
        target.edges.append(self)
        self.label_item = EdgeLabel(self)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(5)
        self.adjust()

    def detach(self) -> None:
        for end in (self.source, self.target):
            if self in end.edges:
                end.edges.remove(self)

    def adjust(self) -> None:
        """Recompute the geometry when an end moves (the only place geometry is computed)."""
        a, b = self.source.center(), self.target.center()
        line = QLineF(_clip(self.source.scene_rect(), b, a), _clip(self.target.scene_rect(), a, b))
        if self.source is self.target:  # an account storing its own logs
            rect = self.source.scene_rect()
            start = rect.topRight() + QPointF(-30 - 12 * self.lane, 0)
            line = QLineF(start, start + QPointF(20, -24))
        elif self.lane:
            line = _shifted(line, LANE_GAP * ((self.lane + 1) // 2) * (1 if self.lane % 2 else -1))
        self.prepareGeometryChange()
        self._line = line
        self._arrow = _arrow_head(line)
        # Labels of parallel edges sit at different points along them, not on top of each other.
        along = 0.5 + 0.14 * ((self.lane + 1) // 2) * (1 if self.lane % 2 else -1)
        self.label_item.setPos(line.pointAt(along))
        self._bounds = QRectF(line.p1(), line.p2()).normalized().adjusted(-60, -20, 60, 20)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath(self._line.p1())
        path.lineTo(self._line.p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(8.0)  # easy to click on a thin line
        return stroker.createStroke(path)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        edge = self.edge_style
        colour = self.colour()
        emphasised = self.isSelected() or self.highlight is not None or self.diff_mark is not None
        if _lod(painter, option) < DETAIL_LOD and not emphasised:
            # Zoomed out: hairlines without dash patterns, which are costly to stroke by the
            # thousand; the colour still tells the kind.
            painter.setPen(style.pen(colour, 0))
            painter.drawLine(self._line)
            return
        width = edge.width * (2.2 if emphasised else 1.0)
        painter.setPen(style.pen(colour, width, edge.dash))
        painter.drawLine(self._line)
        if _lod(painter, option) < DETAIL_LOD:
            return
        painter.setBrush(style.brush(colour))
        painter.setPen(style.pen(colour, 1))
        painter.drawPolygon(self._arrow)

    def colour(self) -> str:
        if self.diff_mark is not None:
            return style.DIFF_COLOURS[self.diff_mark]
        return style.LEVEL_COLOURS.get(self.highlight or "", self.edge_style.colour)

    def label_shown(self) -> bool:
        wanted = self.show_label or self.isSelected() or self.highlight is not None
        return bool(self.label) and self.kind != "billing" and wanted and self.isVisible()

    def middle(self) -> QPointF:
        return self._line.pointAt(0.5)

    def set_shown(self, visible: bool) -> None:
        """Show or hide the edge together with its label."""
        self.setVisible(visible)
        self.refresh_label()

    def refresh_label(self) -> None:
        """Hidden label items cost nothing to paint: thousands of edges, few labels shown."""
        self.label_item.setVisible(self.label_shown())
        self.label_item.update()

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.refresh_label()
        return super().itemChange(change, value)


class EdgeLabel(QGraphicsItem):
    """An edge's label, above the nodes so that no account hides it (z above them)."""

    def __init__(self, edge: EdgeItem) -> None:
        super().__init__()
        self.edge = edge
        self.setZValue(15)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return QRectF(-80, -8, 160, 16)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self.edge.label_shown() or _lod(painter, option) < DETAIL_LOD:
            return
        colour = self.edge.colour()
        painter.setFont(style.font(7))
        metrics = painter.fontMetrics()
        text = metrics.elidedText(self.edge.label, Qt.TextElideMode.ElideRight, 150)
        width = metrics.horizontalAdvance(text) + 8
        box = QRectF(-width / 2, -7, width, 14)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.brush("#ffffff", 230))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(style.pen(colour))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _clip(rect: QRectF, outside: QPointF, inside: QPointF) -> QPointF:
    """Where the segment from `inside` (the rectangle's centre) to `outside` leaves `rect`."""
    dx, dy = outside.x() - inside.x(), outside.y() - inside.y()
    if dx == 0 and dy == 0:
        return inside
    half_w, half_h = rect.width() / 2, rect.height() / 2
    scale = min(
        half_w / abs(dx) if dx else math.inf,
        half_h / abs(dy) if dy else math.inf,
    )
    scale = min(scale, 1.0)
    return QPointF(inside.x() + dx * scale, inside.y() + dy * scale)


LANE_GAP = 16.0


def _shifted(line: QLineF, distance: float) -> QLineF:
    """The line moved sideways by `distance` (perpendicular to its direction)."""
    if line.length() < 1:
        return line
    normal = QPointF(-line.dy() / line.length(), line.dx() / line.length()) * distance
    return QLineF(line.p1() + normal, line.p2() + normal)


def _arrow_head(line: QLineF) -> QPolygonF:
    if line.length() < 1:
        return QPolygonF()
    angle = math.atan2(line.dy(), line.dx())
    tip = line.p2()
    size = 9.0
    left = QPointF(tip.x() - size * math.cos(angle - 0.4), tip.y() - size * math.sin(angle - 0.4))
    right = QPointF(tip.x() - size * math.cos(angle + 0.4), tip.y() - size * math.sin(angle + 0.4))
    return QPolygonF([tip, left, right])
