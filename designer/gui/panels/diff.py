"""The comparison with a live organization: a legend, then every difference by class and kind.

Selecting a difference selects its subject on the canvas when the planned design has it.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.gui.canvas import style
from designer.gui.selection import SelectionModel
from designer.live.diff import DiffEntry
from designer.live.diff_text import change_lines
from designer.live.drift import (
    CLASS_HELP,
    CLASS_TITLES,
    CLASSES,
    NOT_COMPARED,
    NOT_COMPARED_HELP,
    NOT_COMPARED_TITLE,
    DriftEntry,
    ThreeWay,
)

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class DiffPanel(QWidget):
    def __init__(self, selection: SelectionModel) -> None:
        super().__init__()
        self.setObjectName("diff_panel")
        self.selection = selection
        self.summary = QLabel("")
        self.summary.setObjectName("diff_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.legend = QHBoxLayout()
        self.swatches: dict[str, QLabel] = {}
        for cls in CLASSES:
            swatch = QLabel()
            swatch.setObjectName(f"legend_{cls}")
            swatch.setTextFormat(Qt.TextFormat.RichText)
            swatch.setToolTip(CLASS_HELP[cls])
            self.swatches[cls] = swatch
            self.legend.addWidget(swatch)
        self.agreed = QLabel("")
        self.agreed.setObjectName("legend_agreed")
        self.agreed.setToolTip("Matched in the plan and the live organization, with no difference.")
        self.legend.addWidget(self.agreed)
        self.unknown = QLabel("")
        self.unknown.setObjectName("legend_not_compared")
        self.unknown.setTextFormat(Qt.TextFormat.RichText)
        self.unknown.setToolTip(NOT_COMPARED_HELP)
        self.legend.addWidget(self.unknown)
        self.legend.addStretch(1)
        self.entries = QTreeWidget()
        self.entries.setObjectName("diff_entries")
        self.entries.setHeaderHidden(True)
        self.entries.setWordWrap(True)
        self.entries.currentItemChanged.connect(self._select)
        self._leaves: list[QTreeWidgetItem] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.legend)
        layout.addWidget(self.entries)

    def show_drift(self, report: ThreeWay) -> None:
        self.entries.clear()
        self._leaves = []
        counts = report.counts()
        baseline = f", baseline {report.baseline}" if report.baseline else ", no baseline"
        self.summary.setText(f"{report.planned} (planned) vs {report.live} (live){baseline}")
        for cls, swatch in self.swatches.items():
            colour = style.DIFF_COLOURS[cls]
            swatch.setText(
                f'<span style="color:{colour}">&#9632;</span> {CLASS_TITLES[cls]}: {counts[cls]}'
            )
            swatch.setVisible(cls != CLASSES[0] or report.baseline is not None)
        self.agreed.setText(f"{counts['agreed']} agreed")
        colour = style.DIFF_COLOURS[NOT_COMPARED]
        self.unknown.setText(
            f'<span style="color:{colour}">&#9632;</span> {len(report.not_compared)} not compared'
        )
        self.unknown.setVisible(bool(report.not_compared))
        grouped: dict[str, dict[str, list[DriftEntry]]] = defaultdict(lambda: defaultdict(list))
        for entry in report.entries:
            grouped[entry.cls][entry.kind].append(entry)
        for cls in CLASSES:
            if cls not in grouped:
                continue
            kinds = grouped[cls]
            top = QTreeWidgetItem([f"{CLASS_TITLES[cls]} ({sum(map(len, kinds.values()))})"])
            top.setForeground(0, QColor(style.DIFF_COLOURS[cls]))
            top.setToolTip(0, CLASS_HELP[cls])
            self.entries.addTopLevelItem(top)
            top.setExpanded(True)
            for kind in sorted(kinds):
                branch = QTreeWidgetItem(top, [f"{kind} ({len(kinds[kind])})"])
                branch.setExpanded(True)
                for entry in kinds[kind]:
                    self._leaves.append(self._leaf(branch, entry))

        if report.not_compared:
            self._not_compared(report.not_compared)

    def _not_compared(self, unread: list[DiffEntry]) -> None:
        """What the import could not read, by kind, each with why."""
        top = QTreeWidgetItem([f"{NOT_COMPARED_TITLE} ({len(unread)})"])
        top.setForeground(0, QColor(style.DIFF_COLOURS[NOT_COMPARED]))
        top.setToolTip(0, NOT_COMPARED_HELP)
        self.entries.addTopLevelItem(top)
        kinds: dict[str, list[DiffEntry]] = defaultdict(list)
        for entry in unread:
            kinds[entry.kind].append(entry)
        for kind in sorted(kinds):
            branch = QTreeWidgetItem(top, [f"{kind} ({len(kinds[kind])})"])
            for entry in kinds[kind]:
                text = " ".join(f"{entry.subject}: {entry.reason}".split())
                leaf = QTreeWidgetItem(branch, [text])
                leaf.setToolTip(0, text)
                leaf.setData(0, ID_ROLE, entry.planned_id or "")
        top.setExpanded(False)  # unknown, not a difference: folded until asked for

    def _leaf(self, branch: QTreeWidgetItem, entry: DriftEntry) -> QTreeWidgetItem:
        lines = change_lines(entry.changes)
        since = f" [{entry.since_baseline} since the baseline]" if entry.since_baseline else ""
        head = " ".join(entry.subject.split()) + since
        leaf = QTreeWidgetItem(branch, [head + (": " + lines[0] if len(lines) == 1 else "")])
        leaf.setData(0, ID_ROLE, entry.planned_id or "")
        leaf.setToolTip(0, "\n".join([head, *lines]))
        if len(lines) > 1:  # an SCP's unified diff, one line each
            for line in lines:
                QTreeWidgetItem(leaf, [line]).setData(0, ID_ROLE, entry.planned_id or "")
        return leaf

    def leaves(self) -> list[QTreeWidgetItem]:
        """Every difference's row, in order (tests and keyboard users walk them)."""
        return list(self._leaves)

    def _select(self, item: QTreeWidgetItem | None) -> None:
        entity = item.data(0, ID_ROLE) if item is not None else ""
        if entity:  # live-only items are not in the planned design: nothing to select
            self.selection.focus([entity])
