"""The new-design wizard with a real keyboard (xcb under Xvfb): the File menu's mnemonic opens
it, a business unit is typed key by key, Alt+N turns the pages and Return finishes; the canvas
then shows the unit's accounts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from designer.gui.main_window import MainWindow
from designer.gui.wizard.dialog import DesignWizard
from tests.xcb.keyboard import KEY_TIMEOUT_MS, press, type_text, x_focus

xcb = pytest.mark.xcb


def on_page(wizard: DesignWizard, name: str) -> bool:
    return wizard.currentPage().objectName() == f"page_{name}"


def shown_names(window: MainWindow) -> set[str]:
    document = window.controller.document
    return {document.get(i).name for i in window.scene.nodes if document.has(i)}


@xcb
def test_a_design_typed_into_the_wizard_appears_on_the_canvas(
    xcb_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = xcb_window()
    press(qtbot, "alt+f", lambda: window.menuBar().activeAction() is not None)
    press(qtbot, "w", lambda: window.findChild(DesignWizard, "design_wizard") is not None)
    wizard = window.findChild(DesignWizard, "design_wizard")
    assert wizard is not None
    qtbot.waitExposed(wizard)
    with qtbot.waitActive(wizard, timeout=KEY_TIMEOUT_MS):
        wizard.activateWindow()  # what a window manager does for a new dialog
    qtbot.waitUntil(lambda: x_focus() == int(wizard.winId()), timeout=KEY_TIMEOUT_MS)

    for name in ("multiple", "security", "sizing"):
        press(qtbot, "alt+n", lambda name=name: on_page(wizard, name))
    units = wizard.findChild(QPlainTextEdit, "field_business_units")
    assert units is not None
    press(qtbot, "alt+u", units.hasFocus)  # the question's mnemonic
    press(qtbot, "ctrl+End Return", lambda: units.toPlainText() == "Engineering\n")
    type_text(qtbot, "Marketing", lambda: units.toPlainText() == "Engineering\nMarketing")

    press(qtbot, "alt+n", lambda: on_page(wizard, "sizing_more"))
    press(qtbot, "alt+n", lambda: on_page(wizard, "summary"))
    summary = wizard.findChild(QTextBrowser, "summary_text")
    assert summary is not None
    assert "Marketing Production" in summary.toPlainText()
    press(qtbot, "Return", lambda: "Marketing Production" in shown_names(window))

    design = window.controller.design
    assert design.answers is not None
    assert design.answers.business_units == ["Engineering", "Marketing"]
    assert {"Marketing Production", "Marketing Development"} <= shown_names(window)
    assert window.actions_by_name["grow_wizard"].isEnabled()


def _mnemonic(label: QLabel) -> str:
    text = label.text().replace("&&", "")
    return text[text.index("&") + 1].lower()


@xcb
def test_every_question_s_alt_letter_puts_the_focus_in_its_answer(
    xcb_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = xcb_window()
    window.actions_by_name["new_wizard"].trigger()
    wizard = window.findChild(DesignWizard, "design_wizard")
    assert wizard is not None
    qtbot.waitExposed(wizard)
    with qtbot.waitActive(wizard, timeout=KEY_TIMEOUT_MS):
        wizard.activateWindow()
    qtbot.waitUntil(lambda: x_focus() == int(wizard.winId()), timeout=KEY_TIMEOUT_MS)
    tried = 0
    for name in ("organization", "multiple", "security", "sizing", "sizing_more"):
        if not on_page(wizard, name):
            press(qtbot, "alt+n", lambda name=name: on_page(wizard, name))
        page = wizard.currentPage()
        for label in page.findChildren(QLabel):
            buddy = label.buddy()
            if not label.objectName().startswith("prompt_") or buddy is None:
                continue
            if not buddy.isEnabled():
                continue  # published kinds: asked only when publishing is wanted
            wizard.button(QWizard.WizardButton.CancelButton).setFocus()

            def inside(buddy: QWidget = buddy) -> bool:
                focus = QApplication.focusWidget()
                return focus is not None and (focus is buddy or buddy.isAncestorOf(focus))

            press(qtbot, f"alt+{_mnemonic(label)}", inside)
            tried += 1
    assert tried >= 18  # every question but the ones asked only on a yes
