"""IAM-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

from typing import Any

from designer.rules import Severity, validate
from tests.rules.builder import Builder, messages, run_rule

IAM_RULES = tuple(f"IAM-{n:02d}" for n in range(1, 18))

# A trust that passes every per-trust check (IAM-04, IAM-05, IAM-06, IAM-13): it names one
# role, whose sessions carry no MFA key, so MFA is required where people sign in to that role.
GOOD: dict[str, Any] = {
    "require_mfa": False,
    "organization_scoped": True,
    "principal_scope": "role",
    "principal_role_name": "Operator",
}


def test_trust_names_a_role() -> None:
    b = Builder()
    b.account("Prod")
    b.outside_principal("Vendor")
    b.trust("Management", "Prod", role_name="Ops")
    b.trust("Vendor", "Prod", role_name="VendorRead", external_id="vendor-1234-abcd")
    assert messages(b.build(), "IAM-04") == [
        "role 'Ops' in 'Prod' trusts every principal of account 'Management' (account root), "
        "not one role",
        "role 'VendorRead' in 'Prod' trusts every principal of external account 'Vendor' "
        "(account root), not one role",
    ]
    good = Builder()
    good.account("Prod")
    good.idp("Okta", "saml")
    good.trust("Okta", "Prod")  # the provider is the principal: exempt
    good.trust("Management", "Prod", **GOOD)
    assert messages(good.build(), "IAM-04") == []


def test_cross_account_roles_need_mfa() -> None:
    b = Builder()
    b.account("Identity", "identity")
    b.account("Prod")
    b.trust("Identity", "Prod", "administrator", role_name="Admin")
    assert messages(b.build(), "IAM-05") == [
        "role 'Admin' in 'Prod' can be assumed from account 'Identity' without MFA"
    ]
    good = Builder()
    good.account("Identity", "identity")
    good.account("Pipeline", "deployment")
    good.account("Prod")
    good.idp("Okta", "saml")
    good.outside_principal("Vendor")
    good.trust("Identity", "Prod", require_mfa=True)
    good.trust("Okta", "Prod")  # MFA is enforced at the provider
    good.trust("Vendor", "Prod", external_id="vendor-1234-abcd")  # outside: IAM-02's business
    # A pipeline cannot present MFA: a workload trust is held to IAM-04 / IAM-14 instead.
    good.trust("Pipeline", "Prod", "administrator", principal_type="workload")
    assert messages(good.build(), "IAM-05") == []


def test_a_pipeline_trust_drawn_as_human_is_asked_for_mfa_with_a_hint() -> None:
    # Flawed: the deployment role is drawn with the default (human) principal type and no MFA,
    # so the design says people use it without MFA.
    b = Builder()
    b.account("Pipeline", "deployment")
    b.account("Prod")
    b.trust("Pipeline", "Prod", "administrator", role_name="Deploy")
    assert messages(b.build(), "IAM-05") == [
        "role 'Deploy' in 'Prod' can be assumed from account 'Pipeline' without MFA "
        "(if a pipeline assumes it, make it a workload trust)"
    ]
    # Fixed: the design states that a workload holds it.
    good = Builder()
    good.account("Pipeline", "deployment")
    good.account("Prod")
    good.trust("Pipeline", "Prod", "administrator", role_name="Deploy", principal_type="workload")
    assert messages(good.build(), "IAM-05") == []


def test_a_workload_trust_names_the_role_it_runs_as() -> None:
    # Flawed: any principal of the tools account (every developer with sts:AssumeRole there)
    # can become the deployment role, and there is no MFA to stop them.
    b = Builder()
    b.account("Tools", "deployment")
    b.account("Prod")
    rel = b.trust(
        "Tools",
        "Prod",
        "service-admin",
        role_name="Deploy",
        services=["ecs"],
        principal_type="workload",
        organization_scoped=True,
    )
    found = run_rule(b.build(), "IAM-04")
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.HIGH,
            "workload role 'Deploy' in 'Prod' trusts every principal of account 'Tools' "
            "(account root): name the one role the workload runs as",
        )
    ]
    assert found[0].subjects == (rel, b.id("Tools"), b.id("Prod"))
    # Fixed: only the pipeline's own role may assume it.
    good = Builder()
    good.account("Tools", "deployment")
    good.account("Prod")
    good.trust(
        "Tools",
        "Prod",
        "service-admin",
        role_name="Deploy",
        services=["ecs"],
        principal_type="workload",
        organization_scoped=True,
        principal_scope="role",
        principal_role_name="CodeBuildDeploy",
    )
    assert messages(good.build(), "IAM-04") == []
    assert messages(good.build(), "IAM-05") == []


def test_a_workload_trust_that_requires_mfa() -> None:
    # Flawed: the nightly backup job's role demands MFA, which the job can never present.
    b = Builder()
    b.account("Backup", "backup")
    b.account("Prod")
    rel = b.trust(
        "Backup",
        "Prod",
        "service-admin",
        role_name="NightlyBackup",
        services=["backup"],
        principal_type="workload",
        require_mfa=True,
    )
    found = run_rule(b.build(), "IAM-14")
    assert [f.message for f in found] == [
        "workload role 'NightlyBackup' in 'Prod' requires MFA of account 'Backup', which a "
        "pipeline or service cannot present"
    ]
    assert found[0].subjects == (rel, b.id("Backup"), b.id("Prod"))
    assert found[0].severity == Severity.MEDIUM
    assert messages(b.build(), "IAM-13") == []  # not the federated-people rule
    # Fixed: no MFA flag; the job's role is named instead.
    good = Builder()
    good.account("Backup", "backup")
    good.account("Prod")
    good.trust(
        "Backup",
        "Prod",
        "service-admin",
        role_name="NightlyBackup",
        services=["backup"],
        principal_type="workload",
        principal_scope="role",
        principal_role_name="BackupJob",
    )
    good.trust("Backup", "Prod", role_name="Restore", require_mfa=True)  # people: MFA is right
    assert messages(good.build(), "IAM-14") == []


def test_organization_trusts_check_principal_org_id() -> None:
    b = Builder()
    b.account("Prod")
    b.trust("Management", "Prod", role_name="Ops")
    assert messages(b.build(), "IAM-06") == [
        "role 'Ops' in 'Prod' trusts account 'Management' without an aws:PrincipalOrgID condition"
    ]
    good = Builder()
    good.account("Prod")
    good.outside_principal("Vendor")
    good.trust("Management", "Prod", organization_scoped=True)
    good.trust("Vendor", "Prod", external_id="vendor-1234-abcd")  # outside the organization
    assert messages(good.build(), "IAM-06") == []


def test_session_duration_with_role_chaining() -> None:
    b = Builder()
    b.account("Hub", "central-it")
    b.account("Prod")
    b.idp("Okta", "saml")
    b.federation("Okta", "Hub", mapped_roles=["Operator"])
    b.trust("Management", "Hub", role_name="HubAccess")
    b.trust("Hub", "Prod", role_name="Ops", max_session_duration=14400)
    # Federated sessions are role sessions: the role assumed from them is chained too.
    b.trust(
        "Hub",
        "Prod",
        role_name="OpsFromSignIn",
        principal_scope="role",
        principal_role_name="Operator",
        max_session_duration=7200,
    )
    b.trust(
        "Hub",
        "Prod",
        "service-admin",
        role_name="DeployFromChain",
        services=["cloudformation"],
        principal_scope="role",
        principal_role_name="HubAccess",
        max_session_duration=43200,
    )
    found = {f.subjects[0]: f for f in run_rule(b.build(), "IAM-07")}
    messages_ = sorted(f.message for f in found.values())
    assert messages_ == [
        "role 'DeployFromChain' in 'Prod' allows 43200-second sessions, but it is assumed from "
        "role 'HubAccess', itself assumed through a trust into 'Hub', so the chained session "
        "lasts at most 1 hour",
        "role 'Ops' in 'Prod' allows 14400-second sessions, but it is assumed from account "
        "'Hub', whose people hold only role sessions (no IAM users), so the chained session "
        "lasts at most 1 hour",
        "role 'OpsFromSignIn' in 'Prod' allows 7200-second sessions, but it is assumed from "
        "role 'Operator', a federated session in 'Hub', so the chained session lasts at most 1 "
        "hour",
    ]
    assert {f.severity for f in found.values()} == {Severity.LOW}
    good = Builder()
    good.account("Users", "identity", iam_user_count=3)
    good.account("Prod")
    good.idp("Okta", "saml")
    good.trust("Users", "Prod", max_session_duration=14400)  # IAM users in Users: not chained
    good.trust("Okta", "Prod", max_session_duration=14400)  # the sign-in itself: first hop
    good.trust("Management", "Prod", max_session_duration=14400)  # nothing trusts Management
    assert messages(good.build(), "IAM-07") == []


def test_admin_sessions_keep_to_one_hour() -> None:
    b = Builder()
    b.account("Users", "identity", iam_user_count=3)
    b.account("Prod")
    admin = b.trust("Users", "Prod", "administrator", role_name="Admin", max_session_duration=43200)
    iam = b.trust("Users", "Prod", "iam-admin", role_name="IamAdmin", max_session_duration=5400)
    custom = b.trust(
        "Users",
        "Prod",
        "custom",
        role_name="CustomAdmin",
        managed_policy_arns=["arn:aws:iam::aws:policy/AdministratorAccess"],
        max_session_duration=7200,
    )
    found = {f.subjects[0]: f for f in run_rule(b.build(), "IAM-07")}
    assert set(found) == {admin, iam, custom}
    assert {f.severity for f in found.values()} == {Severity.MEDIUM}
    assert found[admin].message == (
        "role 'Admin' in 'Prod' grants administrator in sessions of up to 12 hours "
        "(43200 seconds): keep admin sessions to 1 hour"
    )
    assert found[iam].evidence == ("MaxSessionDuration 5400 on a iam-admin role",)
    # An admin role reached by chaining today is still medium: a direct way in added later
    # would get the long session.
    chained = Builder()
    chained.account("Hub", "central-it")
    chained.account("Prod")
    chained.idp("Okta", "saml")
    chained.federation("Okta", "Hub", mapped_roles=["Operator"])
    chained.trust("Hub", "Prod", "administrator", role_name="Admin", principal_scope="role",
                  principal_role_name="Operator", max_session_duration=28800)  # fmt: skip
    [finding] = run_rule(chained.build(), "IAM-07")
    assert finding.severity == Severity.MEDIUM
    assert finding.message.endswith(
        "(today it is chained from role 'Operator', a federated session in 'Hub', capped at 1 hour)"
    )
    # Near miss: long sessions for read-only and service-admin roles, admin at one hour.
    good = Builder()
    good.account("Users", "identity", iam_user_count=3)
    good.account("Prod")
    good.trust("Users", "Prod", "read-only", max_session_duration=43200)
    good.trust("Users", "Prod", "service-admin", services=["s3"], max_session_duration=14400)
    good.trust("Users", "Prod", "administrator", role_name="Admin")
    assert messages(good.build(), "IAM-07") == []


def test_security_audit_roles_trust_only_security_tooling() -> None:
    b = Builder()
    b.account("Prod")
    b.account("Ops", "central-it")
    b.outside_principal("Auditor")
    b.idp("Okta", "saml")
    b.trust("Ops", "Prod", "security-audit", role_name="Audit")
    b.trust("Auditor", "Prod", "security-audit", role_name="Audit", external_id="auditor-1234")
    b.trust("Okta", "Prod", "security-audit", role_name="Audit")
    assert messages(b.build(), "IAM-08") == [  # the report sorts messages
        "security-audit role 'Audit' in 'Prod' is trusted by account 'Ops', "
        "not a security-tooling account",
        "security-audit role 'Audit' in 'Prod' is trusted by identity provider 'Okta', "
        "not a security-tooling account",
        "security-audit role 'Audit' in 'Prod' is trusted by outside principal 'Auditor', "
        "not a security-tooling account",
    ]
    good = Builder()
    good.account("Prod")
    good.account("Ops", "central-it")
    good.account("Security", "security-tooling")
    good.trust("Security", "Prod", "security-audit")
    good.trust("Ops", "Prod", "read-only")
    assert messages(good.build(), "IAM-08") == []


def test_federation_lands_in_identity_account() -> None:
    b = Builder()
    b.account("Prod")
    b.idp("Okta", "saml", home_account="Prod")
    b.idp("GitHub", "oidc")
    b.federation("Okta", "Prod")
    b.federation("GitHub", "Prod", protocol="oidc")
    assert messages(b.build(), "IAM-09") == [
        "'GitHub' federates users into 'Prod', which is not an identity account",
        "'Okta' federates users into 'Prod', which is not an identity account",
        "saml provider 'Okta' is configured in 'Prod', which is not an identity account",
    ]
    good = Builder()
    good.account("Identity", "identity")
    good.idp("Okta", "saml", home_account="Identity")
    good.idp("Identity Center", "identity-center", home_account="Management")
    good.idp("AD", "directory-service", directory_type="managed-microsoft-ad")
    good.federation("Okta", "Identity")
    good.federation("Identity Center", "Management", protocol="identity-center")
    good.account("Central", "central-it")
    good.federation("AD", "Central", protocol="directory-service")
    assert messages(good.build(), "IAM-09") == []


def test_root_mfa_one_finding_for_all_accounts() -> None:
    b = Builder()
    for n in range(7):
        b.account(f"Acct{n}", root_mfa=False)
    found = run_rule(b.build(), "IAM-10")
    assert [f.message for f in found] == [
        "7 accounts have no root MFA: 'Acct0', 'Acct1', 'Acct2', 'Acct3', 'Acct4' and 2 more"
    ]
    assert found[0].subjects == tuple(b.id(f"Acct{n}") for n in range(7))
    one = Builder()
    one.account("Prod", root_mfa=False)
    assert messages(one.build(), "IAM-10") == ["1 account has no root MFA: 'Prod'"]
    good = Builder()
    good.account("Prod")
    assert messages(good.build(), "IAM-10") == []


def test_iam_users_only_in_identity_account() -> None:
    b = Builder()
    b.account("Prod", iam_user_count=1)
    b.account("Ops", "central-it", iam_user_count=12)
    assert messages(b.build(), "IAM-11") == [
        "account 'Ops' has 12 IAM users but is not an identity account",
        "account 'Prod' has 1 IAM user but is not an identity account",
    ]
    good = Builder()
    good.account("Identity", "identity", iam_user_count=40)
    good.account("Prod")
    good.design.accounts[0] = good.design.accounts[0].model_copy(update={"iam_user_count": 2})
    assert good.design.accounts[0].name == "Management"  # ORG-03's job
    assert messages(good.build(), "IAM-11") == []


def test_long_admin_trust_chains() -> None:
    b = Builder()
    b.account("Identity", "identity")
    b.account("Hub", "central-it")
    b.account("Prod")
    b.idp("Okta", "saml")
    b.federation("Okta", "Identity")
    b.trust("Identity", "Hub", "administrator")
    b.trust("Hub", "Prod", "iam-admin")
    found = run_rule(b.build(), "IAM-12")
    assert [f.message for f in found] == [
        "role 'Role' ('Hub' -> 'Prod') grants iam-admin at the end of a 3-hop chain: "
        "'Okta' -> 'Identity' -> 'Hub' -> 'Prod'"
    ]
    assert {b.id("Okta"), b.id("Prod")} <= set(found[0].subjects)
    good = Builder()
    good.account("Identity", "identity")
    good.account("Hub", "central-it")
    good.account("Prod")
    good.idp("Okta", "saml")
    good.federation("Okta", "Identity")
    good.trust("Identity", "Prod", "administrator")  # two hops from Okta
    good.trust("Identity", "Hub", "read-only")
    good.trust("Hub", "Prod", "read-only")
    assert messages(good.build(), "IAM-12") == []


def test_good_identity_structure_is_clean() -> None:
    b = Builder()
    b.account("Identity", "identity", iam_user_count=5)
    b.account("Prod")
    b.trust("Identity", "Prod", "administrator", **GOOD)
    report = validate(b.build())
    assert [f.message for f in report.findings if f.rule_id in IAM_RULES] == []


def test_empty_design_gives_no_exception() -> None:
    design = Builder(management=False).build()
    for rule_id in IAM_RULES:
        assert messages(design, rule_id) == []


def test_mfa_required_of_federated_principals_locks_them_out() -> None:
    b = Builder()
    b.account("Identity", "identity")
    b.account("Prod")
    b.idp("Okta", "saml", home_account="Identity")
    b.federation("Okta", "Identity", mapped_roles=["Operator"])
    b.trust(
        "Identity",
        "Prod",
        "administrator",
        role_name="Admin",
        require_mfa=True,
        principal_scope="role",
        principal_role_name="Operator",
    )
    assert messages(b.build(), "IAM-13") == [
        "role 'Admin' in 'Prod' requires MFA of role 'Operator', whose federated sessions "
        "carry no MFA key: they cannot assume it"
    ]
    assert messages(b.build(), "IAM-05") == []
    # Fixed: the IAM users of the identity account, who present their MFA device, are trusted.
    good = Builder()
    good.account("Identity", "identity", iam_user_count=3)
    good.account("Prod")
    good.trust("Identity", "Prod", "administrator", role_name="Admin", require_mfa=True)
    assert messages(good.build(), "IAM-13") == []
    assert messages(good.build(), "IAM-05") == []


def test_mfa_required_of_any_role_principal_is_reported() -> None:
    # Flawed: the identity account has IAM users, but the trust names a role: whoever assumed
    # Operator holds a role session, which never carries aws:MultiFactorAuthPresent, so the
    # export leaves the condition out and the design's 'require MFA' is not what deploys.
    b = Builder()
    b.account("Users", "identity", iam_user_count=3)
    b.account("Identity", "identity", iam_user_count=3)
    b.account("Prod")
    b.trust("Users", "Identity", "read-only", role_name="Operator", require_mfa=True)
    rel = b.trust(
        "Identity",
        "Prod",
        "administrator",
        role_name="Admin",
        require_mfa=True,
        principal_scope="role",
        principal_role_name="Operator",
    )
    found = run_rule(b.build(), "IAM-13")
    assert [f.message for f in found] == [
        "role 'Admin' in 'Prod' requires MFA of role 'Operator' of 'Identity', a role session "
        "that carries no MFA key (the export writes no MFA condition): clear 'require MFA' and "
        "require MFA where people sign in to 'Operator' (the trust from 'Users')"
    ]
    assert found[0].subjects == (rel, b.id("Identity"), b.id("Prod"))
    assert found[0].severity == Severity.HIGH
    # Fixed: no MFA flag on the role-principal trust; the trust into Operator keeps it.
    good = Builder()
    good.account("Users", "identity", iam_user_count=3)
    good.account("Identity", "identity", iam_user_count=3)
    good.account("Prod")
    good.trust("Users", "Identity", "read-only", role_name="Operator", require_mfa=True)
    good.trust("Identity", "Prod", "administrator", role_name="Admin", **GOOD)
    assert messages(good.build(), "IAM-13") == []
    assert messages(good.build(), "IAM-05") == []


def test_mfa_for_a_role_principal_is_asked_on_the_trust_into_that_role() -> None:
    # Flawed today: IAM-05 asked for 'require MFA' on a trust whose principal is a role, which
    # the export cannot deploy; the trust people use to reach Operator is where MFA belongs.
    b = Builder()
    b.account("Users", "identity", iam_user_count=3)
    b.account("Identity", "identity", iam_user_count=3)
    b.account("Prod")
    into = b.trust("Users", "Identity", "read-only", role_name="Operator")
    b.trust(
        "Identity",
        "Prod",
        "administrator",
        role_name="Admin",
        principal_scope="role",
        principal_role_name="Operator",
    )
    found = run_rule(b.build(), "IAM-05")
    assert [f.message for f in found] == [
        "role 'Operator' in 'Identity' can be assumed from account 'Users' without MFA"
    ]
    assert found[0].subjects == (into, b.id("Users"), b.id("Identity"))


def test_federated_only_account_needs_no_mfa_condition() -> None:
    b = Builder()
    b.account("Identity", "identity")  # no IAM users: people arrive through Okta
    b.account("Prod")
    b.idp("Okta", "saml", home_account="Identity")
    b.federation("Okta", "Identity", permission_sets=["Admin"])
    b.trust("Identity", "Prod", "administrator", require_mfa=False)
    assert messages(b.build(), "IAM-05") == []
    b.trust("Identity", "Prod", "read-only", role_name="Reader", require_mfa=True)
    assert len(messages(b.build(), "IAM-13")) == 1


def test_ci_federation_is_not_a_sign_in_for_people() -> None:
    # Flawed: people's SAML sign-in lands in a workload account.
    b = Builder()
    b.account("Identity", "identity")
    b.account("Deploy", "deployment")
    b.idp("Okta", "saml", home_account="Identity")
    b.idp("GitHub", "oidc", home_account="Deploy")
    b.federation("Okta", "Deploy")
    b.federation("GitHub", "Deploy", protocol="oidc", principal_type="workload")
    assert messages(b.build(), "IAM-09") == [
        "'Okta' federates users into 'Deploy', which is not an identity account"
    ]
    # Fixed: people sign in to the identity account; GitHub Actions, a workload federation,
    # stays in the deployment account whose roles its jobs use.
    good = Builder()
    good.account("Identity", "identity")
    good.account("Deploy", "deployment")
    good.idp("Okta", "saml", home_account="Identity")
    good.idp("GitHub", "oidc", home_account="Deploy")
    good.federation("Okta", "Identity")
    good.federation("GitHub", "Deploy", protocol="oidc", principal_type="workload")
    assert messages(good.build(), "IAM-09") == []


def test_a_trust_from_an_ou_names_the_ou_once() -> None:
    b = Builder()
    b.ou("Workloads")
    b.account("Shared", "central-it")
    for n in range(3):
        b.account(f"App{n}", parent="Workloads")
    rel = b.trust("Workloads", "Shared", role_name="ReadShared", require_mfa=True)
    found = run_rule(b.build(), "IAM-04")
    assert [f.message for f in found] == [
        "role 'ReadShared' in 'Shared' trusts every principal of OU 'Workloads' "
        "(aws:PrincipalOrgPaths), not one role"
    ]
    assert found[0].subjects == (rel, b.id("Workloads"), b.id("Shared"))
    # Its policy carries aws:PrincipalOrgPaths by construction: no IAM-06 finding.
    assert messages(b.build(), "IAM-06") == []


def test_a_trust_from_an_ou_grants_no_admin() -> None:
    # Flawed: "let the platform teams administer the shared account" drawn as a trust from the
    # whole Workloads OU: every principal of every workload account becomes its administrator.
    b = Builder()
    b.ou("Workloads")
    b.account("Shared", "central-it")
    for n in range(4):
        b.account(f"App{n}", parent="Workloads")
    rel = b.trust("Workloads", "Shared", "administrator", role_name="SharedAdmin", require_mfa=True)
    named = b.trust(
        "Workloads",
        "Shared",
        "iam-admin",
        role_name="SharedIam",
        require_mfa=True,
        principal_scope="role",
        principal_role_name="Platform",
        excluded_accounts=[b.id("App3")],
    )
    found = run_rule(b.build(), "IAM-16")
    assert [(f.severity, f.message, f.subjects) for f in found] == [
        (
            Severity.HIGH,
            "role 'SharedAdmin' in 'Shared' grants administrator to every principal of "
            "OU 'Workloads' (4 accounts)",
            (rel, b.id("Workloads"), b.id("Shared")),
        ),
        (
            Severity.MEDIUM,
            "role 'SharedIam' in 'Shared' grants iam-admin to role 'Platform' of any account in "
            "OU 'Workloads' (3 accounts): the administrators of each can create that role",
            (named, b.id("Workloads"), b.id("Shared")),
        ),
    ]
    # Fixed: the OU may read; administration comes from the identity account alone.
    good = Builder()
    good.ou("Workloads")
    good.account("Shared", "central-it")
    good.account("Identity", "identity")
    for n in range(4):
        good.account(f"App{n}", parent="Workloads")
    good.trust("Workloads", "Shared", "read-only", role_name="ReadShared", require_mfa=True)
    good.trust("Identity", "Shared", "administrator", **GOOD)
    assert messages(good.build(), "IAM-16") == []


def test_a_named_role_from_a_scope_is_high_where_a_sandbox_can_create_it_or_it_guards_prod() -> (
    None
):
    def design(sandbox: bool, target_env: str) -> Builder:
        b = Builder()
        b.ou("Workloads")
        b.account("Shared", "central-it", environment=target_env)
        b.account("App", parent="Workloads", environment="production")
        if sandbox:
            b.account("Experiments", "sandbox", parent="Workloads", environment="sandbox")
        b.trust("Workloads", "Shared", "administrator", role_name="SharedAdmin",
                principal_scope="role", principal_role_name="Platform")  # fmt: skip
        return b

    b = design(sandbox=True, target_env="none")
    [found] = run_rule(b.build(), "IAM-16")
    assert found.severity == Severity.HIGH
    assert "less-trusted accounts in it: 'Experiments'" in found.evidence
    b = design(sandbox=False, target_env="production")
    [found] = run_rule(b.build(), "IAM-16")
    assert found.severity == Severity.HIGH
    assert "the role is in a production account" in found.evidence
    b = design(sandbox=False, target_env="none")  # near miss: only the named role's risk
    assert [f.severity for f in run_rule(b.build(), "IAM-16")] == [Severity.MEDIUM]


def test_ci_jobs_stay_out_of_management_and_admin() -> None:
    # Flawed: GitHub Actions deploys straight into the management account, and a second
    # workflow role is administrator of production.
    b = Builder()
    b.account("Prod")
    b.idp("GitHub", "oidc", metadata_url="https://token.actions.githubusercontent.com")
    into_management = b.federation(
        "GitHub", "Management", protocol="oidc", principal_type="workload"
    )
    admin = b.trust(
        "GitHub", "Prod", "administrator", role_name="GitHubDeploy", principal_type="workload"
    )
    found = run_rule(b.build(), "IAM-17")
    assert sorted((f.message, f.subjects) for f in found) == [
        (
            "CI jobs of identity provider 'GitHub' get administrator access in 'Prod' "
            "(role 'GitHubDeploy' ('GitHub' -> 'Prod'))",
            (admin, b.id("GitHub"), b.id("Prod")),
        ),
        (
            "CI jobs of identity provider 'GitHub' get federated access in the management "
            "account (federation ('GitHub' -> 'Management'))",
            (into_management, b.id("GitHub"), b.id("Management")),
        ),
    ]
    assert {f.severity for f in found} == {Severity.HIGH}
    # Fixed: CI lands in a deployment account with a role scoped to what it deploys.
    good = Builder()
    good.account("Deploy", "deployment")
    good.account("Prod")
    good.idp("GitHub", "oidc", home_account="Deploy")
    good.federation("GitHub", "Deploy", protocol="oidc", principal_type="workload")
    good.trust(
        "GitHub",
        "Prod",
        "service-admin",
        role_name="GitHubDeploy",
        services=["ecs"],
        principal_type="workload",
    )
    good.idp("Okta", "saml")
    good.federation("Okta", "Management")  # people: not a CI finding (SEED-BILLING's)
    assert messages(good.build(), "IAM-17") == []


def test_an_oidc_trust_names_the_token_subjects_it_admits() -> None:
    # Flawed: the deploy role trusts GitHub's provider with the audience only, so any
    # repository on GitHub that requests a token for sts.amazonaws.com can assume it.
    b = Builder()
    b.account("Deploy", "deployment")
    b.account("Prod")
    b.idp("GitHub", "oidc", metadata_url="https://token.actions.githubusercontent.com")
    deploy = b.trust(
        "GitHub", "Deploy", "service-admin", role_name="Pipeline", services=["cloudformation"],
        principal_type="workload", require_mfa=False,
    )  # fmt: skip
    admin = b.trust(
        "GitHub", "Prod", "administrator", role_name="Break", principal_type="workload",
        require_mfa=False,
    )  # fmt: skip
    found = {f.subjects[0]: f for f in run_rule(b.build(), "IAM-18")}
    assert set(found) == {deploy, admin}
    assert found[deploy].severity == Severity.HIGH
    assert found[admin].severity == Severity.CRITICAL, "any repository becomes administrator"
    assert "no token subject is named" in found[deploy].message
    # Fixed: each trust admits one repository's main branch or production environment.
    good = Builder()
    good.account("Deploy", "deployment")
    good.idp("GitHub", "oidc", metadata_url="https://token.actions.githubusercontent.com")
    good.trust(
        "GitHub", "Deploy", "service-admin", role_name="Pipeline", services=["cloudformation"],
        principal_type="workload", require_mfa=False,
        oidc_subjects=["repo:example/infra:ref:refs/heads/main"],
    )  # fmt: skip
    good.idp("Okta", "saml")
    good.trust("Okta", "Deploy", role_name="People")  # SAML: no token subject to name
    assert messages(good.build(), "IAM-18") == []


def test_a_ci_provider_in_a_deployment_account_is_not_a_sign_in_for_people() -> None:
    # Legitimate: GitHub's OIDC provider kept in the deployment account, drawn before its
    # roles, and its workload federation into that account.
    good = Builder()
    good.account("Deploy", "deployment")
    good.idp("GitHub", "oidc", home_account="Deploy")
    assert messages(good.build(), "IAM-09") == []
    good.federation(
        "GitHub",
        "Deploy",
        protocol="oidc",
        principal_type="workload",
        mapped_roles=["Deployer"],
        oidc_subjects=["repo:o/r:ref:refs/heads/main"],
    )
    assert messages(good.build(), "IAM-09") == []
    # The same provider kept in a workload account that no one uses yet is still asked about.
    b = Builder()
    b.account("Prod")
    b.idp("GitHub", "oidc", home_account="Prod")
    assert messages(b.build(), "IAM-09") == [
        "oidc provider 'GitHub' is configured in 'Prod', which is not an identity account"
    ]


def test_no_rule_asks_a_workload_trust_for_mfa() -> None:
    b = Builder()
    b.account("Deploy", "deployment")
    b.account("Prod", environment="production")
    b.trust(
        "Deploy",
        "Prod",
        "service-admin",
        services=["ecs"],
        principal_type="workload",
        principal_scope="role",
        principal_role_name="Runner",
        organization_scoped=True,
    )
    b.trust("Deploy", "Prod", "administrator", role_name="Bootstrap", principal_type="workload",
            organization_scoped=True)  # fmt: skip
    report = validate(b.build())
    assert not [f for f in report.findings if "MFA" in f.message]
