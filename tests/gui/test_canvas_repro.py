"""The canvas bugs users met, replayed as a user would: keys on the window, palette clicks and
drops, then a look at what the scene shows (positions, boxes, titles), not at the model."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton
from pytestqt.qtbot import QtBot

from designer.drawing.layout import GAP, HEADER
from designer.gui.main_window import MainWindow
from designer.gui.palette import MIME_TYPE
from designer.model.governance import Layout
from designer.model.templates import load_template
from tests.gui.canvas_checks import box_of, scene_geometry, scene_problems

pytestmark = pytest.mark.gui


@pytest.fixture
def landing(make_window: Callable[..., MainWindow], qtbot: QtBot) -> MainWindow:
    window = make_window(load_template("reference-landing-zone"))
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    return window


def _id(window: MainWindow, name: str) -> str:
    design = window.controller.design
    return next(e.id for e in [*design.accounts, *design.organizational_units] if e.name == name)


def _key(window: MainWindow, key: str) -> None:
    """A key press on the canvas, through Qt's shortcut handling (as typed)."""
    sequence = key.split("+")
    modifiers = Qt.KeyboardModifier.NoModifier
    for name in sequence[:-1]:
        modifiers |= {
            "Ctrl": Qt.KeyboardModifier.ControlModifier,
            "Shift": Qt.KeyboardModifier.ShiftModifier,
        }[name]
    last = sequence[-1]
    code = {"Delete": Qt.Key.Key_Delete, "Z": Qt.Key.Key_Z, "Y": Qt.Key.Key_Y}[last]
    QTest.keyClick(window.view.viewport(), code, modifiers)
    QApplication.processEvents()


def test_delete_then_undo_brings_the_account_back_exactly(landing: MainWindow) -> None:
    before = scene_geometry(landing.scene)
    retail = _id(landing, "Retail Production")
    landing.selection.set([retail])
    _key(landing, "Delete")
    assert retail not in landing.scene.nodes
    assert scene_problems(landing.scene) == []
    _key(landing, "Ctrl+Z")
    assert scene_geometry(landing.scene) == before
    assert scene_problems(landing.scene) == []
    for redo in ("Ctrl+Y", "Ctrl+Shift+Z"):
        _key(landing, redo)
        assert retail not in landing.scene.nodes, redo
        _key(landing, "Ctrl+Z")
        assert scene_geometry(landing.scene) == before


def test_an_account_added_into_prod_pushes_neighbours_and_hides_no_title(
    landing: MainWindow,
) -> None:
    prod = _id(landing, "Prod")
    landing.selection.set([prod])
    landing.findChild(QToolButton, "add_workload").click()
    new = landing.selection.ids[0]
    assert landing.controller.document.get(new).parent == prod
    assert scene_problems(landing.scene) == []
    inside = box_of(landing.scene.containers[prod].scene_rect())
    assert inside.contains(box_of(landing.scene.nodes[new].scene_rect()))


def test_a_new_ou_and_an_account_in_it_then_tidy(landing: MainWindow) -> None:
    workloads = _id(landing, "Workloads")
    landing.selection.set([workloads])
    landing.findChild(QToolButton, "add_ou").click()
    new_ou = landing.selection.ids[0]
    assert scene_problems(landing.scene) == []
    landing.findChild(QToolButton, "add_sandbox").click()
    account = landing.selection.ids[0]
    assert landing.controller.document.get(account).parent == new_ou
    assert scene_problems(landing.scene) == []
    landing.edits.tidy_layout()
    assert scene_problems(landing.scene) == []
    suspended = box_of(landing.scene.containers[_id(landing, "Suspended")].scene_rect())
    staging = box_of(landing.scene.containers[_id(landing, "Policy Staging")].scene_rect())
    assert not suspended.overlaps(staging), "the empty OU stays in sight"
    assert suspended.height >= HEADER


def test_an_account_dropped_on_another_snaps_beside_it(landing: MainWindow) -> None:
    """Dragged from Non-prod and let go on top of Payments Production, in Prod."""
    retail_dev, payments = _id(landing, "Retail Development"), _id(landing, "Payments Production")
    scene = landing.scene
    target = scene.nodes[payments].pos()
    before = box_of(scene.nodes[payments].scene_rect())
    scene.clearSelection()
    scene.nodes[retail_dev].setSelected(True)
    scene.nodes[retail_dev].setPos(target + QPointF(12, 8))
    scene.commit_drag({retail_dev: (target.x() + 12, target.y() + 8)})
    assert landing.controller.document.get(retail_dev).parent == _id(landing, "Prod")
    assert box_of(scene.nodes[payments].scene_rect()) == before, "the one under it stays"
    dropped = box_of(scene.nodes[retail_dev].scene_rect())
    assert not dropped.grown(GAP - 1).overlaps(before)
    assert abs(dropped.x - target.x()) + abs(dropped.y - target.y()) < 400, "nearby"
    assert scene_problems(scene) == []


def test_an_account_dropped_on_the_first_card_of_a_row_leaves_the_row_alone(
    landing: MainWindow,
) -> None:
    scene = landing.scene
    staging, retail = _id(landing, "Payments Staging"), _id(landing, "Retail Production")
    row = {i: scene.nodes[i].pos() for i in (retail, _id(landing, "Payments Production"))}
    scene.clearSelection()
    scene.nodes[staging].setSelected(True)
    spot = scene.nodes[retail].pos() + QPointF(3, 0)
    scene.nodes[staging].setPos(spot)
    scene.commit_drag({staging: (spot.x(), spot.y())})
    assert {i: scene.nodes[i].pos() for i in row} == row
    assert scene_problems(scene) == []


def test_dragging_from_the_palette_adds_where_it_is_let_go(landing: MainWindow) -> None:
    """A drop over the Sandbox OU adds the account there, at the nearest free spot."""
    sandbox = _id(landing, "Sandbox")
    box = box_of(landing.scene.containers[sandbox].scene_rect())
    spot = QPointF(box.x + box.width - 20, box.y + box.height / 2)
    mime = QMimeData()
    mime.setData(MIME_TYPE, b"account:sandbox")
    view = landing.view
    view.centerOn(spot)
    at = view.mapFromScene(spot)
    event = QDropEvent(
        QPointF(at),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    before = set(landing.scene.nodes)
    view.dropEvent(event)
    (new,) = set(landing.scene.nodes) - before
    assert landing.controller.document.get(new).parent == sandbox
    node = box_of(landing.scene.nodes[new].scene_rect())
    assert box_of(landing.scene.containers[sandbox].scene_rect()).contains(node)
    assert abs(node.x + node.width / 2 - spot.x()) < node.width + GAP
    assert scene_problems(landing.scene) == []


def test_panning_leaves_no_copy_of_the_legend(landing: MainWindow) -> None:
    """The legend is a widget over the canvas, not painted by it: scrolling the canvas (which
    copies its pixels) cannot copy the legend, and the legend stays in its corner."""
    view = landing.view
    view.zoom_by(3.0)  # room to pan
    QApplication.processEvents()
    legend = view.legend
    where = legend.geometry()
    start = view.viewport().rect().center()
    QTest.mousePress(view.viewport(), Qt.MouseButton.MiddleButton, pos=start)
    for step in range(1, 6):
        QTest.mouseMove(view.viewport(), start + QPoint(30 * step, 20 * step))
        QApplication.processEvents()
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.MiddleButton, pos=start + QPoint(150, 100))
    assert view.horizontalScrollBar().value() != 0 or view.verticalScrollBar().value() != 0
    assert legend.geometry() == where
    assert legend.isVisible()
    assert legend.parent() is view  # beside the viewport, which is what scrolls
    canvas = view.viewport().grab().toImage()  # what the canvas itself paints
    own = legend.grab().toImage()
    inside = where.translated(-view.viewport().x(), -view.viewport().y())
    same = sum(
        canvas.pixelColor(inside.x() + x, inside.y() + y) == own.pixelColor(x, y)
        for x in range(0, own.width(), 7)
        for y in range(0, own.height(), 5)
    )
    total = len(range(0, own.width(), 7)) * len(range(0, own.height(), 5))
    assert same < total * 0.9, "the canvas paints the legend itself"


def test_tidy_keeps_pinned_cards_in_two_ous_where_they_are(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(load_template("central-it"))
    design = window.controller.design
    units = {u.id: u.name for u in design.organizational_units}
    first_of = {}
    for account in design.accounts:
        first_of.setdefault(units.get(account.parent or ""), account.id)
    pins = [
        first_of["Infrastructure"],
        next(a.id for a in design.accounts if a.name == "Retail Development"),
    ]
    window.controller.set_pinned(pins, True)
    before = {i: window.scene.nodes[i].pos() for i in pins}
    assert window.controller.tidy() == []
    assert {i: window.scene.nodes[i].pos() for i in pins} == before
    assert scene_problems(window.scene) == []


def test_pin_keeps_the_place_shown_even_without_a_saved_one(
    make_window: Callable[..., MainWindow],
) -> None:
    """An imported design has no layout section: pinning stores where the card is shown."""
    design = load_template("reference-landing-zone").model_copy(update={"layout": Layout()})
    window = make_window(design)
    network = _id(window, "Network")
    shown = window.scene.nodes[network].pos()
    window.selection.set([network])
    window.edits.toggle_pin()
    place = window.controller.design.layout.positions[network]
    assert place.pinned
    assert (place.x, place.y) == (shown.x(), shown.y())
    assert window.scene.nodes[network].pinned
    assert scene_problems(window.scene) == []
    window.controller.undo_stack.undo()
    assert network not in window.controller.design.layout.positions
