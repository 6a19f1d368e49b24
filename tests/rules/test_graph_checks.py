"""GRAPH-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

from designer.rules import Severity
from tests.rules.builder import Builder, messages, run_rule

GRAPH_RULES = ("GRAPH-01", "GRAPH-02", "GRAPH-03", "GRAPH-04", "GRAPH-05")


def test_blast_radius_per_start() -> None:
    b = Builder()
    b.account("Identity", "identity")
    b.account("Prod")
    b.account("Dev")
    b.idp("Okta", "saml")
    b.federation("Okta", "Identity")
    b.trust("Identity", "Prod", "administrator")
    b.trust("Identity", "Dev", "read-only")
    found = run_rule(b.build(), "GRAPH-01")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.INFO,
            "compromise of 'Identity' reaches 2 accounts, up to administrator "
            "(in 'Prod' via 'Identity' -> 'Prod')",
        ),
        (
            Severity.INFO,
            "compromise of 'Okta' reaches 3 accounts, up to administrator "
            "(in 'Prod' via 'Okta' -> 'Identity' -> 'Prod')",
        ),
    ]
    assert found[1].subjects[:2] == (b.id("Okta"), b.id("Prod"))
    good = Builder()
    good.account("Prod")
    good.logs("Prod", "Management", "cloudtrail")  # no trust: no blast radius to report
    assert messages(good.build(), "GRAPH-01") == []


def test_blast_radius_medium_from_workload_or_third_party() -> None:
    b = Builder()
    b.account("App", runs_workloads=True)
    b.account("Data")
    b.outside_principal("Vendor")
    b.trust("App", "Data", "service-admin", services=["s3"])
    b.trust("Vendor", "Data", "read-only", external_id="vendor-1234-abcd")
    iam_full = ["arn:aws:iam::aws:policy/IAMFullAccess"]
    b.trust("Vendor", "App", "custom", managed_policy_arns=iam_full, external_id="vendor-12345")
    found = run_rule(b.build(), "GRAPH-01")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.MEDIUM,
            "compromise of 'App' reaches 1 account, up to service-admin "
            "(in 'Data' via 'App' -> 'Data')",
        ),
        (
            Severity.MEDIUM,
            "compromise of 'Vendor' reaches 2 accounts, up to iam-admin "
            "(in 'App' via 'Vendor' -> 'App')",
        ),
    ]
    low = Builder()
    low.account("App", runs_workloads=True)
    low.account("Data")
    low.outside_principal("Vendor")
    low.trust("App", "Data", "read-only")
    low.trust("Vendor", "Data", "security-audit", external_id="vendor-1234-abcd")
    assert {f.severity for f in run_rule(low.build(), "GRAPH-01")} == {Severity.INFO}


def test_trust_cycles() -> None:
    b = Builder()
    b.account("A")
    b.account("B")
    b.account("C")
    b.account("D")
    ab = b.trust("A", "B", "administrator")
    ba = b.trust("B", "A", "iam-admin")
    b.trust("C", "D", "read-only")
    b.trust("D", "C", "administrator")
    found = run_rule(b.build(), "GRAPH-02")
    assert [(f.severity, f.message) for f in found] == [
        (Severity.HIGH, "admin-level trust cycle: 'A' -> 'B' -> 'A'"),
        (Severity.MEDIUM, "trust cycle: 'C' -> 'D' -> 'C'"),
    ]
    assert set(found[0].subjects) == {b.id("A"), b.id("B"), ab, ba}
    good = Builder()
    good.account("A")
    good.account("B")
    good.trust("A", "B", "administrator")
    good.trust("Management", "A", "administrator")
    assert messages(good.build(), "GRAPH-02") == []


def test_orphan_accounts() -> None:
    b = Builder()
    b.ou("Workloads")
    b.account("Lonely")
    b.account("Self", "log-archive")
    b.account("Shared", parent="Workloads")
    b.account("Publisher", "publishing")
    b.bill("Lonely")
    b.logs("Self", "Self", "cloudtrail")  # only its own logs: still alone
    b.share("Publisher", "Workloads")
    assert messages(b.build(), "GRAPH-03") == [
        "account 'Lonely' takes part in no relationship (billing aside)",
        "account 'Self' takes part in no relationship (billing aside)",
    ]
    good = Builder()
    good.account("Prod")
    good.account("Logs", "log-archive")
    good.bill("Prod")
    good.logs("Prod", "Logs", "cloudtrail")
    assert messages(good.build(), "GRAPH-03") == []  # Management is exempt
    wide = Builder()
    wide.account("Prod")
    wide.account("Logs", "log-archive")
    wide.logs("org", "Logs", "cloudtrail")
    assert messages(wide.build(), "GRAPH-03") == []


def test_audit_coverage() -> None:
    b = Builder()
    b.account("Security", "security-tooling")
    b.account("Prod")
    b.account("Dev")
    b.trust("Security", "Prod", "security-audit")
    b.trust("Security", "Dev", "service-admin", services=["guardduty"])  # not an audit role
    found = run_rule(b.build(), "GRAPH-04")
    assert [f.message for f in found] == [
        "2 accounts have no read-only or security-audit role trusting a security-tooling "
        "account: 'Management', 'Dev'"
    ]
    assert found[0].subjects == (b.id("Management"), b.id("Dev"))
    good = Builder()
    good.account("Security", "security-tooling")
    good.account("Prod")
    good.trust("Security", "Prod", "security-audit")
    good.trust("Security", "Management", "read-only")
    assert messages(good.build(), "GRAPH-04") == []
    # No security-tooling account, or one that audits nothing: SEED-SECSTRUCT reports it.
    none = Builder()
    none.account("Prod")
    assert messages(none.build(), "GRAPH-04") == []
    idle = Builder()
    idle.account("Security", "security-tooling")
    idle.account("Prod")
    assert messages(idle.build(), "GRAPH-04") == []


def test_separation_of_duties_in_hybrid_accounts() -> None:
    b = Builder()
    b.account("InfoSec", "security-tooling")
    b.account("Prod")
    b.account("Archive", "log-archive", runs_workloads=True)
    b.trust("InfoSec", "Prod", "iam-admin", role_name="IamAdmin")
    b.trust("InfoSec", "Prod", "service-admin", role_name="Ops", services=["config", "ec2", "rds"])
    assert messages(b.build(), "GRAPH-05") == [
        "log-archive account 'Archive' also runs workloads",
        "security-tooling account 'InfoSec' administers ec2, rds in workload account 'Prod' "
        "(role 'Ops')",
        "security-tooling account 'InfoSec' holds iam-admin role 'IamAdmin' "
        "in workload account 'Prod'",
    ]
    good = Builder()
    good.account("InfoSec", "security-tooling", "log-archive")
    good.account("Prod")
    good.account("Identity", "identity")
    good.trust("InfoSec", "Prod", "security-audit")
    good.trust("InfoSec", "Prod", "service-admin", services=["cloudtrail", "config", "guardduty"])
    good.trust("InfoSec", "Identity", "administrator")  # not a workload account
    good.trust("Identity", "Prod", "administrator")
    assert messages(good.build(), "GRAPH-05") == []


def test_empty_design_gives_no_exception() -> None:
    design = Builder(management=False).build()
    for rule_id in GRAPH_RULES:
        assert messages(design, rule_id) == []


def test_admin_access_into_the_management_account() -> None:
    b = Builder()
    b.account("Sandbox", "sandbox")
    b.account("Tools", "security-tooling")
    b.trust("Tools", "Sandbox", "administrator", role_name="Break")
    b.trust("Sandbox", "Management", "administrator", role_name="OrgAdmin")
    b.trust("Tools", "Management", "security-audit", role_name="Audit")  # fine
    found = run_rule(b.build(), "GRAPH-06")
    assert [f.message for f in found] == [
        "account 'Sandbox' holds administrator access in the management account "
        "(role 'OrgAdmin' ('Sandbox' -> 'Management')), and so do 'Tools' through it"
    ]
    assert found[0].severity == Severity.CRITICAL
    good = Builder()
    good.account("Tools", "security-tooling")
    good.trust("Tools", "Management", "read-only")
    assert messages(good.build(), "GRAPH-06") == []
    assert messages(Builder(management=False).build(), "GRAPH-06") == []


def test_ssm_admin_from_security_tooling_is_not_a_security_service() -> None:
    b = Builder()
    b.account("Tools", "security-tooling")
    b.account("App", runs_workloads=True)
    b.trust("Tools", "App", "service-admin", services=["ssm"], role_name="Ops")
    assert len(messages(b.build(), "GRAPH-05")) == 1
    good = Builder()
    good.account("Tools", "security-tooling")
    good.account("App", runs_workloads=True)
    good.trust("Tools", "App", "service-admin", services=["guardduty", "config"])
    assert messages(good.build(), "GRAPH-05") == []


def test_an_account_excluded_from_the_audit_role_is_not_audited() -> None:
    # Flawed: the audit role goes to every workload account "except the noisy one", which
    # becomes the blind spot.
    b = Builder()
    b.ou("Workloads")
    b.account("Security", "security-tooling")
    for name in ("Shop", "Search", "Legacy"):
        b.account(name, parent="Workloads")
    b.trust("Security", "Management", "security-audit", role_name="Audit")
    b.trust("Security", "Workloads", "security-audit", excluded_accounts=[b.id("Legacy")])
    found = run_rule(b.build(), "GRAPH-04")
    assert [(f.message, f.subjects) for f in found] == [
        (
            "1 account has no read-only or security-audit role trusting a security-tooling "
            "account: 'Legacy'",
            (b.id("Legacy"),),
        )
    ]
    # Fixed: no exclusion; the role lands in every account of the OU, future ones too.
    good = Builder()
    good.ou("Workloads")
    good.account("Security", "security-tooling")
    for name in ("Shop", "Search", "Legacy"):
        good.account(name, parent="Workloads")
    good.trust("Security", "Management", "security-audit", role_name="Audit")
    good.trust("Security", "Workloads", "security-audit")
    assert messages(good.build(), "GRAPH-04") == []


def test_an_account_excluded_from_every_scoped_relationship_is_an_orphan() -> None:
    b = Builder()
    b.ou("Workloads")
    b.account("Logs", "log-archive")
    b.account("Shop", parent="Workloads")
    b.account("Forgotten", parent="Workloads")
    b.logs("Workloads", "Logs", "cloudtrail", excluded_accounts=[b.id("Forgotten")])
    b.bill("Forgotten")
    assert messages(b.build(), "GRAPH-03") == [
        "account 'Forgotten' takes part in no relationship (billing aside)"
    ]
    good = Builder()
    good.ou("Workloads")
    good.account("Logs", "log-archive")
    good.account("Shop", parent="Workloads")
    good.account("Forgotten", parent="Workloads")
    good.logs("Workloads", "Logs", "cloudtrail")
    assert messages(good.build(), "GRAPH-03") == []


def test_a_closed_account_parked_in_a_deny_all_ou_needs_no_audit_role() -> None:
    deny_all = {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}
    ]}  # fmt: skip
    b = Builder()
    b.scp("DenyAllSuspended", deny_all)
    b.ou("Suspended", scps=("DenyAllSuspended",))
    b.ou("Workloads")
    b.account("Security", "security-tooling")
    b.account("Prod", parent="Workloads")
    b.account("Old Shop", parent="Suspended", state="suspended")
    b.trust("Security", "Prod", "security-audit")
    b.trust("Security", "Management", "read-only")
    assert messages(b.build(), "GRAPH-04") == []
    # Still active, or suspended but left where nothing stops it: a blind spot.
    for parent, state in (("Suspended", "active"), ("Workloads", "suspended")):
        moved = Builder()
        moved.design = b.build().model_copy(deep=True)
        moved.design.accounts = [
            a.model_copy(update={"parent": b.id(parent), "state": state})
            if a.name == "Old Shop" else a
            for a in moved.design.accounts
        ]  # fmt: skip
        found = run_rule(moved.build(), "GRAPH-04")
        assert [f.subjects for f in found] == [(b.id("Old Shop"),)], (parent, state)


def test_an_aws_service_trusted_with_write_access_is_not_a_third_party() -> None:
    b = Builder()
    b.account("Payments")
    b.outside_principal("AWS Backup", kind="service", service_principal="backup.amazonaws.com")
    b.trust(
        "AWS Backup",
        "Payments",
        "service-admin",
        services=["backup"],
        principal_type="workload",
        source_account_condition=True,
    )
    found = run_rule(b.build(), "GRAPH-01")
    assert [f.severity for f in found] == [Severity.INFO]
