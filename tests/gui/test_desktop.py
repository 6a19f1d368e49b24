"""Desktop conventions: every command explained, every control named for screen readers, menus
where one right-clicks, help, a remembered window layout, an outline, views that zoom to what
they show, and a blast radius that lists what it reaches."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QToolButton
from pytestqt.qtbot import QtBot

from designer import analysis
from designer.gui.canvas import style
from designer.gui.help import AboutDialog, app_version, shortcut_rows
from designer.gui.main_window import MainWindow
from designer.gui.palette import palette_groups
from designer.model.templates import load_template
from tests.gui.canvas_checks import box_of, scene_problems
from tests.gui.conftest import Dialogs

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing"),
]


@pytest.fixture
def landing(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window(load_template("reference-landing-zone"))


def _id(window: MainWindow, name: str) -> str:
    design = window.controller.design
    return next(e.id for e in [*design.accounts, *design.organizational_units] if e.name == name)


def test_every_action_says_what_it_does(landing: MainWindow) -> None:
    vague = [
        a.text() or a.objectName()
        for a in landing.findChildren(QAction)
        if not a.isSeparator() and a.text() and not (a.statusTip() and a.toolTip())
    ]
    assert vague == []


def test_palette_buttons_have_icons_tips_and_names(landing: MainWindow) -> None:
    entries = [entry for _, group in palette_groups() for entry in group]
    for entry in entries:
        button = landing.findChild(QToolButton, entry.name)
        assert button is not None, entry.name
        assert not button.icon().isNull(), entry.name
        assert button.toolTip()
        assert button.statusTip()
        assert button.accessibleName().startswith("Add "), entry.name


def test_controls_have_accessible_names(landing: MainWindow) -> None:
    for widget in (
        landing.view,
        landing.find_edit,
        landing.add_palette,
        landing.outline,
        landing.properties,
        landing.findings,
        landing.blast_panel,
        landing.view_combo,
    ):
        assert widget.accessibleName(), widget.objectName()
    for dock in landing.findChildren(QDockWidget):
        assert dock.accessibleName(), dock.objectName()


def test_redo_answers_to_ctrl_y_and_ctrl_shift_z(landing: MainWindow) -> None:
    keys = {s.toString() for s in landing.act_redo.shortcuts()}
    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= keys
    assert "Ctrl+Q" in {s.toString() for s in landing.act_quit.shortcuts()}


def _menu(window: MainWindow, entity_id: str, at: QPointF | None = None) -> QMenu:
    spot = at if at is not None else window.scene.items_rect([entity_id]).center()
    menu = window.context_menu(
        entity_id, spot, window.view.mapToGlobal(window.view.rect().center())
    )
    QApplication.processEvents()
    return menu


def _names(menu: QMenu) -> list[str]:
    return [a.objectName() for a in menu.actions() if not a.isSeparator()]


def test_right_click_menus_offer_what_applies_there(landing: MainWindow) -> None:
    account, ou = _id(landing, "Network"), _id(landing, "Workloads")
    edge = next(iter(landing.scene.edges))
    on_account = _menu(landing, account)
    assert landing.selection.ids == [account], "a right-click selects what it is on"
    assert {"rename", "delete", "duplicate", "blast", "pin", "properties"} <= set(
        _names(on_account)
    )
    on_account.close()
    on_ou = _menu(landing, ou)
    assert {"rename", "delete", "properties"} <= set(_names(on_ou))
    assert "blast" not in _names(on_ou)
    on_ou.close()
    on_edge = _menu(landing, edge)
    assert _names(on_edge) == ["delete", "properties"]
    on_edge.close()
    on_canvas = _menu(landing, "", QPointF(-5000, -5000))
    assert {"paste", "select_all", "fit", "tidy"} <= set(_names(on_canvas))
    on_canvas.close()


def test_add_here_adds_into_the_ou_that_was_right_clicked(landing: MainWindow) -> None:
    sandbox = _id(landing, "Sandbox")
    box = box_of(landing.scene.containers[sandbox].scene_rect())
    spot = QPointF(box.x + 40, box.bottom - 10)
    menu = _menu(landing, "", spot)
    add_here = next(a.menu() for a in menu.actions() if a.menu() is not None)
    assert add_here is not None
    before = set(landing.scene.nodes)
    next(a for a in add_here.actions() if a.objectName() == "here_add_network").trigger()
    (new,) = set(landing.scene.nodes) - before
    assert landing.controller.document.get(new).parent == sandbox
    assert scene_problems(landing.scene) == []
    menu.close()


def test_help_lists_every_shortcut_and_about_names_version_and_licence(
    landing: MainWindow,
) -> None:
    dialog = landing.show_shortcuts()
    rows = shortcut_rows(landing.findChildren(QAction))
    texts = {text for text, _, _ in rows}
    assert {"Undo", "Redo", "Delete", "Show Blast Radius", "Tidy Layout"} <= texts
    redo = next(keys for text, keys, _ in rows if text == "Redo")
    assert "Ctrl+Y" in redo
    assert "Ctrl+Shift+Z" in redo
    dialog.close()
    landing.act_about.trigger()
    about = landing.findChild(AboutDialog, "about_dialog")
    assert about is not None
    assert about.isVisible()
    assert "Apache License 2.0" in about.label.text()
    assert f"Version {app_version()}" in about.label.text()
    about.close()


def test_window_layout_is_remembered_between_runs(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, qtbot: QtBot
) -> None:
    first = make_window()
    first.resize(711, 477)  # within the offscreen platform's 800 x 600 screen
    first.docks["outline"].hide()
    first.docks["blast"].show()
    first.close()
    second = make_window()
    assert second.size().width() == 711
    assert second.size().height() == 477
    assert second.docks["outline"].isHidden()
    assert not second.docks["blast"].isHidden()


def test_selecting_in_the_outline_selects_on_the_canvas(landing: MainWindow) -> None:
    network = _id(landing, "Network")
    tree = landing.outline.tree
    tree.setCurrentIndex(landing.outline.row_index(network))
    assert landing.selection.ids == [network]
    assert landing.scene.nodes[network].isSelected()


def test_switching_view_zooms_to_what_it_shows(landing: MainWindow) -> None:
    view = landing.view
    landing.set_view("all")
    zoom_all = view.zoom()
    landing.set_view("delegated-admin")
    shown = landing.scene.shown_ids()
    wanted = landing.scene.items_rect(shown)
    visible = view.visible_scene_rect()
    assert visible.contains(wanted)
    assert view.zoom() > zoom_all


def test_blast_radius_is_listed_and_its_colours_explained(landing: MainWindow) -> None:
    tooling = _id(landing, "Security Tooling")
    landing.selection.set([tooling])
    landing.show_blast_radius()
    radius = analysis.blast_radius(landing.controller.design, tooling)
    assert {row.node for row in landing.blast_panel.rows()} == set(radius.reached)
    assert landing.docks["blast"].isVisible()
    lines = landing.view.legend.lines()
    assert all(any(line.startswith(level) for line in lines) for level in style.LEVEL_COLOURS)
    landing.clear_highlight()
    assert landing.blast_panel.rows() == []
    assert not any(line.startswith("administrator") for line in landing.view.legend.lines())


def test_a_view_fits_even_when_it_shows_little(landing: MainWindow) -> None:
    landing.set_view("logging")
    rect: QRectF = landing.scene.items_rect(landing.scene.shown_ids())
    assert landing.view.visible_scene_rect().contains(rect)


def test_escape_in_the_blast_radius_panel_clears_the_highlight(
    landing: MainWindow, qtbot: QtBot
) -> None:
    landing.activateWindow()
    landing.selection.set([_id(landing, "Identity")])
    landing.show_blast_radius()
    table = landing.blast_panel.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.selectRow(0)
    assert landing.scene.blast_start is not None
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert landing.scene.blast_start is None
