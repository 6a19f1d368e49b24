"""File menu work: new, open, save, recent files, autosave and recovery, closing.

FileOps knows the controller, the settings and the widget its dialogs belong to, not the
window: it reports through signals (status, recent_changed, opened) that the window shows.
Opening reads the file in a background job (`open_in_background`, for File -> Open, the
recent files and the command line alike) while the window stays usable.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QProgressBar, QWidget

from designer.core.document import Document
from designer.engines.convert import convert
from designer.engines.report import ConversionReport
from designer.gui import background, recovery
from designer.gui.wizard.dialog import DesignWizard
from designer.gui.wizard.summary import counts
from designer.model import Design, DesignError, Organization, load_design, new_id
from designer.model.answers import Answers
from designer.model.saving import is_read_only
from designer.model.templates import new_design_from_template
from designer.wizard.build import build_design

if TYPE_CHECKING:
    from designer.gui.controller import DesignController

AUTOSAVE_MS = 30_000
MAX_RECENT = 8
FILTER = "Account designs (*.json);;All files (*)"
# File -> Open also reads a deployment engine's configuration (designer.engines.convert): any
# file of a Landing Zone Accelerator folder, or an org-formation organization.yml.
OPEN_FILTER = (
    "Account designs (*.json);;"
    "Landing Zone Accelerator or org-formation configurations (*.yaml *.yml);;All files (*)"
)
CONFIGURATION_SUFFIXES = (".yaml", ".yml")


def blank_design() -> Design:
    return Design(name="Untitled design", organization=Organization(name="My organization"))


def _is_configuration(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in CONFIGURATION_SUFFIXES


def _loaded(path: Path) -> Document:
    return Document(load_design(path))


def _converted(path: Path) -> tuple[Document, ConversionReport]:
    design, report = convert(path)
    return Document(design), report


def app_settings() -> QSettings:
    """Where recent files and the window layout are remembered between runs."""
    return QSettings("aws-account-designer", "account-designer")


class FileOps(QObject):
    """Signals:
    status(str, int): a passing message for the status bar, and for how many ms (0: until the
        next one).
    recent_changed(): the list of recent files changed.
    opened(object, str): an open_in_background() ended: the path, and "" once its design is
        shown (before a recovery offer), else CANCELLED or the one-line reason (already told).
    """

    status = Signal(str, int)
    recent_changed = Signal()
    opened = Signal(object, str)

    def __init__(
        self, controller: DesignController, settings: QSettings, dialog_parent: QWidget
    ) -> None:
        super().__init__(dialog_parent)
        self.controller, self.settings, self.dialog_parent = controller, settings, dialog_parent
        self.autosave = QTimer(self)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.write_recovery)
        self.autosave.start()
        self._opening: background.Job | None = None  # the newest open; an older one is ignored
        self._opening_path: Path | None = None
        self._opening_over: tuple[object, int] | None = None  # (document, version) it replaces
        self._busy: QProgressBar | None = None

    def document_name(self) -> str:
        path = self.controller.path
        return path.name if path else self.controller.design.name

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
            QMessageBox.critical(self.dialog_parent, "Template", str(exc))

    def new_from_wizard(self) -> DesignWizard | None:
        """The new-design wizard (window-modal, not blocking); Finish opens its design as new
        and unsaved."""
        if not self.confirm_discard():
            return None
        wizard = DesignWizard(Answers(), None, self.dialog_parent)
        wizard.answered.connect(self._open_answered)
        wizard.open()
        return wizard

    def _open_answered(self, answers: Answers) -> None:
        design = build_design(answers, new_id())
        self.replace(design, None, dirty=True)
        self.status.emit(f"Design from the wizard: {counts(design)}; not saved yet", 8000)

    def open_dialog(self) -> None:
        if not self.confirm_discard():
            return
        folder = str(self.controller.path.parent) if self.controller.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self.dialog_parent, "Open design", folder, OPEN_FILTER
        )
        if name:
            self.open_path(Path(name), confirmed=True)

    def open_path(self, path: Path, confirmed: bool = False) -> bool:
        """Open a design file in the background (see open_in_background); False when the
        user chose to keep the unsaved design instead."""
        if not confirmed and not self.confirm_discard():
            return False
        self.open_in_background(path)
        return True

    @property
    def opening(self) -> Path | None:
        """The file being read in the background, if any."""
        return self._opening_path if self._opening is not None else None

    def open_in_background(self, path: Path) -> background.Job:
        """Read `path` in a worker thread, then show its design (and offer its recovery file).

        The window stays usable meanwhile, with "Opening <file>…" and a busy bar in the status
        bar. A file that fails to load explains why in one line and changes nothing. A newer
        open wins over an older one still reading; a design opened otherwise meanwhile (New,
        an import) is kept, and one edited meanwhile is kept unless the user discards it.
        `opened` tells the end.
        """
        if self._opening is not None:
            self._opening.cancel()  # its answer will be ignored
        document = self.controller.document
        # The Document (integrity check, graph index) is built there too: at 10,000 accounts
        # it is most of a second the window would otherwise freeze for.
        read = _converted if _is_configuration(path) else _loaded
        job = background.Job(lambda _tell, _cancel: read(path), "open")
        job.finished.connect(self._opened)
        self._opening, self._opening_path = job, path
        self._opening_over = (document, document.version)
        self._show_busy(True)
        self.status.emit(f"Opening {path.name}…", 0)
        return job.start()

    def _opened(self, job: object, opened: object, problem: str) -> None:
        if job is not self._opening or self._opening_path is None:
            return
        path, over = self._opening_path, self._opening_over
        self._opening = self._opening_path = self._opening_over = None
        self._show_busy(False)
        built, report = opened if isinstance(opened, tuple) else (opened, None)
        if not isinstance(built, Document):
            built = None
        if problem or built is None:
            self.status.emit("", 0)
            reason = (problem or "not a design").splitlines()[0]
            if problem != background.CANCELLED:
                QMessageBox.critical(self.dialog_parent, "Cannot open the design", reason)
            self.opened.emit(path, reason)
            return
        document = self.controller.document
        if over is not None and document is not over[0]:
            self.status.emit(f"{path.name} not opened: another design was opened meanwhile", 8000)
            self.opened.emit(path, background.CANCELLED)
            return
        if over is not None and document.version != over[1] and not self.confirm_discard():
            self.status.emit(f"{path.name} not opened: the design was edited meanwhile", 8000)
            self.opened.emit(path, background.CANCELLED)
            return
        if isinstance(report, ConversionReport):
            self._show_conversion(built, report)
            self.opened.emit(path, "")
            return
        self.replace(built.design, path, document=built)
        self.status.emit(f"Opened {path.name}", 4000)
        self.opened.emit(path, "")
        self.offer_recovery(path)

    def _show_conversion(self, built: Document, report: ConversionReport) -> None:
        """A converted configuration opens as a new, unsaved design (Save asks where), with
        what it could not represent shown at once, in full."""
        self.replace(built.design, None, dirty=True, document=built)
        summary = (
            f"Converted {Path(report.source).name} ({report.engine}): "
            f"{len(built.design.accounts)} accounts, {len(built.design.organizational_units)} "
            f"OUs, {len(built.design.relationships)} relationships. "
            f"{len(report.gaps)} item(s) not represented, {len(report.unmodelled)} file(s) not "
            "modelled: see Show Details. The design is not saved yet."
        )
        self.status.emit(summary.split(". ")[0], 8000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Configuration converted",
            summary,
            QMessageBox.StandardButton.Ok,
            self.dialog_parent,
        )
        box.setObjectName("conversion_report")
        box.setDetailedText(report.text())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not modal to the application: the design is already shown behind it

    def _show_busy(self, busy: bool) -> None:
        """An endless progress bar in the window's status bar while a file is read."""
        window = self.dialog_parent
        if self._busy is None:
            if not busy or not isinstance(window, QMainWindow):
                return
            self._busy = QProgressBar()
            self._busy.setRange(0, 0)
            self._busy.setTextVisible(False)
            self._busy.setMaximumWidth(160)
            self._busy.setAccessibleName("Opening the design")
            window.statusBar().addPermanentWidget(self._busy)
        self._busy.setVisible(busy)

    def save(self) -> bool:
        if self.controller.path is None:
            return self.save_as()
        return self._save_to(None)

    def save_as(self) -> bool:
        current = self.controller.path
        suggested = str(current) if current else f"{self.controller.design.name}.json"
        name, _ = QFileDialog.getSaveFileName(
            self.dialog_parent, "Save design as", suggested, FILTER
        )
        if not name:
            return False
        path = Path(name) if name.endswith(".json") else Path(name + ".json")
        return self._save_to(path)

    def _save_to(self, path: Path | None) -> bool:
        old_path = self.controller.path
        target = path or old_path
        read_only = target is not None and is_read_only(target)
        if target is not None and read_only and not self._confirm_read_only(target):
            self.status.emit(f"Not saved: {target.name} is read-only", 8000)
            return False
        try:
            saved = self.controller.save(path, force=read_only)
        except DesignError as exc:
            QMessageBox.critical(self.dialog_parent, "Cannot save the design", str(exc))
            return False
        if old_path != saved:
            recovery.discard_recovery(old_path)
        recovery.discard_recovery(saved)
        self.remember(saved)
        self.status.emit(f"Saved {saved}", 4000)
        return True

    def _confirm_read_only(self, target: Path) -> bool:
        """A read-only file is replaced only when the user says so (it stays read-only)."""
        answer = QMessageBox.question(
            self.dialog_parent,
            "Replace read-only file",
            f"{target.name} is read-only. Replace it anyway? It stays read-only.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def confirm_discard(self) -> bool:
        """Ask before unsaved changes are lost: Save, Discard or Cancel."""
        if not self.controller.is_dirty:
            return True
        answer = QMessageBox.question(
            self.dialog_parent,
            "Unsaved changes",
            f"Save the changes to {self.document_name()}?",
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

    def replace(
        self,
        design: Design,
        path: Path | None,
        dirty: bool = False,
        document: Document | None = None,
    ) -> None:
        self.controller.load(design, path, dirty=dirty, document=document)
        if path is not None:
            self.remember(path)

    # -- recovery ----------------------------------------------------------------------------
    def write_recovery(self) -> None:
        if self.controller.is_dirty:
            try:
                recovery.write_recovery(self.controller.design, self.controller.path)
            except OSError as exc:
                self.status.emit(f"Autosave failed: {exc.strerror}", 8000)

    def offer_recovery(self, path: Path | None) -> None:
        pending = recovery.pending_recovery(path)
        if pending is None:
            return
        design = recovery.load_recovery(pending)
        if design is None:
            return
        answer = QMessageBox.question(
            self.dialog_parent,
            "Recover unsaved work",
            f"{self.document_name()} has unsaved changes from a session that ended "
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
        self.recent_changed.emit()


def author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
