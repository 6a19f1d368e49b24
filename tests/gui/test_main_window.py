"""The main window, driven through the code paths the mouse and keyboard use.

Every check compares model state and the saved bytes (dumps_design): undo must give back the
identical design, redo the identical edit. No modal dialog ever opens: message boxes and file
dialogs are replaced, and an unexpected one fails the test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QPainterPath
from PySide6.QtWidgets import QLineEdit, QMenu, QToolButton
from pytestqt.qtbot import QtBot

from designer import analysis
from designer.core import edits
from designer.core.scope import Scopes
from designer.drawing.layout import NODE_HEIGHT, NODE_WIDTH
from designer.gui import recovery
from designer.gui.canvas import style
from designer.gui.main_window import MainWindow
from designer.gui.panels.findings import ENTRY_ROLE
from designer.model import DesignFileError, dumps_design, load_design, save_design
from designer.model.governance import Layout
from designer.model.templates import load_template
from tests.gui.conftest import Button, Dialogs
from tests.helpers.factories import sid, small_design

pytestmark = pytest.mark.gui

MGMT, LOGS, PROD, IDP = sid("mgmt"), sid("logs"), sid("prod"), sid("idp")
SECURITY, WORKLOADS = sid("ou-security"), sid("ou-workloads")
PROD_RELATIONSHIPS = {sid("bill-prod"), sid("trust-logs-prod"), sid("logs-prod")}
# The offscreen platform cannot raise or grab for a popup menu; it says so on every popup.
popup_warnings = pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")


def saved(window: MainWindow) -> str:
    return dumps_design(window.controller.design)


def undo(window: MainWindow) -> None:
    window.controller.undo_stack.undo()


def redo(window: MainWindow) -> None:
    window.controller.undo_stack.redo()


def steps(window: MainWindow) -> int:
    return window.controller.undo_stack.count()


def entity(window: MainWindow, entity_id: str) -> Any:
    return window.controller.document.get(entity_id)


def ids_of(window: MainWindow) -> set[str]:
    design = window.controller.design
    return {
        e.id
        for group in (
            design.accounts,
            design.organizational_units,
            design.identity_providers,
            design.outside_principals,
            design.relationships,
        )
        for e in group
    }


def scene_selection(window: MainWindow) -> set[str]:
    return {getattr(i, "entity_id", "") for i in window.scene.selectedItems()}


def select(window: MainWindow, *ids: str) -> None:
    """Select as a click does: on the scene items."""
    window.scene.clearSelection()
    scene = window.scene
    for entity_id in ids:
        item = scene.nodes.get(entity_id) or scene.containers.get(entity_id)
        item = item or scene.edges[entity_id]
        item.setSelected(True)


def shown_title(window: MainWindow) -> str:
    handle = window.windowHandle()
    assert handle is not None
    return handle.title()


def shown_view(window: MainWindow) -> str:
    """The view the canvas shows, after checking the combo and the View menu agree with it."""
    checked = [a.objectName() for a in window.view_actions.actions() if a.isChecked()]
    assert checked == [f"view_{window.scene.view_name}"]
    assert window.view_combo.currentData() == window.scene.view_name
    return window.scene.view_name


# -- 1. create through the palette -------------------------------------------------------------


def test_palette_adds_an_account_to_the_selected_ou(window: MainWindow) -> None:
    before, known = saved(window), ids_of(window)
    select(window, WORKLOADS)
    button = window.findChild(QToolButton, "add_workload")
    assert button is not None
    button.click()
    (new_id,) = ids_of(window) - known
    account = entity(window, new_id)
    assert account.parent == WORKLOADS
    assert account.functions == ["workload"]
    assert window.selection.ids == [new_id]
    assert scene_selection(window) == {new_id}
    assert new_id in window.scene.nodes
    node = window.scene.nodes[new_id]
    assert window.scene.containers[WORKLOADS].scene_rect().contains(node.scene_rect())
    others = [n for i, n in window.scene.nodes.items() if i != new_id]
    assert not any(node.scene_rect().intersects(o.scene_rect()) for o in others)
    assert steps(window) == 1
    after = saved(window)
    undo(window)
    assert saved(window) == before
    assert new_id not in window.scene.nodes
    redo(window)
    assert saved(window) == after
    assert new_id in window.scene.nodes


def test_palette_adds_to_the_ou_of_the_selected_account(window: MainWindow) -> None:
    known = ids_of(window)
    select(window, LOGS)
    window.findChild(QToolButton, "add_ou").click()
    (new_id,) = ids_of(window) - known
    assert entity(window, new_id).parent == SECURITY
    assert new_id in window.scene.containers


# -- 2. move and drop into another OU ------------------------------------------------------------


def test_drag_saves_positions_in_one_step(window: MainWindow, qtbot: QtBot) -> None:
    before = saved(window)
    node = window.scene.nodes[PROD]
    start = node.pos()
    select(window, PROD)
    node.setPos(start + QPointF(6, 4))
    window.scene.commit_drag({PROD: (node.x(), node.y())})
    place = window.controller.design.layout.positions[PROD]
    assert (place.x, place.y) == (start.x() + 6, start.y() + 4)
    assert entity(window, PROD).parent == WORKLOADS  # still inside its own box
    assert steps(window) == 1
    undo(window)
    assert saved(window) == before
    # the design has no position for it again: the automatic layout places it where it was
    qtbot.waitUntil(lambda: window.scene.nodes[PROD].pos() == start, timeout=1000)


def test_dropping_an_account_into_another_ou_reparents_it_in_one_step(
    window: MainWindow, qtbot: QtBot
) -> None:
    before = saved(window)
    scene = window.scene
    node = scene.nodes[PROD]
    start = node.pos()
    box = scene.containers[SECURITY].scene_rect()
    select(window, PROD)
    node.setPos(box.center() - QPointF(NODE_WIDTH / 2, NODE_HEIGHT / 2))
    assert box.contains(node.center())
    scene.commit_drag({PROD: (node.x(), node.y())})
    assert entity(window, PROD).parent == SECURITY
    place = window.controller.design.layout.positions[PROD]
    assert (place.x, place.y) == (node.x(), node.y())
    assert steps(window) == 1
    moved = saved(window)
    qtbot.waitUntil(lambda: scene.containers[SECURITY].scene_rect().contains(node.scene_rect()))
    undo(window)
    assert saved(window) == before
    assert entity(window, PROD).parent == WORKLOADS
    qtbot.waitUntil(lambda: scene.nodes[PROD].pos() == start, timeout=1000)
    redo(window)
    assert saved(window) == moved


def test_dragging_an_ou_into_another_carries_its_accounts_in_one_step(
    window: MainWindow, qtbot: QtBot
) -> None:
    before = saved(window)
    scene = window.scene
    workloads, prod = scene.containers[WORKLOADS], scene.nodes[PROD]
    prod_start = prod.pos()
    target = scene.containers[SECURITY].scene_rect()
    select(window, WORKLOADS)
    workloads.setPos(target.center() - QPointF(10, 10))  # its header lands in Security
    assert prod.pos() != prod_start  # what the OU holds moves with it
    moved = {i: (n.x(), n.y()) for i, n in scene.nodes.items() if i == PROD}
    scene.commit_drag(moved)  # what a mouse release sends: the nodes that moved
    assert entity(window, WORKLOADS).parent == SECURITY
    assert entity(window, PROD).parent == WORKLOADS
    assert steps(window) == 1
    undo(window)
    assert saved(window) == before
    qtbot.waitUntil(lambda: prod.pos() == prod_start, timeout=1000)


# -- 3. connect ---------------------------------------------------------------------------------


def link(window: MainWindow, source: str, target: str) -> QMenu | None:
    """Shift-drag from source to target; returns the kind menu that pops up."""
    menus: list[QMenu | None] = []
    window.view.connect_requested.disconnect()
    window.view.connect_requested.connect(
        lambda s, t, at: menus.append(window.edits.connect_menu(s, t, at))
    )
    window.view.start_link(source, window.scene.endpoint(source).center())
    assert window.view._link is not None  # the rubber line follows the mouse
    window.view.finish_link(target, QPoint())
    assert window.view._link is None
    assert len(menus) == 1
    return menus[0]


@popup_warnings
def test_connect_offers_only_valid_kinds_and_adds_the_chosen_one(window: MainWindow) -> None:
    before, known = saved(window), ids_of(window)
    menu = link(window, PROD, LOGS)
    assert menu is not None
    valid = edits.valid_kinds(window.controller.design, PROD, LOGS)
    assert "billing" not in valid  # only from the management account
    assert [a.text() for a in menu.actions()] == [edits.KIND_TITLES[k] for k in valid]
    trust = next(a for a in menu.actions() if a.text() == edits.KIND_TITLES["trust"])
    trust.trigger()
    menu.close()
    (rel_id,) = ids_of(window) - known
    rel = entity(window, rel_id)
    assert (rel.kind, rel.source, rel.target) == ("trust", PROD, LOGS)
    edge = window.scene.edges[rel_id]
    assert (edge.source, edge.target) == (window.scene.nodes[PROD], window.scene.nodes[LOGS])
    assert window.selection.ids == [rel_id]
    assert steps(window) == 1
    undo(window)
    assert saved(window) == before
    assert rel_id not in window.scene.edges
    assert edge not in window.scene.nodes[PROD].edges


def test_connect_without_a_valid_kind_offers_no_menu(window: MainWindow) -> None:
    # Two OUs: one end at most may stand for many accounts.
    assert edits.valid_kinds(window.controller.design, SECURITY, WORKLOADS) == []
    assert link(window, SECURITY, WORKLOADS) is None
    assert window.statusBar().currentMessage() == "No relationship can join these two"
    assert steps(window) == 0


@popup_warnings
@pytest.mark.parametrize(
    ("source", "target"), [(MGMT, PROD), (IDP, PROD), (LOGS, LOGS), (PROD, IDP)]
)
def test_connect_menu_lists_the_valid_kinds(window: MainWindow, source: str, target: str) -> None:
    valid = edits.valid_kinds(window.controller.design, source, target)
    menu = link(window, source, target)
    offered = [a.text() for a in menu.actions()] if menu else []
    assert offered == [edits.KIND_TITLES[k] for k in valid]
    if menu:
        menu.close()


@popup_warnings
def test_connect_menus_do_not_pile_up(window: MainWindow, qtbot: QtBot) -> None:
    for _ in range(3):
        window.view.start_link(PROD, QPointF())
        window.view.finish_link(LOGS, QPoint())
        menus = window.findChildren(QMenu, "connect_menu")
        assert len(menus) == 1, "one menu per gesture"
        qtbot.waitUntil(menus[0].isVisible, timeout=1000)  # xcb shows a popup a moment later
        menus[0].close()
        qtbot.waitUntil(lambda: window.findChildren(QMenu, "connect_menu") == [], timeout=1000)


# -- 4. delete ----------------------------------------------------------------------------------


def test_delete_takes_relationships_and_undo_restores_them(window: MainWindow) -> None:
    before = saved(window)
    select(window, PROD)
    window.act_delete.trigger()
    design = window.controller.design
    assert PROD not in {a.id for a in design.accounts}
    assert not PROD_RELATIONSHIPS & {r.id for r in design.relationships}
    assert PROD not in window.scene.nodes
    assert not PROD_RELATIONSHIPS & set(window.scene.edges)
    assert steps(window) == 1
    undo(window)
    assert saved(window) == before
    node = window.scene.nodes[PROD]
    for rel_id in PROD_RELATIONSHIPS:
        edge = window.scene.edges[rel_id]
        assert node in (edge.source, edge.target)
        assert edge in node.edges
        assert edge.scene() is window.scene


def test_delete_never_removes_the_organization(window: MainWindow) -> None:
    window.selection.set([window.controller.design.organization.id])
    window.act_delete.trigger()
    assert steps(window) == 0


# -- 5. mixed undo / redo ------------------------------------------------------------------------


def rename_in_place(window: MainWindow, entity_id: str, name: str) -> None:
    window.edits.rename(entity_id)
    editor = window.view.viewport().findChild(QLineEdit, "rename_editor")
    assert editor is not None
    editor.setText(name)
    editor.editingFinished.emit()


def test_mixed_edits_undo_and_redo_to_identical_bytes(window: MainWindow, qtbot: QtBot) -> None:
    states = [saved(window)]
    known = ids_of(window)
    select(window, SECURITY)
    window.findChild(QToolButton, "add_security-tooling").click()
    (tooling,) = ids_of(window) - known
    states.append(saved(window))

    rename_in_place(window, tooling, "Audit tooling")
    assert entity(window, tooling).name == "Audit tooling"
    states.append(saved(window))

    node = window.scene.nodes[LOGS]
    select(window, LOGS)
    node.setPos(node.pos() + QPointF(3, 5))
    window.scene.commit_drag({LOGS: (node.x(), node.y())})
    states.append(saved(window))

    select(window, PROD)
    window.act_delete.trigger()
    states.append(saved(window))

    select(window, tooling)
    owner = window.properties.findChild(QLineEdit, "field_owner")
    assert owner is not None
    owner.setText("security-team")
    owner.editingFinished.emit()
    assert entity(window, tooling).owner == "security-team"
    states.append(saved(window))

    assert steps(window) == len(states) - 1
    assert len(set(states)) == len(states)  # every step changed the design
    for state in reversed(states[:-1]):
        undo(window)
        assert saved(window) == state
    for state in states[1:]:
        redo(window)
        assert saved(window) == state
    qtbot.wait(10)  # pending canvas refits run without errors


# -- 6. views and blast radius -------------------------------------------------------------------


def test_logging_view_shows_only_log_edges_and_dims_the_rest(window: MainWindow) -> None:
    window.set_view("logging")
    for edge in window.scene.edges.values():
        assert edge.isVisible() == (edge.kind == "log-delivery")
    dimmed = {i for i, n in window.scene.nodes.items() if n.dimmed}
    assert dimmed == {MGMT, IDP}  # no log delivery; Prod and Log Archive have one
    assert window.view.legend_kinds() == ["log-delivery"]
    assert shown_view(window) == "logging"
    window.view_combo.setCurrentIndex(window.view_combo.findData("all"))  # the toolbar
    assert shown_view(window) == "all"
    assert all(e.isVisible() for e in window.scene.edges.values())
    assert not any(n.dimmed for n in window.scene.nodes.values())
    assert window.view.legend_kinds() == list(style.EDGE_STYLES)


def exported_diagram(window: MainWindow, qtbot: QtBot) -> tuple[str, str]:
    """Trigger File -> Export Diagram of Current View and wait for it: (target, problem)."""
    with qtbot.waitSignal(window.diagram_export.finished, timeout=30000) as blocker:
        window.act_export_diagram.trigger()
    target, problem = blocker.args or ("", "")
    return str(target), str(problem)


def test_export_diagram_draws_the_current_view_where_it_is_on_screen(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    window.set_view("logging")
    prod = window.scene.nodes[PROD]
    prod.moveBy(500, 300)
    window.scene.commit_drag({PROD: (prod.x(), prod.y())})  # dropped there
    dialogs.save_name = str(tmp_path / "logging-view")  # no suffix: the chosen filter's (SVG)
    target, problem = exported_diagram(window, qtbot)
    assert (target, problem) == (str(tmp_path / "logging-view.svg"), "")
    svg = Path(target).read_text(encoding="utf-8")
    assert "Small Org" in svg or window.controller.design.name in svg
    edges = svg.count('class="edge"')
    kinds = [r.kind for r in window.controller.design.relationships]
    assert edges == kinds.count("log-delivery")
    dialogs.save_name = str(tmp_path / "logging.dot")
    target, problem = exported_diagram(window, qtbot)
    source = Path(target).read_text(encoding="utf-8")

    def pos(node_id: str) -> tuple[float, float]:
        found = re.search(f'"{node_id}" \\[[^\\n]*?pos="([-\\d.]+),([-\\d.]+)!"', source)
        assert found, node_id
        return float(found[1]), float(found[2])

    scene = window.scene.nodes
    dx = scene[PROD].x() - scene[LOGS].x()
    dy = scene[PROD].y() - scene[LOGS].y()
    assert pos(PROD)[0] - pos(LOGS)[0] == pytest.approx(dx, abs=0.1)
    assert pos(PROD)[1] - pos(LOGS)[1] == pytest.approx(-dy, abs=0.1)  # Graphviz: y up
    dialogs.save_name = str(tmp_path / "view.png")
    target, problem = exported_diagram(window, qtbot)
    assert Path(target).read_bytes()[:4] == b"\x89PNG"


def test_export_diagram_of_an_imported_design_draws_the_ous_where_the_canvas_does(
    make_window: Callable[..., MainWindow], qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    """An import has no layout section: the canvas lays it out, and the export must agree,
    empty OUs included."""
    design = load_template("reference-landing-zone").model_copy(update={"layout": Layout()})
    window = make_window(design)
    dialogs.save_name = str(tmp_path / "all.dot")
    target, problem = exported_diagram(window, qtbot)
    assert problem == ""
    source = Path(target).read_text(encoding="utf-8")
    pattern = (
        r'subgraph "cluster_([^"]+)" \{\s*graph \[bb="([-\d.]+),([-\d.]+),([-\d.]+),([-\d.]+)"'
    )
    # DOT's bb is left, bottom, right, top with y up: the top-left of each box and its size
    drawn = {
        m[1]: (float(m[2]), -float(m[5]), float(m[4]) - float(m[2]), float(m[5]) - float(m[3]))
        for m in re.finditer(pattern, source)
    }
    root = window.controller.design.organization.id
    origin = window.scene.containers[root].scene_rect()
    for unit, item in window.scene.containers.items():
        rect = item.scene_rect()
        shown = (rect.x() - origin.x(), rect.y() - origin.y(), rect.width(), rect.height())
        x, y, width, height = drawn[unit]
        relative = (x - drawn[root][0], y - drawn[root][1], width, height)
        assert relative == pytest.approx(shown, abs=0.2), unit


def test_export_diagram_can_mask_ids_and_addresses(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    design = window.controller.design
    window.act_mask_diagram.setChecked(True)
    dialogs.save_name = str(tmp_path / "masked.svg")
    target, problem = exported_diagram(window, qtbot)
    svg = Path(target).read_text(encoding="utf-8")
    assert problem == ""
    assert "000000000001" in svg
    for account in design.accounts:
        assert account.name in svg
        assert not account.aws_account_id or account.aws_account_id not in svg
        assert not account.email or account.email not in svg


def test_export_diagram_that_cannot_be_written_is_explained(
    window: MainWindow, qtbot: QtBot, dialogs: Dialogs, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    dialogs.save_name = str(tmp_path / "a-file" / "diagram.txt")  # suffix unknown: SVG added
    target, problem = exported_diagram(window, qtbot)
    assert target.endswith("diagram.txt.svg")
    assert "Not a directory" in problem
    assert "\n" not in problem
    assert dialogs.take("warning") == [("warning", "Diagram not exported", problem)]


def test_compare_with_live_marks_the_canvas_and_lists_every_difference(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, tmp_path: Path
) -> None:
    design = load_template("reference-landing-zone")
    window = make_window(design)
    live = design.model_copy(deep=True)
    sandbox = next(a for a in live.accounts if a.name == "Developer Sandbox")
    trust = next(r for r in live.relationships if r.kind == "trust")
    live.accounts = [a for a in live.accounts if a.id != sandbox.id]
    live.layout = live.layout.model_copy(update={"positions": {}})
    live.relationships = [
        r.model_copy(update={"require_mfa": not r.require_mfa}) if r.id == trust.id else r
        for r in live.relationships
        if sandbox.id not in (r.source, r.target)
    ]
    network = next(a for a in live.accounts if a.name == "Network")
    shared = next(a for a in live.accounts if a.name == "Shared Services")
    backdoor = edits.new_relationship(live, "trust", network.id, shared.id)
    live.relationships.append(backdoor.model_copy(update={"role_name": "Backdoor"}))
    save_design(live, tmp_path / "live.json")
    dialogs.open_name = str(tmp_path / "live.json")
    window.act_compare.trigger()
    assert window.scene.nodes[sandbox.id].diff_mark == "planned-not-deployed"
    assert window.scene.edges[trust.id].diff_mark == "differs-from-plan"
    assert window.scene.nodes[trust.source].diff_mark is None
    # a trust the plan lacks marks both of its planned ends
    assert window.scene.nodes[network.id].diff_mark == "deployed-not-planned"
    assert window.scene.nodes[shared.id].diff_mark == "deployed-not-planned"
    panel = window.diff_panel
    assert not window.diff_dock.isHidden()
    leaves = panel.leaves()
    texts = [leaf.text(0) for leaf in leaves]
    assert any(t.startswith("account Developer Sandbox") for t in texts)
    sandbox_leaf = next(leaf for leaf in leaves if leaf.text(0).startswith("account Developer"))
    assert sandbox_leaf.parent().parent().text(0).startswith("Planned, not deployed")
    mfa = next(leaf for leaf in leaves if "require MFA" in leaf.text(0))
    panel.entries.setCurrentItem(mfa)
    assert window.selection.ids == [trust.id]
    window.act_clear_compare.trigger()
    assert window.scene.nodes[sandbox.id].diff_mark is None
    assert window.diff_dock.isHidden()


def test_an_import_can_be_compared_with_the_open_design(window: MainWindow) -> None:
    dialog = window.open_import()
    live = window.controller.design.model_copy(deep=True)
    live.accounts = live.accounts[:-1]
    live.relationships = [
        r
        for r in live.relationships
        if window.controller.design.accounts[-1].id not in (r.source, r.target)
    ]
    dialog.design = live
    dialog.compare_button.setEnabled(True)
    dialog.compare_button.click()
    assert not window.diff_dock.isHidden()
    last = window.controller.design.accounts[-1].id
    assert window.scene.nodes[last].diff_mark == "planned-not-deployed"
    assert "Compared with the live organization" in window.statusBar().currentMessage()


def test_compare_with_a_bad_file_is_explained(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    dialogs.open_name = str(tmp_path / "broken.json")
    window.act_compare.trigger()
    [(kind, title, text)] = dialogs.take("warning")
    assert (kind, title) == ("warning", "Cannot compare")
    assert "broken.json" in text
    assert "\n" not in text
    assert window.diff_dock.isHidden()


def test_blast_radius_marks_levels_and_esc_clears(make_window: Callable[..., MainWindow]) -> None:
    window = make_window(load_template("reference-landing-zone"))
    design = window.controller.design
    start = next(a.id for a in design.accounts if a.name == "Security Tooling")
    radius = analysis.blast_radius(design, start)
    assert radius.reached  # the reference design gives Security Tooling audit access
    window.set_view("logging")
    select(window, start)
    window.act_blast.trigger()
    for node_id, node in window.scene.nodes.items():
        hit = radius.reached.get(node_id)
        assert node.note == (hit.level if hit else "")
        assert node.dimmed == (node_id != start and hit is None)
    assert shown_view(window) == "identity"
    assert f"reaches {len(radius.reached)} account" in window.statusBar().currentMessage()
    window.act_clear.trigger()  # Esc: back to the view shown before
    assert window.scene.blast_start is None
    assert shown_view(window) == "logging"
    assert not any(n.note for n in window.scene.nodes.values())
    assert not any(e.highlight for e in window.scene.edges.values())
    scopes = Scopes(design)  # an end on an OU or the organization touches its accounts
    touched = {
        account
        for rel in design.relationships
        if rel.kind == "log-delivery"
        for end in ("source", "target")
        for account in (getattr(rel, end), *scopes.accounts_at(rel, end))
    }
    for node_id, node in window.scene.nodes.items():
        assert node.dimmed == (node_id not in touched)
    assert window.view.legend_kinds() == ["log-delivery"]


def test_blast_radius_needs_one_node(window: MainWindow) -> None:
    select(window, PROD, LOGS)
    window.act_blast.trigger()
    assert window.scene.blast_start is None
    assert "Select one" in window.statusBar().currentMessage()


# -- 7. copy, paste, duplicate -----------------------------------------------------------------


def check_copies(window: MainWindow, known: set[str]) -> tuple[str, list[str]]:
    design = window.controller.design
    new = ids_of(window) - known
    (ou_id,) = {u.id for u in design.organizational_units} & new
    accounts = [a for a in design.accounts if a.id in new]
    assert entity(window, ou_id).name == "Workloads copy"
    assert [a.name for a in accounts] == ["Prod copy"]
    assert all(a.parent == ou_id and a.aws_account_id is None for a in accounts)
    assert ou_id in window.scene.containers
    assert all(a.id in window.scene.nodes for a in accounts)
    return ou_id, [a.id for a in accounts]


def test_copy_and_paste_an_ou_with_its_accounts(window: MainWindow) -> None:
    before, known = saved(window), ids_of(window)
    select(window, WORKLOADS, PROD)
    assert window.edits.copy()
    window.edits.paste()
    check_copies(window, known)
    assert steps(window) == 1
    undo(window)
    assert saved(window) == before


def test_duplicate_an_ou_brings_its_accounts(window: MainWindow) -> None:
    before, known = saved(window), ids_of(window)
    select(window, WORKLOADS)
    window.act_duplicate.trigger()
    check_copies(window, known)
    assert steps(window) == 1
    undo(window)
    assert saved(window) == before


def test_cut_and_paste_an_ou_keeps_its_accounts(window: MainWindow) -> None:
    known = ids_of(window)
    select(window, WORKLOADS)
    window.act_cut.trigger()
    assert WORKLOADS not in ids_of(window)
    assert PROD not in ids_of(window)
    window.act_paste.trigger()
    check_copies(window, known)


def test_paste_of_foreign_text_changes_nothing(window: MainWindow) -> None:
    before = saved(window)
    QGuiApplication.clipboard().setText("hello")
    window.edits.paste()
    assert saved(window) == before
    assert "Nothing to paste" in window.statusBar().currentMessage()


# -- 8. rename in place -------------------------------------------------------------------------


def test_rename_in_place_and_undo(window: MainWindow, qtbot: QtBot) -> None:
    before = saved(window)
    window.edits.rename(PROD)
    editor = window.view.viewport().findChild(QLineEdit, "rename_editor")
    assert editor is not None
    assert editor.text() == "Prod"
    editor.setText("Production")
    editor.editingFinished.emit()
    assert entity(window, PROD).name == "Production"
    assert window.scene.nodes[PROD].title == "Production"
    assert steps(window) == 1
    qtbot.waitUntil(lambda: window.view.viewport().findChild(QLineEdit, "rename_editor") is None)
    undo(window)
    assert saved(window) == before
    assert window.scene.nodes[PROD].title == "Prod"


def test_rename_escape_cancels(window: MainWindow, qtbot: QtBot) -> None:
    before = saved(window)
    window.edits.rename(PROD)
    editor = window.view.viewport().findChild(QLineEdit, "rename_editor")
    assert editor is not None
    editor.setText("Typo")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    editor.editingFinished.emit()  # losing focus afterwards must not commit it
    assert saved(window) == before
    qtbot.waitUntil(lambda: window.view.viewport().findChild(QLineEdit, "rename_editor") is None)


def test_rename_to_a_refused_name_warns_and_changes_nothing(
    window: MainWindow, dialogs: Dialogs
) -> None:
    before = saved(window)
    rename_in_place(window, PROD, "x" * 300)
    ((_kind, _title, text),) = dialogs.take("warning")
    assert "at most 200 characters" in text
    assert saved(window) == before
    assert steps(window) == 0


# -- 9. find ------------------------------------------------------------------------------------


def test_find_selects_and_centres(window: MainWindow) -> None:
    window.view.zoom_by(4)
    window.view.centerOn(window.scene.nodes[MGMT].center() + QPointF(-3000, -3000))
    target = window.scene.nodes[LOGS]
    assert not window.view.visible_scene_rect().contains(target.scene_rect())
    window.edits.find("Log Archive")
    assert window.selection.ids == [LOGS]
    assert scene_selection(window) == {LOGS}
    assert window.view.visible_scene_rect().contains(target.scene_rect())
    window.edits.find("222222222222")  # by account id
    assert window.selection.ids == [LOGS]
    window.edits.find("no such thing")
    assert window.selection.ids == [LOGS]
    assert "Nothing matches" in window.statusBar().currentMessage()


# -- 10. files ----------------------------------------------------------------------------------


def test_save_clears_the_marker_and_an_edit_sets_it(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    assert not window.isWindowModified()
    window.controller.update(PROD, owner="payments")
    assert window.isWindowModified()
    assert shown_title(window).startswith("Small*")
    dialogs.save_name = str(tmp_path / "design")  # ".json" is added
    window.act_save.trigger()
    target = tmp_path / "design.json"
    assert window.controller.path == target
    assert target.read_bytes() == saved(window).encode("utf-8")
    assert not window.isWindowModified()
    assert "*" not in shown_title(window)
    assert shown_title(window).startswith("design.json — ")
    assert window.files.recent() == [target.resolve()]
    assert [a.text() for a in window.recent_menu.actions()] == [str(target.resolve())]
    window.controller.update(PROD, owner="billing")
    assert window.isWindowModified()
    assert shown_title(window).startswith("design.json*")
    dialogs.save_name = ""  # Save now writes to the same file without asking
    window.act_save.trigger()
    assert load_design(target).accounts[2].owner == "billing"
    assert not window.isWindowModified()
    undo(window)
    assert window.isWindowModified()


def test_new_with_unsaved_changes_asks(window: MainWindow, dialogs: Dialogs) -> None:
    window.controller.update(PROD, owner="payments")
    edited = saved(window)
    dialogs.answers = [Button.Cancel]
    window.act_new.trigger()
    assert [c[0] for c in dialogs.calls] == ["question"]
    assert saved(window) == edited
    assert window.isWindowModified()
    dialogs.answers = [Button.Discard]
    window.act_new.trigger()
    assert window.controller.design.name == "Untitled design"
    assert window.controller.design.accounts == []
    assert window.controller.path is None
    assert not window.isWindowModified()
    assert steps(window) == 0
    assert window.scene.nodes == {}


def test_opening_a_corrupt_file_explains_in_one_line(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path, qtbot: QtBot
) -> None:
    before = saved(window)
    bad = tmp_path / "broken.json"
    bad.write_text('{"name": "x", ', encoding="utf-8")
    with pytest.raises(DesignFileError) as caught:
        load_design(bad)
    dialogs.open_name = str(bad)
    with qtbot.waitSignal(window.files.opened):  # read in the background
        window.act_open.trigger()
    (call,) = dialogs.take("critical")
    assert call[2] == str(caught.value)
    assert "\n" not in call[2]
    assert call[2]
    assert saved(window) == before
    assert window.controller.path is None
    assert window.files.recent() == []


def test_open_replaces_the_design_and_remembers_it(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path, qtbot: QtBot
) -> None:
    path = tmp_path / "landing.json"
    save_design(load_template("reference-landing-zone"), path)
    dialogs.open_name = str(path)
    with qtbot.waitSignal(window.files.opened):  # read in the background
        window.act_open.trigger()
    assert window.controller.path == path
    assert saved(window) == path.read_text(encoding="utf-8")
    assert len(window.scene.nodes) == len(load_design(path).accounts) + len(
        load_design(path).identity_providers
    ) + len(load_design(path).outside_principals)
    assert window.files.recent() == [path.resolve()]
    assert shown_title(window).startswith("landing.json — ")


# -- 11. recovery -------------------------------------------------------------------------------


def test_recovery_is_offered_and_restored_or_discarded(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, tmp_path: Path
) -> None:
    path = tmp_path / "design.json"
    save_design(small_design(), path)
    first = make_window(load_design(path), path)
    first.controller.update(PROD, owner="payments")
    edited = saved(first)
    first.files.write_recovery()
    pending = recovery.recovery_path(path)
    assert pending.is_file()
    assert str(tmp_path / "state") in str(pending)
    old = path.stat().st_mtime - 60
    os.utime(path, (old, old))  # the design file is older than the recovery file

    second = make_window(load_design(path), path)
    dialogs.answers = [Button.Yes]
    second.files.offer_recovery(path)
    assert saved(second) == edited
    assert second.controller.path == path
    assert second.controller.is_dirty
    assert second.isWindowModified()
    assert entity(second, PROD).owner == "payments"

    third = make_window(load_design(path), path)
    dialogs.answers = [Button.No]
    third.files.offer_recovery(path)
    assert saved(third) == path.read_text(encoding="utf-8")
    assert not third.isWindowModified()
    assert not pending.exists()
    third.files.offer_recovery(path)  # nothing left to offer: no question
    assert len(dialogs.take("question")) == 2


def test_recovery_is_not_written_without_changes(window: MainWindow) -> None:
    window.files.write_recovery()
    assert not recovery.recovery_path(None).exists()
    window.controller.update(PROD, owner="payments")
    window.files.write_recovery()
    assert load_design(recovery.recovery_path(None)).accounts[2].owner == "payments"


# -- 12. findings select their subjects --------------------------------------------------------


def test_selecting_a_finding_selects_its_subjects(window: MainWindow) -> None:
    assert window.findings.wait()  # validation runs in the background
    tree = window.findings.tree
    scene = window.scene
    root = window.controller.design.organization.id  # the root box is not selectable
    rows = [
        group.child(i)
        for group in (tree.topLevelItem(g) for g in range(tree.topLevelItemCount()))
        for i in range(group.childCount())
    ]
    covered: set[str] = set()
    for row in rows:
        entry = window.findings._entries[row.data(0, ENTRY_ROLE)]
        subjects = set(entry.subjects)
        if not subjects <= set(scene.nodes) | set(scene.containers) | set(scene.edges):
            continue  # names something not drawn (a bucket, an SCP)
        tree.setCurrentItem(row)
        assert set(window.selection.ids) == subjects
        assert scene_selection(window) == subjects - {root}
        covered |= {"node" for s in subjects if s in scene.nodes}
        covered |= {"edge" for s in subjects if s in scene.edges}
    assert covered == {"node", "edge"}


# -- 13. closing --------------------------------------------------------------------------------


def test_close_with_unsaved_changes_can_be_cancelled(window: MainWindow, dialogs: Dialogs) -> None:
    window.controller.update(PROD, owner="payments")
    dialogs.answers = [Button.Cancel]
    assert not window.close()
    assert window.isVisible()
    assert entity(window, PROD).owner == "payments"
    dialogs.answers = [Button.Discard]
    assert window.close()
    assert not window.isVisible()


def test_close_can_save_first(
    make_window: Callable[..., MainWindow], dialogs: Dialogs, tmp_path: Path
) -> None:
    path = tmp_path / "design.json"
    save_design(small_design(), path)
    window = make_window(load_design(path), path)
    window.controller.update(PROD, owner="payments")
    dialogs.answers = [Button.Save]
    assert window.close()
    assert path.read_text(encoding="utf-8") == saved(window)
    assert load_design(path).accounts[2].owner == "payments"


def test_close_without_changes_does_not_ask(window: MainWindow, dialogs: Dialogs) -> None:
    assert window.close()
    assert dialogs.calls == []


def test_canvas_keys_do_not_act_from_other_widgets(window: MainWindow, qtbot: QtBot) -> None:
    """Delete pressed in the findings tree must not delete the selected account."""
    select(window, PROD)
    before = saved(window)
    window.findings.tree.setFocus()
    qtbot.keyClick(window.findings.tree, Qt.Key.Key_Delete)
    assert saved(window) == before
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert PROD not in ids_of(window)


def test_box_selection_takes_only_what_lies_inside(window: MainWindow) -> None:
    scene = window.scene
    rect = scene.nodes[PROD].sceneBoundingRect().adjusted(-4, -4, 4, 4)
    path = QPainterPath()
    path.addRect(rect)
    scene.setSelectionArea(path, mode=window.view.rubberBandSelectionMode())
    assert scene_selection(window) == {PROD}


def test_select_all_takes_nodes_and_ous_but_no_relationships(window: MainWindow) -> None:
    window.edits.select_all()
    selected = scene_selection(window)
    assert selected == set(window.scene.nodes) | {
        i for i, c in window.scene.containers.items() if not c.is_root
    }


def test_log_bucket_and_scp_from_the_palette_open_in_properties(window: MainWindow) -> None:
    select(window, PROD)
    window.findChild(QToolButton, "add_log_bucket").click()
    bucket = window.controller.design.log_buckets[-1]
    assert bucket.account == PROD
    assert window.selection.ids == [bucket.id]
    assert window.properties.shown_id == bucket.id
    window.findChild(QToolButton, "add_scp").click()
    scp = window.controller.design.service_control_policies[-1]
    assert window.properties.shown_id == scp.id
    window.selection.set([])
    window.edits.find(bucket.name)
    assert window.selection.ids == [bucket.id]
    undo(window)
    undo(window)
    assert bucket.id not in {b.id for b in window.controller.design.log_buckets}
