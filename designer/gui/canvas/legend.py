"""The legend in the canvas's corner: the relationship kinds of the current view, and while a blast
radius is shown, what its colours mean.

A widget laid over the canvas (not painted into the scene or its foreground), so panning and
scrolling never leave copies of it behind.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from designer.gui.canvas import style

ROW = 16
SCOPED = "On an OU: every account in it"
SCOPED_LONG = (
    "Ends on an OU or the organization (with a bar): every account in it, now and in future, "
    "less the excluded ones"
)
SWATCH = 52.0  # the sample line's room on the left


class LegendOverlay(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.setAccessibleName("Legend")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.kinds: list[str] = []
        self.levels: list[str] = []
        self.scoped = False  # an edge shown ends on an OU or the organization

    def show_kinds(self, kinds: list[str], blast: bool, scoped: bool = False) -> None:
        self.kinds = kinds
        self.scoped = scoped and bool(kinds)
        self.levels = list(style.LEVEL_MEANINGS) if blast else []
        self.setVisible(bool(kinds or self.levels))
        self.setToolTip("\n".join(self.lines()))
        self.updateGeometry()
        self.update()

    def lines(self) -> list[str]:
        """The legend in words (also its tooltip and what screen readers get)."""
        found = [style.EDGE_STYLES[kind].label for kind in self.kinds]
        found += [SCOPED_LONG] if self.scoped else []
        found += [f"{level}: {style.LEVEL_MEANINGS[level]}" for level in self.levels]
        return found

    def _shown(self) -> list[str]:
        """What is written in the corner: kinds, and level names (their meaning in the tooltip
        and the blast-radius panel), so the legend stays small."""
        found = [style.EDGE_STYLES[kind].label for kind in self.kinds]
        found += [SCOPED] if self.scoped else []
        return [*found, "Blast radius: access gained", *self.levels] if self.levels else found

    def sizeHint(self) -> QSize:
        rows = len(self.kinds) + self.scoped + (len(self.levels) + 1 if self.levels else 0)
        metrics = QFontMetrics(style.font(8, bold=True))
        widest = max((metrics.horizontalAdvance(line) for line in self._shown()), default=0)
        return QSize(int(SWATCH + widest + 12), ROW * rows + 12)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(style.font(8))
        painter.setPen(style.pen("#b0bec5"))
        painter.setBrush(style.brush("#ffffff", 240))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        y = 6.0
        for kind in self.kinds:
            edge = style.EDGE_STYLES[kind]
            self._row(painter, y, edge.label)
            painter.setPen(style.pen(edge.colour, max(edge.width, 1.5), edge.dash))
            painter.drawLine(QPointF(10, y + ROW / 2), QPointF(44, y + ROW / 2))
            y += ROW
        if self.scoped:  # the bar a scoped edge ends with, on a box's border
            self._row(painter, y, SCOPED)
            painter.setPen(style.pen("#546e7a", 1.5))
            painter.drawLine(QPointF(10, y + ROW / 2), QPointF(40, y + ROW / 2))
            painter.setPen(style.pen("#546e7a", 3))
            painter.drawLine(QPointF(41, y + 2), QPointF(41, y + ROW - 2))
            y += ROW
        if self.levels:
            painter.setPen(style.pen("#263238"))
            painter.setFont(style.font(8, bold=True))
            painter.drawText(QRectF(10, y, self.width() - 16, ROW), "Blast radius: access gained")
            painter.setFont(style.font(8))
            y += ROW
        for level in self.levels:
            self._row(painter, y, level)
            painter.setPen(style.pen(style.LEVEL_COLOURS[level], 3))
            painter.drawLine(QPointF(10, y + ROW / 2), QPointF(44, y + ROW / 2))
            y += ROW
        painter.end()

    def _row(self, painter: QPainter, y: float, text: str) -> None:
        painter.setPen(style.pen("#263238"))
        painter.drawText(
            QRectF(SWATCH, y, self.width() - SWATCH - 4, ROW), Qt.AlignmentFlag.AlignVCenter, text
        )
