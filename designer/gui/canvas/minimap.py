"""The minimap: an overview of the whole design in the canvas's top-right corner, with the part
the canvas shows framed; click or drag in it to move the canvas.

Built to cost nothing while the user works on a large organization:
- the overview is a cached image, drawn afresh only once the scene has settled after a change
  (debounced), from the OU boxes (a collapsed OU's card tinted with its accounts' main
  function) and the nodes as small rectangles, from the scene's geometry (not scene.render,
  which at 10,000 expanded accounts takes ~250-350 ms);
- scrolling and zooming only repaint the frame over that image;
- the selection is marked over the image, from rectangles kept until the selection changes.

It is a widget laid over the canvas (a child of the view, like the legend), placed by an event
filter on the view's viewport, so the view needs no code for it. It shows only while the user
wants it (View -> Minimap) and part of the design lies outside the view: when everything fits
there is nothing to navigate and the corner stays free.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QContextMenuEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from designer.drawing.layout import NODE_HEIGHT, NODE_WIDTH, Box
from designer.gui.actions import describe
from designer.gui.canvas import style
from designer.gui.canvas.items import ContainerItem
from designer.gui.canvas.view import ZOOM_STEP, DesignView

SETTING = "view/minimap"  # whether the user wants the minimap (QSettings key)
DEBOUNCE_MS = 250  # after the scene settles, before the image is drawn afresh
MAP_WIDTH, MAP_HEIGHT = 220, 160  # the largest the overview is, keeping the design's aspect
MIN_SIDE = 48  # a very wide or tall design is shown centred in at least this much
PAD = 4  # between the widget's border and the overview
MIN_FRAME = 8.0  # the frame showing the view is at least this many pixels across
MARGIN = 10  # from the canvas's edges
TOOLTIP = "Overview: click or drag to move the view"
ROOM = 2  # the canvas must be this many times the minimap's size, or it stays hidden


class Minimap(QWidget):
    """Signals:
    rendered(): the overview image was drawn afresh (after a change, never for a scroll).
    """

    rendered = Signal()

    def __init__(self, view: DesignView) -> None:
        super().__init__(view)
        self.view = view
        self.scene = view.design_scene
        self.setObjectName("minimap")
        self.setAccessibleName("Minimap")
        self.setAccessibleDescription(
            "An overview of the whole design with the part the canvas shows framed"
        )
        self.setToolTip(TOOLTIP)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # canvas-only keys keep working
        # Opaque: repainting it never makes the canvas beneath repaint its items.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.image = QImage()
        self.items_rect = QRectF()  # what the scene's boxes and nodes cover
        self.content = QRectF()  # the scene rectangle the overview shows (a little more)
        self.scale = 1.0  # overview pixels per scene unit
        self.origin = QPointF()  # where the content's top-left is drawn in the widget
        self.render_count = 0
        self.wanted = True
        self._stale = True  # the image does not show the scene as it now is
        self._grab: QPointF | None = None  # while dragging: pointer to the frame's centre
        self._marks: list[QRect] | None = None  # the selection, in widget coordinates
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self.scene.settled.connect(self.schedule)
        self.scene.selection.selection_changed.connect(self._selection_changed)
        for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
            bar.valueChanged.connect(self.view_moved)
            bar.rangeChanged.connect(self.view_moved)  # zoom, resize
        view.viewport().installEventFilter(self)
        self.hide()
        self.schedule()

    # -- what the user wants, and when it shows -------------------------------------------------
    def set_wanted(self, wanted: bool) -> None:
        """Show the minimap (when part of the design is out of view) or keep it hidden."""
        self.wanted = wanted
        if wanted and self._stale and not self._timer.isActive():
            self.refresh()
        self.update_visibility()

    def needed(self) -> bool:
        """Whether there is something to navigate: part of the design lies outside the view."""
        if self.items_rect.isEmpty():
            return False
        return not self.view.visible_scene_rect().contains(self.items_rect)

    def has_room(self) -> bool:
        """Whether the canvas is large enough for the minimap to leave most of it free."""
        viewport = self.view.viewport().size()
        return viewport.width() >= ROOM * self.width() and viewport.height() >= ROOM * self.height()

    def update_visibility(self) -> None:
        show = self.wanted and self.needed() and self.has_room()
        if show != self.isVisible():
            self.setVisible(show)
            if show:
                self.raise_()

    def view_moved(self) -> None:
        """The canvas scrolled or zoomed: only the frame moves (a repaint of the image and a
        rectangle), and the minimap shows or hides."""
        self.update_visibility()
        self.update()

    # -- the overview image -------------------------------------------------------------------
    def schedule(self) -> None:
        """The scene settled after a change: draw the overview once the changes are over."""
        self._stale = True
        self._timer.start()

    def refresh(self) -> None:
        """Draw the overview afresh now (skipped while the user does not want the minimap)."""
        self._timer.stop()
        if not self.wanted:
            return
        self._stale = False
        self.items_rect = self._items_rect()
        pad = max(self.items_rect.width(), self.items_rect.height()) * 0.01
        self.content = self.items_rect.adjusted(-pad, -pad, pad, pad)
        self._layout()
        self.image = self.overview()
        self._marks = None
        self.render_count += 1
        self.place()
        self.update_visibility()
        self.update()
        self.rendered.emit()

    def _items_rect(self) -> QRectF:
        """What the drawn OU boxes and nodes cover, where the scene last settled them."""
        geometry = self.scene.geometry
        if geometry is None:
            return QRectF()
        boxes = [b for i, b in geometry.containers.items() if i in self.scene.containers]
        nodes = [p for i, p in geometry.nodes.items() if i in self.scene.nodes]
        if not boxes and not nodes:
            return QRectF()
        left = min([b.x for b in boxes] + [x for x, _ in nodes])
        top = min([b.y for b in boxes] + [y for _, y in nodes])
        right = max([b.right for b in boxes] + [x + NODE_WIDTH for x, _ in nodes])
        bottom = max([b.bottom for b in boxes] + [y + NODE_HEIGHT for _, y in nodes])
        return QRectF(left, top, right - left, bottom - top)

    def _layout(self) -> None:
        """The overview's scale and place, and the widget's size, from the content's aspect."""
        if self.content.isEmpty():
            self.scale, self.origin = 1.0, QPointF(PAD, PAD)
            self.resize(MIN_SIDE + 2 * PAD, MIN_SIDE + 2 * PAD)
            return
        self.scale = min(MAP_WIDTH / self.content.width(), MAP_HEIGHT / self.content.height())
        width, height = self.content.width() * self.scale, self.content.height() * self.scale
        outer = QSize(round(max(width, MIN_SIDE)) + 2 * PAD, round(max(height, MIN_SIDE)) + 2 * PAD)
        # Whole pixels: the image and the marks over it line up exactly.
        self.origin = QPointF(
            (outer.width() - round(width)) // 2, (outer.height() - round(height)) // 2
        )
        self.resize(outer)

    def overview(self) -> QImage:
        """The OU boxes and the nodes (in their colours, faint where the view dims them) where
        the scene last settled them, in device pixels, every node at least one pixel, and each
        pixel rectangle drawn once however many nodes fall on it. Relationships are left out:
        at this size they would only hide the structure."""
        ratio = self.devicePixelRatioF()
        scale = self.scale * ratio
        width = max(1, round(self.content.width() * scale))
        height = max(1, round(self.content.height() * scale))
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        geometry = self.scene.geometry
        if self.content.isEmpty() or geometry is None:
            return image
        left, top = self.content.left(), self.content.top()
        painter = QPainter(image)
        containers = self.scene.containers
        boxes = [(b, containers[i]) for i, b in geometry.containers.items() if i in containers]
        # Largest first: an OU's box lies inside its parent's, so parents are drawn under it.
        boxes.sort(key=lambda pair: -pair[0].width * pair[0].height)
        painter.setPen(style.pen("#90a4ae", 0))
        for box, item in boxes:
            painter.setOpacity(0.4 if item.dimmed else 1.0)
            painter.setBrush(_box_brush(item))
            painter.drawRect(_pixels(box, left, top, scale))
        painter.setOpacity(1.0)
        painter.setPen(Qt.PenStyle.NoPen)
        # Nodes by colour as the pixels their top-left corners fall on (thousands of accounts
        # share a few hundred), then each row's neighbours as one run: a few hundred rectangles.
        groups: dict[tuple[str, bool], set[tuple[int, int]]] = defaultdict(set)
        nodes = self.scene.nodes
        for node_id, (x, y) in geometry.nodes.items():
            node = nodes.get(node_id)
            if node is not None:
                groups[node.colour, node.dimmed].add(
                    (int((y - top) * scale), int((x - left) * scale))
                )
        node_width = max(1, round(NODE_WIDTH * scale))
        node_height = max(1, round(NODE_HEIGHT * scale))
        # Dimmed first, so a node the view is about is never hidden under a faint one.
        for (colour, dimmed), cells in sorted(groups.items(), key=lambda g: not g[0][1]):
            painter.setBrush(style.brush(colour, 64 if dimmed else 255))
            painter.drawRects(_runs(sorted(cells), node_width, node_height))
        painter.end()
        return image

    # -- mapping ------------------------------------------------------------------------------
    def to_map(self, point: QPointF) -> QPointF:
        """A scene point's place in the widget."""
        return QPointF(
            self.origin.x() + (point.x() - self.content.left()) * self.scale,
            self.origin.y() + (point.y() - self.content.top()) * self.scale,
        )

    def to_scene(self, point: QPointF) -> QPointF:
        """The scene point under a place in the widget."""
        return QPointF(
            self.content.left() + (point.x() - self.origin.x()) / self.scale,
            self.content.top() + (point.y() - self.origin.y()) / self.scale,
        )

    def map_rect(self, rect: QRectF) -> QRectF:
        return QRectF(self.to_map(rect.topLeft()), self.to_map(rect.bottomRight()))

    def frame(self) -> QRectF:
        """The part of the scene the canvas shows, in the widget's coordinates (at least
        MIN_FRAME pixels across, so it stays visible and easy to grab when zoomed far in)."""
        rect = self.map_rect(self.view.visible_scene_rect())
        grow_x = max(0.0, MIN_FRAME - rect.width()) / 2
        grow_y = max(0.0, MIN_FRAME - rect.height()) / 2
        return rect.adjusted(-grow_x, -grow_y, grow_x, grow_y)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._stale and self.image.devicePixelRatio() != self.devicePixelRatioF():
            self.schedule()  # moved to a screen of another density
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.brush("#ffffff"))
        painter.setPen(style.pen("#b0bec5"))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        painter.drawImage(self.origin, self.image)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(style.pen("#1565c0"))
        painter.drawRects(self._selection_marks())
        inside = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setClipRect(inside)
        frame = self.frame().intersected(inside.adjusted(1, 1, -1, -1))
        painter.setPen(style.pen("#1565c0", 1.5))
        painter.setBrush(style.brush("#1565c0", 36))
        painter.drawRect(frame)
        painter.end()

    def _selection_changed(self, _ids: list[str]) -> None:
        self._marks = None
        self.update()

    def _selection_marks(self) -> list[QRect]:
        """A ring around each selected node and OU, in the pixels the overview drew it on
        (where the scene last settled it), the rings of neighbours in a row merged: from the
        selection's ids and the scene's geometry (no item is asked), kept until either
        changes."""
        geometry = self.scene.geometry
        if self._marks is None and geometry is not None and not self.content.isEmpty():
            self._marks = []
            scale = self.scale
            left = self.content.left() - self.origin.x() / scale
            top = self.content.top() - self.origin.y() / scale
            cells: set[tuple[int, int]] = set()
            for entity_id in self.scene.selection.ids:
                place = geometry.nodes.get(entity_id)
                if place is not None:
                    x, y = place
                    cells.add((int((y - top) * scale) - 1, int((x - left) * scale) - 1))
                elif (box := geometry.containers.get(entity_id)) is not None:
                    self._marks.append(_pixels(box, left, top, scale).adjusted(-1, -1, 0, 0))
            width = max(1, round(NODE_WIDTH * scale)) + 1
            height = max(1, round(NODE_HEIGHT * scale)) + 1
            self._marks += _runs(sorted(cells), width, height)
        return self._marks or []

    # -- placing over the canvas ----------------------------------------------------------------
    def place(self) -> None:
        """In the canvas's top-right corner, inside its scroll bars."""
        area = self.view.viewport().geometry()
        self.move(area.right() + 1 - MARGIN - self.width(), area.top() + MARGIN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:  # the canvas, or its scroll bars come and go
            self.place()
            self.update_visibility()
        return False

    # -- moving the canvas --------------------------------------------------------------------
    # Every mouse event stops here: passed on, the canvas would read them at the wrong place.
    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        if event.button() != Qt.MouseButton.LeftButton or self.content.isEmpty():
            return
        at = event.position()
        frame = self.frame()
        # Grabbed inside the frame it follows the pointer as held; elsewhere it jumps there.
        self._grab = frame.center() - at if frame.contains(at) else QPointF()
        self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self._centre_at(at)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._grab is not None:
            self._centre_at(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._grab is not None and event.button() == Qt.MouseButton.LeftButton:
            self._centre_at(event.position())
            self._grab = None
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.mousePressEvent(event)  # the second press of a quick double click

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        event.accept()

    def _centre_at(self, at: QPointF) -> None:
        self.view.centerOn(self.to_scene(at + (self._grab or QPointF())))

    def wheelEvent(self, event: QWheelEvent) -> None:
        """The wheel over the minimap zooms the canvas about its centre."""
        steps = event.angleDelta().y() / 120
        if steps:
            anchor = self.view.transformationAnchor()
            self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
            self.view.zoom_by(ZOOM_STEP**steps)
            self.view.setTransformationAnchor(anchor)
        event.accept()


def _box_brush(item: ContainerItem) -> QBrush:
    """An OU's box in its canvas colour; a collapsed OU's card, which stands for its accounts,
    tinted with the colour of the function most of them have."""
    if item.summary is not None and item.summary.functions:
        return style.brush(style.function_colour([item.summary.functions[0][0]]), 150)
    return style.brush("#f5f7fa" if item.is_root else "#e8eef5")


def _pixels(box: Box, left: float, top: float, scale: float) -> QRect:
    """The pixels a scene box covers, at least one, in an image whose top-left pixel shows
    the scene point (left, top) and which has `scale` pixels per scene unit."""
    x, y = int((box.x - left) * scale), int((box.y - top) * scale)
    right, bottom = int((box.right - left) * scale), int((box.bottom - top) * scale)
    return QRect(x, y, max(1, right - x), max(1, bottom - y))


def _runs(cells: list[tuple[int, int]], width: int, height: int) -> list[QRect]:
    """Rectangles `width` x `height` at (row, column) `cells`, sorted: those that touch or
    overlap along a row merged into one."""
    found: list[QRect] = []
    row, start, end = -1, 0, -1
    for y, x in cells:
        if y == row and x <= end:
            end = max(end, x + width)
            continue
        if end >= 0:
            found.append(QRect(start, row, end - start, height))
        row, start, end = y, x, x + width
    if end >= 0:
        found.append(QRect(start, row, end - start, height))
    return found


def minimap_action(minimap: Minimap, settings: QSettings, parent: QObject) -> QAction:
    """View -> Minimap: checkable, remembered in the settings between runs."""
    action = describe(QAction(parent), "minimap")
    action.setCheckable(True)
    action.setChecked(bool(settings.value(SETTING, True, type=bool)))
    minimap.set_wanted(action.isChecked())

    def toggled(on: bool) -> None:
        settings.setValue(SETTING, on)
        minimap.set_wanted(on)

    action.toggled.connect(toggled)
    return action
