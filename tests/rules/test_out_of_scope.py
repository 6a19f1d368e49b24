"""Findings about structures a design leaves out: folded into one info note per structure."""

from __future__ import annotations

import datetime as dt

from designer.model import Design, Waiver
from designer.model.templates import load_template
from designer.model.vocabulary import Structure
from designer.rules import Severity, all_rules, apply_waivers, validate
from designer.rules.out_of_scope import SCOPE_RULE_ID


def _design(covers: list[Structure] | None) -> Design:
    return load_template("identity").model_copy(update={"covers": covers})


def test_every_rule_is_about_a_structure_or_about_any_design() -> None:
    about = {r.id: r.structure for r in all_rules()}
    assert about["LOG-01"] == Structure.LOGGING
    assert about["SCP-01"] == Structure.GUARDRAILS
    assert about["ORG-09"] == Structure.SECURITY  # an organization rule about security services
    assert about["GRAPH-06"] is None  # admin in the management account matters to any design


def test_a_finding_about_a_covered_structure_is_never_folded() -> None:
    whole = validate(_design(None))
    partial = validate(_design([Structure.ORGANIZATION, Structure.IDENTITY]))
    kept = {(f.rule_id, f.message) for f in partial.findings if f.rule_id != SCOPE_RULE_ID}
    expected = {
        (f.rule_id, f.message)
        for f in whole.findings
        if not f.rule_id.startswith(("LOG", "SCP"))
        and f.rule_id not in ("ORG-09", "SEED-SECSTRUCT")
    }
    assert kept == expected
    folded = {(f.rule_id, f.message) for f in partial.folded}
    assert folded == {(f.rule_id, f.message) for f in whole.findings} - expected


def test_each_left_out_structure_is_one_info_note_with_its_findings_as_evidence() -> None:
    whole = validate(_design(None))
    partial = validate(_design([Structure.ORGANIZATION, Structure.IDENTITY]))
    notes = [f for f in partial.findings if f.rule_id == SCOPE_RULE_ID]
    assert [n.severity for n in notes] == [Severity.INFO] * 3
    evidence = sorted(line for n in notes for line in n.evidence)
    logged = sorted(
        f"{f.rule_id} ({f.severity.value}): {f.message}"
        for f in whole.findings
        if f.rule_id.startswith(("LOG", "SCP")) or f.rule_id in ("ORG-09", "SEED-SECSTRUCT")
    )
    assert evidence == logged
    assert partial.at_or_above(Severity.HIGH) == []
    assert len(whole.at_or_above(Severity.HIGH)) == 8  # 1 critical and 7 high said before


def test_a_waiver_for_a_left_out_finding_still_waives_it() -> None:
    design = _design([Structure.ORGANIZATION, Structure.IDENTITY])
    org = design.organization.id
    design.waivers.append(
        Waiver(
            rule_id="LOG-01",
            subject=org,
            justification="logging is designed elsewhere",
            author="lead@example.com",
            date=dt.date(2026, 12, 3),
        )
    )
    report = validate(design)
    assert [w.finding.rule_id for w in report.waived] == ["LOG-01"]
    assert not report.stale_waivers
    assert apply_waivers(design, report) == report
