"""Trusts from outside the organization (IAM-01, IAM-02, IAM-03, IAM-15): for each, a realistic
flawed design that fires, then the same design fixed."""

from __future__ import annotations

from designer.rules import Severity
from tests.rules.builder import Builder, messages, run_rule

VENDOR_ACCOUNT = "578389389050"


def test_a_role_anyone_can_assume() -> None:
    # Flawed: a "public" demo role, meant for a partner whose account id was not known yet.
    b = Builder()
    b.account("Demo", environment="development")
    b.outside_principal("Internet", kind="anyone")
    rel = b.trust("Internet", "Demo", role_name="DemoAccess", external_id="demo-external-1")
    found = run_rule(b.build(), "IAM-01")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.CRITICAL,
            "anyone ('Internet') can assume role 'DemoAccess' in 'Demo' with read-only access: "
            'its trust policy allows Principal "*" without a condition',
        )
    ]
    assert found[0].subjects == (rel, b.id("Internet"), b.id("Demo"))
    # Only IAM-01 speaks: no external-id or account-root advice for the public.
    assert messages(b.build(), "IAM-02") == []
    assert messages(b.build(), "IAM-04") == []
    # Fixed: the partner's account is known and named, with an external id.
    good = Builder()
    good.account("Demo", environment="development")
    good.outside_principal("Partner", aws_account_id=VENDOR_ACCOUNT)
    good.trust("Partner", "Demo", role_name="DemoAccess", external_id="demo-external-1")
    assert messages(good.build(), "IAM-01") == []


def test_a_role_deployed_to_an_ou_that_anyone_can_assume_is_one_finding() -> None:
    b = Builder()
    b.ou("Sandbox")
    for n in range(5):
        b.account(f"Play{n}", "sandbox", parent="Sandbox")
    b.outside_principal("Internet", kind="anyone")
    rel = b.trust("Internet", "Sandbox", role_name="Open")
    found = run_rule(b.build(), "IAM-01")
    assert len(found) == 1
    assert found[0].message.endswith("(and 4 more like it in its scope)")
    assert rel in found[0].subjects


def test_third_party_needs_external_id() -> None:
    # Flawed: the monitoring vendor's system and the auditors' people get in with nothing
    # but the account id.
    b = Builder()
    b.account("Prod")
    b.outside_principal("Vendor", aws_account_id=VENDOR_ACCOUNT)
    b.outside_principal("Partner", kind="partner-organization", organization_id="o-abcdef1234")
    rel = b.trust("Vendor", "Prod", role_name="VendorRead", principal_type="workload")
    b.trust("Partner", "Prod", role_name="PartnerAudit")
    found = run_rule(b.build(), "IAM-02")
    assert [f.message for f in found] == [
        "external account 'Vendor' can assume role 'VendorRead' in 'Prod' without an external id",
        "partner organization 'Partner' can assume role 'PartnerAudit' in 'Prod' without an "
        "external id or MFA",
    ]
    assert found[0].subjects == (rel, b.id("Vendor"), b.id("Prod"))
    # Fixed: the vendor's system presents the agreed external id; the partner's people MFA.
    good = Builder()
    good.account("Prod")
    good.outside_principal("Vendor", aws_account_id=VENDOR_ACCOUNT)
    good.outside_principal("Partner", kind="partner-organization", organization_id="o-abcdef1234")
    good.trust("Vendor", "Prod", external_id="vendor-1234-abcd", principal_type="workload")
    good.trust("Partner", "Prod", role_name="PartnerAudit", require_mfa=True)
    good.trust("Management", "Prod")  # not a third party
    assert messages(good.build(), "IAM-02") == []
    # A workload cannot present MFA: MFA does not replace the external id for a vendor system.
    mfa_only = Builder()
    mfa_only.account("Prod")
    mfa_only.outside_principal("Vendor", aws_account_id=VENDOR_ACCOUNT)
    mfa_only.trust("Vendor", "Prod", principal_type="workload", require_mfa=True)
    assert len(messages(mfa_only.build(), "IAM-02")) == 1
    # A role of the partner carries no MFA key, so the export writes no MFA condition there:
    # 'require MFA' on a role-principal trust does not replace the external id.
    role_mfa = Builder()
    role_mfa.account("Prod")
    role_mfa.outside_principal(
        "Partner", kind="partner-organization", organization_id="o-abcdef1234"
    )
    role_mfa.trust(
        "Partner",
        "Prod",
        role_name="PartnerAudit",
        require_mfa=True,
        principal_scope="role",
        principal_role_name="Auditor",
    )
    assert messages(role_mfa.build(), "IAM-02") == [
        "partner organization 'Partner' can assume role 'PartnerAudit' in 'Prod' without an "
        "external id (a role session presents no MFA)"
    ]


def test_a_service_principal_trust_needs_a_confused_deputy_guard() -> None:
    # Flawed as far as the design can tell: a role for AWS Config in every workload account,
    # with nothing saying on whose behalf the service may use it.
    b = Builder()
    b.ou("Workloads")
    b.account("Prod", parent="Workloads")
    b.account("Dev", parent="Workloads", environment="development")
    b.outside_principal("Config", kind="service", service_principal="config.amazonaws.com")
    rel = b.trust("Config", "Workloads", role_name="ConfigRecorder", principal_type="workload")
    found = run_rule(b.build(), "IAM-03")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.HIGH,
            "AWS service config.amazonaws.com can assume role 'ConfigRecorder' in 'Prod' with "
            "no aws:SourceAccount or aws:SourceArn condition naming the account or resource it "
            "acts for (and 1 more like it in its scope)",
        )
    ]
    assert rel in found[0].subjects
    # The service is the principal: no external id, no account root to narrow.
    assert messages(b.build(), "IAM-02") == []
    assert messages(b.build(), "IAM-04") == []
    # Fixed: the same trust requires aws:SourceAccount (the role's own account).
    good = Builder()
    good.ou("Workloads")
    good.account("Prod", parent="Workloads")
    good.outside_principal("Config", kind="service", service_principal="config.amazonaws.com")
    good.trust(
        "Config",
        "Workloads",
        role_name="ConfigRecorder",
        principal_type="workload",
        source_account_condition=True,
    )
    assert messages(good.build(), "IAM-03") == []


def test_outside_parties_are_weighed_by_access_level() -> None:
    # Flawed: the consultancy was given administrator "for the migration", the auditor IAM admin
    # "to check policies", the partner organization can change production and development, and
    # the monitoring vendor reads production.
    b = Builder()
    b.account("Prod", environment="production")
    b.account("Dev", environment="development")
    b.outside_principal("Consultancy", aws_account_id="111122223333")
    b.outside_principal("Auditor", aws_account_id="222233334444")
    b.outside_principal("Partner", kind="partner-organization", organization_id="o-abcdef1234")
    b.outside_principal("Monitoring", aws_account_id=VENDOR_ACCOUNT)
    admin = b.trust(
        "Consultancy", "Dev", "administrator", role_name="Migration", external_id="consult-0001"
    )
    iam = b.trust("Auditor", "Dev", "iam-admin", role_name="PolicyCheck", external_id="audit-01")
    write = b.trust(
        "Partner",
        "Prod",
        "service-admin",
        role_name="PartnerOps",
        services=["s3"],
        external_id="partner-0001",
    )
    dev_write = b.trust(
        "Partner",
        "Dev",
        "custom",
        role_name="PartnerDev",
        managed_policy_arns=["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"],
        external_id="partner-0001",
    )
    read = b.trust(
        "Monitoring",
        "Prod",
        role_name="MonitoringRead",
        external_id="monitor-0001",
        principal_type="workload",
    )
    found = {f.subjects[0]: f for f in run_rule(b.build(), "IAM-15")}
    # Admin in development is serious but not critical; in production or privileged it is.
    assert {rel: f.severity for rel, f in found.items()} == {
        admin: Severity.HIGH,
        iam: Severity.HIGH,
        write: Severity.HIGH,
        dev_write: Severity.MEDIUM,
        read: Severity.LOW,
    }
    assert found[admin].message == (
        "external account 'Consultancy' holds administrator access in account 'Dev' (role "
        "'Migration'): it can create its own principals there"
    )
    assert found[write].message == (
        "partner organization 'Partner' can change production account 'Prod' "
        "(role 'PartnerOps', service-admin)"
    )
    assert found[read].message == (
        "external account 'Monitoring' reads production account 'Prod' (role "
        "'MonitoringRead', read-only): its data leaves the organization"
    )
    assert "iam-admin" in found[iam].evidence[0]
    # Fixed: the consultancy and the partner read development; the vendor's production read
    # stays a low note to review.
    good = Builder()
    good.account("Prod", environment="production")
    good.account("Dev", environment="development")
    good.outside_principal("Consultancy", aws_account_id="111122223333")
    good.outside_principal("Partner", kind="partner-organization", organization_id="o-abcdef1234")
    good.trust("Consultancy", "Dev", "read-only", external_id="consult-0001")
    good.trust("Partner", "Dev", "security-audit", external_id="partner-0001")
    assert messages(good.build(), "IAM-15") == []


def test_outsiders_write_into_privileged_accounts_weighs_like_production() -> None:
    # Flawed: a managed-security vendor may change Security Tooling and Identity, and holds
    # IAM admin in the identity account.
    b = Builder()
    b.account("Security", "security-tooling")
    b.account("Identity", "identity")
    b.account("Dev", environment="development")
    b.outside_principal("MSSP", aws_account_id=VENDOR_ACCOUNT)
    tooling = b.trust("MSSP", "Security", "service-admin", role_name="MsspOps",
                      services=["guardduty"], external_id="mssp-0001")  # fmt: skip
    identity = b.trust("MSSP", "Identity", "custom", role_name="MsspIdentity",
                       managed_policy_arns=["arn:aws:iam::aws:policy/AWSSSOReadOnly"],
                       external_id="mssp-0001")  # fmt: skip
    iam = b.trust("MSSP", "Identity", "iam-admin", role_name="MsspIam", external_id="mssp-0001")
    near = b.trust("MSSP", "Dev", "service-admin", role_name="MsspDev", services=["guardduty"],
                   external_id="mssp-0001")  # fmt: skip
    found = {f.subjects[0]: f for f in run_rule(b.build(), "IAM-15")}
    assert {rel: f.severity for rel, f in found.items()} == {
        tooling: Severity.HIGH,
        identity: Severity.HIGH,
        iam: Severity.CRITICAL,
        near: Severity.MEDIUM,  # near miss: write into development stays medium
    }
    assert found[tooling].message == (
        "external account 'MSSP' can change security-tooling account 'Security' "
        "(role 'MsspOps', service-admin)"
    )
    assert found[tooling].evidence[0].endswith("into security-tooling account")
