"""The findings panel shows how a rule concluded: the evidence of the selected finding (a path's
hops, the policy read), and for an out-of-scope note the findings it stands for."""

from __future__ import annotations

from typing import Any

import pytest

from designer.gui.controller import DesignController
from designer.gui.panels.findings import FindingsPanel
from designer.gui.selection import SelectionModel
from designer.model import Design
from designer.model.templates import load_template
from designer.rules import Finding, Report, Severity
from designer.rules.out_of_scope import SCOPE_RULE_ID
from tests.rules.corpus.kit import Kit

pytestmark = pytest.mark.gui

HOPS = (
    "'Developer Sandbox' -> 'Retail Development': role 'DeployRole' (service-admin)",
    "'Retail Development' -> 'Retail Production': role '<Admin>' (administrator)",
)


def make_panel(qtbot: Any, design: Design) -> FindingsPanel:
    panel = FindingsPanel(DesignController(design), SelectionModel())
    qtbot.addWidget(panel)
    assert panel.wait()
    return panel


def select(panel: FindingsPanel, finding: Finding) -> str:
    """Select the finding's row as a click does; the details' plain text."""
    tree = panel.tree
    groups = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    for group in filter(None, groups):
        for row in filter(None, (group.child(j) for j in range(group.childCount()))):
            if (row.text(0), row.text(1)) == (finding.rule_id, finding.message):
                tree.setCurrentItem(row)
                return panel.details.toPlainText()
    raise AssertionError(f"{finding.rule_id} {finding.message!r} is not shown")


def test_a_path_finding_shows_its_hops_in_order_escaped(qtbot: Any) -> None:
    panel = make_panel(qtbot, load_template("reference-landing-zone"))
    finding = Finding(
        "IAM-15", Severity.HIGH, "A path", "the sandbox reaches production admin", (), HOPS
    )
    panel._show_report(Report([finding], [], []))
    text = select(panel, finding)
    assert "Evidence" in text
    first, second = (text.index(hop) for hop in HOPS)
    assert first < second
    assert "&lt;Admin&gt;" in panel.details.toHtml()  # user text shown, not obeyed
    for part in ("Why", "Fix", "References"):  # the rule's rationale and remediation stay
        assert part in text


def test_a_finding_without_evidence_shows_nothing_extra(qtbot: Any) -> None:
    panel = make_panel(qtbot, load_template("reference-landing-zone"))
    finding = Finding("IAM-15", Severity.LOW, "A party", "a vendor reads production", ())
    panel._show_report(Report([finding], [], []))
    text = select(panel, finding)
    assert "Evidence" not in text
    assert "Not counted" not in text


def test_an_out_of_scope_note_lists_the_findings_it_stands_for(qtbot: Any) -> None:
    panel = make_panel(qtbot, Kit().covers("organization", "identity").build())
    notes = [f for f in panel.report.findings if f.rule_id == SCOPE_RULE_ID]
    assert notes, "the landing zone's logging findings should be outside this scope"
    note = notes[0]
    text = select(panel, note)
    assert f"Not counted ({len(note.evidence)})" in text
    for line in note.evidence:
        assert line in text
    assert "Covers" in text  # how to count them after all
