"""LOG-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

import pytest

from designer.model import ObjectLock
from designer.rules import validate
from designer.rules.engine import REGISTRY, Severity
from designer.rules.registry import all_rules
from tests.rules.builder import ORG, Builder, messages, run_rule

LOG_RULES = [f"LOG-{n:02d}" for n in range(1, 13)]
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
            "critical",
            "organization trail ('Org' -> 'Prod') lands in 'Prod', which is not a "
            "log-archive account",
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
        "CloudTrail bucket 'local-trail' of ('Prod' -> 'Prod') belongs to 'Prod', which is not "
        "a log-archive account",
        "CloudTrail delivery ('Prod' -> 'Logs') names no destination bucket",
    ]
    assert b.id("local-trail") in found[0].subjects
    assert messages(landing_zone().build(), "LOG-02") == []


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
        ("medium", "CloudTrail bucket 'plain' has no Object Lock"),
        (
            "low",
            "CloudTrail bucket 'governed' uses Object Lock in GOVERNANCE mode, which can be "
            "bypassed with s3:BypassGovernanceRetention",
        ),
    ]
    assert messages(landing_zone().build(), "LOG-09") == []


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
