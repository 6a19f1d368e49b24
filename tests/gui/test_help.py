"""Help: the shortcut list read from actions, the filterable dialog, the About text."""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from designer.gui import help as help_module
from designer.gui.help import (
    GESTURES,
    AboutDialog,
    ShortcutsDialog,
    about_text,
    app_version,
    shortcut_rows,
    show_about,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def owner(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def action(owner: QWidget, text: str, *keys: str, tip: str = "") -> QAction:
    result = QAction(text, owner)
    result.setShortcuts([QKeySequence(k) for k in keys])
    result.setStatusTip(tip)
    return result


def native(*keys: str) -> str:
    return ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


def test_rows_list_every_shortcut_and_skip_actions_without_one(owner: QWidget) -> None:
    actions = [
        action(owner, "&Save", "Ctrl+S", "F12", tip="Save the design"),
        action(owner, "Export Diagram...", "Ctrl+Shift+E", tip="Export the view"),
        action(owner, "Import from AWS...", tip="Read a live organization"),  # no shortcut
        action(owner, "Zoom &In", "Ctrl++", "Ctrl+="),
        action(owner, "Find…", "Ctrl+F"),
    ]
    rows = shortcut_rows(actions)
    keyed = rows[: len(rows) - len(GESTURES)]
    assert keyed == [
        ("Export Diagram", native("Ctrl+Shift+E"), "Export the view"),
        ("Find", native("Ctrl+F"), ""),
        ("Save", native("Ctrl+S", "F12"), "Save the design"),
        ("Zoom In", native("Ctrl++", "Ctrl+="), ""),
    ]
    assert rows[len(keyed) :] == list(GESTURES)
    assert all("Import" not in row[0] for row in rows)


def test_rows_follow_the_actions_own_shortcuts(owner: QWidget) -> None:
    copy = QAction("&Copy", owner)
    copy.setShortcuts(QKeySequence.StandardKey.Copy)
    expected = [QKeySequence(k) for k in copy.shortcuts()]
    (row,) = shortcut_rows([copy])[:1]
    assert row[0] == "Copy"
    assert row[1].count(", ") == len(expected) - 1
    assert row[1].startswith(native("Ctrl+C"))
    for key in expected:
        assert key.toString(QKeySequence.SequenceFormat.NativeText) in row[1]


def test_text_keeps_a_literal_ampersand_and_duplicates_show_once(owner: QWidget) -> None:
    first = action(owner, "Pin && &Unpin", "Ctrl+P")
    rows = shortcut_rows([first, first])
    assert rows[0] == ("Pin & Unpin", native("Ctrl+P"), "")
    assert rows[1] == GESTURES[0]


def test_gestures_cover_the_canvas(owner: QWidget) -> None:
    gestures = " ".join(g[1] for g in GESTURES).lower()
    for words in ("shift + drag", "middle-button drag", "wheel", "shift + wheel", "double-click"):
        assert words in gestures
    assert "right-click" in gestures
    assert "add palette" in gestures
    assert shortcut_rows([]) == list(GESTURES)


def test_dialog_is_non_modal_and_filters(qtbot: Any, owner: QWidget) -> None:
    actions = [
        action(owner, "Zoom In", "Ctrl++"),
        action(owner, "Zoom Out", "Ctrl+-"),
        action(owner, "Save", "Ctrl+S", tip="Save the design"),
    ]
    dialog = ShortcutsDialog(actions, owner)
    dialog.show()
    assert dialog.objectName() == "shortcuts_dialog"
    assert dialog.windowTitle() == "Keyboard Shortcuts"
    assert not dialog.isModal()
    assert dialog.visible_rows() == shortcut_rows(actions)

    qtbot.keyClicks(dialog.filter_edit, "ZOOM")
    assert [row[0] for row in dialog.visible_rows()] == ["Zoom In", "Zoom Out", "Zoom"]

    dialog.filter_edit.setText("design")  # matches the description column
    assert [row[0] for row in dialog.visible_rows()] == ["Save"]

    dialog.filter_edit.setText("shift + wheel")  # and the gestures
    assert dialog.visible_rows() == [g for g in GESTURES if "shift + wheel" in g[1].lower()]

    dialog.filter_edit.setText("no such thing")
    assert dialog.visible_rows() == []
    dialog.filter_edit.clear()
    assert len(dialog.visible_rows()) == len(shortcut_rows(actions))

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_about_text_names_version_licence_and_whitepaper() -> None:
    text = about_text()
    assert text.splitlines()[0] == "AWS Account Designer"
    assert f"Version {metadata.version('aws-account-designer')}" in text
    assert "Apache License 2.0" in text
    assert "AWS Multiple Account Security Strategy" in text
    assert f"Python {platform.python_version()}" in text
    assert "Qt " in text
    assert "PySide6 " in text


def test_version_falls_back_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_name: str) -> str:
        raise metadata.PackageNotFoundError(_name)

    monkeypatch.setattr(help_module.metadata, "version", missing)
    assert app_version() == "development"
    assert "Version development" in about_text()


def test_about_dialog(qtbot: Any, owner: QWidget) -> None:
    dialog = show_about(owner)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, AboutDialog)
    assert dialog.objectName() == "about_dialog"
    assert dialog.isVisible()
    assert dialog.label.textFormat() == Qt.TextFormat.PlainText
    assert app_version() in dialog.label.text()
    assert "Apache License 2.0" in dialog.label.text()
    dialog.reject()
    assert not dialog.isVisible()
