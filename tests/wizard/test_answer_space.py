"""Every combination of answers gives a design that validates with no critical or high finding.

The eight whitepaper questions are tried in all 256 combinations; with the sizing answers the
space is too large, so a pairwise-covering sample of it is tried (every answer of every
question meets every answer of every other question at least once).
"""

from __future__ import annotations

import itertools

import pytest

from designer.model import Design, check_design, new_id
from designer.model.answers import Answers
from designer.rules import Severity, validate
from designer.wizard.build import build_design
from tests.helpers.pairwise import pairwise
from tests.wizard.answer_space import QUESTIONS, SPACE, answers_from, sample

SERIOUS = {Severity.CRITICAL, Severity.HIGH}


def serious_findings(design: Design) -> list[str]:
    return [f"{f.rule_id}: {f.message}" for f in validate(design).findings if f.severity in SERIOUS]


def test_the_sample_covers_every_pair_of_answers() -> None:
    rows = pairwise(SPACE)
    for (p, values_p), (q, values_q) in itertools.combinations(SPACE.items(), 2):
        seen = {(repr(r[p]), repr(r[q])) for r in rows}
        wanted = {(repr(a), repr(b)) for a in values_p for b in values_q}
        assert wanted <= seen, (p, q)
    assert len(rows) < 60  # a sample, not the product (which is over 10 million)


@pytest.mark.parametrize("answers", sample(), ids=lambda a: "row")
def test_every_sampled_combination_validates_clean(answers: Answers) -> None:
    design = build_design(answers, new_id())
    assert check_design(design) == []
    assert serious_findings(design) == []


def test_all_256_answers_to_the_eight_questions_validate_clean() -> None:
    failures: dict[tuple[bool, ...], list[str]] = {}
    for combo in itertools.product([True, False], repeat=len(QUESTIONS)):
        answers = Answers.model_validate(dict(zip(QUESTIONS, combo, strict=True)))
        found = serious_findings(build_design(answers, new_id()))
        if found:
            failures[combo] = found
    assert failures == {}


def test_the_same_answers_and_seed_give_the_same_design() -> None:
    answers = answers_from(pairwise(SPACE)[3])
    seed = new_id()
    assert build_design(answers, seed) == build_design(answers, seed)
    assert build_design(answers, seed).id == seed


# What answering "no" (blast radius, recovery isolation) or leaving out a sandbox costs: the
# findings tell the architect so. Nothing else may raise even a medium finding.
COST_OF_NO = {"ORG-05", "ORG-06", "LOG-09"}


def medium_rules(design: Design) -> set[str]:
    return {f.rule_id for f in validate(design).findings if f.severity == Severity.MEDIUM}


@pytest.mark.parametrize("answers", sample(), ids=lambda a: "row")
def test_medium_findings_only_tell_what_a_no_costs(answers: Answers) -> None:
    found = medium_rules(build_design(answers, new_id()))
    assert found <= COST_OF_NO
    full = answers.blast_radius_isolation and answers.recovery_audit_isolation
    if full and "sandbox" in answers.environments:
        assert found == set()
