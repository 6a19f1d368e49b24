"""validate_in_steps: the findings panel's streamed validation ends where validate() does."""

from __future__ import annotations

import datetime as dt

import pytest

from designer.model import Design, Waiver
from designer.model.templates import load_template
from designer.rules import Report, all_rules, apply_waivers, validate, validate_in_steps
from designer.rules.runner import rule_groups
from tests.helpers.factories import sid, small_design


def _waiver(rule_id: str, subject: str) -> Waiver:
    return Waiver(
        rule_id=rule_id,
        subject=subject,
        justification="accepted for the pilot",
        author="lead@example.com",
        date=dt.date(2026, 11, 27),
    )


def _waived_design() -> Design:
    design = small_design()
    design.waivers += [
        _waiver("SEED-INV", sid("prod")),  # matches a finding
        _waiver("GRAPH-02", sid("prod")),  # matches nothing: stale, but only once GRAPH ran
    ]
    return design


@pytest.mark.parametrize(
    "make_design", [small_design, _waived_design, lambda: load_template("reference-landing-zone")]
)
def test_the_last_step_is_validate(make_design: object) -> None:
    design = make_design()  # type: ignore[operator]
    steps = list(validate_in_steps(design))
    assert [s.done for s in steps] == list(range(1, len(steps) + 1))
    assert all(s.total == len(steps) for s in steps)
    assert [s.last for s in steps] == [False] * (len(steps) - 1) + [True]
    assert steps[-1].report == validate(design)
    assert steps[-1].ran == {r.id for r in all_rules()}


def test_each_step_holds_the_findings_of_the_rules_run_so_far() -> None:
    design = _waived_design()
    full = validate(design)
    groups = rule_groups()
    assert sorted(r.id for g in groups for r in g) == sorted(r.id for r in all_rules())
    assert all(len({r.category for r in g}) == 1 for g in groups)
    for step in validate_in_steps(design):
        assert {f.rule_id for f in step.report.findings} <= step.ran
        assert [f for f in full.findings if f.rule_id in step.ran] == step.report.findings
        assert [w for w in full.waived if w.finding.rule_id in step.ran] == step.report.waived
        # A waiver is called stale only once its rule has run.
        assert {w.rule_id for w in step.report.stale_waivers} <= step.ran
    assert [w.rule_id for w in full.stale_waivers] == ["GRAPH-02"]


def test_a_step_over_an_older_report_keeps_the_findings_of_rules_not_run_yet() -> None:
    design = small_design()
    old = validate(design)
    first = next(iter(validate_in_steps(design)))
    shown = first.over(old)
    assert sorted(map(repr, shown.findings)) == sorted(map(repr, old.findings))
    empty = first.over(Report([], [], []))
    assert empty.findings == first.report.findings


def test_apply_waivers_again_is_what_validate_says() -> None:
    design = small_design()
    before = validate(design)
    design.waivers.append(_waiver("SEED-INV", sid("prod")))
    assert apply_waivers(design, before) == validate(design)
    design.waivers.clear()
    assert apply_waivers(design, validate(_waived_design())) == before


def test_a_partial_design_ends_where_validate_does_and_folds_each_step() -> None:
    design = load_template("identity")
    assert design.covers is not None
    steps = list(validate_in_steps(design))
    assert steps[-1].report == validate(design)
    assert steps[-1].report.folded  # the left-out structures' findings are kept for waivers
    previous = validate(design)
    for step in steps:
        shown = step.over(previous)
        notes = [f for f in shown.findings if f.rule_id == "SCOPE"]
        assert len(notes) == len({f.message.split(" is outside")[0] for f in notes})
    again = apply_waivers(design, previous)
    assert again == previous
