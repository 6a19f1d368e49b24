"""An OU's usage-policy requirement edited with a real mouse and keyboard (xcb under Xvfb):
clicks and key presses reach the property editor's widgets through the X server, each change is
one undo step, and Ctrl+Z puts the widgets back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from designer.gui.main_window import MainWindow
from designer.model.governance import OuRequirement
from designer.model.vocabulary import LogRequirement
from tests.helpers.factories import landing_zone_without_requirements
from tests.xcb.keyboard import focus, press, type_text, xdotool

xcb = pytest.mark.xcb


def field(window: MainWindow, kind: type[QWidget], name: str) -> QWidget:
    widget = window.properties.findChild(kind, f"field_{name}")
    assert widget is not None, f"no field_{name}"
    return widget


def click(widget: QWidget, spot: QPoint | None = None) -> None:
    """A real left click on the widget (its middle unless told), scrolled into view first."""
    scroll = scroll_area(widget)
    if scroll is not None:
        scroll.ensureWidgetVisible(widget)
    QApplication.processEvents()
    where = widget.mapToGlobal(spot if spot is not None else widget.rect().center())
    xdotool("mousemove", str(where.x()), str(where.y()))
    xdotool("click", "1")


def scroll_area(widget: QWidget) -> QScrollArea | None:
    """The scroll area holding the widget (the property editor's form)."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


def requirement(window: MainWindow, ou: str) -> OuRequirement | None:
    return window.controller.design.usage_policy.requirement(ou)


@pytest.fixture
def window(xcb_window: Callable[..., MainWindow], qtbot: QtBot) -> MainWindow:
    """The reference landing zone with the Sandbox OU selected and its properties shown."""
    window = xcb_window(landing_zone_without_requirements())
    window.resize(1400, 1000)
    window.docks["properties"].show()
    window.docks["properties"].raise_()
    sandbox = next(u for u in window.controller.design.organizational_units if u.name == "Sandbox")
    window.selection.set([sandbox.id])
    qtbot.waitUntil(lambda: window.properties.shown_id == sandbox.id)
    return window


@xcb
def test_a_requirement_typed_and_clicked_then_undone_with_ctrl_z(
    window: MainWindow, qtbot: QtBot
) -> None:
    ou = str(window.properties.shown_id)
    stack = window.controller.undo_stack

    # Log delivery: click the combo, pick "Exempt" from its popup with the arrow keys.
    combo = field(window, QComboBox, "log_delivery")
    assert isinstance(combo, QComboBox)
    click(combo)
    qtbot.waitUntil(lambda: combo.view().isVisible(), timeout=5000)
    press(qtbot, "Down Down Return", lambda: stack.index() == 1)
    need = requirement(window, ou)
    assert need is not None
    assert need.log_delivery == LogRequirement.EXEMPT

    # Required SCPs: click a row's name (it becomes current), Space ticks it.
    scps = field(window, QListWidget, "required_scps")
    assert isinstance(scps, QListWidget)
    row = scps.findItems("DenyRootUser", Qt.MatchFlag.MatchExactly)[0]
    click(scps.viewport(), scps.visualItemRect(row).center())
    qtbot.waitUntil(lambda: scps.currentItem() is row, timeout=5000)
    press(qtbot, "space", lambda: stack.index() == 2)
    policies = window.controller.design.service_control_policies
    deny_root = next(p.id for p in policies if p.name == "DenyRootUser")
    need = requirement(window, ou)
    assert need is not None
    assert need.required_scps == [deny_root]
    assert row.checkState() == Qt.CheckState.Checked

    # Note: click into the line, type, Tab leaves it and commits.
    note = field(window, QLineEdit, "note")
    assert isinstance(note, QLineEdit)
    click(note)
    qtbot.waitUntil(note.hasFocus, timeout=5000)
    type_text(qtbot, "closed accounts only", lambda: note.text() == "closed accounts only")
    press(qtbot, "Tab", lambda: stack.index() == 3)
    need = requirement(window, ou)
    assert need is not None
    assert need.note == "closed accounts only"

    # Ctrl+Z from the canvas, one step at a time; the widgets follow.
    focus(qtbot, window.view)
    press(qtbot, "ctrl+z", lambda: stack.index() == 2)
    assert note.text() == ""
    press(qtbot, "ctrl+z", lambda: stack.index() == 1)
    assert row.checkState() == Qt.CheckState.Unchecked
    press(qtbot, "ctrl+z", lambda: stack.index() == 0)
    assert combo.currentText() == "As the organization"
    assert requirement(window, ou) is None
