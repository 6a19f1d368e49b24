"""Starting the window: from the command line, or offscreen for a screenshot.

The window appears at once, on a blank design with "Opening <file>…" in its status bar; the
file is read in a background job and shown when it has been read (FileOps.open_in_background),
then validated in the background (the findings panel). Only a screenshot waits for all of it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from designer.model import Design, DesignError, DesignFileError, load_design

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from designer.gui.main_window import MainWindow


def has_display() -> bool:
    """Whether Qt can open a window here (a Linux desktop, another OS, or a chosen platform)."""
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(
    path: Path | None,
    screenshot: Path | None = None,
    view: str = "all",
    size: tuple[int, int] = (1600, 1000),
) -> int:
    """Open the main window, or render it to `screenshot`; returns the exit code.

    Raises DesignError for a design that cannot be shown in screenshot mode, or when there is
    no display to open a window on.
    """
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif not has_display():
        raise DesignError(
            "no display to open the window on; use --screenshot OUT.png, or set "
            "QT_QPA_PLATFORM=offscreen"
        )
    from PySide6.QtWidgets import QApplication

    from designer.gui import background, collector
    from designer.gui.controller import dispose_all

    if screenshot is not None:  # the picture of the loaded design: everything waits
        design, problem = _initial_design(path)
        if problem:
            raise DesignFileError(problem)
        app = QApplication.instance() or QApplication(sys.argv[:1])  # kept while it is used
        collector.install(app)
        # The default layout, neither read from nor left in settings.
        with tempfile.TemporaryDirectory() as folder:
            window = _window(design, path, view, size, Path(folder) / "settings.ini")
            return _screenshot(window, screenshot)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    collector.install(app)  # before any background job can run
    window = open_window(path, view, size)  # kept: the window lives while the loop runs
    try:
        return int(app.exec())
    finally:
        background.shutdown()  # a validation or an open still running: cancelled, waited for
        dispose_all()  # undo histories emptied before the interpreter tears the windows down


def open_window(
    path: Path | None,
    view: str = "all",
    size: tuple[int, int] = (1600, 1000),
    settings: QSettings | None = None,
) -> MainWindow:
    """Show the main window at once, then open `path` in the background (None: a blank design
    and the untitled recovery offer). Needs a QApplication; returns without running its loop.

    `window.files.opened` tells when the design is shown (or why not); the findings follow
    (`window.findings.report_changed`, `window.findings.wait()`).
    """
    from PySide6.QtWidgets import QApplication

    from designer.gui.file_ops import blank_design

    window = _window(blank_design(), None, view, size, settings=settings)
    window.show()
    window.view.fit()
    # Painted before the reading starts: with the reader's thread holding the GIL, every
    # call from Qt into Python waits its turn (measured: the first paint 0.4 s later).
    QApplication.processEvents()
    if path is None:
        window.files.offer_recovery(None)
    else:
        window.files.open_in_background(path)
    return window


def _window(
    design: Design,
    path: Path | None,
    view: str,
    size: tuple[int, int],
    settings_file: Path | None = None,
    settings: QSettings | None = None,
) -> MainWindow:
    from PySide6.QtCore import QSettings

    from designer.gui.controller import DesignController
    from designer.gui.main_window import MainWindow

    if settings_file is not None:
        settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow(DesignController(design, path), settings)
    window.resize(*size)
    window.set_view(view)
    return window


def _initial_design(path: Path | None) -> tuple[Design, str | None]:
    from designer.gui.file_ops import blank_design

    if path is None:
        return blank_design(), None
    try:
        return load_design(path), None
    except DesignFileError as exc:
        return blank_design(), str(exc)


def _screenshot(window: MainWindow, target: Path) -> int:
    from PySide6.QtWidgets import QApplication

    window.show()
    for _ in range(3):
        QApplication.processEvents()
    window.findings.wait()  # the badges and the findings panel belong in the picture
    window.view.fit()
    QApplication.processEvents()
    if not window.grab().save(str(target)):
        raise DesignError(f"{target}: cannot write the screenshot")
    window.close()
    return 0
