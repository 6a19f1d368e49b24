"""ORG-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

from typing import Any

import pytest

from designer.model.templates import load_template, template_paths
from designer.rules import Severity, validate
from tests.rules.builder import Builder, messages, run_rule
from tests.rules.corpus import rules_scp_org as cases
from tests.rules.corpus.kit import ORG, Kit

ORG_RULES = [f"ORG-{n:02d}" for n in range(1, 15)]
DENY_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
}
SECURITY = (
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "config.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "cloudtrail.amazonaws.com",
)


def _well_placed() -> Builder:
    """Foundational OUs with their accounts, workloads split by environment."""
    b = Builder()
    b.ou("Security")
    b.ou("Infrastructure")
    b.ou("Workloads")
    b.ou("Workloads/Prod", parent="Workloads")
    b.ou("Workloads/Non-prod", parent="Workloads")
    b.ou("Sandbox")
    b.ou("Suspended", scps=("DenyAll",))
    b.scp("DenyAll", DENY_ALL)
    b.ou("Policy Staging")
    b.account("Logs", "log-archive", parent="Security")
    b.account("Audit", "security-tooling", parent="Security")
    b.account("Net", "network", parent="Infrastructure")
    b.account("Live", parent="Workloads/Prod", environment="production")
    b.account("Dev", parent="Workloads/Non-prod", environment="development")
    b.delegate("Audit", *SECURITY)
    return b


def test_all_features_required() -> None:
    b = Builder(feature_set="CONSOLIDATED_BILLING")
    found = run_rule(b.build(), "ORG-01")
    assert [f.message for f in found] == [
        "organization 'Org' has only consolidated-billing features enabled"
    ]
    assert found[0].subjects == (b.id("org"),)
    assert messages(Builder().build(), "ORG-01") == []


def test_management_holds_no_workloads_buckets_or_shares() -> None:
    b = Builder(management=False)
    b.account("Management", "management", "workload")
    b.design.organization = b.design.organization.model_copy(
        update={"management_account": b.id("Management")}
    )
    b.account("Prod")
    b.bucket("mgmt-logs", "Management")
    share = b.share("Management", "Prod", "ebs-snapshot")
    found = run_rule(b.build(), "ORG-02")
    assert [f.message for f in found] == [
        "management account 'Management' owns log bucket 'mgmt-logs'",
        "management account 'Management' runs workloads",
        "management account 'Management' shares EBS snapshots with 'Prod'",
    ]
    assert found[2].subjects == (b.id("Management"), share)
    good = Builder()
    good.account("Publishing", "publishing")
    good.account("Prod")
    good.bucket("logs", "Publishing")
    good.share("Publishing", "Prod", "ami")
    assert messages(good.build(), "ORG-02") == []


def test_management_iam_users_only_break_glass() -> None:
    b = Builder(management=False)
    b.account("Management", "management", iam_user_count=3)
    b.design.organization = b.design.organization.model_copy(
        update={"management_account": b.id("Management")}
    )
    assert messages(b.build(), "ORG-03") == [
        "management account 'Management' has 3 IAM users (up to 2 break-glass users expected)"
    ]
    b.design.accounts[0] = b.design.accounts[0].model_copy(update={"iam_user_count": 2})
    assert messages(b.build(), "ORG-03") == []


def test_foundational_accounts_in_security_and_infrastructure_ous() -> None:
    b = Builder()
    b.ou("Workloads")
    b.ou("Workloads/Prod", parent="Workloads")
    b.ou("Infrastructure")
    b.account("Logs", "log-archive", parent="Workloads/Prod")
    b.account("InfoSec", "security-tooling", "log-archive", parent="Infrastructure")
    b.account("Hub", "central-it", "publishing")
    b.account("Prod", parent="Workloads")
    found = run_rule(b.build(), "ORG-04")
    assert [f.message for f in found] == [
        "central-it and publishing account 'Hub' sits at the root, not below an Infrastructure OU",
        "log-archive account 'Logs' sits in OU 'Workloads/Prod', not below a Security OU",
        "security-tooling and log-archive account 'InfoSec' sits in OU 'Infrastructure', "
        "not below a Security OU",
    ]
    assert found[1].subjects == (b.id("Logs"),)
    good = _well_placed()
    good.ou("Security/Core", parent="Security")
    good.account("Archive", "log-archive", parent="Security/Core")  # anywhere below Security
    assert messages(good.build(), "ORG-04") == []


def test_ou_structure() -> None:
    b = Builder()
    b.ou("Workloads")
    b.account("Stray1")
    b.account("Stray2", "network")
    b.account("Live", parent="Workloads", environment="production")
    b.account("Test", parent="Workloads", environment="test")
    found = run_rule(b.build(), "ORG-05")
    assert [f.message for f in found] == [
        "OU 'Workloads' mixes production workload accounts ('Live') with non-production ones "
        "('Test')",
        "member accounts attached directly to the root: 'Stray1', 'Stray2'",
        "the organization has no Sandbox OU and no Suspended OU",
    ]
    assert found[0].subjects == (b.id("Workloads"), b.id("Live"), b.id("Test"))
    assert found[1].subjects == (b.id("Stray1"), b.id("Stray2"))
    assert found[2].subjects == (b.id("org"),)
    assert messages(_well_placed().build(), "ORG-05") == []


def test_sandbox_account_among_workloads() -> None:
    design = cases.sandbox_in_prod()
    found = run_rule(design, "ORG-05")
    assert [f.message for f in found] == [
        "sandbox account 'ML Experiments' sits in OU 'Prod', among production or non-production "
        "workloads, instead of the Sandbox OU"
    ]
    assert found[0].subjects == (Kit(design).id("ML Experiments"),)
    assert found[0].severity == Severity.MEDIUM
    assert run_rule(cases.sandbox_in_sandbox_ou(), "ORG-05") == []
    # One that also runs a workload is ORG-13's; a closed one ORG-12's.
    mixed = Kit().update("Developer Sandbox", parent="Non-prod", runs_workloads=True).build()
    closed = Kit().update("Developer Sandbox", parent="Non-prod", state="suspended").build()
    assert run_rule(mixed, "ORG-05") == run_rule(closed, "ORG-05") == []


def test_no_sandbox_ou_names_the_sandboxes_without_a_home() -> None:
    design = cases.no_sandbox_ou_sandbox_in_infrastructure()
    kit = Kit(design)
    found = run_rule(design, "ORG-05")
    assert [f.message for f in found] == [
        "the organization has no Sandbox OU: sandbox account 'Developer Sandbox' has nowhere to go"
    ]
    assert found[0].subjects == (kit.id(ORG), kit.id("Developer Sandbox"))
    # The Policy Staging test account (function sandbox) has its place: only the organization.
    bare = cases.no_sandbox_ou_nor_sandbox()
    assert [f.subjects for f in run_rule(bare, "ORG-05")] == [(bare.organization.id,)]


def test_policy_staging_ou_for_custom_scps() -> None:
    b = Builder()
    b.scp("FullAWSAccess", aws_managed=True)
    b.scp("DenyLeave", {"Statement": []})
    found = run_rule(b.build(), "ORG-06")
    assert [f.message for f in found] == [
        "the design has 1 custom SCP ('DenyLeave') but no Policy Staging OU"
    ]
    assert found[0].subjects == (b.id("org"), b.id("DenyLeave"))
    b.ou("policy-staging")  # names are compared loosely
    assert messages(b.build(), "ORG-06") == []
    only_managed = Builder()
    only_managed.scp("FullAWSAccess", aws_managed=True)
    assert messages(only_managed.build(), "ORG-06") == []


def test_procedural_ous() -> None:
    b = Builder()
    b.scp("DenyMost", {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})
    b.ou("Suspended", scps=("DenyMost",))
    b.ou("Exceptions")
    b.ou("Exceptions/Legacy", parent="Exceptions")
    for n in range(4):
        b.account(f"Odd{n}", parent="Exceptions")
    for n in range(2):
        b.account(f"Old{n}", parent="Exceptions/Legacy")
    found = run_rule(b.build(), "ORG-07")
    assert [f.message for f in found] == [
        "Exceptions OU 'Exceptions' holds 6 accounts (more than 5)",
        "Suspended OU 'Suspended' has no SCP that denies all actions",
    ]
    assert found[1].subjects == (b.id("Suspended"),)
    good = Builder()
    good.scp("DenyAll", {"Statement": [{"Effect": "Deny", "Action": ["*"]}]})
    good.ou("Suspended", scps=("DenyAll",))
    good.ou("Exceptions")
    for n in range(5):
        good.account(f"Odd{n}", parent="Exceptions")
    assert messages(good.build(), "ORG-07") == []


def test_scp_quotas() -> None:
    b = Builder()
    big = {"Statement": [{"Effect": "Deny", "Action": ["s3:" + "x" * 5200], "Resource": "*"}]}
    b.scp("Huge", big)
    names = [f"P{n}" for n in range(6)]
    for name in names:
        b.scp(name, {"Statement": []})
    b.attach_root(*names)
    b.ou("Busy", scps=tuple(names))
    b.account("Prod", parent="Busy", scps=names)
    found = run_rule(b.build(), "ORG-08")
    six = "FullAWSAccess, P0, P1, P2, P3, P4, P5"  # FullAWSAccess stays attached: it counts
    assert [f.message for f in found] == [
        f"OU 'Busy' would have 7 SCPs attached ({six}), over the quota of 5 per target",
        "SCP 'Huge' is 5,265 characters long (quota 5,120)",
        f"account 'Prod' would have 7 SCPs attached ({six}), over the quota of 5 per target",
        "the root would have 8 SCPs attached with the generated guardrails "
        f"({six}, GeneratedGuardrails), over the quota of 5 per target",
    ]
    assert found[3].subjects == (b.id("org"), *(b.id(n) for n in names))
    good = Builder()
    at_quota = {"Statement": [{"Effect": "Deny", "Action": ["s3:" + "x" * 5055], "Resource": "*"}]}
    good.scp("AtQuota", at_quota)  # exactly 5,120 characters
    good.attach_root("AtQuota")
    assert messages(good.build(), "ORG-08") == []


def test_security_services_delegated_to_security_tooling() -> None:
    b = Builder()
    b.account("Hub", "central-it")
    b.account("Audit", "security-tooling")
    rel = b.delegate("Hub", "guardduty.amazonaws.com", "macie.amazonaws.com", "sso.amazonaws.com")
    b.delegate("Audit", "securityhub.amazonaws.com")
    found = run_rule(b.build(), "ORG-09")
    assert [f.message for f in found] == [
        "GuardDuty and Macie delegated to 'Hub', which is not a security-tooling account",
        "security services not delegated to any account: AWS Config, IAM Access Analyzer "
        "and CloudTrail",
    ]
    assert found[0].subjects == (rel, b.id("Hub"))
    assert found[1].subjects == (b.id("Management"),)
    assert messages(_well_placed().build(), "ORG-09") == []


def test_management_account_designated() -> None:
    b = Builder(management=False)
    b.account("Payer", "management")
    assert messages(b.build(), "ORG-10") == ["organization 'Org' designates no management account"]
    assert messages(Builder().build(), "ORG-10") == []


@pytest.mark.parametrize("rule_id", ORG_RULES)
def test_odd_designs_give_findings_not_exceptions(rule_id: str) -> None:
    empty = Builder(management=False).build()
    assert all(f.rule_id == rule_id for f in run_rule(empty, rule_id))
    no_management = Builder(management=False)
    no_management.ou("Suspended", scps=("Missing",))
    no_management.account("Orphan", parent="Suspended")
    no_management.scp("Missing", None)
    assert all(f.rule_id == rule_id for f in run_rule(no_management.build(), rule_id))


def test_empty_design_only_lacks_a_management_account() -> None:
    empty = Builder(management=False).build()
    found = [f.message for r in ORG_RULES for f in run_rule(empty, r)]
    assert found == ["organization 'Org' designates no management account"]


def _org_findings(name: str) -> list[Any]:
    report = validate(load_template(name))
    return [f for f in report.findings if f.rule_id in ORG_RULES]


def test_reference_landing_zone_has_no_organization_findings() -> None:
    assert _org_findings("reference-landing-zone") == []


@pytest.mark.parametrize("name", sorted(set(template_paths()) - {"reference-landing-zone"}))
def test_partial_templates_only_lack_what_they_leave_out(name: str) -> None:
    found = _org_findings(name)
    # ORG-14 (medium): the identity-bearing templates federate people but draw no break-glass
    # user in their management account.
    assert {f.rule_id for f in found} <= {"ORG-05", "ORG-09", "ORG-14"}
    high = [f.message for f in found if f.severity.rank >= Severity.HIGH.rank]
    assert all(m.startswith("security services not delegated to any account") for m in high)


# -- ORG-11..14 ---------------------------------------------------------------------------------
def test_workload_account_without_environment() -> None:
    found = run_rule(cases.workload_without_environment(), "ORG-11")
    assert [(f.severity, f.message) for f in found] == [
        (Severity.MEDIUM, "workload account 'Loyalty Service' states no environment")
    ]
    assert found[0].evidence[0].endswith("in OU 'Workloads/Prod'; its OU suggests production")
    assert run_rule(cases.workload_with_environment(), "ORG-11") == []


def test_environment_none_is_right_for_shared_and_closed_accounts() -> None:
    k = Kit()
    k.account("Sandbox Lab", "sandbox", parent="Sandbox")
    k.account("Old Shop", parent="Suspended", state="suspended")
    k.account("Network Hub", "network", "workload", parent="Infrastructure", runs_workloads=True)
    assert [f.message for f in run_rule(k.build(), "ORG-11")] == [
        "sandbox account 'Sandbox Lab' states no environment"
    ]


def test_only_a_parked_account_is_spared_its_environment() -> None:
    """Closed but left in Prod, the account can be reopened with Prod's roles and shares:
    its environment still matters. Parked in the deny-all Suspended OU, it does not."""
    found = run_rule(cases.closed_workload_in_prod(), "ORG-11")
    assert [f.message for f in found] == ["workload account 'Old Loyalty' states no environment"]
    assert run_rule(cases.closed_workload_parked(), "ORG-11") == []


def test_suspended_account_outside_the_suspended_ou() -> None:
    found = run_rule(cases.suspended_in_workloads(), "ORG-12")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.HIGH,
            "suspended account 'Payments Staging' is not in the Suspended OU: it sits in OU "
            "'Workloads/Non-prod', a workload OU",
        )
    ]
    assert found[0].evidence[1].startswith("still the target of ")
    assert [f.severity for f in run_rule(cases.suspended_in_sandbox(), "ORG-12")] == [
        Severity.MEDIUM
    ]
    assert run_rule(cases.suspended_parked(), "ORG-12") == []


def test_a_quarantine_ou_by_its_deny_all_scp_counts_as_parked() -> None:
    k = Kit()
    k.ou("Closing")
    k.attach("DenyAllSuspended", "Closing")
    k.update("Retail Development", state="suspended", parent="Closing")
    assert run_rule(k.build(), "ORG-12") == []


def test_workload_and_sandbox_duties_in_one_account() -> None:
    found = run_rule(cases.workload_and_sandbox(), "ORG-13")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.HIGH,
            "account 'Analytics Lab' is a sandbox and also has workload duties (workload "
            "function and runs workloads)",
        )
    ]
    k = Kit()
    k.account("Prod Sandbox", "sandbox", parent="Sandbox", environment="production")
    assert [f.message for f in run_rule(k.build(), "ORG-13")] == [
        "account 'Prod Sandbox' is a sandbox and also has workload duties (production environment)"
    ]
    assert run_rule(cases.sandbox_ou_accounts(), "ORG-13") == []


def test_mixed_duties_matter_until_the_account_is_parked() -> None:
    def mixed(parent: str) -> list[str]:
        k = Kit()
        k.account("Lab", "workload", "sandbox", parent=parent, state="suspended")
        return [f.message for f in run_rule(k.build(), "ORG-13")]

    # Closed in Non-prod: reopened, it is a sandbox with a workload's place and access.
    assert mixed("Non-prod") == [
        "account 'Lab' is a sandbox and also has workload duties (workload function)"
    ]
    assert mixed("Suspended") == []  # parked under the deny-all SCP: it can do nothing


def test_sandbox_ou_accounts_raise_nothing_above_low() -> None:
    report = validate(cases.sandbox_ou_accounts())
    mine = [f for f in report.findings if f.rule_id in ORG_RULES or f.rule_id.startswith("SEED")]
    assert [f.message for f in mine if f.severity.rank > Severity.LOW.rank] == []


def test_break_glass_needs_a_user_when_people_are_federated() -> None:
    found = run_rule(cases.no_break_glass(), "ORG-14")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.MEDIUM,
            "management account 'Management' has no IAM user for emergency (break-glass) "
            "access, while people sign in only through 'IAM Identity Center'",
        )
    ]
    assert found[0].evidence[0] == "management account 'Management': 0 IAM users"
    assert run_rule(cases.one_break_glass_user(), "ORG-14") == []
    # Without human federation drawn there is nothing to fall back from.
    b = Builder()
    b.account("Prod")
    assert run_rule(b.build(), "ORG-14") == []
