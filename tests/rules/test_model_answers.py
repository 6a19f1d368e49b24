"""The templates as model answers: the landing zone is clean; partial structures show only
what is true of a partial structure (it lacks the other structures' accounts and guardrails)."""

from __future__ import annotations

import pytest

from designer.model.templates import load_template
from designer.model.vocabulary import STRUCTURE_LABELS, Structure
from designer.rules import Severity, validate
from designer.rules.out_of_scope import SCOPE_RULE_ID

# What a partial structure lacks by construction is outside its scope (Design.covers): one info
# note per structure left out, naming the rules it folds. What remains is about what it shows.
NO_LANDING_ZONE_OUS = {"ORG-05"}  # no Sandbox / Suspended OU, prod and non-prod share an OU
ADVISORY = {"DEP-01", "GRAPH-01", "LOG-08"}  # info / low notes true of any such design

EXPECTED = {
    # A low note: the monitoring vendor reads production (external access to review).
    "reference-landing-zone": ({"IAM-15"}, set()),
    "identity": (NO_LANDING_ZONE_OUS, {"guardrails", "security", "logging"}),
    "publishing": (NO_LANDING_ZONE_OUS, {"guardrails", "security", "logging"}),
    "central-it": (NO_LANDING_ZONE_OUS, {"guardrails", "security", "logging"}),
    "logging": (NO_LANDING_ZONE_OUS, {"guardrails", "security"}),
    # The logging notes: its analysts and engineers sign in (IAM Identity Center) to the account
    # that also holds the log buckets, the hybrid's trade-off, which LOG-12 names.
    "information-security": (NO_LANDING_ZONE_OUS, {"guardrails", "logging"}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_template_findings_are_those_of_its_structure(name: str) -> None:
    report = validate(load_template(name))
    found = {f.rule_id for f in report.findings} - {SCOPE_RULE_ID}
    in_scope, left_out = EXPECTED[name]
    assert found - ADVISORY == in_scope
    notes = [f for f in report.findings if f.rule_id == SCOPE_RULE_ID]
    assert {f.message.split(" is outside")[0] for f in notes} == {
        STRUCTURE_LABELS[Structure(s)] for s in left_out
    }
    assert all(f.severity == Severity.INFO for f in notes)
    assert not report.waived
    assert not report.stale_waivers


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_template_shows_nothing_critical_or_high_about_what_it_leaves_out(name: str) -> None:
    assert validate(load_template(name)).at_or_above(Severity.HIGH) == []


def test_what_a_partial_template_leaves_out_is_still_named_in_its_note() -> None:
    design = load_template("identity")
    report = validate(design)
    note = next(f for f in report.findings if f.message.startswith("Logging account"))
    assert "(LOG-01, LOG-05)" in note.message
    assert "up to critical" in note.message
    assert any(line.startswith("LOG-01 (critical): ") for line in note.evidence)
    # Said to cover everything, the same design reports the missing log archive as before.
    whole = validate(design.model_copy(update={"covers": None}))
    assert {"LOG-01", "LOG-05"} <= {f.rule_id for f in whole.at_or_above(Severity.HIGH)}


def test_reference_landing_zone_has_no_critical_or_high_finding() -> None:
    report = validate(load_template("reference-landing-zone"))
    assert report.at_or_above(Severity.MEDIUM) == []
    assert {f.severity for f in report.findings} <= {Severity.LOW, Severity.INFO}


def test_partial_structure_messages_name_real_accounts() -> None:
    design = load_template("identity").model_copy(update={"covers": None})
    names = {a.name for a in design.accounts}
    report = validate(design)
    logs = next(f for f in report.findings if f.rule_id == "LOG-05")
    assert all(f"'{n}'" in logs.message for n in names)
    assert set(logs.subjects) == {a.id for a in design.accounts}
