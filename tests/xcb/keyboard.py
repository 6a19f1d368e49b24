"""Typing on the X keyboard: xdotool sends key events through the X server's XTEST extension,
so they reach the window with the X input focus exactly as a keyboard's would."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

KEY_TIMEOUT_MS = 5000


def xdotool(*args: str) -> str:
    """Run xdotool against this test's X display; its output."""
    done = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, f"xdotool {' '.join(args)} failed: {done.stderr.strip()}"
    return done.stdout.strip()


def x_focus() -> int:
    """The window that has the X input focus (0 when none)."""
    try:
        return int(xdotool("getwindowfocus"))
    except (AssertionError, ValueError):
        return 0


def focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=KEY_TIMEOUT_MS)


def press(
    qtbot: QtBot, keys: str, until: Callable[[], object], timeout_ms: int = KEY_TIMEOUT_MS
) -> None:
    """Type `keys` on the X keyboard (xdotool syntax: "ctrl+shift+z", "Delete", "F2"), then
    process Qt events until `until()` holds."""
    xdotool("key", "--delay", "20", *keys.split())
    qtbot.waitUntil(lambda: bool(until()), timeout=timeout_ms)


def type_text(qtbot: QtBot, text: str, until: Callable[[], object]) -> None:
    xdotool("type", "--delay", "20", text)
    qtbot.waitUntil(lambda: bool(until()), timeout=KEY_TIMEOUT_MS)
