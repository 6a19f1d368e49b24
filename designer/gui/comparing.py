"""Compare the open design with the live organization: three ways when a baseline is known.

The imports of a saved design are kept beside it (designer.live.history); an import made in the
editor joins them, and the newest earlier one is its baseline, as `check-live` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from designer.live.drift import CLASS_TITLES, CLASSES, NOT_COMPARED, ThreeWay, three_way
from designer.live.history import Kept, history_dir, keep, kept
from designer.model import Design, DesignError, load_design

if TYPE_CHECKING:
    from designer.gui.main_window import MainWindow


def canvas_marks(report: ThreeWay, live: Design) -> dict[str, str]:
    """Planned ids to mark: each difference's planned subject, and the planned ends of live
    relationships the plan lacks (those are not on this canvas themselves), and what the import
    could not read (not compared)."""
    marks = report.marks()
    planned_of = {live_id: planned_id for planned_id, live_id in report.matched.items()}
    live_relationships = {r.id: r for r in live.relationships}
    for entry in report.entries:
        rel = live_relationships.get(entry.live_id or "")
        if rel is None or entry.planned_id is not None:
            continue
        for end in (rel.source, rel.target):
            if end in planned_of:
                marks.setdefault(planned_of[end], entry.cls)
    for unread in report.not_compared:  # unknown live: neither agreed nor different
        if unread.planned_id:
            marks.setdefault(unread.planned_id, NOT_COMPARED)
    return marks


class CompareOps:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: QDialog | None = None

    def history(self) -> Path | None:
        path = self.window.controller.path
        return history_dir(Path(path)) if path is not None else None

    def kept_imports(self) -> list[Kept]:
        history = self.history()
        if history is None or not history.is_dir():
            return []
        try:
            return kept(history)
        except (OSError, DesignError):
            return []

    def choose_and_compare(
        self, path: Path | None = None, baseline: Path | None = None
    ) -> ThreeWay | None:
        """File -> Compare with Live: the kept imports to pick from (the comparison follows
        the dialog's Compare), else a file."""
        if path is None:
            found = self.kept_imports()
            if found:
                self._open_dialog(found)
                return None
            chosen, _ = QFileDialog.getOpenFileName(
                self.window, "Compare with a live organization (an import)", "", "Designs (*.json)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        return self._load_and_compare(path, baseline)

    def _open_dialog(self, found: list[Kept]) -> None:
        from designer.gui.compare_dialog import CompareDialog

        dialog = CompareDialog(found, self.window)
        self.dialog = dialog

        def chosen() -> None:
            live = dialog.live_path()
            if live is not None:
                self._load_and_compare(live, dialog.baseline_path())

        dialog.accepted.connect(chosen)
        dialog.open()  # window-modal, without a nested event loop

    def _load_and_compare(self, path: Path, baseline: Path | None) -> ThreeWay | None:
        try:
            live = load_design(path)
            base = load_design(baseline) if baseline is not None else None
        except DesignError as exc:
            QMessageBox.warning(self.window, "Cannot compare", str(exc))
            return None
        return self.compare(live, path.name, base, baseline.name if baseline else None)

    def compare_imported(self, live: Design, report: dict[str, object] | None) -> ThreeWay:
        """An import just made in the editor: kept beside a saved design, compared with the
        plan and with the newest import kept before it."""
        history, baseline, label = self.history(), None, None
        earlier = self.kept_imports()
        if earlier:
            try:
                baseline, label = load_design(earlier[-1].path), earlier[-1].path.name
            except DesignError as exc:
                self.window.statusBar().showMessage(f"Baseline not used: {exc}", 8000)
        note = ""
        if history is not None:
            try:
                note = f"; kept as {keep(history, live, dict(report or {})).path}"
            except (OSError, DesignError) as exc:
                note = f"; not kept: {exc}"
        return self.compare(live, "the live organization", baseline, label, note)

    def compare(
        self,
        live: Design,
        label: str,
        baseline: Design | None = None,
        baseline_label: str | None = None,
        note: str = "",
    ) -> ThreeWay:
        window = self.window
        report = three_way(window.controller.design, live, baseline)
        report.planned = window.controller.design.name
        report.live = label
        report.baseline = baseline_label if baseline is not None else None
        window.scene.apply_diff(canvas_marks(report, live))
        window.diff_panel.show_drift(report)
        window.diff_dock.show()
        counts = report.counts()
        shown = ", ".join(f"{counts[c]} {CLASS_TITLES[c].lower()}" for c in CLASSES if counts[c])
        if report.not_compared:
            shown += f"{', ' if shown else ''}{len(report.not_compared)} not compared"
        window.statusBar().showMessage(f"Compared with {label}: {shown or 'no differences'}{note}")
        return report

    def clear(self) -> None:
        self.window.scene.apply_diff({})
        self.window.diff_dock.hide()
        self.window.statusBar().clearMessage()
