"""IAM-* rules: each with a design that triggers it and one that does not."""

from __future__ import annotations

from typing import Any

from designer.rules import validate
from tests.rules.builder import Builder, messages, run_rule

IAM_RULES = ("IAM-02", "IAM-04", "IAM-05", "IAM-06", "IAM-07", "IAM-08", "IAM-09")
IAM_RULES += ("IAM-10", "IAM-11", "IAM-12")

# A trust that passes every per-trust check (IAM-04, IAM-05, IAM-06).
GOOD: dict[str, Any] = {
    "require_mfa": True,
    "organization_scoped": True,
    "principal_scope": "role",
    "principal_role_name": "Operator",
}


def test_third_party_needs_external_id() -> None:
    b = Builder()
    b.account("Prod")
    b.outside_principal("Vendor")
    rel = b.trust("Vendor", "Prod", role_name="VendorRead")
    found = run_rule(b.build(), "IAM-02")
    assert [f.message for f in found] == [
        "third party 'Vendor' can assume role 'VendorRead' in 'Prod' without an external id"
    ]
    assert found[0].subjects == (rel, b.id("Vendor"), b.id("Prod"))
    good = Builder()
    good.account("Prod")
    good.outside_principal("Vendor")
    good.trust("Vendor", "Prod", external_id="vendor-1234-abcd")
    good.trust("Management", "Prod")  # not a third party
    assert messages(good.build(), "IAM-02") == []


def test_trust_names_a_role() -> None:
    b = Builder()
    b.account("Prod")
    b.outside_principal("Vendor")
    b.trust("Management", "Prod", role_name="Ops")
    b.trust("Vendor", "Prod", role_name="VendorRead", external_id="vendor-1234-abcd")
    assert messages(b.build(), "IAM-04") == [
        "role 'Ops' in 'Prod' trusts every principal of account 'Management' (account root), "
        "not one role",
        "role 'VendorRead' in 'Prod' trusts every principal of third party 'Vendor' "
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
    good.trust("Vendor", "Prod", external_id="vendor-1234-abcd")  # machine access
    good.trust("Pipeline", "Prod", "administrator")  # a pipeline cannot present MFA
    assert messages(good.build(), "IAM-05") == []


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
    b.trust("Management", "Hub", role_name="HubAccess")
    b.trust("Hub", "Prod", role_name="Ops", max_session_duration=14400)
    found = run_rule(b.build(), "IAM-07")
    assert [f.message for f in found] == [
        "role 'Ops' in 'Prod' allows 14400-second sessions, but account 'Hub' is reached only "
        "through roles, so chained sessions last 1 hour"
    ]
    good = Builder()
    good.account("Hub", "central-it")
    good.account("Users", "identity", iam_user_count=3)
    good.account("Prod")
    good.idp("Okta", "saml")
    good.trust("Management", "Hub")
    good.trust("Management", "Users")
    good.federation("Okta", "Hub")
    good.trust("Hub", "Prod", max_session_duration=14400)  # people sign in to Hub directly
    good.trust("Users", "Prod", max_session_duration=14400)  # IAM users in Users
    good.trust("Management", "Prod", max_session_duration=14400)  # nothing trusts Management
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
        "security-audit role 'Audit' in 'Prod' is trusted by third party 'Auditor', "
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
    good = Builder()
    good.account("Identity", "identity", iam_user_count=3)
    good.account("Prod")
    good.trust(
        "Identity",
        "Prod",
        "administrator",
        role_name="Admin",
        require_mfa=True,
        principal_scope="role",
        principal_role_name="Operator",
    )
    assert messages(good.build(), "IAM-13") == []


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
