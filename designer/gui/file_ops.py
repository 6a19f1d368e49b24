"""File menu work: new, open, save, recent files, autosave and recovery, closing."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.gui import recovery
from designer.model import Design, DesignError, DesignFileError, Organization, load_design
from designer.model.templates import new_design_from_template

if TYPE_CHECKING:
    from designer.gui.controller import DesignController
    from designer.gui.main_window import MainWindow

AUTOSAVE_MS = 30_000
MAX_RECENT = 8
FILTER = "Account designs (*.json);;All files (*)"


def blank_design() -> Design:
    return Design(name="Untitled design", organization=Organization(name="My organization"))


class FileOps:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.settings = QSettings("aws-account-designer", "account-designer")
        self.autosave = QTimer(window)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.write_recovery)
        self.autosave.start()

    @property
    def controller(self) -> DesignController:
        return self.window.controller

    # -- commands ---------------------------------------------------------------------------
    def new_blank(self) -> None:
        if self.confirm_discard():
            self.replace(blank_design(), None)

    def new_from_template(self, name: str) -> None:
        if not self.confirm_discard():
            return
        try:
            self.replace(new_design_from_template(name), None)
        except DesignError as exc:
            QMessageBox.critical(self.window, "Template", str(exc))

    def open_dialog(self) -> None:
        if not self.confirm_discard():
            return
        folder = str(self.controller.path.parent) if self.controller.path else ""
        name, _ = QFileDialog.getOpenFileName(self.window, "Open design", folder, FILTER)
        if name:
            self.open_path(Path(name), confirmed=True)

    def open_path(self, path: Path, confirmed: bool = False) -> bool:
        """Open a design file; a file that fails to load explains why in one line."""
        if not confirmed and not self.confirm_discard():
            return False
        try:
            design = load_design(path)
        except DesignFileError as exc:
            QMessageBox.critical(self.window, "Cannot open the design", str(exc))
            return False
        self.replace(design, path)
        self.offer_recovery(path)
        return True

    def save(self) -> bool:
        if self.controller.path is None:
            return self.save_as()
        return self._save_to(None)

    def save_as(self) -> bool:
        current = self.controller.path
        suggested = str(current) if current else f"{self.controller.design.name}.json"
        name, _ = QFileDialog.getSaveFileName(self.window, "Save design as", suggested, FILTER)
        if not name:
            return False
        path = Path(name) if name.endswith(".json") else Path(name + ".json")
        return self._save_to(path)

    def _save_to(self, path: Path | None) -> bool:
        old_path = self.controller.path
        try:
            saved = self.controller.save(path)
        except DesignError as exc:
            QMessageBox.critical(self.window, "Cannot save the design", str(exc))
            return False
        if old_path != saved:
            recovery.discard_recovery(old_path)
        recovery.discard_recovery(saved)
        self.remember(saved)
        self.window.statusBar().showMessage(f"Saved {saved}", 4000)
        return True

    def confirm_discard(self) -> bool:
        """Ask before unsaved changes are lost: Save, Discard or Cancel."""
        if not self.controller.is_dirty:
            return True
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to {self.window.document_name()}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            recovery.discard_recovery(self.controller.path)
            return True
        return False

    def replace(self, design: Design, path: Path | None, dirty: bool = False) -> None:
        self.controller.load(design, path, dirty=dirty)
        if path is not None:
            self.remember(path)

    # -- recovery ----------------------------------------------------------------------------
    def write_recovery(self) -> None:
        if self.controller.is_dirty:
            try:
                recovery.write_recovery(self.controller.design, self.controller.path)
            except OSError as exc:
                self.window.statusBar().showMessage(f"Autosave failed: {exc.strerror}", 8000)

    def offer_recovery(self, path: Path | None) -> None:
        pending = recovery.pending_recovery(path)
        if pending is None:
            return
        design = recovery.load_recovery(pending)
        if design is None:
            return
        answer = QMessageBox.question(
            self.window,
            "Recover unsaved work",
            f"{self.window.document_name()} has unsaved changes from a session that ended "
            "without saving. Restore them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.load(design, path, dirty=True)
        else:
            recovery.discard_recovery(path)

    # -- recent files ------------------------------------------------------------------------
    def recent(self) -> list[Path]:
        value = self.settings.value("recent", [])
        names = value if isinstance(value, list) else [value] if value else []
        return [Path(str(n)) for n in names if Path(str(n)).exists()]

    def remember(self, path: Path) -> None:
        names = [str(path.resolve())] + [str(p) for p in self.recent() if p != path.resolve()]
        self.settings.setValue("recent", names[:MAX_RECENT])
        self.window.refresh_recent_menu()


def author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
