"""SEED-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

import pytest

from designer.model import ObjectLock
from designer.model.templates import load_template, template_paths
from designer.model.vocabulary import Structure
from designer.rules import Severity, validate
from designer.rules.engine import REGISTRY
from designer.rules.registry import all_rules
from tests.rules.builder import Builder, messages, run_rule
from tests.rules.corpus.kit import Kit

R3_RULES = {"SCP-11", "SCP-12", "SCP-13", "ORG-11", "ORG-12", "ORG-13", "ORG-14"}


def test_inventory_needs_owner_purpose_email() -> None:
    b = Builder()
    b.account("Prod", owner="", purpose="payments", email=None)
    assert messages(b.build(), "SEED-INV") == ["account 'Prod' has no owner, no root e-mail"]
    good = Builder()
    good.account("Prod")
    assert messages(good.build(), "SEED-INV") == []


def test_usage_policy_defined() -> None:
    b = Builder()
    b.design.usage_policy = b.design.usage_policy.model_copy(
        update={"allowed_regions": ["eu-west-1"]}
    )
    assert messages(b.build(), "SEED-USAGE") == [
        "the usage policy lists no approved services, no required encryption"
    ]
    b.design.usage_policy = b.design.usage_policy.model_copy(
        update={"approved_services": ["ec2"], "required_encryption": ["EBS by default"]}
    )
    assert messages(b.build(), "SEED-USAGE") == []


def test_security_structure_needs_an_auditor_with_roles() -> None:
    b = Builder()
    b.account("Prod")
    assert "no account has the security-tooling" in messages(b.build(), "SEED-SECSTRUCT")[0]
    b.account("Audit", "security-tooling")
    assert "has no read-only or security-audit role" in messages(b.build(), "SEED-SECSTRUCT")[0]
    b.trust("Audit", "Prod", "security-audit")
    assert messages(b.build(), "SEED-SECSTRUCT") == []


def test_billing_account_not_used_for_security() -> None:
    b = Builder()
    b.account("Prod")
    b.logs("Prod", "Management", "cloudtrail")
    b.trust("Management", "Prod", "administrator")
    found = run_rule(b.build(), "SEED-BILLING")
    assert [f.message for f in found] == [
        "logs of 'Prod' are stored in the management account",
        "management account 'Management' is an identity hub: it holds admin roles in 'Prod'",
    ]
    assert b.id("Management") in found[0].subjects
    good = Builder()
    good.account("Prod")
    good.trust("Management", "Prod", "read-only")
    assert messages(good.build(), "SEED-BILLING") == []


def test_isolation_of_workloads() -> None:
    b = Builder()
    b.ou("Prod")
    b.ou("Dev")
    b.account("Mixed", "workload", "log-archive")
    b.account("Staging", parent="Prod", environment="non-production")
    b.account("Live", parent="Dev", environment="production")
    assert messages(b.build(), "SEED-ISOLATION") == [
        "account 'Mixed' runs workloads and is also log-archive",
        "non-production account 'Staging' sits in a production OU",
        "production account 'Live' sits in a non-production OU",
    ]
    good = Builder()
    good.ou("Prod")
    good.account("Live", parent="Prod", environment="production")
    assert messages(good.build(), "SEED-ISOLATION") == []


def test_audit_data_apart_from_workloads() -> None:
    b = Builder()
    b.account("App", runs_workloads=True)
    b.account("Other")
    b.logs("Other", "App", "cloudtrail")
    assert messages(b.build(), "SEED-AUDITDATA") == [
        "audit logs of 'Other' go to 'App', which runs workloads"
    ]
    good = Builder()
    good.account("App", runs_workloads=True)
    good.account("Logs", "log-archive")
    good.logs("App", "Logs", "cloudtrail", "config")
    good.logs("App", "App", "elb")  # not audit data
    assert messages(good.build(), "SEED-AUDITDATA") == []


def test_log_bucket_protection() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("open-logs", "Logs")
    b.bucket("unused-logs", "Logs")
    b.logs("Management", "Logs", "cloudtrail", bucket="open-logs")
    assert messages(b.build(), "SEED-LOGPROTECT") == [
        "log bucket 'open-logs' has neither Object Lock nor MFA Delete"
    ]
    good = Builder()
    good.account("Logs", "log-archive")
    good.bucket("worm-logs", "Logs", object_lock=ObjectLock(mode="COMPLIANCE", retention_days=9))
    good.logs("Management", "Logs", "cloudtrail", bucket="worm-logs")
    assert messages(good.build(), "SEED-LOGPROTECT") == []


def test_relationships_documented() -> None:
    b = Builder()
    b.account("Prod")
    b.trust("Management", "Prod", role_name="Ops", purpose=" ")
    assert messages(b.build(), "SEED-DOC") == [
        "role 'Ops' ('Management' -> 'Prod') has no stated purpose"
    ]
    b.design.relationships[0] = b.design.relationships[0].model_copy(update={"purpose": "ops"})
    assert messages(b.build(), "SEED-DOC") == []


def test_inventory_names_are_unique() -> None:
    b = Builder()
    b.account("Prod")
    b.account("prod ", email="other@example.com")
    assert messages(b.build(), "SEED-INV") == ["2 accounts are called 'Prod'"]


# -- what SEED rules are about, and what they must leave alone ---------------------------------
SEED_STRUCTURES = {
    "SEED-INV": Structure.ORGANIZATION,
    "SEED-USAGE": Structure.ORGANIZATION,
    "SEED-SECSTRUCT": Structure.SECURITY,
    "SEED-BILLING": Structure.ORGANIZATION,
    "SEED-ISOLATION": Structure.ORGANIZATION,
    "SEED-AUDITDATA": Structure.LOGGING,
    "SEED-LOGPROTECT": Structure.LOGGING,
    "SEED-DOC": None,  # every relationship of any structure
}


def test_seed_rules_name_the_structure_they_are_about() -> None:
    all_rules()
    seeds = {r.id: r.structure for r in REGISTRY.values() if r.id.startswith("SEED-")}
    assert seeds == SEED_STRUCTURES


@pytest.mark.parametrize("name", sorted(set(template_paths()) - {"reference-landing-zone"}))
def test_partial_templates_raise_no_seed_finding_about_what_they_leave_out(name: str) -> None:
    design = load_template(name)
    report = validate(design)
    covered = set(design.covers or [])
    for finding in report.findings:
        if finding.rule_id.startswith("SEED-"):
            structure = REGISTRY[finding.rule_id].structure
            assert structure is None or structure in covered, finding
            assert finding.severity.rank < Severity.HIGH.rank, finding


def test_closed_account_parked_in_the_suspended_ou_raises_nothing_high() -> None:
    k = Kit()
    k.account(
        "Retired Marketing Site",
        parent="Suspended",
        state="suspended",
        environment="production",
        runs_workloads=True,
    )
    report = validate(k.build())
    ours = [
        f
        for f in report.at_or_above(Severity.MEDIUM)
        if f.rule_id.startswith("SEED-") or f.rule_id in R3_RULES
    ]
    assert ours == []
