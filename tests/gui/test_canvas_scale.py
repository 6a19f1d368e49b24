"""A large organization on the canvas, as a user meets it: opened collapsed to what fits, cards
that sum up their OU, relationships joined and counted, and every collapse and expand an undo
step after which the scene shows exactly what the document says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.synthetic import sid, synthetic_design
from designer.drawing.collapse import CARD_BUDGET
from designer.drawing.layout import HEADER, PADDING
from designer.gui.canvas.grouped import GroupEdgeItem
from designer.gui.main_window import MainWindow
from designer.model import load_design, save_design
from designer.model.templates import load_template
from designer.rules import Severity
from tests.gui.canvas_checks import box_of, scene_geometry, scene_problems

pytestmark = pytest.mark.gui

WORKLOADS = sid("ou", "Workloads")
BU3 = sid("ou", "bu", 3)
PROD3 = sid("ou", "bu", 3, "Prod")
NONPROD3 = sid("ou", "bu", 3, "Non-prod")


@pytest.fixture(scope="module")
def large() -> object:
    return synthetic_design(2000)


@pytest.fixture
def big(make_window: Callable[..., MainWindow], large: object) -> MainWindow:
    window = make_window(large.model_copy(deep=True))  # type: ignore[attr-defined]
    window.view.setFocus()
    return window


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _double_click(window: MainWindow, entity_id: str) -> None:
    item = window.scene.containers[entity_id]
    window.view.centerOn(item)
    _settle()
    point = window.view.mapFromScene(item.scene_rect().center())
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    _settle()


def _prod_accounts(window: MainWindow) -> list[str]:
    return [a.id for a in window.controller.design.accounts if a.parent == PROD3]


def test_a_large_design_opens_collapsed_to_what_fits(big: MainWindow) -> None:
    scene = big.scene
    cards = [c for c in scene.containers.values() if c.summary is not None]
    assert len(scene.nodes) + len(cards) <= CARD_BUDGET
    assert len(cards) == 40  # every environment OU of every business unit
    card = scene.containers[PROD3]
    assert card.summary is not None
    assert card.summary.accounts == 50
    assert dict(card.summary.environments) == {"production": 50}
    assert not set(_prod_accounts(big)) & scene.nodes.keys()
    assert scene.containers[big.controller.design.organization.id].account_count == 2000
    assert scene_problems(scene) == []
    assert big.controller.design.layout.collapsed is None  # nothing chosen, nothing to save
    assert not big.controller.is_dirty


def test_double_clicking_a_card_expands_it_in_place_and_undo_collapses_it(
    big: MainWindow,
) -> None:
    scene = big.scene
    before = scene_geometry(scene)
    card = box_of(scene.containers[PROD3].scene_rect())
    _double_click(big, PROD3)
    assert scene.containers[PROD3].summary is None
    accounts = _prod_accounts(big)
    assert set(accounts) <= scene.nodes.keys()
    opened = box_of(scene.containers[PROD3].scene_rect())
    assert (opened.x, opened.y) == (card.x, card.y)  # opens where its card stood
    for account in accounts:
        assert opened.contains(box_of(scene.nodes[account].scene_rect()))
    assert scene_problems(scene) == []
    expanded = scene_geometry(scene)
    big.controller.undo_stack.undo()
    _settle()
    assert scene_geometry(scene) == before
    assert scene.containers[PROD3].summary is not None
    assert scene_problems(scene) == []
    big.controller.undo_stack.redo()
    _settle()
    assert scene_geometry(scene) == expanded
    assert scene_problems(scene) == []


def test_collapse_from_an_account_folds_its_ou_and_joins_its_relationships(
    big: MainWindow,
) -> None:
    _double_click(big, PROD3)
    account = _prod_accounts(big)[0]
    big.selection.set([account])
    big.act_collapse.trigger()
    _settle()
    scene = big.scene
    assert scene.containers[PROD3].summary is not None
    assert account not in scene.nodes
    assert big.selection.ids == [PROD3]
    billing = next(e for e in scene.edges.values() if e.kind == "billing")
    assert sid("rel", "bill", account) in billing.drawn.members  # still stands for it
    assert scene_problems(scene) == []  # no edge ends on an account that is not drawn


def test_an_undone_edit_leaves_the_chosen_collapse_alone(big: MainWindow) -> None:
    big.controller.collapse([WORKLOADS])
    _settle()
    collapsed = scene_geometry(big.scene)
    big.selection.set([sid("account", "network")])
    big.act_duplicate.trigger()
    _settle()
    assert scene_problems(big.scene) == []
    big.controller.undo_stack.undo()
    _settle()
    assert WORKLOADS in big.controller.collapsed()
    assert scene_geometry(big.scene) == collapsed
    assert scene_problems(big.scene) == []


def test_a_card_moved_while_collapsed_opens_where_it_now_stands(big: MainWindow) -> None:
    scene = big.scene
    big.controller.collapse([BU3])
    _settle()
    card = scene.containers[BU3]
    target = (
        card.x() + 0,
        scene.containers[big.controller.design.organization.id].scene_rect().bottom() + 400,
    )
    big.controller.move_nodes({BU3: target})
    _settle()
    moved = box_of(scene.containers[BU3].scene_rect())
    big.controller.expand([BU3])
    _settle()
    opened = box_of(scene.containers[BU3].scene_rect())
    assert (opened.x, opened.y) == (moved.x, moved.y)
    inner = box_of(scene.containers[PROD3].scene_rect())
    assert opened.contains(inner)
    assert inner.y >= opened.y + HEADER + PADDING - 0.5
    assert scene_problems(scene) == []


def test_the_chosen_collapse_is_saved_and_reopened(
    big: MainWindow, make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    _double_click(big, PROD3)
    big.controller.collapse([BU3])
    _settle()
    path = tmp_path / "large.json"
    save_design(big.controller.design, path)
    reopened = make_window(load_design(path), path)
    assert reopened.controller.collapsed() == big.controller.collapsed()
    assert scene_geometry(reopened.scene) == scene_geometry(big.scene)


def test_an_account_inside_a_card_is_found_and_shown_by_its_card(big: MainWindow) -> None:
    account = next(a for a in big.controller.design.accounts if a.parent == NONPROD3)
    assert account.id in big.scene.find(account.name)
    big.selection.set([account.id])
    _settle()
    assert big.scene.containers[NONPROD3].isSelected()
    assert big.selection.ids == [account.id]  # the model keeps the account: Properties shows it
    rect = big.scene.items_rect([account.id])
    assert rect == big.scene.containers[NONPROD3].sceneBoundingRect()


def test_one_billing_edge_stands_for_every_account_and_selects_them(big: MainWindow) -> None:
    scene = big.scene
    billing = [e for e in scene.edges.values() if e.kind == "billing"]
    assert len(billing) == 1
    assert isinstance(billing[0], GroupEdgeItem)
    edge = billing[0]
    assert edge.drawn.accounts == 1999
    assert edge.target is scene.containers[big.controller.design.organization.id]
    edge.setSelected(True)
    _settle()
    assert len(big.selection.ids) == 1999
    assert all(big.controller.document.kind(i).value == "relationship" for i in big.selection.ids)
    # in All too the count is its label (placed where there is room), and always its tooltip
    assert scene.label_forms(edge)[0] == "1,999 accounts"
    assert "1,999 accounts" in edge.toolTip()
    assert "Stands for 1,999 relationships" in edge.toolTip()


def test_grouping_can_be_switched_off_to_see_every_relationship(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(load_template("reference-landing-zone"))
    design = window.controller.design
    billing = [r.id for r in design.relationships if r.kind == "billing"]
    assert not set(billing) & window.scene.edges.keys()  # one edge to the organization
    assert scene_problems(window.scene) == []
    window.act_group_edges.trigger()
    _settle()
    assert set(billing) <= window.scene.edges.keys()
    assert scene_problems(window.scene) == []
    window.act_group_edges.trigger()
    _settle()
    assert not set(billing) & window.scene.edges.keys()


def test_a_card_carries_the_worst_finding_of_what_it_holds(big: MainWindow) -> None:
    inside = _prod_accounts(big)[5]
    big.scene.set_badges({inside: Severity.HIGH, sid("account", "network"): Severity.LOW})
    assert big.scene.containers[PROD3].badge == Severity.HIGH
    assert big.scene.containers[NONPROD3].badge is None


def test_collapse_to_fit_and_expand_all_are_undo_steps(big: MainWindow) -> None:
    before = scene_geometry(big.scene)
    big.controller.set_collapsed([WORKLOADS], "Collapse Workloads")
    _settle()
    assert len(big.scene.nodes) == 6
    assert scene_problems(big.scene) == []
    big.act_collapse_fit.trigger()
    _settle()
    assert scene_geometry(big.scene) == before
    big.controller.undo_stack.undo()
    _settle()
    assert len(big.scene.nodes) == 6


def _dimmed(window: MainWindow) -> set[str]:
    return {i for i, n in window.scene.nodes.items() if n.dimmed} | {
        i for i, c in window.scene.containers.items() if c.summary is not None and c.dimmed
    }


def test_focus_keeps_the_selection_and_its_neighbours(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(load_template("reference-landing-zone"))
    design = window.controller.design
    name = {e.id: e.name for e in [*design.accounts, *design.identity_providers]}
    identity = next(a.id for a in design.accounts if a.name == "Identity")
    window.selection.set([identity])
    window.act_focus.trigger()
    _settle()
    scene = window.scene
    near = {
        i
        for r in design.relationships
        if identity in (r.source, r.target)
        for i in (r.source, r.target)
        if i in scene.nodes
    }
    kept = set(scene.nodes) - _dimmed(window)
    assert identity in kept
    assert near <= kept, [name.get(i) for i in near - kept]
    assert len(kept) < len(scene.nodes)  # something is greyed
    for edge in scene.edges.values():
        if edge.isVisible():
            ends = {edge.source.entity_id, edge.target.entity_id}
            assert not ends & _dimmed(window), edge.entity_id
    window.findChild(QAction, "focus_depth_2").trigger()
    _settle()
    wider = set(scene.nodes) - _dimmed(window)
    assert kept < wider
    window.act_clear.trigger()  # Esc leaves focus mode
    _settle()
    assert _dimmed(window) == set()
    assert not window.act_focus.isChecked()


def test_filters_grey_what_does_not_match_and_fit_what_does(big: MainWindow) -> None:
    bar = big.filter_bar
    bar.environment.setCurrentIndex(bar.environment.findData("production"))
    _settle()
    cards = {i for i, c in big.scene.containers.items() if c.summary is not None}
    prod = {i for i in cards if big.controller.document.get(i).name == "Prod"}
    assert cards - _dimmed(big) == prod  # a card is kept when anything in it matches
    assert all(big.scene.nodes[i].dimmed for i in big.scene.nodes)  # no core account is prod
    bar.kind.setCurrentIndex(bar.kind.findData("resource-share"))
    _settle()
    assert {e.kind for e in big.scene.edges.values() if e.isVisible()} <= {"resource-share"}
    bar.clear_button.click()
    _settle()
    assert _dimmed(big) == set()
    assert {e.kind for e in big.scene.edges.values() if e.isVisible()} == {
        e.kind for e in big.scene.edges.values()
    }


def test_the_ou_filter_keeps_what_lies_in_it(big: MainWindow) -> None:
    bar = big.filter_bar
    bar.unit.setCurrentIndex(bar.unit.findData(BU3))
    _settle()
    kept = set(big.scene.containers) - _dimmed(big)
    assert {PROD3, NONPROD3} <= kept
    assert sid("ou", "bu", 4, "Prod") in _dimmed(big)
    visible = big.view.visible_scene_rect()
    assert visible.contains(big.scene.containers[PROD3].sceneBoundingRect())  # fitted to it


def test_breadcrumbs_show_the_ou_path_and_take_you_there(big: MainWindow) -> None:
    account = next(a for a in big.controller.design.accounts if a.parent == PROD3)
    big.selection.set([account.id])
    text = big.filter_bar.crumbs.toolTip()
    assert text == " \u203a ".join(["Synthetic", "Workloads", "BU 03", "Prod", account.name])
    big.filter_bar.crumbs.linkActivated.emit(BU3)
    _settle()
    assert big.selection.ids == [BU3]
    assert big.view.visible_scene_rect().contains(big.scene.containers[BU3].scene_rect().center())


def test_breadcrumbs_follow_an_opened_design_and_a_renamed_ou(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    window.controller.load(load_template("reference-landing-zone"), None)
    _settle()
    organization = window.controller.design.organization
    assert window.filter_bar.crumbs.toolTip() == organization.name
    prod = next(u for u in window.controller.design.organizational_units if u.name == "Prod")
    window.selection.set([prod.id])
    window.controller.update(prod.id, name="Production")
    _settle()
    assert window.filter_bar.crumbs.toolTip().endswith(" \u203a Production")
