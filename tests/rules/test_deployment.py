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


def _analyst_trust(b: Builder, target: str = "Prod", **fields: object) -> str:
    return b.trust(
        "Tooling",
        target,
        "security-audit",
        role_name="SecurityAudit",
        principal_scope="role",
        principal_role_name="SecurityAnalyst",
        **fields,
    )


def test_a_principal_role_nothing_creates_is_reported() -> None:
    # Flawed: the audit role names SecurityAnalyst of the tooling account, but no federation
    # lands people in it and no trust creates it there: IAM refuses the trust policy.
    b = Builder()
    b.account("Tooling", "security-tooling")
    b.account("Identity", "identity")
    b.account("Prod")
    b.idp("Corp", "saml", home_account="Identity")
    b.federation("Corp", "Identity", mapped_roles=["SecurityAnalyst"])  # another account's role
    rel = _analyst_trust(b)
    found = run_rule(b.build(), "DEP-02")
    assert [f.message for f in found] == [
        "role 'SecurityAudit' in 'Prod' trusts role 'SecurityAnalyst' of 'Tooling', which "
        "nothing in the design creates there: IAM refuses a trust policy whose principal role "
        "does not exist"
    ]
    assert found[0].subjects == (rel, b.id("Tooling"), b.id("Prod"))
    assert found[0].severity == Severity.HIGH


def test_a_scoped_trust_naming_a_missing_role_is_one_finding() -> None:
    b = Builder()
    b.ou("Workloads")
    b.account("Tooling", "security-tooling")
    b.account("Prod", parent="Workloads")
    b.account("Dev", parent="Workloads")
    rel = _analyst_trust(b, "Workloads")
    found = run_rule(b.build(), "DEP-02")
    assert len(found) == 1
    assert rel in found[0].subjects
    assert "(and 1 more like it in its scope)" in found[0].message


def test_a_workload_principal_role_is_to_be_created_by_its_own_stack() -> None:
    b = Builder()
    b.account("Tools", "deployment")
    b.account("Prod")
    b.trust(
        "Tools",
        "Prod",
        "service-admin",
        role_name="Deploy",
        services=["ecs"],
        principal_type="workload",
        principal_scope="role",
        principal_role_name="CodeBuildDeploy",
    )
    found = run_rule(b.build(), "DEP-02")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.MEDIUM,
            "role 'Deploy' in 'Prod' trusts role 'CodeBuildDeploy' of 'Tools', which nothing "
            "in the design creates there: IAM refuses a trust policy whose principal role does "
            "not exist (deploy the workload's own role first)",
        )
    ]


def test_a_principal_role_the_design_creates_is_not_reported() -> None:
    # Each fix creates SecurityAnalyst in Tooling before the trust that names it.
    def base() -> Builder:
        b = Builder()
        b.account("Tooling", "security-tooling")
        b.account("Identity", "identity", iam_user_count=3)
        b.account("Prod")
        _analyst_trust(b)
        return b

    saml = base()
    saml.idp("Corp", "saml", home_account="Identity")
    saml.federation("Corp", "Tooling", mapped_roles=["SecurityAnalyst"])
    center = base()
    center.idp("Center", "identity-center", home_account="Management")
    center.federation("Center", "Tooling", "identity-center", permission_sets=["SecurityAnalyst"])
    hub = base()  # IAM users of the identity account reach it with MFA
    hub.trust("Identity", "Tooling", "read-only", role_name="SecurityAnalyst", require_mfa=True)
    scoped = base()  # a StackSet deploys it to the tooling account's OU
    scoped.design.accounts[1] = scoped.design.accounts[1].model_copy(
        update={"parent": scoped.ou("Security")}
    )
    scoped.trust("Identity", "Security", "read-only", role_name="SecurityAnalyst")
    for fixed in (saml, center, hub, scoped):
        assert messages(fixed.build(), "DEP-02") == []


def test_principals_that_are_not_a_role_of_a_member_account_are_not_checked() -> None:
    b = Builder()
    b.ou("Workloads")
    b.account("Prod", parent="Workloads")
    b.account("Shared")
    b.outside_principal("Vendor")
    b.trust("Vendor", "Prod", principal_scope="role", principal_role_name="Collector")
    # From an OU: Principal "*" with aws:PrincipalArn, which IAM accepts before the role exists.
    b.trust("Workloads", "Shared", principal_scope="role", principal_role_name="Reader")
    b.trust("Shared", "Prod")  # the account root always exists
    assert messages(b.build(), "DEP-02") == []
