"""DEP-01: resources the management account needs outside service-managed StackSets."""

from __future__ import annotations

from designer.model.templates import load_template
from designer.rules import Severity, validate
from tests.rules.builder import Builder, messages, run_rule


def test_management_resources_need_their_own_stack() -> None:
    b = Builder()
    b.account("Audit", "security-tooling")
    b.account("Logs", "log-archive")
    b.idp("Corp")
    audit = b.trust("Audit", "Management", "security-audit")
    outgoing = b.trust("Management", "Audit", principal_scope="role", principal_role_name="Ops")
    b.trust("Management", "Logs")  # the role lives in Logs: nothing needed in management
    trail = b.logs("org", "Logs", "cloudtrail")  # the organization trail covers management
    sign_in = b.federation("Corp", "Management")
    bucket = b.bucket("mgmt-logs", "Management")
    delegation = b.delegate("Audit", "guardduty.amazonaws.com")
    found = run_rule(b.build(), "DEP-01")
    assert [f.message for f in found] == [
        "management account 'Management' needs a separate stack for 2 trust roles, "
        "1 log-delivery configuration, 1 identity-provider federation, 1 log bucket and "
        "1 delegated-admin registration"
    ]
    assert found[0].severity == Severity.INFO
    assert found[0].subjects == (
        b.id("Management"),
        audit,
        outgoing,
        trail,
        sign_in,
        bucket,
        delegation,
    )


def test_nothing_in_management_needs_no_stack() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.trust("Management", "Logs")
    b.logs("Logs", "Logs", "cloudtrail")
    b.bill("Logs")
    assert messages(b.build(), "DEP-01") == []


def test_odd_designs() -> None:
    assert messages(Builder(management=False).build(), "DEP-01") == []
    no_management = Builder(management=False)
    no_management.account("Payer", "management")
    no_management.account("Logs", "log-archive")
    no_management.logs("Payer", "Logs", "cloudtrail")
    assert messages(no_management.build(), "DEP-01") == []


def test_reference_landing_zone_lists_its_management_stack() -> None:
    found = [
        f
        for f in validate(load_template("reference-landing-zone")).findings
        if f.rule_id == "DEP-01"
    ]
    assert [f.message for f in found] == [
        "management account 'Management' needs a separate stack for 2 trust roles, "
        "2 log-delivery configurations and 3 delegated-admin registrations"
    ]
    assert found[0].severity == Severity.INFO
