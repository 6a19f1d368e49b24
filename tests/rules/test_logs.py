"""LOG-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

import pytest

from designer.model import Design, ObjectLock
from designer.model.governance import OuRequirement
from designer.rules import validate
from designer.rules.engine import REGISTRY, Severity
from designer.rules.registry import all_rules
from tests.rules.builder import ORG, Builder, messages, run_rule

LOG_RULES = [f"LOG-{n:02d}" for n in (*range(1, 13), 15, 16, 17)]
COMPLIANCE = ObjectLock(mode="COMPLIANCE", retention_days=365)


def landing_zone() -> Builder:
    """Management, log archive with a WORM CloudTrail bucket and a Config bucket, one workload."""
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Prod")
    protected = {"access_logging": True, "organization_restricted_writes": True}
    b.bucket("trail", "Logs", object_lock=COMPLIANCE, **protected)
    b.bucket("config", "Logs", **protected)
    b.logs(ORG, "Logs", "cloudtrail", bucket="trail")
    b.logs(ORG, "Logs", "config", bucket="config")
    return b


def test_landing_zone_is_clean() -> None:
    design = landing_zone().build()
    all_rules()
    report = validate(design, rules=[REGISTRY[r] for r in LOG_RULES])
    assert report.findings == []


def test_odd_designs_do_not_break_the_rules() -> None:
    all_rules()
    empty = validate(Builder(management=False).build(), rules=[REGISTRY[r] for r in LOG_RULES])
    assert empty.findings == []
    b = Builder(management=False)
    b.account("Logs", "log-archive")
    b.account("Other")
    b.bucket("trail", "Logs")
    b.logs(ORG, "Logs", "cloudtrail", bucket="trail")  # no management account to create it
    b.logs(ORG, "Other", "config")  # the organization's Config data into a workload account
    found = validate(b.build(), rules=[REGISTRY[r] for r in LOG_RULES]).findings
    assert found
    assert all(f.rule_id.startswith("LOG-") for f in found)


def test_organization_trail_missing() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("trail", "Logs")
    b.logs("Management", "Logs", "cloudtrail", bucket="trail")  # a trail of one account only
    found = run_rule(b.build(), "LOG-01")
    assert [f.message for f in found] == ["organization 'Org' has no organization trail"]
    assert found[0].subjects == (b.id("org"),)


def test_organization_trail_flaws() -> None:
    b = Builder()
    b.account("Prod")
    b.account("Tools", "security-tooling")
    b.account("Logs", "log-archive")
    b.bucket("trail", "Prod")
    b.bucket("trail2", "Logs")
    rel = b.logs(
        ORG, "Prod", "cloudtrail", bucket="trail", multi_region=False, log_file_validation=False
    )
    # An organization trail drawn without the security accounts: CloudTrail cannot do that.
    skip = b.logs(ORG, "Logs", "cloudtrail", bucket="trail2", excluded_accounts=[b.id("Tools")])
    found = run_rule(b.build(), "LOG-01")
    assert sorted((f.severity.value, f.message) for f in found) == [
        (
            "critical",
            "organization trail ('Org' -> 'Prod') is not multi-Region and has no "
            "log-file validation",
        ),
        (
            "medium",
            "CloudTrail delivery ('Org' -> 'Logs') excludes 'Tools', but an organization trail "
            "records every account: it is deployed as account trails, which do not reach the "
            "management account and which each account's administrators can stop",
        ),
    ]
    assert all(rel in f.subjects for f in found if "'Org' -> 'Prod'" in f.message)
    assert [f.subjects for f in found if f.severity == Severity.MEDIUM] == [(skip, b.id("Tools"))]
    # Where the trail lands is LOG-02's finding, not said twice.
    assert [f.subjects for f in run_rule(b.build(), "LOG-02")] == [
        (rel, b.id("trail"), b.id("Prod"))
    ]


def test_a_trail_that_leaves_accounts_out_is_no_organization_trail() -> None:
    """Exported as account trails by a StackSet: the organization still has no organization
    trail, so the critical finding stays (and the exclusion is reported)."""
    b = Builder()
    b.account("Prod")
    b.account("Sandbox", "sandbox")
    b.account("Logs", "log-archive")
    b.bucket("trail", "Logs")
    b.logs(ORG, "Logs", "cloudtrail", bucket="trail", excluded_accounts=[b.id("Sandbox")])
    found = sorted((f.severity.value, f.message) for f in run_rule(b.build(), "LOG-01"))
    assert found[0] == ("critical", "organization 'Org' has no organization trail")
    assert [severity for severity, _ in found] == ["critical", "medium"]


def test_a_trail_of_the_management_account_is_not_the_organization_trail() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Tools", "security-tooling")
    b.bucket("trail", "Logs")
    b.delegate("Tools", "cloudtrail.amazonaws.com")
    b.logs("Tools", "Logs", "cloudtrail", bucket="trail")  # the delegated admin's own trail
    b.logs("Management", "Logs", "cloudtrail", bucket="trail")
    assert messages(b.build(), "LOG-01") == ["organization 'Org' has no organization trail"]
    good = Builder()
    good.account("Logs", "log-archive")
    good.bucket("trail", "Logs")
    good.logs(ORG, "Logs", "cloudtrail", bucket="trail")
    assert messages(good.build(), "LOG-01") == []


def test_cloudtrail_bucket_named_in_log_archive() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Prod")
    b.bucket("local-trail", "Prod")
    b.logs("Prod", "Logs", "cloudtrail")
    b.logs("Prod", "Prod", "cloudtrail", bucket="local-trail")
    found = run_rule(b.build(), "LOG-02")
    assert [f.message for f in found] == [
        "CloudTrail delivery ('Prod' -> 'Logs') names no destination bucket",
        "CloudTrail delivery ('Prod' -> 'Prod') stores its logs in bucket 'local-trail' of "
        "'Prod', which is not a log-archive account: that account's administrators can alter "
        "or delete them",
    ]
    assert b.id("local-trail") in found[1].subjects
    assert messages(landing_zone().build(), "LOG-02") == []


def test_organization_trail_outside_the_log_archive_is_critical() -> None:
    b = landing_zone()
    b.account("Shared", "central-it")
    b.bucket("shared-trail", "Shared", object_lock=COMPLIANCE)
    rel = b.logs(ORG, "Shared", "cloudtrail", bucket="shared-trail")
    [found] = run_rule(b.build(), "LOG-02")
    assert found.severity == Severity.CRITICAL
    assert found.message == (
        "organization trail ('Org' -> 'Shared') stores its logs in bucket 'shared-trail' of "
        "'Shared', which is not a log-archive account: that account's administrators can alter "
        "or delete them"
    )
    assert found.subjects == (rel, b.id("shared-trail"), b.id("Shared"))
    assert found.evidence == (
        "log-delivery ('Org' -> 'Shared'): log types cloudtrail",
        "bucket 'shared-trail': owned by 'Shared'",
        "'Shared': functions central-it, not log-archive",
    )
    assert run_rule(b.build(), "LOG-01") == []  # the trail itself is sound


def test_organization_trail_in_any_log_archive_account_is_not_reported() -> None:
    """Near miss: a second log-archive account (e.g. for data residency) is still the archive."""
    b = landing_zone()
    b.account("Logs EU", "log-archive")
    b.bucket("eu-trail", "Logs EU", object_lock=COMPLIANCE)
    b.logs(ORG, "Logs EU", "cloudtrail", bucket="eu-trail")
    assert run_rule(b.build(), "LOG-02") == []


def test_a_delivery_without_bucket_outside_the_archive_is_one_finding() -> None:
    b = landing_zone()
    rel = b.logs(ORG, "Prod", "cloudtrail")
    [found] = run_rule(b.build(), "LOG-02")
    assert found.message == (
        "organization trail ('Org' -> 'Prod') names no destination bucket, and 'Prod' is not a "
        "log-archive account either"
    )
    assert found.subjects == (rel, b.id("Prod"))


def test_config_bucket_named() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.logs("Management", "Logs", "config", "vpc-flow-logs")
    assert messages(b.build(), "LOG-03") == [
        "Config delivery ('Management' -> 'Logs') names no destination bucket"
    ]
    assert messages(landing_zone().build(), "LOG-03") == []


def test_config_not_into_object_lock_bucket() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Prod")
    b.bucket("worm", "Logs", object_lock=COMPLIANCE)
    b.logs("Management", "Logs", "cloudtrail", "config", bucket="worm")
    b.logs("Prod", "Logs", "config", bucket="worm")
    found = run_rule(b.build(), "LOG-04")
    assert [f.message for f in found] == [
        "Config data of 'Management', 'Prod' goes to Object-Lock bucket 'worm', where AWS "
        "Config cannot deliver"
    ]
    assert found[0].subjects[0] == b.id("worm")
    b.design.relationships[0] = b.design.relationships[0].model_copy(update={"source": b.id(ORG)})
    assert messages(b.build(), "LOG-04")[0].startswith("Config data of the organization goes")
    assert messages(landing_zone().build(), "LOG-04") == []


def test_log_coverage() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Prod")
    b.account("Dev")
    b.logs("Management", "Logs", "cloudtrail", "config")
    b.logs("Logs", "Logs", "cloudtrail", "config")
    b.logs("Dev", "Logs", "cloudtrail")
    b.logs("Prod", "Prod", "cloudtrail", "config")  # stays in the account: does not count
    found = run_rule(b.build(), "LOG-05")
    assert [f.message for f in found] == [
        "no log-archive account receives CloudTrail and Config of 'Prod'; Config of 'Dev'"
    ]
    assert set(found[0].subjects) == {b.id("Prod"), b.id("Dev")}
    assert messages(landing_zone().build(), "LOG-05") == []
    alone = Builder()
    alone.account("Prod")
    assert messages(alone.build(), "LOG-05") == [
        "the design has no log-archive account to receive CloudTrail and Config of "
        "'Management', 'Prod'"
    ]


def test_network_flow_logs() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Network", "network")
    b.account("Edge", "network")
    b.logs("Network", "Logs", "vpc-flow-logs")
    b.logs("Edge", "Edge", "vpc-flow-logs")
    assert messages(b.build(), "LOG-06") == [
        "network account 'Edge' sends no VPC flow logs to a log-archive account"
    ]
    b.logs(ORG, "Logs", "vpc-flow-logs")
    assert messages(b.build(), "LOG-06") == []


def test_network_flow_logs_from_an_ou() -> None:
    b = Builder()
    b.ou("Infrastructure")
    b.account("Logs", "log-archive")
    b.account("Network", "network", parent="Infrastructure")
    b.account("Edge", "network", parent="Infrastructure")
    b.logs("Infrastructure", "Logs", "vpc-flow-logs", excluded_accounts=[b.id("Edge")])
    assert messages(b.build(), "LOG-06") == [
        "network account 'Edge' sends no VPC flow logs to a log-archive account"
    ]
    good = Builder()
    good.ou("Infrastructure")
    good.account("Logs", "log-archive")
    good.account("Network", "network", parent="Infrastructure")
    good.account("Edge", "network", parent="Infrastructure")
    good.logs("Infrastructure", "Logs", "vpc-flow-logs")
    assert messages(good.build(), "LOG-06") == []


def test_bucket_versioning_and_access_logging() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("bare", "Logs", versioning=False)
    b.bucket("access", "Logs")  # receives only access logs: not asked to log itself
    b.bucket("idle", "Logs", versioning=False)  # receives nothing
    b.logs("Management", "Logs", "cloudtrail", bucket="bare")
    b.logs("Logs", "Logs", "s3-access-logs", bucket="access")
    found = run_rule(b.build(), "LOG-07")
    assert [(f.severity.value, f.message) for f in found] == [
        ("high", "log bucket 'bare' has no versioning"),
        ("medium", "log bucket 'bare' has no server access logging"),
    ]
    assert messages(landing_zone().build(), "LOG-07") == []


def test_mfa_delete_is_a_manual_step() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("trail", "Logs", mfa_delete=True)
    found = run_rule(b.build(), "LOG-08")
    assert [(f.severity.value, f.message) for f in found] == [
        (
            "low",
            "MFA Delete on log bucket 'trail' cannot be deployed by CloudFormation: the root "
            "user of 'Logs' must enable it",
        )
    ]
    assert messages(landing_zone().build(), "LOG-08") == []


def test_cloudtrail_object_lock_compliance() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("plain", "Logs")
    b.bucket("governed", "Logs", object_lock=ObjectLock(mode="GOVERNANCE", retention_days=30))
    b.bucket("config", "Logs")  # Config only: no Object Lock wanted
    b.logs("Management", "Logs", "cloudtrail", bucket="plain")
    b.logs("Management", "Logs", "cloudtrail", bucket="governed")
    b.logs("Management", "Logs", "config", bucket="config")
    found = run_rule(b.build(), "LOG-09")
    assert [(f.severity.value, f.message) for f in found] == [
        (  # an administrator of the archive lifts GOVERNANCE retention: little better than none
            "medium",
            "CloudTrail bucket 'governed' uses Object Lock in GOVERNANCE mode: anyone granted "
            "s3:BypassGovernanceRetention, such as an administrator of 'Logs', can delete the "
            "locked logs",
        ),
        ("medium", "CloudTrail bucket 'plain' has no Object Lock"),
    ]
    assert found[0].evidence == ("bucket 'governed': object_lock GOVERNANCE 30 days",)
    assert messages(landing_zone().build(), "LOG-09") == []


def test_governance_mode_outside_cloudtrail_buckets_is_not_reported() -> None:
    """Near miss: GOVERNANCE mode on a bucket that takes only VPC flow logs."""
    b = landing_zone()
    governed = ObjectLock(mode="GOVERNANCE", retention_days=90)
    b.bucket("flows", "Logs", object_lock=governed)
    b.logs("Prod", "Logs", "vpc-flow-logs", bucket="flows")
    assert run_rule(b.build(), "LOG-09") == []


def test_glacier_vault_lock() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("vault", "Logs", glacier_vault_lock=True)
    assert messages(b.build(), "LOG-10") == [
        "log bucket 'vault' relies on Glacier Vault Lock, a service that no longer accepts "
        "new customers"
    ]
    assert messages(landing_zone().build(), "LOG-10") == []


def test_shared_bucket_restricts_writes_to_organization() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Prod")
    b.bucket("shared", "Logs")
    b.bucket("everyone", "Logs")
    b.bucket("single", "Logs")
    b.logs("Management", "Logs", "cloudtrail", bucket="shared")
    b.logs("Prod", "Logs", "cloudtrail", bucket="shared")
    b.logs(ORG, "Logs", "config", bucket="everyone")
    b.logs("Prod", "Logs", "vpc-flow-logs", bucket="single")
    found = run_rule(b.build(), "LOG-11")
    assert [f.message for f in found] == [
        "log bucket 'everyone' takes organization-wide logs without an organization condition "
        "on writes",
        "log bucket 'shared' takes logs from 2 accounts without an organization condition on "
        "writes",
    ]
    assert messages(landing_zone().build(), "LOG-11") == []


def test_a_bucket_fed_by_an_ou_takes_logs_from_each_of_its_accounts() -> None:
    b = Builder()
    b.ou("Workloads")
    b.account("Logs", "log-archive")
    b.account("Prod", parent="Workloads")
    b.account("Dev", parent="Workloads")
    b.bucket("workloads", "Logs")
    b.logs("Workloads", "Logs", "config", bucket="workloads")
    assert messages(b.build(), "LOG-11") == [
        "log bucket 'workloads' takes logs from 2 accounts without an organization condition on "
        "writes"
    ]
    one = Builder()
    one.ou("Workloads")
    one.account("Logs", "log-archive")
    one.account("Prod", parent="Workloads")
    one.account("Dev", parent="Workloads")
    one.bucket("workloads", "Logs")
    one.logs("Workloads", "Logs", "config", bucket="workloads", excluded_accounts=[one.id("Dev")])
    assert messages(one.build(), "LOG-11") == []  # one account left: nobody else writes


def test_log_archive_separation_direct_and_chained() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Identity", "identity")
    b.account("Tools", "security-tooling")
    b.account("Prod")
    b.idp("Okta", home_account="Identity")
    b.federation("Okta", "Identity")
    b.trust("Identity", "Logs", "administrator", role_name="LogAdmin")
    b.trust("Tools", "Logs", "security-audit", role_name="Audit")  # allowed
    b.trust("Prod", "Tools", "administrator", role_name="ToolsAdmin")
    b.trust("Tools", "Prod", "read-only")
    found = run_rule(b.build(), "LOG-12")
    assert [f.message for f in found] == [
        "role 'LogAdmin' ('Identity' -> 'Logs') grants administrator access in a log-archive "
        "account, also reachable from 'Okta' through 'Identity'"
    ]
    assert b.id("Okta") in found[0].subjects
    good = Builder()
    good.account("Logs", "log-archive")
    good.account("Tools", "security-tooling")
    good.trust("Tools", "Logs", "security-audit")
    good.trust("Tools", "Logs", "read-only")
    good.trust("Management", "Logs", "administrator")  # the management account: not reported
    assert messages(good.build(), "LOG-12") == []


def test_log_archive_reached_through_federation_or_a_custom_admin_role() -> None:
    b = Builder()
    b.account("Logs", "log-archive", "identity")
    b.account("Prod")
    b.idp("Okta", home_account="Logs")
    b.federation("Okta", "Logs")
    b.trust(
        "Prod",
        "Logs",
        "custom",
        role_name="Ops",
        managed_policy_arns=["arn:aws:iam::aws:policy/AdministratorAccess"],
    )
    assert sorted(messages(b.build(), "LOG-12")) == [
        "identity provider 'Okta' signs users in to log-archive account 'Logs', which may let "
        "them change or delete logs",
        "role 'Ops' ('Prod' -> 'Logs') grants administrator access in a log-archive account",
    ]


def test_management_chain_into_log_archive_is_reported() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.account("Tools", "security-tooling")
    b.trust("Tools", "Management", "administrator", role_name="MgmtAdmin")
    b.trust("Management", "Logs", "administrator", role_name="OrgAccess")
    assert messages(b.build(), "LOG-12") == [
        "'Tools' can reach log-archive account 'Logs' with administrator access through the "
        "management account (role 'OrgAccess' ('Management' -> 'Logs'))"
    ]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("reference-landing-zone", []),
        ("logging", []),
        ("information-security", []),
    ],
)
def test_templates_with_a_log_archive(template: str, expected: list[tuple[str, str]]) -> None:
    from designer.model.templates import load_template

    all_rules()
    report = validate(load_template(template), rules=[REGISTRY[r] for r in LOG_RULES])
    serious = [(f.rule_id, f.message) for f in report.at_or_above(Severity.HIGH)]
    assert serious == expected


def _with_policy(b: Builder, **changes: object) -> Design:
    design = b.build()
    design.usage_policy = design.usage_policy.model_copy(update=changes)
    return design


def test_log_buckets_use_kms_when_the_policy_requires_it() -> None:
    b = landing_zone()
    assert run_rule(_with_policy(b), "LOG-15") == []  # the policy does not ask for it
    found = run_rule(_with_policy(b, logs_encrypted_with_kms=True), "LOG-15")
    assert {f.subjects for f in found} == {(b.id("trail"),), (b.id("config"),)}
    assert {f.severity for f in found} == {Severity.HIGH}
    trail = next(f for f in found if f.subjects == (b.id("trail"),))
    assert trail.evidence == (
        "usage policy: logs_encrypted_with_kms = true",
        "bucket 'trail': no kms_key (S3-managed encryption)",
    )


def test_log_buckets_with_keys_pass_the_kms_policy() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("trail", "Logs", kms_key="alias/trail-logs")
    assert run_rule(_with_policy(b, logs_encrypted_with_kms=True), "LOG-15") == []


def test_log_key_owned_by_a_workload_account() -> None:
    b = Builder()
    b.account("Logs", "log-archive", aws_account_id="111111111111")
    b.account("Tools", "security-tooling", aws_account_id="222222222222")
    b.account("Prod", aws_account_id="333333333333")
    b.bucket("mine", "Logs", kms_key="alias/trail-logs")
    b.bucket("own", "Logs", kms_key="arn:aws:kms:eu-west-1:111111111111:key/abc")
    b.bucket("tools", "Logs", kms_key="arn:aws:kms:eu-west-1:222222222222:alias/logs")
    b.bucket("prod", "Logs", kms_key="arn:aws:kms:eu-west-1:333333333333:key/abc")
    b.bucket("vendor", "Logs", kms_key="arn:aws-us-gov:kms:us-gov-west-1:444444444444:key/abc")
    found = {f.subjects[0]: f for f in run_rule(b.build(), "LOG-16")}
    assert set(found) == {b.id("prod"), b.id("vendor")}
    prod = found[b.id("prod")]
    assert prod.severity == Severity.HIGH
    assert prod.subjects == (b.id("prod"), b.id("Prod"))
    assert prod.evidence[1] == "key owner: account 333333333333 = 'Prod' (workload)"
    assert found[b.id("vendor")].severity == Severity.HIGH
    # Management records no id: 444444444444 may be it, so the key's owner is not called outside
    assert found[b.id("vendor")].message == (
        "the KMS key of log bucket 'vendor' belongs to an account the design does not know "
        "(444444444444), which can disable it and make the logs unreadable"
    )


def test_log_key_outside_the_organization_only_when_every_id_is_recorded() -> None:
    b = Builder()
    b.design.accounts[0] = b.design.accounts[0].model_copy(
        update={"aws_account_id": "999999999999"}
    )
    b.account("Logs", "log-archive", aws_account_id="111111111111")
    b.account("Prod", aws_account_id="333333333333")
    b.bucket("vendor", "Logs", kms_key="arn:aws:kms:eu-west-1:444444444444:key/abc")
    [found] = run_rule(b.build(), "LOG-16")
    assert found.severity == Severity.HIGH
    assert found.message == (
        "the KMS key of log bucket 'vendor' belongs to account 444444444444, outside the "
        "organization, which can disable it and make the logs unreadable"
    )
    # Near miss: one member without its id; the key may be that member's.
    b.account("Dev")
    [found] = run_rule(b.build(), "LOG-16")
    assert "an account the design does not know (444444444444)" in found.message
    assert "outside the organization" not in found.message


def test_log_key_of_an_unrecorded_account_asks_for_the_id() -> None:
    b = Builder()
    b.account("Logs", "log-archive")  # no AWS account id recorded
    b.bucket("trail", "Logs", kms_key="arn:aws:kms:eu-west-1:111111111111:key/abc")
    [found] = run_rule(b.build(), "LOG-16")
    assert found.severity == Severity.LOW


def test_cloudtrail_retention_meets_the_policy_minimum() -> None:
    b = landing_zone()  # the trail bucket locks 365 days in COMPLIANCE mode
    assert run_rule(_with_policy(b, min_log_retention_days=365), "LOG-17") == []
    [found] = run_rule(_with_policy(b, min_log_retention_days=400), "LOG-17")
    assert found.severity == Severity.HIGH
    assert found.subjects == (b.id("trail"),)
    assert found.evidence == (
        "bucket 'trail': COMPLIANCE 365 days",
        "usage policy: min_log_retention_days = 400",
    )


def test_cloudtrail_bucket_without_object_lock_fails_the_minimum() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("trail", "Logs")
    b.bucket("config", "Logs")  # no CloudTrail delivery: not asked
    b.logs(ORG, "Logs", "cloudtrail", bucket="trail")
    b.logs(ORG, "Logs", "config", bucket="config")
    [found] = run_rule(_with_policy(b, min_log_retention_days=90), "LOG-17")
    assert found.subjects == (b.id("trail"),)
    assert found.evidence[0] == "bucket 'trail': no Object Lock"


def test_log_coverage_leaves_out_closed_and_exempt_accounts() -> None:
    b = Builder()
    b.account("Logs", "log-archive")
    b.ou("Suspended")
    b.ou("Lab")
    b.account("Closed", parent="Suspended", state="suspended")
    b.account("Experiment", parent="Lab")
    b.account("Active", parent="Suspended")  # not closed: still reported
    b.logs("Logs", "Logs", "cloudtrail", "config")
    design = b.build()
    design.usage_policy = design.usage_policy.model_copy(
        update={"ou_requirements": [OuRequirement(ou=b.id("Lab"), log_delivery="exempt")]}
    )
    [found] = run_rule(design, "LOG-05")
    assert set(found.subjects) == {b.id("Management"), b.id("Active")}


def test_log_key_of_the_management_account_is_noted_only() -> None:
    b = Builder()
    b.design.accounts[0] = b.design.accounts[0].model_copy(
        update={"aws_account_id": "999999999999"}
    )
    b.account("Logs", "log-archive", aws_account_id="111111111111")
    b.bucket("trail", "Logs", kms_key="arn:aws:kms:eu-west-1:999999999999:key/abc")
    [found] = run_rule(b.build(), "LOG-16")
    assert found.severity == Severity.LOW
    assert found.subjects == (b.id("trail"), b.id("Management"))
