"""Starting the window: from the command line, or offscreen for a screenshot."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from designer.model import Design, DesignError, DesignFileError, load_design

if TYPE_CHECKING:
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
    design, problem = _initial_design(path)
    if problem and screenshot is not None:
        raise DesignFileError(problem)
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if screenshot is not None:  # the default layout, neither read from nor left in settings
        with tempfile.TemporaryDirectory() as folder:
            window = _window(design, path, view, size, Path(folder) / "settings.ini")
            return _screenshot(window, screenshot)
    window = _window(design, None if problem else path, view, size)
    window.show()
    window.view.fit()
    if problem:
        QMessageBox.critical(window, "Cannot open the design", problem)
    else:
        window.files.offer_recovery(path)
    return int(app.exec())


def _window(
    design: Design,
    path: Path | None,
    view: str,
    size: tuple[int, int],
    settings_file: Path | None = None,
) -> MainWindow:
    from PySide6.QtCore import QSettings

    from designer.gui.controller import DesignController
    from designer.gui.main_window import MainWindow

    settings = QSettings(str(settings_file), QSettings.Format.IniFormat) if settings_file else None
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
    window.view.fit()
    QApplication.processEvents()
    if not window.grab().save(str(target)):
        raise DesignError(f"{target}: cannot write the screenshot")
    window.close()
    return 0
