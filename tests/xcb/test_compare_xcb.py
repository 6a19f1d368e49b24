"""File -> Compare with Live from the keyboard on X11 (xcb under Xvfb): the menu's mnemonic opens
the dialog with the newest kept import and the one before it as baseline; Return compares, and
the canvas is coloured three ways."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from designer.gui.compare_dialog import CompareDialog
from designer.gui.main_window import MainWindow
from designer.live.history import history_dir, keep
from designer.model import save_design
from designer.model.templates import load_template
from tests.helpers.drifted import two_imports
from tests.xcb.keyboard import KEY_TIMEOUT_MS, press, x_focus

xcb = pytest.mark.xcb


@xcb
def test_compare_with_live_from_the_file_menu_colours_the_canvas_three_ways(
    xcb_window: Callable[..., MainWindow], qtbot: QtBot, tmp_path: Path
) -> None:
    planned = load_template("reference-landing-zone")
    path = tmp_path / "plan.json"
    save_design(planned, path)
    baseline, live, sandbox, trust = two_imports(planned)
    history = history_dir(path)
    keep(history, baseline, {})
    newest = keep(history, live, {})
    window = xcb_window(planned, path)

    press(qtbot, "alt+f", lambda: window.menuBar().activeAction() is not None)
    press(qtbot, "c", lambda: isinstance(window.comparing.dialog, CompareDialog))
    dialog = window.comparing.dialog
    assert isinstance(dialog, CompareDialog)
    qtbot.waitExposed(dialog)
    with qtbot.waitActive(dialog, timeout=KEY_TIMEOUT_MS):
        dialog.activateWindow()  # what a window manager does for a new dialog
    qtbot.waitUntil(lambda: x_focus() == int(dialog.winId()), timeout=KEY_TIMEOUT_MS)
    assert dialog.live_path() == newest.path
    assert dialog.baseline_path() is not None

    press(qtbot, "Return", lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: window.scene.edges[trust].diff_mark is not None)
    assert window.scene.edges[trust].diff_mark == "changed-since-baseline"
    assert window.scene.nodes[sandbox].diff_mark == "planned-not-deployed"
    assert window.diff_panel.isVisible()
    assert QApplication.activeModalWidget() is None
