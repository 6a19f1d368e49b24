"""The comparison with a live organization: every difference, selecting its subject."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from designer.gui.selection import SelectionModel
from designer.live.diff import DesignDiff
from designer.live.diff_text import format_diff

ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_COLOURS = {"missing": "#c62828", "unexpected": "#6a1b9a", "changed": "#ef6c00"}


class DiffPanel(QWidget):
    def __init__(self, selection: SelectionModel) -> None:
        super().__init__()
        self.setObjectName("diff_panel")
        self.selection = selection
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.entries = QListWidget()
        self.entries.setObjectName("diff_entries")
        self.entries.setWordWrap(True)
        self.entries.currentItemChanged.connect(self._select)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.entries)

    def show_diff(self, diff: DesignDiff) -> None:
        self.entries.clear()
        lines = format_diff(diff, "text").splitlines()
        self.summary.setText(lines[0])
        for entry, line in zip(diff.entries, lines[1:], strict=True):
            item = QListWidgetItem(" ".join(line.split()))
            item.setData(Qt.ItemDataRole.ToolTipRole, line)
            item.setData(ID_ROLE, entry.planned_id or "")
            item.setForeground(QColor(STATUS_COLOURS.get(entry.status, "#000000")))
            self.entries.addItem(item)

    def _select(self, item: QListWidgetItem | None) -> None:
        entity = item.data(ID_ROLE) if item is not None else ""
        if entity:  # unexpected items are only in the live organization: nothing to select
            self.selection.focus([entity])
