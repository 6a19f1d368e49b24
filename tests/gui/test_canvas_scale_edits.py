"""Collapse, filters, focus and comparison marks living through edits, undos and expands, as a
reviewer walking the app found them wanting: each once a traceback, a blank Properties panel or
a canvas that disagreed with the selection."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication

from benchmarks.synthetic import sid as synthetic_id
from benchmarks.synthetic import synthetic_design
from designer.gui.main_window import MainWindow
from tests.gui.canvas_checks import scene_problems
from tests.helpers.factories import sid, small_design

pytestmark = pytest.mark.gui

WORKLOADS, PROD = sid("ou-workloads"), sid("prod")
PROD3 = synthetic_id("ou", "bu", 3, "Prod")


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _scene_selection(window: MainWindow) -> list[str]:
    return sorted(getattr(i, "entity_id", "") for i in window.scene.selectedItems())


def _greyed(window: MainWindow) -> dict[str, bool]:
    return {n.title: n.dimmed for n in window.scene.nodes.values()}


def test_deleting_the_ou_the_canvas_is_filtered_by_drops_the_filter(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(small_design())
    bar = window.filter_bar
    bar.unit.setCurrentIndex(bar.unit.findData(WORKLOADS))
    _settle()
    window.controller.remove([WORKLOADS])
    _settle()
    assert window.scene.filter.unit is None
    assert not any(_greyed(window).values())
    assert scene_problems(window.scene) == []


def test_opening_a_design_without_the_filtered_ou_drops_the_filter(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(small_design())
    bar = window.filter_bar
    bar.unit.setCurrentIndex(bar.unit.findData(WORKLOADS))
    _settle()
    other = small_design()
    other.organizational_units = [u for u in other.organizational_units if u.id != WORKLOADS]
    other.accounts = [a for a in other.accounts if a.parent != WORKLOADS]
    other.relationships = [r for r in other.relationships if PROD not in (r.source, r.target)]
    window.controller.load(other, None)
    _settle()
    assert window.scene.filter.unit is None
    assert scene_problems(window.scene) == []


def test_what_differs_live_is_marked_on_the_card_and_after_expanding(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(small_design())
    live = small_design()
    live.accounts = [a for a in live.accounts if a.id != PROD]
    live.relationships = [r for r in live.relationships if PROD not in (r.source, r.target)]
    window.controller.collapse([WORKLOADS])
    _settle()
    window.compare_with(live, "live")
    _settle()
    assert window.scene.containers[WORKLOADS].diff_mark == "planned-not-deployed"
    window.controller.expand([WORKLOADS])
    _settle()
    assert window.scene.nodes[PROD].diff_mark == "planned-not-deployed"


def test_focus_on_a_relationship_keeps_its_ends(make_window: Callable[..., MainWindow]) -> None:
    window = make_window(small_design())
    window.selection.set([sid("trust-logs-prod")])
    window.toggle_focus()
    _settle()
    greyed = _greyed(window)
    assert not greyed["Prod"]
    assert not greyed["Log Archive"]
    assert any(greyed.values())


def test_deleting_what_focus_started_from_leaves_focus(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(small_design())
    window.selection.set([PROD])
    window.toggle_focus()
    _settle()
    window.controller.remove([PROD])
    _settle()
    assert window.scene.focus is None
    assert not window.act_focus.isChecked()
    assert not any(_greyed(window).values())


def test_focus_on_an_account_keeps_its_payer_though_billing_is_one_grouped_edge(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(synthetic_design(2000))
    window.controller.expand([PROD3])
    _settle()
    account = next(a for a in window.controller.design.accounts if a.parent == PROD3)
    window.selection.set([account.id])
    window.toggle_focus()
    _settle()
    payer = window.controller.design.organization.management_account
    assert payer is not None
    assert not window.scene.nodes[account.id].dimmed
    assert not window.scene.nodes[payer].dimmed


def test_focus_on_a_card_keeps_its_accounts_once_it_is_expanded(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(synthetic_design(2000))
    window.selection.set([PROD3])
    window.toggle_focus()
    _settle()
    window.controller.expand([PROD3])
    _settle()
    inside = [a.id for a in window.controller.design.accounts if a.parent == PROD3]
    assert not any(window.scene.nodes[i].dimmed for i in inside)


def test_a_selected_account_is_shown_by_its_card_and_again_by_itself_when_it_opens(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(small_design())
    window.controller.collapse([WORKLOADS])
    _settle()
    window.selection.set([PROD])  # as Find and the outline do
    assert _scene_selection(window) == [WORKLOADS]
    window.controller.expand([WORKLOADS])
    _settle()
    assert window.selection.ids == [PROD]
    assert _scene_selection(window) == [PROD]


def test_collapsing_keeps_the_selected_account_for_properties(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(small_design())
    window.selection.set([PROD])
    window.controller.collapse([WORKLOADS])
    _settle()
    assert window.selection.ids == [PROD]
    assert _scene_selection(window) == [WORKLOADS]


def test_renaming_an_account_inside_a_card_says_how_to_reach_it(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(small_design())
    window.controller.collapse([WORKLOADS])
    _settle()
    window.selection.set([PROD])
    window.act_rename.trigger()
    assert "inside the collapsed OU Workloads" in window.statusBar().currentMessage()
