"""The findings panel: grouped findings, debounced validation, focus, details, waivers, filter.

Validation runs in the background: a test waits for it (panel.wait() or report_changed)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox, QTreeWidgetItem

from designer.gui.controller import DesignController
from designer.gui.panels.findings import (
    GROUP_ORDER,
    GROUP_ROLE,
    STALE_GROUP,
    WAIVED_GROUP,
    FindingsPanel,
)
from designer.gui.selection import SelectionModel
from designer.model import Design
from designer.model.templates import load_template
from designer.rules import Finding, Report, Severity, validate
from designer.rules.engine import SEVERITY_ORDER
from tests.helpers.factories import sid, small_design

pytestmark = pytest.mark.gui


@pytest.fixture
def selection() -> SelectionModel:
    return SelectionModel()


def make_panel(qtbot: Any, design: Design, selection: SelectionModel) -> FindingsPanel:
    panel = FindingsPanel(DesignController(design), selection)
    qtbot.addWidget(panel)
    assert panel.wait()  # the first validation, in the background
    return panel


@pytest.fixture
def panel(qtbot: Any, selection: SelectionModel) -> FindingsPanel:
    return make_panel(qtbot, small_design(), selection)


def groups(panel: FindingsPanel) -> list[QTreeWidgetItem]:
    tree = panel.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [i for i in items if i is not None]


def group(panel: FindingsPanel, key: str) -> QTreeWidgetItem:
    for item in groups(panel):
        if item.data(0, GROUP_ROLE) == key:
            return item
    raise AssertionError(f"no group {key}")


def rows(panel: FindingsPanel, key: str, visible_only: bool = False) -> list[QTreeWidgetItem]:
    parent = group(panel, key)
    children = [parent.child(i) for i in range(parent.childCount())]
    return [c for c in children if c is not None and not (visible_only and c.isHidden())]


def row_for(panel: FindingsPanel, key: str, finding: Finding) -> QTreeWidgetItem:
    for item in rows(panel, key):
        if (item.text(0), item.text(1)) == (finding.rule_id, finding.message):
            return item
    raise AssertionError(f"{finding.rule_id} {finding.message!r} not in group {key}")


def first(report: Report, rule_id: str, subject: str | None = None) -> Finding:
    return next(
        f
        for f in report.findings
        if f.rule_id == rule_id and (subject is None or subject in f.subjects)
    )


def _identity_as_a_whole_organization() -> Any:
    # The template covers only its structures; said to be a whole organization it shows the
    # critical and high findings about what it leaves out.
    return load_template("identity").model_copy(update={"covers": None})


@pytest.mark.parametrize("make_design", [_identity_as_a_whole_organization, small_design])
def test_groups_and_counts_equal_validate(
    qtbot: Any, selection: SelectionModel, make_design: Any
) -> None:
    design = make_design()
    expected = validate(design)
    panel = make_panel(qtbot, design, selection)
    assert panel.counts() == expected.counts()
    assert panel.counts()[Severity.CRITICAL] >= 1
    assert panel.counts()[Severity.HIGH] >= 1
    keys = [item.data(0, GROUP_ROLE) for item in groups(panel)]
    assert keys == list(GROUP_ORDER)
    for severity in SEVERITY_ORDER:
        items = rows(panel, severity.value)
        want = [f for f in expected.findings if f.severity == severity]
        assert [(i.text(0), i.text(1)) for i in items] == [(f.rule_id, f.message) for f in want]
        assert (
            group(panel, severity.value).text(0) == f"{severity.value.capitalize()} ({len(want)})"
        )
        assert all(html.escape(want[n].title) in items[n].toolTip(0) for n in range(len(want)))
    assert rows(panel, WAIVED_GROUP) == []
    assert rows(panel, STALE_GROUP) == []


def test_edit_revalidates_after_the_debounce(qtbot: Any, panel: FindingsPanel) -> None:
    before = panel.report
    assert any(f.rule_id == "SEED-INV" and sid("prod") in f.subjects for f in before.findings)
    panel._controller.update(sid("prod"), owner="payments", purpose="card processing")
    assert panel.report is before  # debounced: nothing yet
    with qtbot.waitSignal(panel.report_changed, timeout=2000) as blocker:
        pass
    report = blocker.args[0]
    assert report is panel.report
    assert not any(f.rule_id == "SEED-INV" and sid("prod") in f.subjects for f in report.findings)
    assert panel.counts() == validate(panel._controller.design).counts()


def test_several_edits_give_one_validation(qtbot: Any, panel: FindingsPanel) -> None:
    reports: list[Report] = []
    panel.report_changed.connect(reports.append)
    for owner in ("a", "b", "c"):
        panel._controller.update(sid("prod"), owner=owner)
    qtbot.wait(900)
    assert len(reports) == 1


def test_reset_revalidates_at_once(panel: FindingsPanel) -> None:
    reports: list[Report] = []
    panel.report_changed.connect(reports.append)
    identity = load_template("identity")
    panel._controller.load(identity, None)
    assert panel.report.findings == []  # the old design's findings are gone at once
    assert panel.validating
    assert panel.wait()
    assert len(reports) == 1
    assert panel.counts() == validate(identity).counts()


def test_selecting_a_finding_focuses_its_subjects(
    panel: FindingsPanel, selection: SelectionModel
) -> None:
    focused: list[list[str]] = []
    selection.focus_requested.connect(focused.append)
    finding = first(panel.report, "IAM-10")  # names the three accounts
    panel.tree.setCurrentItem(row_for(panel, Severity.CRITICAL.value, finding))
    assert focused == [list(finding.subjects)]
    assert selection.ids == list(finding.subjects)
    text = panel.details.toPlainText()
    for part in (finding.title, "Critical", finding.message, "Why", "Fix", "References"):
        assert part in text
    assert panel.waive_button.isEnabled()

    panel.tree.setCurrentItem(group(panel, Severity.HIGH.value))  # a group: nothing to waive
    assert not panel.waive_button.isEnabled()
    assert len(focused) == 1


def test_focus_skips_subjects_no_longer_in_the_design(
    panel: FindingsPanel, selection: SelectionModel
) -> None:
    focused: list[list[str]] = []
    selection.focus_requested.connect(focused.append)
    gone = Finding("IAM-10", Severity.CRITICAL, "t", "m", (sid("prod"), sid("deleted")))
    panel._show_report(Report([gone], [], []))
    panel.tree.setCurrentItem(rows(panel, Severity.CRITICAL.value)[0])
    assert focused == [[sid("prod")]]


def test_details_escape_user_names(panel: FindingsPanel) -> None:
    panel._controller.update(sid("prod"), name="<b>x</b>")
    panel.revalidate()
    assert panel.wait()
    finding = first(panel.report, "SEED-INV", sid("prod"))
    item = row_for(panel, finding.severity.value, finding)
    panel.tree.setCurrentItem(item)
    assert "'<b>x</b>'" in panel.details.toPlainText()
    assert "&lt;b&gt;x&lt;/b&gt;" in item.toolTip(1)


def test_references_are_links(panel: FindingsPanel) -> None:
    finding = next(
        f
        for f in panel.report.findings
        if any("https://" in r for r in panel._rules[f.rule_id].references)
    )
    panel.tree.setCurrentItem(row_for(panel, finding.severity.value, finding))
    assert panel.details.openExternalLinks()
    assert '<a href="https://' in panel.details.toHtml()


def test_waive_moves_the_finding_and_undo_brings_it_back(
    qtbot: Any, panel: FindingsPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("because", True))
    controller = panel._controller
    finding = first(panel.report, "IAM-10")
    panel.tree.setCurrentItem(row_for(panel, Severity.CRITICAL.value, finding))
    critical = panel.counts()[Severity.CRITICAL]

    panel.waive_button.click()

    assert panel.counts()[Severity.CRITICAL] == critical - 1
    waived = row_for(panel, WAIVED_GROUP, finding)
    assert waived.isSelected()  # the selection follows the finding into the Waived group
    assert not panel.waive_button.isEnabled()
    assert "because" in panel.details.toPlainText()
    assert {w.justification for w in controller.design.waivers} == {"because"}
    assert controller.undo_stack.count() == 1

    controller.undo_stack.undo()
    with qtbot.waitSignal(panel.report_changed, timeout=2000):
        pass
    assert rows(panel, WAIVED_GROUP) == []
    row_for(panel, Severity.CRITICAL.value, finding)
    assert panel.counts()[Severity.CRITICAL] == critical


@pytest.mark.parametrize(
    ("answer", "message"),
    [("   ", "a waiver needs a justification"), ("x" * 201, "at most 200 characters")],
)
def test_refused_waiver_warns_and_changes_nothing(
    panel: FindingsPanel, monkeypatch: pytest.MonkeyPatch, answer: str, message: str
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: (answer, True))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    panel.tree.setCurrentItem(row_for(panel, "critical", first(panel.report, "IAM-10")))
    panel.waive_button.click()
    assert len(warnings) == 1
    assert message in warnings[0]
    assert "\n" not in warnings[0]
    assert panel._controller.design.waivers == []
    assert panel._controller.undo_stack.count() == 0


def test_cancelled_waiver_does_nothing(
    panel: FindingsPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("because", False))
    panel.tree.setCurrentItem(row_for(panel, "critical", first(panel.report, "IAM-10")))
    panel.waive_button.click()
    assert panel._controller.undo_stack.count() == 0


def test_a_waiver_whose_finding_is_fixed_shows_as_stale(
    panel: FindingsPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("later", True))
    finding = first(panel.report, "SEED-INV", sid("prod"))
    panel.tree.setCurrentItem(row_for(panel, finding.severity.value, finding))
    panel.waive_button.click()
    panel._controller.update(sid("prod"), owner="payments", purpose="card processing")
    panel.revalidate()
    assert panel.wait()
    stale = rows(panel, STALE_GROUP)
    assert [i.text(0) for i in stale] == ["SEED-INV"]
    panel.tree.setCurrentItem(stale[0])
    assert "Stale waiver" in panel.details.toPlainText()
    assert not panel.waive_button.isEnabled()


def test_filter_narrows_rows(panel: FindingsPanel) -> None:
    total = len(panel.report.findings)
    panel.filter_edit.setText("scp-0")
    shown = [i for key in GROUP_ORDER for i in rows(panel, key, visible_only=True)]
    assert 0 < len(shown) < total
    assert all(i.text(0).startswith("SCP-0") for i in shown)
    assert group(panel, Severity.LOW.value).isHidden()  # no SCP finding is low
    assert group(panel, Severity.HIGH.value).text(0).startswith("High (")
    assert " of " in group(panel, Severity.HIGH.value).text(0)

    panel.filter_edit.setText("root mfa")  # message text matches too
    shown = [i for key in GROUP_ORDER for i in rows(panel, key, visible_only=True)]
    assert [i.text(0) for i in shown] == ["IAM-10"]

    panel.filter_edit.clear()
    assert sum(len(rows(panel, k, visible_only=True)) for k in GROUP_ORDER) == total


def test_worst_severity_by_subject_matches_findings(panel: FindingsPanel) -> None:
    worst = panel.worst_severity_by_subject()
    findings = validate(panel._controller.design).findings
    named = {s for f in findings for s in f.subjects}
    assert set(worst) == named
    for subject, severity in worst.items():
        assert severity.rank == max(f.severity.rank for f in findings if subject in f.subjects)
    assert worst[sid("prod")] == Severity.CRITICAL  # IAM-10 names it
    assert worst[sid("bill-prod")] == Severity.LOW  # only SEED-DOC names that edge
