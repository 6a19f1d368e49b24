"""The minimap: an overview in the canvas's corner that moves the canvas when clicked or dragged,
follows the canvas's scrolling and zooming without drawing the overview again, and draws it
again once the design changed."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from designer.core import edits
from designer.gui.canvas.minimap import DEBOUNCE_MS, MARGIN, SETTING, TOOLTIP, Minimap
from designer.gui.main_window import MainWindow
from designer.model.templates import load_template
from designer.model.vocabulary import AccountFunction
from tests.gui.conftest import Dialogs

pytestmark = pytest.mark.gui

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


class Paints(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self, widget: Minimap) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def zoomed_in(window: MainWindow, qtbot: QtBot, zoom: float = 2.0) -> Minimap:
    """The window's canvas at `zoom`, so that part of the design lies outside it, and its
    minimap drawn and shown."""
    minimap = window.minimap
    qtbot.waitUntil(lambda: minimap.render_count > 0 and not minimap._timer.isActive())
    window.view.zoom_by(zoom / window.view.zoom())
    qtbot.waitUntil(minimap.isVisible)
    return minimap


@pytest.fixture
def landing(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window(load_template("reference-landing-zone"))


def centre(window: MainWindow) -> QPointF:
    return window.view.visible_scene_rect().center()


def close(a: QPointF, b: QPointF, tolerance: float = 3.0) -> bool:
    return abs(a.x() - b.x()) <= tolerance and abs(a.y() - b.y()) <= tolerance


def test_it_sits_in_the_canvas_corner_and_says_what_it_is(
    landing: MainWindow, qtbot: QtBot
) -> None:
    minimap = zoomed_in(landing, qtbot)
    assert minimap.parent() is landing.view
    area = landing.view.viewport().geometry()
    assert minimap.geometry().right() == area.right() - MARGIN
    assert minimap.geometry().top() == area.top() + MARGIN
    assert minimap.accessibleName() == "Minimap"
    assert minimap.toolTip() == TOOLTIP == "Overview: click or drag to move the view"
    landing.resize(landing.width() - 120, landing.height())
    qtbot.waitUntil(lambda: landing.view.viewport().geometry() != area)
    assert minimap.geometry().right() == landing.view.viewport().geometry().right() - MARGIN


def test_a_click_centres_the_canvas_on_that_point(landing: MainWindow, qtbot: QtBot) -> None:
    minimap = zoomed_in(landing, qtbot)
    items = minimap.items_rect
    for fx, fy in ((0.2, 0.8), (0.8, 0.2), (0.5, 0.5)):
        target = QPointF(items.left() + fx * items.width(), items.top() + fy * items.height())
        at = minimap.to_map(target).toPoint()
        expected = minimap.to_scene(QPointF(at))
        assert not minimap.frame().contains(QPointF(at)) or (fx, fy) == (0.5, 0.5)
        qtbot.mouseClick(minimap, LEFT, NO_MODIFIER, at)
        assert close(centre(landing), expected), (centre(landing), expected)


def test_a_drag_moves_the_canvas_all_the_way(landing: MainWindow, qtbot: QtBot) -> None:
    minimap = zoomed_in(landing, qtbot)
    start = minimap.frame().center().toPoint()
    qtbot.mousePress(minimap, LEFT, NO_MODIFIER, start)
    # Grabbed inside the frame, the canvas does not jump: it follows the pointer from there.
    began = centre(landing)
    assert close(began, minimap.to_scene(minimap.frame().center()))
    seen = [began]
    for step in range(1, 6):
        QTest.mouseMove(minimap, start + QPoint(6 * step, 3 * step))
        now = centre(landing)
        expected = QPointF(
            began.x() + 6 * step / minimap.scale, began.y() + 3 * step / minimap.scale
        )
        assert close(now, expected), (step, now, expected)
        seen.append(now)
    qtbot.mouseRelease(minimap, LEFT, NO_MODIFIER, start + QPoint(30, 15))
    assert all(b.x() > a.x() for a, b in pairwise(seen))
    assert all(b.y() > a.y() for a, b in pairwise(seen))
    # Released: moving over it no longer moves the canvas.
    after = centre(landing)
    QTest.mouseMove(minimap, start)
    assert centre(landing) == after


def test_a_click_keeps_the_keyboard_on_the_canvas(landing: MainWindow, qtbot: QtBot) -> None:
    minimap = zoomed_in(landing, qtbot)
    landing.view.setFocus()
    qtbot.waitUntil(landing.view.hasFocus)
    qtbot.mouseClick(minimap, LEFT, NO_MODIFIER, QPoint(minimap.width() // 3, 20))
    assert landing.view.hasFocus()


def test_scrolling_and_zooming_move_the_frame_without_drawing_the_overview_again(
    landing: MainWindow, qtbot: QtBot
) -> None:
    minimap = zoomed_in(landing, qtbot, zoom=2.0)
    paints, renders = Paints(minimap), minimap.render_count
    before = minimap.frame()
    bar = landing.view.horizontalScrollBar()
    bar.setValue(bar.value() + 150)
    qtbot.waitUntil(lambda: paints.count > 0)
    moved = minimap.frame()
    assert moved.left() == pytest.approx(before.left() + 150 / 2.0 * minimap.scale, abs=0.5)
    assert moved.size() == before.size()
    painted = paints.count
    landing.view.zoom_by(1.5)
    qtbot.waitUntil(lambda: paints.count > painted)
    zoomed = minimap.frame()
    assert zoomed.width() == pytest.approx(moved.width() / 1.5, abs=0.5)
    assert zoomed.height() == pytest.approx(moved.height() / 1.5, abs=0.5)
    qtbot.wait(DEBOUNCE_MS + 100)
    assert minimap.render_count == renders


def test_an_edit_draws_the_overview_again_once_things_settle(
    landing: MainWindow, qtbot: QtBot
) -> None:
    minimap = zoomed_in(landing, qtbot)
    image, renders = minimap.image.copy(), minimap.render_count
    design = landing.controller.design
    prod = next(u.id for u in design.organizational_units if u.name == "Prod")
    for _ in range(3):  # a row's worth more in Prod: its box and everything below grow
        account = edits.new_account(landing.controller.design, AccountFunction.WORKLOAD, prod)
        landing.controller.add(account)
    assert minimap.render_count == renders  # not at once: after the scene settled, debounced
    qtbot.waitUntil(lambda: minimap.render_count > renders)
    assert minimap.image != image
    qtbot.wait(DEBOUNCE_MS + 100)
    assert minimap.render_count == renders + 1


def test_a_burst_of_settles_draws_once(landing: MainWindow, qtbot: QtBot) -> None:
    minimap = zoomed_in(landing, qtbot)
    renders = minimap.render_count
    for _ in range(5):
        landing.scene.settled.emit()
    qtbot.waitUntil(lambda: minimap.render_count > renders)
    qtbot.wait(DEBOUNCE_MS + 100)
    assert minimap.render_count == renders + 1


def test_hidden_while_the_whole_design_is_in_view(landing: MainWindow, qtbot: QtBot) -> None:
    minimap = zoomed_in(landing, qtbot)
    landing.view.fit()
    qtbot.waitUntil(lambda: not minimap.isVisible())
    landing.view.zoom_by(3.0)
    qtbot.waitUntil(minimap.isVisible)


def test_the_selection_is_marked(landing: MainWindow, qtbot: QtBot) -> None:
    minimap = zoomed_in(landing, qtbot)
    assert minimap._selection_marks() == []
    account = landing.controller.design.accounts[0]
    landing.selection.set([account.id])
    marks = minimap._selection_marks()
    assert len(marks) == 1
    assert marks[0].contains(minimap.to_map(landing.scene.nodes[account.id].center()).toPoint())


def test_the_view_menu_toggles_it_and_the_choice_is_remembered(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, qtbot: QtBot
) -> None:
    window = make_window(load_template("reference-landing-zone"))
    minimap = zoomed_in(window, qtbot)
    action = window.act_minimap
    view_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&View")
    assert action in view_menu.actions()
    assert action.isCheckable()
    assert action.isChecked()
    action.trigger()
    assert not action.isChecked()
    assert not minimap.isVisible()
    assert dialogs.settings is not None
    assert dialogs.settings.value(SETTING, type=bool) is False
    again = make_window(load_template("reference-landing-zone"))
    assert not again.act_minimap.isChecked()
    assert not again.minimap.wanted
    action.trigger()
    assert action.isChecked()
    assert minimap.isVisible()
    assert dialogs.settings.value(SETTING, type=bool) is True
