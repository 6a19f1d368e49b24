"""File -> Compare with Live: which import to compare the design with, and which earlier one
to measure drift from (the imports kept beside the design, or any file)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.live.history import Kept

NO_BASELINE = "None: compare with the plan only"


class CompareDialog(QDialog):
    """Pick the live import and, optionally, a baseline import taken earlier."""

    def __init__(self, kept: list[Kept], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare with Live")
        self.setObjectName("compare_dialog")
        self.kept = list(reversed(kept))  # newest first
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Compare the design with an import of the live organization. With a baseline (an "
            "earlier import), what changed between the two imports is shown apart."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.live = self._combo("compare_live", [])
        self.baseline = self._combo("compare_baseline", [NO_BASELINE])
        form.addRow("&Live import", self._with_browse(self.live, "compare_live_browse"))
        form.addRow("&Baseline", self._with_browse(self.baseline, "compare_baseline_browse"))
        layout.addLayout(form)
        for item in self.kept:
            self.live.addItem(_label(item), str(item.path))
        self.live.currentIndexChanged.connect(self._fill_baselines)
        self._fill_baselines()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Compare")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)
        self._enable()

    def _combo(self, name: str, items: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItems(items)
        combo.setMinimumContentsLength(36)
        combo.currentIndexChanged.connect(self._enable)
        return combo

    def _with_browse(self, combo: QComboBox, name: str) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(combo, 1)
        browse = QPushButton("Choose File...")
        browse.setObjectName(name)
        browse.clicked.connect(lambda: self._browse(combo))
        line.addWidget(browse)
        return row

    def _browse(self, combo: QComboBox) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Choose an import of the live organization", "", "Designs (*.json)"
        )
        if chosen:
            combo.addItem(Path(chosen).name, chosen)
            combo.setCurrentIndex(combo.count() - 1)

    def _fill_baselines(self) -> None:
        """The imports taken before the chosen live one (any file chosen stays)."""
        live = self.live_path()
        chosen = self.baseline.currentData()
        self.baseline.blockSignals(True)
        self.baseline.clear()
        self.baseline.addItem(NO_BASELINE, None)
        paths = [k.path for k in self.kept]  # newest first: the earlier ones follow it
        for item in self.kept[paths.index(live) + 1 :] if live in paths else []:
            self.baseline.addItem(_label(item), str(item.path))
        found = self.baseline.findData(chosen) if chosen else -1
        self.baseline.setCurrentIndex(
            max(found, 0) if chosen else min(1, self.baseline.count() - 1)
        )
        self.baseline.blockSignals(False)
        self._enable()

    def _enable(self) -> None:
        if hasattr(self, "ok_button"):
            self.ok_button.setEnabled(self.live_path() is not None)

    def live_path(self) -> Path | None:
        data = self.live.currentData()
        return Path(data) if data else None

    def baseline_path(self) -> Path | None:
        data = self.baseline.currentData()
        path = Path(data) if data else None
        return None if path == self.live_path() else path


def _label(item: Kept) -> str:
    return f"{item.taken:%Y-%m-%d %H:%M:%S} UTC ({item.path.name})"
