"""The templates as model answers: the landing zone is clean; partial structures show only
what is true of a partial structure (it lacks the other structures' accounts and guardrails)."""

from __future__ import annotations

import pytest

from designer.model.templates import load_template
from designer.rules import Severity, validate

# What a partial structure lacks by construction, and the rules that say so.
NO_SCPS = {"SCP-01", "SCP-02", "SCP-03", "SCP-04", "SCP-05", "SCP-06", "SCP-09"}
NO_LANDING_ZONE_OUS = {"ORG-05"}  # no Sandbox / Suspended OU, prod and non-prod share an OU
NO_LOGGING = {"LOG-01", "LOG-05"}
NO_SECURITY_ACCOUNT = {"SEED-SECSTRUCT", "ORG-09"}
ADVISORY = {"DEP-01", "GRAPH-01", "LOG-08"}  # info / low notes true of any such design
NO_LOG_ARCHIVE_SCP = {"SCP-10"}  # log buckets in a member account, no SCP guarding them

EXPECTED = {
    # A low note: the monitoring vendor reads production (external access to review).
    "reference-landing-zone": {"IAM-15"},
    "identity": NO_SCPS | NO_LANDING_ZONE_OUS | NO_LOGGING | NO_SECURITY_ACCOUNT,
    "publishing": NO_SCPS | NO_LANDING_ZONE_OUS | NO_LOGGING | NO_SECURITY_ACCOUNT,
    "central-it": NO_SCPS | NO_LANDING_ZONE_OUS | NO_LOGGING | NO_SECURITY_ACCOUNT,
    "logging": NO_SCPS | NO_LANDING_ZONE_OUS | NO_SECURITY_ACCOUNT | NO_LOG_ARCHIVE_SCP,
    # Its audit role exists but no SCP protects it, as no SCP exists at all. Its analysts and
    # engineers sign in (IAM Identity Center) to the account that also holds the log buckets:
    # the hybrid's trade-off, which LOG-12 names (medium for a federation).
    "information-security": NO_SCPS
    | NO_LANDING_ZONE_OUS
    | {"SCP-08", "LOG-12"}
    | NO_LOG_ARCHIVE_SCP,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_template_findings_are_those_of_its_structure(name: str) -> None:
    report = validate(load_template(name))
    found = {f.rule_id for f in report.findings}
    assert found - ADVISORY == EXPECTED[name]
    assert not report.waived
    assert not report.stale_waivers


def test_reference_landing_zone_has_no_critical_or_high_finding() -> None:
    report = validate(load_template("reference-landing-zone"))
    assert report.at_or_above(Severity.MEDIUM) == []
    assert {f.severity for f in report.findings} <= {Severity.LOW, Severity.INFO}


def test_partial_structure_messages_name_real_accounts() -> None:
    design = load_template("identity")
    names = {a.name for a in design.accounts}
    report = validate(design)
    logs = next(f for f in report.findings if f.rule_id == "LOG-05")
    assert all(f"'{n}'" in logs.message for n in names)
    assert set(logs.subjects) == {a.id for a in design.accounts}
