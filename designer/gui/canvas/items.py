"""Scene items: cheap to paint (cached geometry and text, level of detail), no layout in paint().

Where items stand is decided by the core (designer.drawing.layout.arrange for boxes,
designer.drawing.routing for edges and labels); the scene hands the results to the items,
which only draw them.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPolygonF,
    QTransform,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from designer.drawing.collapse import OuSummary
from designer.drawing.layout import HEADER, NODE_HEIGHT, NODE_WIDTH, Box
from designer.drawing.views import OUTSIDE_STYLES
from designer.gui.canvas import style
from designer.gui.canvas.names import (
    CardText,
    Entry,
    card_text,
    count_text,
    elide_keeping_end,
    fit_row,
    header_text,
    name_lines,
    summary_count,
)
from designer.gui.outside import identifier_text
from designer.model.vocabulary import Unread, unread_text
from designer.support.resources import resources_dir

if TYPE_CHECKING:
    from designer.rules.engine import Severity

DETAIL_LOD = 0.45  # below this zoom, edges have no labels, arrow heads nor dash patterns
# Below this zoom the canvas's own text (9 points, 12 px at 100 %) is under ~9 px on screen: cards
# and OU titles draw their text at a constant size on screen instead, as space allows.
TEXT_LOD = 0.75
CARD_MIN_PIXELS = 40.0  # a card narrower than this on screen is a plain colour block
ROUND_LOD = 0.5  # below this zoom a card's rounded corners are too small to see
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
        self.unknown = False  # an account the import could not read
        self.pinned = False  # kept in place by Tidy Layout
        self.dimmed = False
        self.edges: list[EdgeItem] = []
        self._rect = QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT)
        self._bounds = self._rect.adjusted(-4, -8, 8, 4)  # asked several times per repaint
        self._compact: CompactCard | None = None  # the text for the last zoom it was drawn at
        # No itemChange here: thousands of items would each call into Python for every change.
        # The scene makes the edges follow a drag (DesignScene.mouseMoveEvent).
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        )
        self.setZValue(10)

    def set_content(self, entity: Any) -> None:
        """Copy what is shown from the entity (called on add and update, never in paint)."""
        self._compact = None
        self.title = entity.name
        self.title_lines = name_lines(entity.name, title_metrics(), TEXT_WIDTH)
        if len(self.title_lines) > 1:  # two lines in a slightly smaller size: ~40 characters
            self.title_lines = name_lines(entity.name, title_metrics(TWO_LINE_POINTS), TEXT_WIDTH)
        if self.kind == "account":
            self._set_account(entity)
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

    def _set_account(self, entity: Any) -> None:
        self.subtitle = entity.aws_account_id or "planned"
        self.colour = style.function_colour(list(entity.functions))
        self.icon = str(entity.functions[0])
        self.tag = style.ENVIRONMENT_BADGES.get(str(entity.environment))
        functions = ", ".join(map(str, entity.functions))
        tip = f"{entity.name}\n{self.subtitle} · {functions}"
        # What an import could not read is unknown, not absent: the card says so.
        self.unknown = Unread.CONTENTS in entity.unread
        self.fill = style.UNKNOWN_FILL if self.unknown else "#ffffff"
        if self.unknown:
            self.subtitle += " · not read"
            self.tag = style.UNKNOWN_BADGE
        elif entity.unread:
            self.subtitle += " · partly read"
        if entity.unread:
            tip += "\n" + unread_text(entity.unread)
        self.setToolTip(tip)

    def boundingRect(self) -> QRectF:
        return self._bounds

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
        lod = _lod(painter, option)
        if lod >= TEXT_LOD:
            self._paint_body(painter, selected)
            self._paint_text(painter)
            self._paint_badges(painter)
        elif NODE_WIDTH * lod < CARD_MIN_PIXELS or not self._paint_compact(painter, lod, selected):
            painter.fillRect(self._rect, style.brush(self.colour))
            if selected:
                painter.setPen(style.pen("#1565c0", 3))
                painter.drawRect(self._rect)
            return
        if self.diff_mark is not None:
            painter.setPen(style.pen(style.DIFF_COLOURS[self.diff_mark], 3.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self._rect.adjusted(-3, -3, 3, 3), 8, 8)

    def compact_text(self, lod: float) -> CompactCard:
        """What the card shows at zoom `lod` when too small for its full layout (cached: the
        text is measured once per zoom, not per paint)."""
        width, height = NODE_WIDTH * lod, NODE_HEIGHT * lod
        key = (round(width), round(height), self.note)
        if self._compact is None or self._compact.key != key:
            self._compact = compact_card(self, key, width, height)
        return self._compact

    def _paint_compact(self, painter: QPainter, lod: float, selected: bool) -> bool:
        """The card at a zoom too small for its full layout: the name in one line at a size
        legible on screen, then the id and the badge as space allows. False when not even the
        name fits (the caller draws a plain block)."""
        card = self.compact_text(lod)
        if not card.text.name:
            return False
        border = style.screen_pen("#1565c0", 2) if selected else style.pen("#90a4ae", 0)
        if self.kind == "outside_principal" and not selected:
            border = style.pen(self.colour, 0)
        painter.setPen(border)
        painter.setBrush(style.brush(self.fill))
        if self.kind == "identity_provider":
            painter.drawRoundedRect(self._rect, NODE_HEIGHT / 2, NODE_HEIGHT / 2)
        elif lod < ROUND_LOD:  # corners of a pixel or two: a plain rectangle costs less
            painter.drawRect(self._rect)
        else:
            painter.drawRoundedRect(self._rect, 6, 6)
        if self.kind == "account":
            painter.fillRect(QRectF(0, 0, 6, NODE_HEIGHT), style.brush(self.colour))
        # The text in screen pixels, from the card's top-left corner.
        world = painter.worldTransform()
        painter.setWorldTransform(QTransform.fromTranslate(world.dx(), world.dy()))
        painter.setPen(style.pen("#212121"))
        painter.setFont(card.name_font)
        painter.drawText(card.name_at, card.text.name)
        if card.text.detail:
            painter.setPen(style.pen(card.detail_colour))
            painter.setFont(style.font(style.SCREEN_DETAIL_POINTS))
            painter.drawText(card.detail_at, card.text.detail)
        if card.text.tag and self.tag is not None:
            text, colour = self.tag
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.brush(colour))
            painter.drawRoundedRect(card.tag_box, 6, 6)
            painter.setPen(style.pen("#ffffff"))
            painter.setFont(style.font(style.BADGE_POINTS, bold=True))
            painter.drawText(card.tag_box, Qt.AlignmentFlag.AlignCenter, text)
        if self.badge is not None:
            painter.setPen(style.pen("#ffffff", 1))
            painter.setBrush(style.brush(style.SEVERITY_COLOURS[self.badge]))
            painter.drawEllipse(QPointF(card.width - 6, 6), 4.5, 4.5)
        if self.pinned:
            painter.setPen(style.pen("#37474f", 1))
            painter.setBrush(style.brush("#ffca28"))
            painter.drawEllipse(QPointF(4, 4), 3, 3)
        painter.setWorldTransform(world)
        return True

    def _paint_body(self, painter: QPainter, selected: bool) -> None:
        border = style.pen("#1565c0", 2.5) if selected else style.pen("#90a4ae", 1)
        if self.kind == "outside_principal":  # outside the organization: it must stand out
            width = 3.0 if selected else 2.0
            border = style.pen("#1565c0" if selected else self.colour, width, Qt.PenStyle.DashLine)
        elif self.unknown and not selected:
            border = style.pen(style.UNKNOWN_BADGE[1], 1.5, Qt.PenStyle.DashLine)
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


@cache
def text_metrics(points: float, bold: bool = False) -> QFontMetricsF:
    return QFontMetricsF(style.font(points, bold))


COMPACT_LEFT = 5.0  # screen pixels from the colour stripe to a compact card's text
COMPACT_RIGHT = 12.0  # room for the finding's dot in the top-right corner


@dataclass(frozen=True)
class CompactCard:
    """A card's text at one zoom, placed in screen pixels from its top-left corner."""

    key: tuple[int, int, str]
    width: float
    text: CardText
    name_font: QFont
    name_at: QPointF
    detail_at: QPointF
    detail_colour: str
    tag_box: QRectF


def compact_card(
    node: NodeItem, key: tuple[int, int, str], width: float, height: float
) -> CompactCard:
    """Lay out `node`'s compact text in a card `width` x `height` pixels on screen."""
    left = max(3.0, 6.0 * width / NODE_WIDTH) + COMPACT_LEFT if node.kind == "account" else 8.0
    if node.kind == "identity_provider":
        left = max(8.0, height / 2)
    room = QRectF(left, 2, width - left - COMPACT_RIGHT + 6, height - 4)  # the dot is on line 1
    points = style.SCREEN_NAME_POINTS
    if room.height() < 2 * text_metrics(points, True).height():
        points = style.SCREEN_SMALL_NAME_POINTS
    name_metrics = text_metrics(points, True)
    detail_metrics = text_metrics(style.SCREEN_DETAIL_POINTS)
    badge = text_metrics(style.BADGE_POINTS, True)
    detail, colour, tag_width = node.subtitle, "#546e7a", 0.0
    if node.note:  # a blast radius: the access level reached replaces the badge
        detail, colour = node.note, style.LEVEL_COLOURS.get(node.note, "#c62828")
    elif node.tag is not None:
        tag_width = badge.horizontalAdvance(node.tag[0]) + 10
    heights = (name_metrics.height(), detail_metrics.height())
    text = card_text(
        node.title,
        detail,
        tag_width,
        (room.width() - 6, room.height()),
        name_metrics,
        detail_metrics,
        heights,
    )
    block = heights[0] + (heights[1] if text.lines > 1 else 0)
    top = room.top() + max(0.0, (room.height() - block) / 2)
    name_at = QPointF(left, top + name_metrics.ascent())
    second = top + heights[0]
    detail_at = QPointF(left, second + detail_metrics.ascent())
    tag_left = width - COMPACT_RIGHT + 6 - tag_width - 6 if text.detail else left
    tag_box = QRectF(tag_left, second + (heights[1] - 13) / 2, tag_width, 13)
    return CompactCard(
        key, width, text, style.font(points, True), name_at, detail_at, colour, tag_box
    )


class ContainerItem(QGraphicsItem):
    """An OU (or the organization root): a box that encloses its accounts and child OUs; or, when
    the OU is collapsed (`summary` set), one card standing for everything below it.

    Its title is drawn in its header band while legible there; zoomed out further, its TitleLabel
    (an item of its own above the cards and lines) draws it at a constant size on screen."""

    def __init__(self, entity_id: str, is_root: bool) -> None:
        super().__init__()
        self.entity_id, self.is_root = entity_id, is_root
        self.title = ""
        self.badge: Severity | None = None
        self.diff_mark: str | None = None  # a collapsed OU's card: something in it differs live
        self.dimmed = False
        self.edges: list[EdgeItem] = []
        self._rect = QRectF(0, 0, 200, 90)
        self._bounds = self._rect.adjusted(-2, -8, 8, 2)
        self._summary: OuSummary | None = None
        self._account_count = 0
        self._header: tuple[tuple[float, str, int], tuple[str, str, float]] | None = None
        self._card: CollapsedCard | None = None
        self._compact: CompactSummary | None = None  # its rows at the last zoom drawn
        self.lod = 1.0  # the zoom it was last painted at: its label draws to match
        self.label = TitleLabel(self)
        flags = QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        if not is_root:
            flags |= (
                QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            )
        self.setFlags(flags)
        self.setZValue(-1)
        self.syncing = False  # set while the scene places it, so its content is not dragged

    # -- what it shows (set by the scene, never in paint) --------------------------------------
    @property
    def summary(self) -> OuSummary | None:
        """What lies below a collapsed OU; None while the OU is expanded."""
        return self._summary

    @summary.setter
    def summary(self, summary: OuSummary | None) -> None:
        if summary == self._summary:
            return
        if (summary is None) != (self._summary is None):
            self.prepareGeometryChange()  # its shape: the header band, or the whole card
        self._summary = summary
        self._changed()

    @property
    def account_count(self) -> int:
        """Accounts at any depth below the OU (or the organization)."""
        return self._account_count

    @account_count.setter
    def account_count(self, count: int) -> None:
        if count != self._account_count:
            self._account_count = count
            self._changed(header_only=self._summary is None)  # an open box: its title says it

    def set_title(self, title: str) -> None:
        self.title = title
        self._changed()

    def _changed(self, header_only: bool = False) -> None:
        _moved()  # its label's width may change: the labels are laid out afresh
        self._header = self._card = self._compact = None
        self.setToolTip(self._tooltip())
        self.label.refresh()
        # The organization's box is the whole picture: a new count repaints its title only.
        self.update(QRectF(0, -8, self._rect.width() + 8, HEADER + 8) if header_only else QRectF())

    def shown_count(self) -> int:
        return self._summary.accounts if self._summary is not None else self._account_count

    def _tooltip(self) -> str:
        name = self.title if self.is_root else f"OU {self.title}"
        summary = self._summary
        if summary is None:
            counted = count_text(self._account_count)
            return f"{name}\n{counted}" if counted else name
        units = f" · {summary.units} OU{'' if summary.units == 1 else 's'}" if summary.units else ""
        functions = ", ".join(f"{f} {n:,}" for f, n in summary.functions) or "none"
        environments = ", ".join(f"{e} {n:,}" for e, n in summary.environments) or "none"
        return (
            f"{name} (collapsed)\n{count_text(summary.accounts) or 'no accounts'}{units}\n"
            f"Functions: {functions}\nEnvironments: {environments}\nDouble-click to expand"
        )

    def update(self, *args: Any) -> None:
        """Called by the scene after it changes what the box shows (its finding, dimming)."""
        _moved()
        super().update(*args)
        self.label.update()

    # -- geometry ---------------------------------------------------------------------------
    def set_box(self, box: Box) -> None:
        if self._rect.size() == qrect(box).size() and self.pos() == QPointF(box.x, box.y):
            return
        self.syncing = True
        self.prepareGeometryChange()
        self._rect = QRectF(0, 0, box.width, box.height)
        self._bounds = self._rect.adjusted(-2, -8, 8, 2)
        self._header = self._card = self._compact = None
        self.setPos(box.x, box.y)
        self.syncing = False
        _moved()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        # Only the header band of an expanded OU grabs the mouse: clicks inside the box reach the
        # background, so box selection and dropping work across containers. A collapsed OU is
        # one card: clicked, selected and dragged anywhere on it.
        path = QPainterPath()
        if self._summary is not None:
            path.addRect(self._rect)
        else:
            path.addRect(QRectF(0, 0, self._rect.width(), HEADER))
        return path

    def center(self) -> QPointF:
        """The middle of the title band: where a drop or a hit test looks for this OU."""
        return self.scenePos() + QPointF(self._rect.width() / 2, HEADER / 2)

    def scene_rect(self) -> QRectF:
        return self._rect.translated(self.scenePos())

    # -- painting -----------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        # Rounded: items get the zoom with slightly different float errors, and the labels are
        # laid out once per zoom.
        self.lod = lod = round(_lod(painter, option), 6)
        painter.setOpacity(0.4 if self.dimmed else 1.0)
        selected = self.isSelected()
        if self._summary is not None:
            self._paint_card(painter, lod, selected)
            if self.diff_mark is not None:
                painter.setPen(style.pen(style.DIFF_COLOURS[self.diff_mark], 3.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(self._rect.adjusted(-3, -3, 3, 3), 8, 8)
            return
        fill = "#f5f7fa" if self.is_root else "#eef3f8"
        painter.setPen(style.pen("#1565c0", 2) if selected else style.pen("#b0bec5", 1))
        painter.setBrush(style.brush(fill))
        painter.drawRoundedRect(self._rect, 8, 8)
        painter.fillRect(
            QRectF(1, 1, self._rect.width() - 2, HEADER - 1), style.brush("#cfd8dc", 140)
        )
        if lod < TEXT_LOD:  # too small to read here: the label draws the title
            return
        name, counted, name_width = self.header()
        font = style.font(ROOT_TITLE_POINTS if self.is_root else TITLE_POINTS, bold=True)
        painter.setFont(font)
        baseline = (HEADER + title_metrics(font.pointSizeF()).capHeight()) / 2
        painter.setPen(style.pen("#263238"))
        painter.drawText(QPointF(HEADER_LEFT, baseline), name)
        if counted:
            painter.setPen(style.pen("#546e7a"))
            painter.drawText(QPointF(HEADER_LEFT + name_width, baseline), counted)
        if self.badge is not None:
            painter.setBrush(style.brush(style.SEVERITY_COLOURS[self.badge]))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QPointF(self._rect.width() - 14, HEADER / 2), 6, 6)

    def header(self) -> tuple[str, str, float]:
        """The title band's text at full size: (name, count part, the name's width)."""
        width = self._rect.width() - HEADER_LEFT - 24
        key = (width, self.title, self.shown_count())
        if self._header is None or self._header[0] != key:
            metrics = title_metrics(ROOT_TITLE_POINTS if self.is_root else TITLE_POINTS)
            name, counted = header_text(self.title, self.shown_count(), width, metrics)
            self._header = (key, (name, counted, metrics.horizontalAdvance(name)))
        return self._header[1]

    def collapsed_card(self) -> CollapsedCard:
        """The collapsed card's content, laid out once (for its size, title and summary)."""
        if self._card is None:
            assert self._summary is not None
            self._card = collapsed_card(self.title, self._summary, self._rect)
        return self._card

    def _paint_card(self, painter: QPainter, lod: float, selected: bool) -> None:
        card = self.collapsed_card()
        painter.setPen(style.pen("#90a4ae", 1))
        painter.setBrush(style.brush("#dfe6ee"))
        for back in card.backs:  # the stack of cards behind it
            painter.drawRoundedRect(back, 6, 6)
        painter.setPen(style.pen("#1565c0", 2.5) if selected else style.pen("#78909c", 1.2))
        painter.setBrush(style.brush("#f7f9fc"))
        painter.drawRoundedRect(card.face, 6, 6)
        painter.fillRect(card.band, style.brush("#cfd8dc", 160))
        painter.setPen(style.pen("#455a64", 1.2))
        painter.setBrush(style.brush("#ffffff"))
        painter.drawRoundedRect(card.expand, 2, 2)
        painter.drawLine(card.plus[0])
        painter.drawLine(card.plus[1])
        if lod < TEXT_LOD:  # the label draws the title (and the finding's dot)
            self._paint_compact_card(painter, lod, card)
            return
        if self.badge is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.brush(style.SEVERITY_COLOURS[self.badge]))
            painter.drawEllipse(card.badge_at, 6, 6)
        for rect, colour in card.strip:
            painter.fillRect(rect, style.brush(colour))
        painter.setPen(style.pen("#263238"))
        painter.setFont(style.font(TITLE_POINTS, bold=True))
        painter.drawText(card.title_at, card.title)
        painter.setPen(style.pen("#37474f"))
        painter.setFont(style.font(CARD_COUNT_POINTS))
        painter.drawText(card.count_at, card.count)
        painter.setFont(style.font(CARD_ROW_POINTS))
        _paint_rows(painter, card, dot=4.0, more_points=CARD_ROW_POINTS)

    def compact_summary(self, lod: float) -> CompactSummary | None:
        """The collapsed card's rows at zoom `lod` in screen pixels, below its title label;
        None when the label is not drawn (the card is too small on screen for words)."""
        offset = self.label.offset_at(lod)
        if offset is None or self._summary is None:
            return None
        card = self.collapsed_card()
        width, height = card.face.width() * lod, card.face.height() * lod
        key = (round(width), round(height), round(offset))
        if self._compact is None or self._compact.key != key:
            top = offset + label_height() + 2
            self._compact = compact_summary(self._summary, key, width, height, top)
        return self._compact

    def _paint_compact_card(self, painter: QPainter, lod: float, card: CollapsedCard) -> None:
        rows = self.compact_summary(lod)
        if rows is None:  # colour bars stand for the rows
            for rect, colour in card.bars:
                painter.fillRect(rect, style.brush(colour))
            return
        world = painter.worldTransform()
        painter.setWorldTransform(QTransform.fromTranslate(world.dx(), world.dy()))
        for rect, colour in rows.strips:
            painter.fillRect(rect, style.brush(colour))
        if rows.count:
            painter.setPen(style.pen("#37474f"))
            painter.setFont(style.font(style.SCREEN_DETAIL_POINTS))
            painter.drawText(rows.count_at, rows.count)
        _paint_rows(painter, rows, dot=3.5, more_points=style.SCREEN_DETAIL_POINTS)
        painter.setWorldTransform(world)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == POSITION_CHANGE and not self.syncing:
            scene = self.scene()
            if scene is not None and hasattr(scene, "container_moving"):
                scene.container_moving(self, value - self.pos())
        elif change == POSITION_CHANGED:
            self.label.setPos(self.pos())
            if not self.syncing:
                _moved()
                for edge in self.edges:
                    edge.follow_ends()
        elif change == SCENE_CHANGE:
            old = self.label.scene()
            if old is not None:
                old.removeItem(self.label)
            _moved()
        elif change == SCENE_CHANGED and value is not None:
            value.addItem(self.label)
            self.label.setPos(self.pos())
            self.label.setVisible(self.isVisible())
        elif change == VISIBLE_CHANGED:
            self.label.setVisible(bool(value))
            _moved()
        elif change == SELECTED_CHANGED:
            self.label.update()
        return super().itemChange(change, value)


SCENE_CHANGE = QGraphicsItem.GraphicsItemChange.ItemSceneChange
SCENE_CHANGED = QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged
VISIBLE_CHANGED = QGraphicsItem.GraphicsItemChange.ItemVisibleHasChanged
SELECTED_CHANGED = QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged
ROOT_TITLE_POINTS = 10.0
HEADER_LEFT = 10.0  # where the title starts in the header band
CARD_COUNT_POINTS = 8.0
CARD_ROW_POINTS = 7.5
STACK_STEP = 4.0  # how far each card of a collapsed OU's stack shows behind the one in front
CARD_BAND = 24.0  # a collapsed card's header band


@dataclass(frozen=True)
class CollapsedCard:
    """A collapsed OU's card laid out in scene units (computed once, drawn as is)."""

    face: QRectF
    backs: tuple[QRectF, QRectF]
    band: QRectF
    expand: QRectF  # the "+" box
    plus: tuple[QLineF, QLineF]
    badge_at: QPointF
    title: str
    title_at: QPointF
    count: str
    count_at: QPointF
    functions: list[tuple[QPointF, str, str, QPointF]]  # dot, colour, label, label's baseline
    environments: list[tuple[QRectF, str, str]]  # pill, colour, text
    more: list[tuple[QPointF, str]]  # "+n" after a row that left some out
    strip: list[tuple[QRectF, str]]  # a thin bar of the functions' shares, at the bottom
    bars: list[tuple[QRectF, str]]  # zoomed out: the functions' and environments' shares


def collapsed_card(title: str, summary: OuSummary, rect: QRectF) -> CollapsedCard:
    """Lay out a collapsed OU's card in `rect`: a stack of cards whose front one shows the title
    with a "+" to expand, the counts, the functions present and the environments."""
    step = STACK_STEP
    face = QRectF(0, 0, rect.width() - 2 * step, rect.height() - 2 * step)
    backs = (face.translated(2 * step, 2 * step), face.translated(step, step))
    band = QRectF(1, 1, face.width() - 2, CARD_BAND - 1)
    expand = QRectF(face.right() - 20, (CARD_BAND - 13) / 2, 13, 13)
    centre = expand.center()
    plus = (
        QLineF(centre.x() - 3.5, centre.y(), centre.x() + 3.5, centre.y()),
        QLineF(centre.x(), centre.y() - 3.5, centre.x(), centre.y() + 3.5),
    )
    badge_at = QPointF(expand.left() - 11, CARD_BAND / 2)
    left, right = 9.0, face.right() - 8
    metrics = title_metrics()
    name = elide_keeping_end(title, metrics, badge_at.x() - 8 - left)
    title_at = QPointF(left, (CARD_BAND + metrics.capHeight()) / 2)
    count_metrics = text_metrics(CARD_COUNT_POINTS)
    count = summary_count(summary.accounts, summary.units, right - left, count_metrics)
    count_at = QPointF(left, CARD_BAND + 4 + count_metrics.ascent())
    row = text_metrics(CARD_ROW_POINTS)
    more: list[tuple[QPointF, str]] = []
    # The functions: a dot in the function's colour, named as space allows.
    entries = [
        Entry(f.replace("-", " "), style.FUNCTION_ABBREVIATIONS.get(f, f[:3].upper()))
        for f, _n in summary.functions
    ]
    labels, left_out = fit_row(entries, right - left, row, 10.0, 7.0)
    y = count_at.y() + count_metrics.descent() + 3 + row.height() / 2
    baseline = y + row.capHeight() / 2
    x = left
    functions = []
    for (function, _n), label in zip(summary.functions, labels, strict=False):
        colour = style.function_colour([function])
        functions.append((QPointF(x + 4, y), colour, label, QPointF(x + 10, baseline)))
        x += 10 + (row.horizontalAdvance(label) + 2 if label else 0) + 7
    if left_out:
        more.append((QPointF(x, baseline), f"+{left_out}"))
    # The environments: a pill in the environment's colour, with its count as space allows.
    badge = text_metrics(style.BADGE_POINTS, True)
    looks = [
        style.ENVIRONMENT_BADGES.get(e, (e.upper(), "#78909c")) for e, _n in summary.environments
    ]
    entries = [
        Entry(f"{text} {n:,}", text)
        for (text, _colour), (_e, n) in zip(looks, summary.environments, strict=True)
    ]
    labels, left_out = fit_row(entries, right - left, badge, 10.0, 4.0)
    top = y + row.height() / 2 + 3
    x = left
    environments = []
    for (_text, colour), label in zip(looks, labels, strict=False):
        width = badge.horizontalAdvance(label) + 10 if label else 12.0
        environments.append((QRectF(x, top, width, 13), colour, label))
        x += width + 4
    if left_out:
        more.append((QPointF(x, top + 13 / 2 + row.capHeight() / 2), f"+{left_out}"))
    strip = _shares(summary.functions, QRectF(left, face.bottom() - 6, right - left, 3), _fn_colour)
    lower = QRectF(left, CARD_BAND + 6, right - left, (face.bottom() - CARD_BAND - 14) / 2)
    bars = _shares(summary.functions, lower, _fn_colour)
    bars += _shares(summary.environments, lower.translated(0, lower.height() + 4), _env_colour)
    return CollapsedCard(
        face,
        backs,
        band,
        expand,
        plus,
        badge_at,
        name,
        title_at,
        count,
        count_at,
        functions,
        environments,
        more,
        strip,
        bars,
    )


@dataclass(frozen=True)
class CompactSummary:
    """A collapsed card's rows at one zoom, in screen pixels from its top-left corner."""

    key: tuple[int, int, int]
    count: str
    count_at: QPointF
    functions: list[tuple[QPointF, str, str, QPointF]]  # dot, colour, label, label's baseline
    environments: list[tuple[QRectF, str, str]]  # pill, colour, text
    more: list[tuple[QPointF, str]]
    strips: list[tuple[QRectF, str]]  # the functions' and environments' shares, at the bottom


def compact_summary(
    summary: OuSummary, key: tuple[int, int, int], width: float, height: float, top: float
) -> CompactSummary:
    """A collapsed card's rows in a card `width` x `height` pixels on screen whose text starts
    `top` pixels down: the counts, the functions, the environments, each only when its row fits;
    the functions and environments with no room for a row are thin bars of their shares."""
    left, right = 6.0, width - 6
    bottom = height - 3
    detail = text_metrics(style.SCREEN_DETAIL_POINTS)
    badge = text_metrics(style.BADGE_POINTS, True)
    count, count_at = "", QPointF()
    functions: list[tuple[QPointF, str, str, QPointF]] = []
    environments: list[tuple[QRectF, str, str]] = []
    more: list[tuple[QPointF, str]] = []
    y = top
    if y + detail.height() <= bottom:
        count = summary_count(summary.accounts, summary.units, right - left, detail)
        count_at = QPointF(left, y + detail.ascent())
        y += detail.height()
    if summary.functions and y + detail.height() <= bottom:
        entries = [
            Entry(f.replace("-", " "), style.FUNCTION_ABBREVIATIONS.get(f, f[:3].upper()))
            for f, _n in summary.functions
        ]
        labels, left_out = fit_row(entries, right - left, detail, 9.0, 6.0)
        middle, x = y + detail.height() / 2, left
        for (function, _n), label in zip(summary.functions, labels, strict=False):
            at = QPointF(x + 3.5, middle)
            text_at = QPointF(x + 9, middle + detail.capHeight() / 2)
            functions.append((at, _fn_colour(function), label, text_at))
            x += 9 + (detail.horizontalAdvance(label) + 2 if label else 0) + 6
        if left_out:
            more.append((QPointF(x, middle + detail.capHeight() / 2), f"+{left_out}"))
        y += detail.height()
    if summary.environments and y + 15 <= bottom:
        looks = [
            style.ENVIRONMENT_BADGES.get(e, (e.upper(), "#78909c"))
            for e, _n in summary.environments
        ]
        entries = [
            Entry(f"{text} {n:,}", text)
            for (text, _colour), (_e, n) in zip(looks, summary.environments, strict=True)
        ]
        labels, left_out = fit_row(entries, right - left, badge, 10.0, 4.0)
        x = left
        for (_text, colour), label in zip(looks, labels, strict=False):
            pill = badge.horizontalAdvance(label) + 10 if label else 12.0
            environments.append((QRectF(x, y + 1, pill, 13), colour, label))
            x += pill + 4
        if left_out:
            more.append((QPointF(x, y + 1 + (13 + detail.capHeight()) / 2), f"+{left_out}"))
        y += 15
    # Thin bars of the shares, in the room left, for what found no room in words.
    strips: list[tuple[QRectF, str]] = []
    wanted = [
        (counts, shade)
        for counts, shade, shown in (
            (summary.functions, _fn_colour, functions),
            (summary.environments, _env_colour, environments),
        )
        if counts and not shown
    ]
    room = bottom - y - 2  # clear of the text above
    wanted = wanted[: max(0, min(len(wanted), int(room // 3)))]  # bars 2 to 3 pixels thick
    if wanted:
        bar = min(3.0, room / len(wanted) - 1)
        for index, (counts, shade) in enumerate(wanted):
            place = QRectF(left, bottom - (len(wanted) - index) * (bar + 1), right - left, bar)
            strips += _shares(counts, place, shade)
    return CompactSummary(key, count, count_at, functions, environments, more, strips)


def _fn_colour(function: str) -> str:
    return style.function_colour([function])


def _env_colour(environment: str) -> str:
    return style.ENVIRONMENT_BADGES.get(environment, ("", "#78909c"))[1]


def _shares(
    counts: tuple[tuple[str, int], ...], rect: QRectF, colour: Any
) -> list[tuple[QRectF, str]]:
    """`rect` cut left to right in parts proportional to the counts, each in its colour."""
    total = sum(n for _k, n in counts)
    parts: list[tuple[QRectF, str]] = []
    x = rect.left()
    for key, n in counts:
        width = rect.width() * n / total if total else 0.0
        parts.append((QRectF(x, rect.top(), width, rect.height()), colour(key)))
        x += width
    return parts


# -- titles at a constant size on screen ---------------------------------------------------------
TITLE_PADDING = 4.0  # screen pixels around a title label's text
TITLE_DOT = 10.0  # room for the worst finding's dot before the title
MAX_STACK = 6  # labels of nested OUs stacked below each other at most this deep
_geometry = [0]  # bumped whenever an OU box moves, appears, goes or changes its size


def _moved() -> None:
    _geometry[0] += 1


def _paint_rows(
    painter: QPainter, rows: CollapsedCard | CompactSummary, dot: float, more_points: float
) -> None:
    """A collapsed card's function dots (in the font already set), environment pills and the
    "+n" of what found no room: the same rows on the full card and the compact one."""
    for at, colour, text, text_at in rows.functions:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.brush(colour))
        painter.drawEllipse(at, dot, dot)
        if text:
            painter.setPen(style.pen("#37474f"))
            painter.drawText(text_at, text)
    painter.setFont(style.font(style.BADGE_POINTS, bold=True))
    for pill, colour, text in rows.environments:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.brush(colour))
        painter.drawRoundedRect(pill, 6, 6)
        painter.setPen(style.pen("#ffffff"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
    painter.setPen(style.pen("#546e7a"))
    painter.setFont(style.font(more_points))
    for more_at, more in rows.more:
        painter.drawText(more_at, more)


class TitleLabel(QGraphicsItem):
    """An OU's title (and account count) at a constant size on screen, anchored at the box's
    top-left corner, cut to the box's width on screen, on a light background above the cards and
    lines: drawn only while the zoom makes the title in the header band too small to read.

    The label of an OU whose top-left corner lies under its parent's label is drawn below it, so
    nested titles never cover each other. It ignores the mouse (an empty shape): clicks reach the
    items under it."""

    def __init__(self, container: ContainerItem) -> None:
        super().__init__()
        self.container = container
        self._width = 0.0  # the widest it can be: the whole title and count
        self._text: tuple[int, LabelText] | None = None
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(12)  # above cards (10) and edges (5), below edge labels (15)

    def refresh(self) -> None:
        """The title or count changed."""
        self._text = None
        widest = self._fit(1e9)
        self.prepareGeometryChange()
        self._width = widest.width + TITLE_DOT + 2
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._width, label_height() * MAX_STACK)

    def shape(self) -> QPainterPath:
        return QPainterPath()

    def text_at(self, lod: float) -> LabelText:
        """The label at zoom `lod`, in the box's width on screen (less the "+" of a collapsed
        card); an empty name when the box is too narrow for a few characters."""
        container = self.container
        room = container._rect.width() * lod - 2 * TITLE_PADDING - 2
        if container.summary is not None:
            room -= (2 * STACK_STEP + 22) * lod  # the stack and the "+" stay clear
        if container.badge is not None:
            room -= TITLE_DOT
        width = int(room)
        if self._text is None or self._text[0] != width:
            self._text = (width, self._fit(width))
        return self._text[1]

    def _fit(self, width: float) -> LabelText:
        """The title (with the count of an expanded OU) in `width`: in the label's size, or one
        point smaller when that shows more of the name."""
        container = self.container
        count = 0 if container.summary is not None else container.account_count  # on the card
        best = LabelText()
        if width <= 0:
            return best
        for points in (style.SCREEN_TITLE_POINTS, style.SCREEN_SMALL_TITLE_POINTS):
            metrics = text_metrics(points, True)
            name, counted = header_text(container.title, count, width, metrics)
            if len(name) > len(best.name):
                name_width = metrics.horizontalAdvance(name)
                total = name_width + metrics.horizontalAdvance(counted) + 2 * TITLE_PADDING
                best = LabelText(name, counted, name_width, total, points)
            if name == container.title:
                break
        return best

    def offset_at(self, lod: float) -> float | None:
        """How far below the box's top the label lies at zoom `lod` (screen pixels), clear of
        the labels above it; None when it is not drawn (too narrow, or no room below them)."""
        return _label_places(self.container, lod).get(id(self.container))

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        container = self.container
        lod = container.lod
        if lod >= TEXT_LOD:
            return
        offset = self.offset_at(lod)
        if offset is None:
            return
        text = self.text_at(lod)
        dot = TITLE_DOT if container.badge is not None else 0.0
        painter.setOpacity(0.4 if container.dimmed else 1.0)
        selected = container.isSelected()
        painter.setPen(style.pen("#1565c0", 1.5) if selected else Qt.PenStyle.NoPen)
        painter.setBrush(style.brush("#ffffff", 225))
        height = label_height()
        painter.drawRoundedRect(QRectF(1, offset + 1, text.width + dot, height), 3, 3)
        x = 1 + TITLE_PADDING
        if container.badge is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.brush(style.SEVERITY_COLOURS[container.badge]))
            painter.drawEllipse(QPointF(x + 3.5, offset + 1 + height / 2), 4, 4)
            x += dot
        baseline = offset + 1 + (height + text_metrics(text.points, True).capHeight()) / 2
        painter.setFont(style.font(text.points, bold=True))
        painter.setPen(style.pen("#263238"))
        painter.drawText(QPointF(x, baseline), text.name)
        if text.counted:
            painter.setPen(style.pen("#546e7a"))
            painter.drawText(QPointF(x + text.name_width, baseline), text.counted)


@dataclass(frozen=True)
class LabelText:
    """A title label's text at one width on screen."""

    name: str = ""
    counted: str = ""  # " · 1,995 accounts", when it fits after the name
    name_width: float = 0.0
    width: float = 0.0  # of the whole label, padding included
    points: float = style.SCREEN_TITLE_POINTS


@cache
def label_height() -> float:
    return math.ceil(text_metrics(style.SCREEN_TITLE_POINTS, True).height()) + 3.0


_places: weakref.WeakKeyDictionary[QGraphicsScene, tuple[tuple[float, int], dict[int, float]]] = (
    weakref.WeakKeyDictionary()
)


def _label_places(container: ContainerItem, lod: float) -> dict[int, float]:
    """Where every drawn title label of `container`'s scene lies below its box's top at zoom
    `lod` (by id of the container; absent: not drawn), laid out once per zoom and layout."""
    scene = container.scene()
    if scene is None:
        return {id(container): 0.0} if container.label.text_at(lod).name else {}
    key = (lod, _geometry[0])
    known = _places.get(scene)
    if known is None or known[0] != key:
        known = (key, _place_labels(_containers(scene), lod))
        _places[scene] = known
    return known[1]


def _containers(scene: QGraphicsScene) -> list[ContainerItem]:
    table = getattr(scene, "containers", None)
    if isinstance(table, dict):
        return [c for c in table.values() if isinstance(c, ContainerItem)]
    return [i for i in scene.items() if isinstance(i, ContainerItem)]


def _place_labels(containers: list[ContainerItem], lod: float) -> dict[int, float]:
    """Each label at its box's top-left corner, or pushed down below the labels already placed
    above it that it would cover (a parent's over its first child's, a short box's over the box
    below it); a label pushed out of its box, or too far, is not drawn. Top to bottom, so a
    label only ever moves down, past labels that stay where they are."""
    height = label_height()
    labels = []
    for container in containers:
        if not container.isVisible():
            continue
        text = container.label.text_at(lod)
        if not text.name:
            continue
        box = container.scene_rect()
        width = text.width + (TITLE_DOT if container.badge is not None else 0.0) + 2
        labels.append((box.top() * lod, box.left() * lod, width, box.height() * lod, container))
    labels.sort(key=lambda label: (label[0], label[1]))
    placed: dict[int, float] = {}
    above: list[tuple[float, float, float]] = []  # (left, right, bottom) of the labels placed
    for top, left, width, box_height, container in labels:
        above = [a for a in above if a[2] > top]  # the rest lie wholly above what follows
        y = top
        moved = True
        while moved:
            moved = False
            for a_left, a_right, a_bottom in above:
                if a_left < left + width and left < a_right and y < a_bottom:
                    y, moved = a_bottom, True
        offset = y - top
        if offset > height * (MAX_STACK - 1) or (offset > 0 and offset + height / 2 > box_height):
            continue  # no room below the labels above it
        placed[id(container)] = offset
        above.append((left, left + width, y + height + 1))
    return placed


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
        self._bounds = QRectF()
        self.setZValue(15)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.hide()

    def place(self, text: str, box: Box) -> None:
        self.prepareGeometryChange()
        self.text = text
        self._rect = QRectF(0, 0, box.width, box.height)
        self._bounds = self._rect
        if self.edge.scoped_end is not None:  # drawn at screen size when zoomed out: room
            width = text_metrics(style.SCREEN_DETAIL_POINTS).horizontalAdvance(text) + 8
            dx = max(0.0, (width / ON_SCREEN_LOD - box.width) / 2)
            dy = max(0.0, (SCREEN_LABEL_HEIGHT / ON_SCREEN_LOD - box.height) / 2)
            self._bounds = self._rect.adjusted(-dx, -dy, dx, dy)
        self.setPos(box.x, box.y)
        self.setToolTip(self.edge.label)
        self.show()

    def scene_rect(self) -> QRectF:
        return self._rect.translated(self.scenePos())

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = _lod(painter, option)
        if lod < TEXT_LOD and lod >= ON_SCREEN_LOD and self.edge.scoped_end is not None:
            self._paint_on_screen(painter)  # an edge standing for many: its count is the point
            return
        if lod < DETAIL_LOD:
            return
        painter.setFont(style.font(LABEL_POINTS))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.brush("#ffffff", 235))
        painter.drawRoundedRect(self._rect, 3, 3)
        painter.setPen(style.pen(self.edge.colour()))
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)

    def _paint_on_screen(self, painter: QPainter) -> None:
        """The label at a legible size on screen, centred where the router placed it."""
        world = painter.worldTransform()
        centre = world.map(self._rect.center())
        width = text_metrics(style.SCREEN_DETAIL_POINTS).horizontalAdvance(self.text) + 8
        box = QRectF(
            centre.x() - width / 2,
            centre.y() - SCREEN_LABEL_HEIGHT / 2,
            width,
            SCREEN_LABEL_HEIGHT,
        )
        painter.setWorldTransform(QTransform())
        painter.setFont(style.font(style.SCREEN_DETAIL_POINTS))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.brush("#ffffff", 235))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(style.pen(self.edge.colour()))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.text)
        painter.setWorldTransform(world)


LABEL_POINTS = 7.0
LABEL_PADDING = 8.0  # horizontal, around the text
ON_SCREEN_LOD = 0.15  # below this even the counts of grouped edges are left to tooltips
SCREEN_LABEL_HEIGHT = 14.0


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
