"""The GUI on Qt's real X11 platform (xcb), driven by real key presses.

`make test` runs the GUI tests twice: headless on the offscreen platform, then under Xvfb on
xcb (`-m "gui or xcb"`), where key bindings, window activation and popups behave as on a Linux
desktop. Tests marked `xcb` type with xdotool (XTEST: the X server delivers the keys to the
window that has the input focus, as a keyboard does) and are skipped on any other platform.

Under Xvfb there is no window manager: nothing activates a window when it is shown. The
`xcb_window` fixture does what a window manager would, through Qt (activateWindow() sets the X
input focus), and checks with xdotool that the X server agrees before a key is sent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from designer.gui import recovery
from designer.gui.controller import DesignController
from designer.gui.main_window import MainWindow
from designer.model import Design
from tests.helpers.factories import small_design
from tests.xcb.keyboard import KEY_TIMEOUT_MS, x_focus


def platform() -> str:
    """The Qt platform of this run (tests/conftest.py makes it offscreen unless told)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app.platformName()
    return os.environ.get("QT_QPA_PLATFORM", "offscreen").split(":")[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked xcb need an X server: skipped on any other platform."""
    del config
    name = platform()
    for item in items:
        if item.get_closest_marker("xcb") and name != "xcb":
            item.add_marker(
                pytest.mark.skip(
                    reason=f"needs Qt's xcb platform (an X server), not {name!r}: "
                    "make test runs these under Xvfb"
                )
            )


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> QSettings:
    """No modal dialog may open (it would wait for a click); settings and recovery files stay
    in this test's folder."""

    def refuse(*args: Any, **_kwargs: Any) -> Any:
        pytest.fail(f"unexpected dialog: {args[1:3]}")

    for name in ("question", "critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse))
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(refuse))
    monkeypatch.setenv(recovery.ENV_VAR, str(tmp_path / "state"))
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot: QtBot, no_dialogs: QSettings) -> Callable[..., MainWindow]:
    """A shown main window on a small design (no "save changes?" prompt when pytest-qt
    closes it after the test)."""

    def make(design: Design | None = None, path: Path | None = None) -> MainWindow:
        window = MainWindow(DesignController(design or small_design(), path), no_dialogs)
        qtbot.addWidget(window, before_close_func=_no_prompt)
        window.resize(1200, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def _no_prompt(window: Any) -> None:
    window.files.confirm_discard = lambda: True


@pytest.fixture
def xcb_window(make_window: Callable[..., MainWindow], qtbot: QtBot) -> Callable[..., MainWindow]:
    """A main window that is active and has the X input focus, ready for real key presses."""
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is missing: sudo apt-get install xdotool (tools/bootstrap.sh does)")

    def make(design: Design | None = None, path: Path | None = None) -> MainWindow:
        window = make_window(design, path)
        with qtbot.waitActive(window, timeout=KEY_TIMEOUT_MS):
            window.activateWindow()  # without a window manager this sets the X input focus
        wid = int(window.winId())
        qtbot.waitUntil(lambda: x_focus() == wid, timeout=KEY_TIMEOUT_MS)
        return window

    return make
