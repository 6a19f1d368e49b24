"""Scene items: cheap to paint (cached geometry and text, level of detail), no layout in paint().

Where items stand is decided by the core (designer.drawing.layout.arrange for boxes,
designer.drawing.routing for edges and labels); the scene hands the results to the items,
which only draw them.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPolygonF,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.drawing.layout import HEADER, NODE_HEIGHT, NODE_WIDTH, Box
from designer.drawing.views import OUTSIDE_STYLES
from designer.gui.canvas import style
from designer.gui.canvas.names import name_lines
from designer.gui.outside import identifier_text
from designer.support.resources import resources_dir

if TYPE_CHECKING:
    from designer.rules.engine import Severity

DETAIL_LOD = 0.45  # below this zoom, nodes are plain blocks and edges have no labels
# itemChange runs for every change of an item: enum members looked up once, not per call.
POSITION_CHANGE = QGraphicsItem.GraphicsItemChange.ItemPositionChange
POSITION_CHANGED = QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
TEXT_LEFT = 50.0  # where a node's text starts, right of its icon
TEXT_WIDTH = NODE_WIDTH - TEXT_LEFT - 8


@cache
def icon_renderer(name: str) -> QSvgRenderer | None:
    path = resources_dir() / "icons" / f"{name}.svg"
    renderer = QSvgRenderer(str(path)) if path.exists() else None
    return renderer if renderer is not None and renderer.isValid() else None


def _lod(painter: QPainter, option: QStyleOptionGraphicsItem) -> float:
    return option.levelOfDetailFromTransform(painter.worldTransform())


def qrect(box: Box) -> QRectF:
    return QRectF(box.x, box.y, box.width, box.height)


class NodeItem(QGraphicsItem):
    """An account, identity provider or outside principal."""

    def __init__(self, entity_id: str, kind: str) -> None:
        super().__init__()
        self.entity_id, self.kind = entity_id, kind
        self.title, self.subtitle, self.icon = "", "", ""
        self.title_lines: list[str] = []
        self.colour = "#455a64"
        self.fill = "#ffffff"
        # The badge in the bottom-right corner (text, colour): an account's environment, or
        # OUTSIDE / PUBLIC on a principal outside the organization.
        self.tag: tuple[str, str] | None = None
        self.badge: Severity | None = None
        self.note = ""  # e.g. the access level reached, when showing a blast radius
        self.diff_mark: str | None = None  # missing / changed, when compared with live
        self.pinned = False  # kept in place by Tidy Layout
        self.dimmed = False
        self.edges: list[EdgeItem] = []
        self._rect = QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT)
        # No itemChange here: thousands of items would each call into Python for every change.
        # The scene makes the edges follow a drag (DesignScene.mouseMoveEvent).
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        )
        self.setZValue(10)

    def set_content(self, entity: Any) -> None:
        """Copy what is shown from the entity (called on add and update, never in paint)."""
        self.title = entity.name
        self.title_lines = name_lines(entity.name, title_metrics(), TEXT_WIDTH)
        if len(self.title_lines) > 1:  # two lines in a slightly smaller size: ~40 characters
            self.title_lines = name_lines(entity.name, title_metrics(TWO_LINE_POINTS), TEXT_WIDTH)
        if self.kind == "account":
            self.subtitle = entity.aws_account_id or "planned"
            self.colour = style.function_colour(list(entity.functions))
            self.icon = str(entity.functions[0])
            self.tag = style.ENVIRONMENT_BADGES.get(str(entity.environment))
            functions = ", ".join(map(str, entity.functions))
            self.setToolTip(f"{entity.name}\n{self.subtitle} · {functions}")
        elif self.kind == "identity_provider":
            self.subtitle = str(entity.kind).replace("-", " ")
            self.colour, self.icon = "#1f6feb", f"idp-{entity.kind}"
            self.setToolTip(f"{entity.name}\n{self.subtitle}")
        else:
            look = OUTSIDE_STYLES[entity.kind]
            self.subtitle = identifier_text(entity)
            self.colour, self.icon, self.fill = look.colour, look.icon, look.fill
            self.tag = (look.marking, look.colour)
            owner = f"\n{entity.owner}" if entity.owner else ""
            self.setToolTip(
                f"{entity.name}\n{look.title} outside the organization: {self.subtitle}{owner}"
            )
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
        if self.kind == "outside_principal":  # outside the organization: it must stand out
            width = 3.0 if selected else 2.0
            border = style.pen("#1565c0" if selected else self.colour, width, Qt.PenStyle.DashLine)
        painter.setPen(border)
        painter.setBrush(style.brush(self.fill))
        radius = NODE_HEIGHT / 2 if self.kind == "identity_provider" else 6
        painter.drawRoundedRect(self._rect, radius, radius)
        if self.kind == "account":
            painter.fillRect(QRectF(0, 0, 6, NODE_HEIGHT), style.brush(self.colour))
        renderer = icon_renderer(self.icon)
        if renderer is not None:
            renderer.render(painter, QRectF(14, (NODE_HEIGHT - 28) / 2, 28, 28))

    def _paint_text(self, painter: QPainter) -> None:
        painter.setPen(style.pen("#212121"))
        two = len(self.title_lines) > 1
        painter.setFont(style.font(TWO_LINE_POINTS if two else TITLE_POINTS, bold=True))
        top = 5.0 if two else 10.0
        for index, line in enumerate(self.title_lines):
            box = QRectF(TEXT_LEFT, top + 15 * index, TEXT_WIDTH, 16)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft, line)
        painter.setPen(style.pen("#546e7a"))
        painter.setFont(style.font(8))
        below = top + 15 * len(self.title_lines) + (2 if two else 5)
        painter.drawText(
            QRectF(TEXT_LEFT, below, TEXT_WIDTH, 14), Qt.AlignmentFlag.AlignLeft, self.subtitle
        )
        if self.note:
            colour = style.LEVEL_COLOURS.get(self.note, "#c62828")
            painter.setPen(style.pen(colour))
            painter.setFont(style.font(7.5, bold=True))
            painter.drawText(
                QRectF(TEXT_LEFT, NODE_HEIGHT - 15, TEXT_WIDTH, 13),
                Qt.AlignmentFlag.AlignRight,
                self.note,
            )

    def _paint_badges(self, painter: QPainter) -> None:
        if self.pinned:  # a small pin head in the top-left corner
            painter.setPen(style.pen("#37474f", 1))
            painter.setBrush(style.brush("#ffca28"))
            painter.drawEllipse(QPointF(2, 2), 5, 5)
        if self.tag is not None and not self.note:
            text, colour = self.tag
            painter.setFont(style.font(6.5, bold=True))
            width = painter.fontMetrics().horizontalAdvance(text) + 10
            box = QRectF(NODE_WIDTH - width - 6, NODE_HEIGHT - 17, width, 13)
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


TITLE_POINTS = 9.0
TWO_LINE_POINTS = 8.5


@cache
def title_metrics(points: float = TITLE_POINTS) -> QFontMetricsF:
    return QFontMetricsF(style.font(points, bold=True))


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

    def set_title(self, title: str) -> None:
        self.title = title
        self.setToolTip(title if self.is_root else f"OU {title}")
        self.update()

    def set_box(self, box: Box) -> None:
        if self._rect.size() == qrect(box).size() and self.pos() == QPointF(box.x, box.y):
            return
        self.syncing = True
        self.prepareGeometryChange()
        self._rect = QRectF(0, 0, box.width, box.height)
        self.setPos(box.x, box.y)
        self.syncing = False

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -8, 8, 2)

    def shape(self) -> QPainterPath:
        # Only the header band grabs the mouse: clicks inside the box reach the background,
        # so box selection and dropping work across containers.
        path = QPainterPath()
        path.addRect(QRectF(0, 0, self._rect.width(), HEADER))
        return path

    def center(self) -> QPointF:
        """The middle of the title band: where a drop or a hit test looks for this OU."""
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
        text_box = QRectF(10, 0, self._rect.width() - 34, HEADER)
        text = painter.fontMetrics().elidedText(
            prefix + self.title, Qt.TextElideMode.ElideMiddle, int(text_box.width())
        )
        painter.drawText(text_box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        if self.badge is not None:
            painter.setBrush(style.brush(style.SEVERITY_COLOURS[self.badge]))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QPointF(self._rect.width() - 14, HEADER / 2), 6, 6)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == POSITION_CHANGE and not self.syncing:
            scene = self.scene()
            if scene is not None and hasattr(scene, "container_moving"):
                scene.container_moving(self, value - self.pos())
        if change == POSITION_CHANGED and not self.syncing:
            for edge in self.edges:
                edge.follow_ends()
        return super().itemChange(change, value)


Endpoint = NodeItem | ContainerItem


class EdgeItem(QGraphicsItem):
    """A relationship: a routed polyline between two items, styled per kind, with a label.

    The route and the label's place come from the scene (designer.drawing.routing); while an end is
    dragged the edge follows it with a provisional straight line until the drop re-routes it.
    """

    def __init__(self, entity_id: str, kind: str, source: Endpoint, target: Endpoint) -> None:
        super().__init__()
        self.entity_id, self.kind = entity_id, kind
        self.source, self.target = source, target
        self.label = ""  # the full text (also the tooltip)
        self.edge_style = style.EDGE_STYLES[kind]
        self.highlight: str | None = None
        self.diff_mark: str | None = None  # missing / changed, when compared with live
        self.points: list[QPointF] = []
        self._path = QPainterPath()
        self._bounds = QRectF()
        self._arrow = QPolygonF()
        # An end on an OU or the organization stands for every account in it: a bar along the
        # box's border marks it (the route ends on the border).
        self.scoped_end = (
            "target"
            if isinstance(target, ContainerItem)
            else "source"
            if isinstance(source, ContainerItem)
            else None
        )
        self._bar = QLineF()
        source.edges.append(self)
        target.edges.append(self)
        self.label_item = EdgeLabel(self)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(5)  # no geometry yet: the scene routes it before anything is painted

    def detach(self) -> None:
        for end in (self.source, self.target):
            if self in end.edges:
                end.edges.remove(self)

    def set_route(self, points: list[QPointF]) -> None:
        """The polyline to draw (the only place geometry changes)."""
        if len(points) < 2:
            points = self._straight()
        self.prepareGeometryChange()
        self.points = points
        self._path = QPainterPath(points[0])
        for point in points[1:]:
            self._path.lineTo(point)
        self._arrow = _arrow_head(QLineF(points[-2], points[-1]))
        if self.scoped_end == "target":
            self._bar = _cross_bar(QLineF(points[-2], points[-1]))
        elif self.scoped_end == "source":
            self._bar = _cross_bar(QLineF(points[1], points[0]))
        self._bounds = self._path.boundingRect().adjusted(-12, -12, 12, 12)

    def follow_ends(self) -> None:
        """A straight line between the ends' borders, while one of them is dragged."""
        self.set_route(self._straight())

    def _straight(self) -> list[QPointF]:
        a, b = self.source.scene_rect(), self.target.scene_rect()
        if self.source is self.target:  # an account storing its own logs
            start = a.topRight() + QPointF(-30, 0)
            return [start, start + QPointF(0, -16), start + QPointF(20, -16), a.topRight()]
        return [_clip(a, b.center()), _clip(b, a.center())]

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(8.0)  # easy to click on a thin line
        return stroker.createStroke(self._path)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        edge = self.edge_style
        colour = self.colour()
        emphasised = self.isSelected() or self.highlight is not None or self.diff_mark is not None
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if _lod(painter, option) < DETAIL_LOD and not emphasised:
            # Zoomed out: hairlines without dash patterns, which are costly to stroke by the
            # thousand; the colour still tells the kind.
            painter.setPen(style.pen(colour, 0))
            painter.drawPath(self._path)
            return
        width = edge.width * (2.2 if emphasised else 1.0)
        painter.setPen(style.pen(colour, width, edge.dash))
        painter.drawPath(self._path)
        if _lod(painter, option) < DETAIL_LOD:
            return
        painter.setBrush(style.brush(colour))
        painter.setPen(style.pen(colour, 1))
        painter.drawPolygon(self._arrow)
        if self.scoped_end is not None:
            painter.setPen(style.pen(colour, SCOPE_BAR_WIDTH))
            painter.drawLine(self._bar)

    def colour(self) -> str:
        if self.diff_mark is not None:
            return style.DIFF_COLOURS[self.diff_mark]
        return style.LEVEL_COLOURS.get(self.highlight or "", self.edge_style.colour)

    def wants_label(self) -> bool:
        """Whether the label should be shown, space permitting (the scene places it)."""
        return bool(self.label) and self.kind != "billing" and self.isVisible()

    def set_shown(self, visible: bool) -> None:
        """Show or hide the edge; its label waits for the scene to place it."""
        self.setVisible(visible)
        if not visible:
            self.label_item.hide()


class EdgeLabel(QGraphicsItem):
    """An edge's label in the free spot the scene found for it (z above nodes and edges)."""

    def __init__(self, edge: EdgeItem) -> None:
        super().__init__()
        self.edge = edge
        self.text = ""
        self._rect = QRectF()
        self.setZValue(15)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.hide()

    def place(self, text: str, box: Box) -> None:
        self.prepareGeometryChange()
        self.text = text
        self._rect = QRectF(0, 0, box.width, box.height)
        self.setPos(box.x, box.y)
        self.setToolTip(self.edge.label)
        self.show()

    def scene_rect(self) -> QRectF:
        return self._rect.translated(self.scenePos())

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if _lod(painter, option) < DETAIL_LOD:
            return
        painter.setFont(style.font(LABEL_POINTS))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.brush("#ffffff", 235))
        painter.drawRoundedRect(self._rect, 3, 3)
        painter.setPen(style.pen(self.edge.colour()))
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)


LABEL_POINTS = 7.0
LABEL_PADDING = 8.0  # horizontal, around the text


@cache
def label_metrics() -> QFontMetricsF:
    return QFontMetricsF(style.font(LABEL_POINTS))


def measure_label(text: str) -> tuple[float, float]:
    """The size of a label's rectangle on the canvas (what the router places)."""
    metrics = label_metrics()
    return (math.ceil(metrics.horizontalAdvance(text) + LABEL_PADDING), 14.0)


def _clip(rect: QRectF, outside: QPointF) -> QPointF:
    """Where the segment from the rectangle's centre towards `outside` leaves the rectangle."""
    inside = rect.center()
    dx, dy = outside.x() - inside.x(), outside.y() - inside.y()
    if dx == 0 and dy == 0:
        return inside
    half_w, half_h = rect.width() / 2, rect.height() / 2
    scale = min(
        half_w / abs(dx) if dx else math.inf,
        half_h / abs(dy) if dy else math.inf,
        1.0,
    )
    return QPointF(inside.x() + dx * scale, inside.y() + dy * scale)


SCOPE_BAR_LENGTH = 22.0
SCOPE_BAR_WIDTH = 3.0


def _cross_bar(line: QLineF) -> QLineF:
    """A bar across the end of `line` (at p2), along the border the line ends on."""
    if line.length() < 1:
        return QLineF()
    unit = line.unitVector()
    half = SCOPE_BAR_LENGTH / 2
    dx, dy = -unit.dy() * half, unit.dx() * half
    end = line.p2()
    return QLineF(end.x() - dx, end.y() - dy, end.x() + dx, end.y() + dy)


def _arrow_head(line: QLineF) -> QPolygonF:
    if line.length() < 1:
        return QPolygonF()
    angle = math.atan2(line.dy(), line.dx())
    tip = line.p2()
    size = 9.0
    left = QPointF(tip.x() - size * math.cos(angle - 0.4), tip.y() - size * math.sin(angle - 0.4))
    right = QPointF(tip.x() - size * math.cos(angle + 0.4), tip.y() - size * math.sin(angle + 0.4))
    return QPolygonF([tip, left, right])
