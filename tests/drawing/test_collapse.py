"""Collapsed OUs: a large design opens to the level that fits, a collapsed OU hides and sums up
what it holds, and opening it again brings its content back where its card stands."""

from __future__ import annotations

import json

import pytest

from benchmarks.synthetic import sid, synthetic_design
from designer.core.document import Document
from designer.drawing.collapse import (
    CARD_BUDGET,
    after_expanding,
    carried,
    fit_collapse,
    pruned,
    summaries,
    visibility,
)
from designer.drawing.layout import HEADER, PADDING, arrange
from designer.drawing.layout.geometry import CARD_HEIGHT, CARD_WIDTH
from designer.drawing.layout.tree import OuTree
from designer.model import DesignFileError, dumps_design, load_design, parse_design
from designer.model.governance import Layout, NodeLayout
from designer.model.templates import list_templates, load_template

WORKLOADS = sid("ou", "Workloads")
BU = [sid("ou", "bu", n) for n in range(20)]
PROD = [sid("ou", "bu", n, "Prod") for n in range(20)]


def _cards(design, collapsed) -> int:  # type: ignore[no-untyped-def]
    shown = visibility(design, collapsed)
    nodes = [a for a in design.accounts if a.id not in shown.hidden]
    side = len(design.identity_providers) + len(design.outside_principals)
    return len(nodes) + side + len(shown.collapsed)


def test_small_designs_open_with_nothing_collapsed() -> None:
    for info in list_templates():
        assert fit_collapse(load_template(info.name)) == set()


def test_a_large_design_opens_at_the_deepest_level_that_fits() -> None:
    design = synthetic_design(2000)
    collapsed = fit_collapse(design)
    # Every environment OU (Prod / Non-prod of each business unit) is a card; the core
    # accounts and the business units stay open.
    assert collapsed == set(PROD) | {sid("ou", "bu", n, "Non-prod") for n in range(20)}
    assert _cards(design, collapsed) <= CARD_BUDGET
    assert _cards(design, set()) > CARD_BUDGET  # one level deeper would not fit


def test_a_tight_budget_collapses_higher() -> None:
    design = synthetic_design(2000)
    assert fit_collapse(design, budget=30) == set(BU)
    assert fit_collapse(design, budget=10) == {
        u.id for u in design.organizational_units if not u.parent
    }


def test_a_collapsed_ou_hides_everything_below_it_and_stands_in_for_it() -> None:
    design = synthetic_design(205)
    shown = visibility(design, {BU[3], PROD[3], "no-such-ou", design.organization.id})
    assert shown.collapsed == {BU[3]}  # the one inside it is hidden with it; unknown ids ignored
    inside = [
        a.id for a in design.accounts if a.parent in (PROD[3], sid("ou", "bu", 3, "Non-prod"))
    ]
    assert inside
    assert all(shown.shown(a) == BU[3] for a in inside)
    assert shown.shown(PROD[3]) == BU[3]
    assert shown.shown(PROD[4]) == PROD[4]


def test_a_card_sums_up_accounts_functions_and_environments() -> None:
    design = synthetic_design(205)
    summary = summaries(design, visibility(design, {WORKLOADS}))[WORKLOADS]
    assert summary.accounts == 200
    assert summary.units == 60  # 20 business units, each with Prod and Non-prod
    assert summary.functions == (("workload", 200),)
    assert dict(summary.environments) == {"production": 100, "non-production": 100}


def test_the_layout_leaves_out_what_a_collapsed_ou_holds() -> None:
    design = synthetic_design(2000)
    shown = visibility(design, fit_collapse(design))
    result = arrange(pruned(design, shown), cards=shown.collapsed)
    assert len(result.nodes) == 6  # five core accounts and the identity provider
    assert set(PROD) <= result.containers.keys()
    card = result.containers[PROD[0]]  # room for its counts, unlike an empty OU's box
    assert (card.width, card.height) == (CARD_WIDTH, CARD_HEIGHT)
    assert result.containers[sid("ou", "Sandbox")].height < CARD_HEIGHT
    assert not shown.hidden & result.nodes.keys()


def test_opening_an_ou_for_the_first_time_opens_its_own_tree_to_fit() -> None:
    design = synthetic_design(10_000)
    collapsed = fit_collapse(design, budget=10)
    assert WORKLOADS in collapsed
    after = after_expanding(design, collapsed, [WORKLOADS])
    assert WORKLOADS not in after
    # 9,995 accounts would not fit: its business units open, their environments stay cards
    assert set(PROD) <= after
    assert not set(BU) & after


def test_opening_again_keeps_what_was_chosen_inside() -> None:
    design = synthetic_design(205)
    after = after_expanding(design, {WORKLOADS, PROD[2]}, [WORKLOADS])
    assert after == {PROD[2]}  # not refitted: the user had chosen inside it


def test_content_follows_a_card_that_moved_while_collapsed() -> None:
    design = synthetic_design(205)
    tree = OuTree.of(design)
    full = arrange(design)
    stored = full.anchors()
    card = (5000.0, 7000.0)
    moved = carried(stored, tree, BU[1], card)
    inside = {PROD[1], sid("ou", "bu", 1, "Non-prod")}
    inside |= {a.id for a in design.accounts if a.parent in inside}
    assert moved.keys() == inside
    left = min(x for x, _ in moved.values())
    top = min(y for _, y in moved.values())
    assert (left, top) == (card[0] + PADDING, card[1] + HEADER + PADDING)
    # the content keeps its own arrangement
    a, b = sorted(inside)[:2]
    assert (
        moved[a][0] - moved[b][0],
        moved[a][1] - moved[b][1],
    ) == (stored[a][0] - stored[b][0], stored[a][1] - stored[b][1])


def test_a_file_whose_collapse_was_never_chosen_is_written_as_before() -> None:
    for info in list_templates():
        design = load_template(info.name)
        assert "collapsed" not in json.loads(dumps_design(design))["layout"]


def test_the_chosen_collapse_is_saved_sorted_and_read_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    design = synthetic_design(205)
    document = Document(design)
    document.set_collapsed([PROD[5], BU[2], "gone"])
    text = dumps_design(document.design)
    assert json.loads(text)["layout"]["collapsed"] == sorted([PROD[5], BU[2]])
    path = tmp_path / "d.json"
    path.write_text(text)
    assert load_design(path).layout.collapsed == sorted([PROD[5], BU[2]])


def test_a_hand_edited_collapse_that_is_not_a_list_is_one_clear_message() -> None:
    data = json.loads(dumps_design(synthetic_design(20)))
    data["layout"]["collapsed"] = "Workloads"
    with pytest.raises(DesignFileError, match=r"layout\.collapsed") as raised:
        parse_design(json.dumps(data), "hand.json")
    assert "Traceback" not in str(raised.value)


def _aspect(box) -> float:  # type: ignore[no-untyped-def]
    return float(box.width / box.height)


def test_a_large_ou_is_laid_out_about_square_not_as_a_tall_column() -> None:
    design = synthetic_design(10_000)
    prod = arrange(design).containers[PROD[2]]  # 250 accounts, a fresh tidy layout
    assert 0.5 < _aspect(prod) < 2.0


def test_a_large_ou_opened_for_the_first_time_fills_an_about_square_grid() -> None:
    design = synthetic_design(10_000)
    shown = visibility(design, fit_collapse(design))
    opened = arrange(pruned(design, shown)).anchors()  # stored as it opened: cards only
    design.layout = Layout(positions={i: NodeLayout(x=x, y=y) for i, (x, y) in opened.items()})
    after = visibility(design, set(shown.collapsed) - {PROD[2]})
    prod = arrange(pruned(design, after)).containers[PROD[2]]  # its accounts take free slots
    assert 0.5 < _aspect(prod) < 2.0
