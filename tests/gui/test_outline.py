"""The outline panel: the design as a tree, filter, selection both ways, edits, rebuilds, rename."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from benchmarks.synthetic import synthetic_design
from designer.gui.controller import DesignController
from designer.gui.panels.outline import (
    GROUPS,
    ID_ROLE,
    IDENTITY_PROVIDERS,
    LOG_BUCKETS,
    ORGANIZATION,
    OUTSIDE_PRINCIPALS,
    SCPS,
    OutlinePanel,
)
from designer.gui.selection import SelectionModel
from designer.model import Account, Design, LogBucket, TrustRelationship
from designer.model.templates import load_template
from designer.model.vocabulary import FUNCTION_LABELS
from tests.helpers.factories import sid, small_design

pytestmark = pytest.mark.gui

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def reference() -> Design:
    return load_template("reference-landing-zone")


class Outline:
    """A panel with its controller and selection, and ways to read the tree the user sees."""

    def __init__(self, qtbot: Any, design: Design) -> None:
        self.qtbot = qtbot
        self.design = design
        self.controller = DesignController(design)
        self.selection = SelectionModel()
        self.panel = OutlinePanel(self.controller, self.selection)
        qtbot.addWidget(self.panel)
        self.panel.resize(360, 900)

    @property
    def tree(self) -> Any:
        return self.panel.tree

    def show(self) -> None:
        self.panel.show()
        self.qtbot.waitExposed(self.panel)

    def group(self, key: str) -> QModelIndex:
        proxy = self.panel.proxy
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            if index.data(ID_ROLE) == key:
                return index
        return QModelIndex()

    def children(self, parent: QModelIndex) -> list[str]:
        proxy = self.panel.proxy
        return [proxy.index(r, 0, parent).data(ID_ROLE) for r in range(proxy.rowCount(parent))]

    def row(self, entity_id: str) -> QModelIndex:
        return self.panel.row_index(entity_id)

    def text(self, entity_id: str, column: int = 0) -> str:
        return str(self.row(entity_id).siblingAtColumn(column).data())

    def parent_id(self, entity_id: str) -> str:
        return str(self.row(entity_id).parent().data(ID_ROLE))

    def shown(self) -> set[str]:
        """Ids (and group keys) of every row the filter lets through."""
        found: set[str] = set()
        stack = [QModelIndex()]
        while stack:
            parent = stack.pop()
            for row in range(self.panel.proxy.rowCount(parent)):
                index = self.panel.proxy.index(row, 0, parent)
                found.add(index.data(ID_ROLE))
                stack.append(index)
        return found

    def selected(self) -> list[str]:
        return [i.data(ID_ROLE) for i in self.tree.selectionModel().selectedRows(0)]

    def settle(self, condition: Callable[[], bool]) -> None:
        self.qtbot.waitUntil(condition, timeout=2000)

    def click(self, entity_id: str, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        centre = self.tree.visualRect(self.row(entity_id)).center()
        self.qtbot.mouseClick(self.tree.viewport(), Qt.MouseButton.LeftButton, modifier, centre)

    def double_click(self, index: QModelIndex) -> None:
        # QTest's double-click event alone has no press before it, which a real one has.
        centre = self.tree.visualRect(index).center()
        viewport, left = self.tree.viewport(), Qt.MouseButton.LeftButton
        self.qtbot.mouseClick(viewport, left, NO_MODIFIER, centre)
        self.qtbot.mouseDClick(viewport, left, NO_MODIFIER, centre)


@pytest.fixture
def small(qtbot: Any) -> Outline:
    return Outline(qtbot, small_design())


def child_ids(design: Design, parent: str | None) -> list[str]:
    ous = [u.id for u in design.organizational_units if u.parent == parent]
    return ous + [a.id for a in design.accounts if a.parent == parent]


def accounts_below(design: Design, parent: str | None) -> int:
    inside = sum(a.parent == parent for a in design.accounts)
    units = [u.id for u in design.organizational_units if u.parent == parent]
    return inside + sum(accounts_below(design, unit) for unit in units)


def accounts_text(count: int) -> str:
    return f"{count:,} account{'' if count == 1 else 's'}"


def ancestors(design: Design, parent: str | None) -> list[str]:
    units = {u.id: u for u in design.organizational_units}
    found = [design.organization.id]
    while parent is not None:
        found.append(parent)
        parent = units[parent].parent
    return found


@pytest.mark.parametrize("make_design", [small_design, reference, lambda: synthetic_design(120)])
def test_tree_mirrors_the_ou_hierarchy_in_design_order(
    qtbot: Any, make_design: Callable[[], Design]
) -> None:
    outline = Outline(qtbot, make_design())
    design = outline.design
    assert outline.children(QModelIndex()) == [spec.key for spec in GROUPS]
    root = design.organization.id
    assert outline.children(outline.group(ORGANIZATION.key)) == [root]
    assert outline.text(root) == f"{design.organization.name} (root)"
    assert outline.text(root, 1) == accounts_text(len(design.accounts))
    assert outline.children(outline.row(root)) == child_ids(design, None)
    for unit in design.organizational_units:
        assert outline.children(outline.row(unit.id)) == child_ids(design, unit.id)
        assert outline.text(unit.id, 1) == accounts_text(accounts_below(design, unit.id))
    for account in design.accounts:
        assert outline.text(account.id) == account.name
        assert outline.text(account.id, 1) == (account.aws_account_id or "planned")
        tip = str(outline.row(account.id).data(Qt.ItemDataRole.ToolTipRole))
        assert all(FUNCTION_LABELS[f] in tip for f in account.functions)


def test_other_groups_list_the_design_with_counts_owners_and_targets(qtbot: Any) -> None:
    outline = Outline(qtbot, reference())
    design = outline.design
    panel = outline.panel
    assert panel.group_title(ORGANIZATION.key) == f"Organization ({len(design.accounts)} accounts)"
    for spec, entities in (
        (IDENTITY_PROVIDERS, design.identity_providers),
        (OUTSIDE_PRINCIPALS, design.outside_principals),
        (LOG_BUCKETS, design.log_buckets),
        (SCPS, design.service_control_policies),
    ):
        assert panel.group_title(spec.key) == f"{spec.title} ({len(entities)})"
        assert outline.children(outline.group(spec.key)) == [e.id for e in entities]
    names = {a.id: a.name for a in design.accounts}
    for bucket in design.log_buckets:
        assert outline.text(bucket.id, 1) == names[bucket.account]
    attached = [s for u in design.organizational_units for s in u.scps]
    attached += [s for a in design.accounts for s in a.scps] + design.organization.root_scps
    for scp in design.service_control_policies:
        targets = attached.count(scp.id)
        expected = f"{targets} target{'' if targets == 1 else 's'}" if targets else "not attached"
        assert outline.text(scp.id, 1) == expected


def test_an_empty_group_still_shows_its_zero(small: Outline) -> None:
    assert small.panel.group_title(OUTSIDE_PRINCIPALS.key) == "Outside principals (0)"
    assert small.panel.group_title(SCPS.key) == "Service control policies (0)"


def test_filter_shows_matches_with_their_ancestors_and_k_of_n(qtbot: Any) -> None:
    outline = Outline(qtbot, reference())
    design, panel = outline.design, outline.panel
    assert panel.filter_edit.placeholderText() == "Filter by name or account id"
    assert panel.filter_edit.isClearButtonEnabled()

    panel.filter_edit.setText("RETAIL")  # case does not matter
    matches = [a for a in design.accounts if "retail" in a.name.casefold()]
    assert len(matches) >= 2
    shown = outline.shown()
    accounts = {a.id for a in design.accounts}
    assert shown & accounts == {a.id for a in matches}
    for account in matches:
        assert set(ancestors(design, account.parent)) <= shown
        assert panel.tree.isExpanded(outline.row(account.id).parent())
    total = len(design.accounts)
    assert panel.group_title(ORGANIZATION.key) == (
        f"Organization ({len(matches)} of {total} accounts)"
    )
    assert not outline.group(LOG_BUCKETS.key).isValid()  # nothing matches there: hidden
    assert panel.group_title(LOG_BUCKETS.key) == f"Log buckets (0 of {len(design.log_buckets)})"

    number = matches[0].aws_account_id
    assert number is not None
    panel.filter_edit.setText(number[2:9])
    with_id = {a.id for a in design.accounts if number[2:9] in (a.aws_account_id or "")}
    assert outline.shown() & accounts == with_id

    bucket = design.log_buckets[0]
    panel.filter_edit.setText(bucket.name.upper())
    assert bucket.id in outline.shown()
    assert panel.group_title(LOG_BUCKETS.key).startswith("Log buckets (1 of ")

    panel.filter_edit.clear()
    assert accounts | {b.id for b in design.log_buckets} <= outline.shown()
    assert panel.group_title(ORGANIZATION.key) == f"Organization ({total} accounts)"


def test_filter_counts_on_a_large_design(qtbot: Any) -> None:
    outline = Outline(qtbot, synthetic_design(400))
    design = outline.design
    outline.panel.filter_edit.setText("workload 3")
    matches = {a.id for a in design.accounts if "workload 3" in a.name.casefold()}
    assert outline.shown() & {a.id for a in design.accounts} == matches
    title = f"Organization ({len(matches)} of {len(design.accounts)} accounts)"
    assert outline.panel.group_title(ORGANIZATION.key) == title


def test_clicking_rows_selects_and_focuses_them(small: Outline) -> None:
    small.show()
    with small.qtbot.waitSignal(small.selection.focus_requested) as focus:
        small.click(sid("prod"))
    assert focus.args == [[sid("prod")]]
    assert small.selection.ids == [sid("prod")]

    small.click(sid("logs"), modifier=Qt.KeyboardModifier.ControlModifier)
    assert sorted(small.selection.ids) == sorted([sid("prod"), sid("logs")])

    small.click(sid("bucket"))  # not on the canvas: the property editor shows it
    assert small.selection.ids == [sid("bucket")]


def test_outside_selection_selects_the_rows_without_echo(small: Outline) -> None:
    small.show()
    focused: list[list[str]] = []
    changes: list[list[str]] = []
    small.selection.focus_requested.connect(focused.append)
    small.selection.selection_changed.connect(changes.append)
    # A relationship has no row: it is skipped, and the selection itself is left alone.
    small.selection.set([sid("trust-logs-prod"), sid("prod")])
    assert small.selected() == [sid("prod")]
    assert small.tree.currentIndex() == small.row(sid("prod"))
    assert small.selection.ids == [sid("trust-logs-prod"), sid("prod")]
    assert focused == []
    assert len(changes) == 1

    small.selection.set([])
    assert small.selected() == []


def test_outside_selection_scrolls_a_far_row_into_sight(qtbot: Any) -> None:
    outline = Outline(qtbot, synthetic_design(400))
    outline.panel.resize(360, 300)
    outline.show()
    far = outline.design.accounts[-1].id
    outline.tree.collapse(outline.row(far).parent())  # even inside a closed OU
    assert not outline.tree.viewport().rect().contains(outline.tree.visualRect(outline.row(far)))
    outline.selection.set([far])
    assert outline.tree.viewport().rect().contains(outline.tree.visualRect(outline.row(far)))
    assert outline.selected() == [far]


def test_filtering_keeps_the_column_widths(small: Outline) -> None:
    small.show()
    header = small.tree.header()
    width = header.sectionSize(1)
    header.resizeSection(1, width + 30)  # the user widens the details
    small.panel.filter_edit.setText("prod")
    small.panel.filter_edit.clear()
    assert header.sectionSize(1) == width + 30
    assert header.sectionResizeMode(0) == header.ResizeMode.Stretch


def test_edits_and_undo_update_the_tree(small: Outline) -> None:
    controller, dev = small.controller, sid("dev")
    controller.add(Account(id=dev, name="Dev", functions=["workload"], parent=sid("ou-workloads")))
    small.settle(lambda: small.row(dev).isValid())
    assert small.parent_id(dev) == sid("ou-workloads")
    assert small.text(sid("ou-workloads"), 1) == "2 accounts"

    controller.update(dev, name="Development", aws_account_id="444444444444")
    small.settle(lambda: small.text(dev) == "Development")
    assert small.text(dev, 1) == "444444444444"

    controller.move_and_reparent({}, {dev: sid("ou-security")})
    small.settle(lambda: small.parent_id(dev) == sid("ou-security"))
    assert small.text(sid("ou-workloads"), 1) == "1 account"

    controller.remove([dev])
    small.settle(lambda: not small.row(dev).isValid())

    controller.undo_stack.undo()  # the delete
    small.settle(lambda: small.row(dev).isValid())
    assert small.parent_id(dev) == sid("ou-security")
    controller.undo_stack.undo()  # the move
    small.settle(lambda: small.parent_id(dev) == sid("ou-workloads"))
    controller.undo_stack.undo()  # the rename
    small.settle(lambda: small.text(dev) == "Dev")
    controller.undo_stack.redo()
    small.settle(lambda: small.text(dev) == "Development")


def test_removing_an_ou_takes_its_rows_and_bucket_edits_show(small: Outline) -> None:
    controller = small.controller
    controller.remove([sid("ou-security")])  # takes Log Archive and its bucket with it
    small.settle(lambda: not small.row(sid("ou-security")).isValid())
    assert not small.row(sid("logs")).isValid()
    assert not small.row(sid("bucket")).isValid()
    assert small.panel.group_title(LOG_BUCKETS.key) == "Log buckets (0)"
    controller.undo_stack.undo()
    small.settle(lambda: small.row(sid("bucket")).isValid())
    controller.add(LogBucket(id=sid("b2"), name="second-logs-bucket", account=sid("prod")))
    small.settle(lambda: small.panel.group_title(LOG_BUCKETS.key) == "Log buckets (2)")
    assert small.text(sid("b2"), 1) == "Prod"


def test_reset_rebuilds_for_the_new_design(small: Outline) -> None:
    identity = load_template("identity")
    small.controller.load(identity, None)
    title = f"Organization ({len(identity.accounts)} accounts)"
    assert small.panel.group_title(ORGANIZATION.key) == title
    assert not small.row(sid("prod")).isValid()
    assert all(small.row(a.id).isValid() for a in identity.accounts)


def test_a_burst_of_adds_rebuilds_once(small: Outline) -> None:
    panel, controller = small.panel, small.controller
    small.show()
    before = panel.rebuild_count
    ids = [sid(f"burst-{n}") for n in range(200)]
    for n, account_id in enumerate(ids):
        account = Account(
            id=account_id, name=f"Burst {n}", functions=["sandbox"], parent=sid("ou-workloads")
        )
        controller.add(account)
    assert panel.rebuild_count == before  # coalesced: nothing until the events are processed
    small.settle(lambda: panel.rebuild_count > before)
    small.qtbot.wait(20)
    assert panel.rebuild_count == before + 1
    assert small.children(small.row(sid("ou-workloads"))) == [sid("prod"), *ids]

    controller.remove(ids)  # one step of 200 removals
    controller.undo_stack.undo()  # and 200 restorations
    small.settle(lambda: panel.rebuild_count > before + 1)
    small.qtbot.wait(20)
    assert panel.rebuild_count == before + 2
    assert all(small.row(i).isValid() for i in ids)


def test_relationship_and_position_events_are_ignored(small: Outline) -> None:
    panel, controller = small.panel, small.controller
    before = panel.rebuild_count
    controller.move_nodes({sid("prod"): (40.0, 50.0)})
    controller.add(
        TrustRelationship(
            id=sid("trust-new"),
            source=sid("mgmt"),
            target=sid("prod"),
            role_name="Ops",
            access_level="read-only",
        )
    )
    small.qtbot.wait(20)
    assert panel.rebuild_count == before


def test_expansion_filter_and_selection_survive_a_rebuild(small: Outline) -> None:
    small.show()
    tree = small.tree
    tree.collapse(small.row(sid("ou-workloads")))  # the user closes an OU
    small.selection.set([sid("logs")])
    small.controller.update(sid("logs"), owner="Security team")
    before = small.panel.rebuild_count
    small.settle(lambda: small.panel.rebuild_count > before)
    assert not tree.isExpanded(small.row(sid("ou-workloads")))
    assert tree.isExpanded(small.row(sid("ou-security")))
    assert small.selected() == [sid("logs")]
    assert small.selection.ids == [sid("logs")]

    small.panel.filter_edit.setText("log")  # filtering opens everything that matches...
    assert tree.isExpanded(small.row(sid("ou-security")))
    small.panel.rebuild()
    assert small.row(sid("logs")).isValid()
    assert not small.row(sid("prod")).isValid()  # ...the filter holds across a rebuild...
    small.panel.filter_edit.clear()  # ...and clearing it brings back what the user closed
    assert not tree.isExpanded(small.row(sid("ou-workloads")))
    assert small.selected() == [sid("logs")]


def test_double_click_and_enter_ask_to_rename_nodes_only(small: Outline) -> None:
    small.show()
    panel = small.panel
    with small.qtbot.waitSignal(panel.rename_requested) as blocker:
        small.double_click(small.row(sid("prod")))
    assert blocker.args == [sid("prod")]

    panel.tree.setFocus()
    panel.tree.setCurrentIndex(small.row(sid("idp")))
    with small.qtbot.waitSignal(panel.rename_requested) as blocker:
        small.qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert blocker.args == [sid("idp")]

    bucket = small.row(sid("bucket"))
    with small.qtbot.assertNotEmitted(panel.rename_requested):
        small.double_click(bucket)
        panel.tree.setCurrentIndex(bucket)
        small.qtbot.keyClick(panel.tree, Qt.Key.Key_Enter)

    group = small.group(LOG_BUCKETS.key)  # a heading opens and closes instead
    assert panel.tree.isExpanded(group)
    small.double_click(group)
    assert not panel.tree.isExpanded(group)


def test_names_for_accessibility_and_styling(small: Outline) -> None:
    panel = small.panel
    assert panel.objectName() == "outline"
    assert panel.tree.objectName() == "outline_tree"
    assert panel.tree.accessibleName() == "Design outline"
    assert panel.filter_edit.objectName() == "outline_filter"
    assert panel.filter_edit.accessibleName() == "Filter the outline"


def test_a_hidden_outline_waits_until_it_is_shown(small: Outline) -> None:
    """Behind the Add tab it costs nothing per edit (a tree of 2,000 rows would); shown, it is
    up to date at once, the selection marked."""
    panel, controller = small.panel, small.controller
    before = panel.rebuild_count
    account = Account(
        id=sid("late"), name="Late", functions=["sandbox"], parent=sid("ou-workloads")
    )
    controller.add(account)
    small.qtbot.wait(20)
    assert panel.rebuild_count == before
    small.selection.set([account.id])
    small.show()
    assert panel.rebuild_count == before + 1
    assert small.selected() == [account.id]
    assert account.id in small.children(small.row(sid("ou-workloads")))
