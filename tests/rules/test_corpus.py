"""The validator against the planted-flaw corpus (tests/rules/corpus/): recall on realistic
flaws, no false alarm on legitimate designs, every rule caught once and spared once.

The recall test prints a table of what was missed, so a drop is explained, not just counted."""

from __future__ import annotations

from functools import cache

import pytest

from designer.model import Design, check_design
from designer.rules import Report, Severity, all_rules, validate
from tests.rules.corpus import flaws, legitimate, near_misses
from tests.rules.corpus.kit import Flaw, Kit, NearMiss

MIN_RECALL = 0.95
MIN_FLAWS = 100
MIN_LEGITIMATE = 15
HIGH = Severity.HIGH.rank


@cache
def _report(build: object) -> tuple[Design, Report]:
    design = build()  # type: ignore[operator]
    assert not check_design(design)
    return design, validate(design)


def caught(case: Flaw) -> tuple[bool, str]:
    """Whether a finding of the expected rule names the subject at the least severity."""
    design, report = _report(case.build)
    subject = Kit(design).id(case.subject)
    same_rule = [f for f in report.findings if f.rule_id == case.rule]
    naming = [f for f in same_rule if subject in f.subjects]
    if any(f.severity.rank >= case.severity.rank for f in naming):
        return True, ""
    if naming:
        return False, f"{case.rule} names it only at {naming[0].severity.value}"
    if same_rule:
        return False, f"{case.rule} fires but names other subjects: {same_rule[0].message}"
    found = sorted({f.rule_id for f in report.at_or_above(Severity.MEDIUM)})
    return False, f"{case.rule} silent (medium or worse: {', '.join(found) or 'none'})"


def test_the_corpus_is_large_enough_and_well_formed() -> None:
    cases = flaws(blind=True)
    assert len(cases) >= MIN_FLAWS, len(cases)
    assert len(legitimate()) >= MIN_LEGITIMATE, len(legitimate())
    names = [c.name for c in flaws()] + [c.name for c in legitimate()]
    assert len(names) == len(set(names)), "case names are unique"
    known = {r.id for r in all_rules()}
    assert {c.rule for c in flaws()} <= known
    assert {c.rule for c in near_misses()} <= known


def test_recall_on_planted_flaws_is_at_least_95_percent() -> None:
    cases = flaws(blind=True)
    missed = [(c, why) for c in cases for hit, why in [caught(c)] if not hit]
    recall = 1 - len(missed) / len(cases)
    table = "\n".join(f"  {c.name}: expected {c.rule} on {c.subject!r}: {why}" for c, why in missed)
    print(f"\ncorpus recall {recall:.1%} ({len(cases) - len(missed)}/{len(cases)})\n{table}")
    assert recall >= MIN_RECALL, f"recall {recall:.1%} below {MIN_RECALL:.0%}:\n{table}"


def test_no_legitimate_design_raises_a_high_or_critical_finding() -> None:
    alarms = []
    for case in legitimate():
        _, report = _report(case.build)
        alarms += [
            f"{case.name}: {f.rule_id} {f.message}" for f in report.at_or_above(Severity.HIGH)
        ]
    print(f"\nfalse high or critical findings: {len(alarms)} in {len(legitimate())} designs")
    assert not alarms, "\n".join(alarms)


def test_every_rule_is_caught_once_and_spared_once() -> None:
    rules = {r.id for r in all_rules()}
    caught_rules = {c.rule for c in flaws() if caught(c)[0]}
    spared = {c.rule for c in near_misses()}
    assert not rules - caught_rules, f"no planted flaw caught by: {sorted(rules - caught_rules)}"
    assert not rules - spared, f"no near miss for: {sorted(rules - spared)}"


@pytest.mark.parametrize("case", near_misses(), ids=lambda c: f"{c.rule}:{c.name}")
def test_near_miss_is_not_reported(case: NearMiss) -> None:
    design, report = _report(case.build)
    fired = [f for f in report.findings if f.rule_id == case.rule]
    if case.subject is not None:
        subject = Kit(design).id(case.subject)
        fired = [f for f in fired if subject in f.subjects]
    assert not fired, [f.message for f in fired]
