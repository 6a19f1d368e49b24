"""GRAPH-07 (role-level attack paths) and GRAPH-08 (who holds security tooling and identity):
each with a design that triggers it, its severity and evidence, and a near miss."""

from __future__ import annotations

from typing import Any

from designer.rules import Severity
from tests.rules.builder import Builder, messages, run_rule
from tests.rules.corpus.kit import Kit

WORKLOAD_ROLE = {"principal_scope": "role", "principal_type": "workload"}


def _pipeline(prod_principal: str) -> tuple[Builder, dict[str, str]]:
    """Sandbox -> development pipeline role (service admin) -> production administrator."""
    b = Builder()
    b.account("Sandbox", "sandbox", environment="sandbox")
    b.account("Dev", environment="development")
    b.account("Deploy", "deployment")
    b.account("Prod", environment="production")
    ids = {
        "first": b.trust(
            "Sandbox",
            "Dev",
            "service-admin",
            role_name="DevDeploy",
            services=["cloudformation"],
            principal_role_name="SandboxRunner",
            **WORKLOAD_ROLE,
        ),
        "second": b.trust(
            "Deploy" if prod_principal == "PipelineRunner" else "Dev",
            "Prod",
            "administrator",
            role_name="ProdDeploy",
            principal_role_name=prod_principal,
            **WORKLOAD_ROLE,
        ),
    }
    return b, ids


def test_a_sandbox_reaches_production_admin_through_a_pipeline_role() -> None:
    b, ids = _pipeline("DevDeploy")
    found = [f for f in run_rule(b.build(), "GRAPH-07") if f.subjects[0] == b.id("Sandbox")]
    assert len(found) == 1
    finding = found[0]
    assert finding.severity == Severity.HIGH
    assert finding.message == (
        "account 'Sandbox' can take administrator control of production account 'Prod' in 2 "
        "role hop(s): 'Sandbox' -> 'Dev' (role 'DevDeploy', service-admin) -> 'Prod' (role "
        "'ProdDeploy', administrator)"
    )
    assert finding.subjects == (
        b.id("Sandbox"),
        b.id("Dev"),
        b.id("Prod"),
        ids["first"],
        ids["second"],
    )
    assert len(finding.evidence) == 2
    assert finding.evidence[0].startswith(
        "'Sandbox' -> 'Dev': role 'DevDeploy' (service-admin), assumed as any principal there"
    )
    assert finding.evidence[1].startswith(
        "'Dev' -> 'Prod': role 'ProdDeploy' (administrator), assumed as role 'DevDeploy'"
    )


def test_a_role_of_the_same_name_in_another_account_is_no_path() -> None:
    # Production trusts the deployment account's runner; the sandbox holds DevDeploy in Dev only.
    b, _ = _pipeline("PipelineRunner")
    assert messages(b.build(), "GRAPH-07") == []


def test_an_account_root_trust_needs_control_of_the_account() -> None:
    b = Builder()
    b.account("Sandbox", "sandbox", environment="sandbox")
    b.account("Tools", "central-it")
    b.account("Prod", environment="production")
    b.trust("Sandbox", "Tools", "read-only", role_name="ToolsRead", **WORKLOAD_ROLE,
            principal_role_name="Runner")  # fmt: skip
    b.trust("Tools", "Prod", "administrator", role_name="ToolsAdmin")  # account root
    assert messages(b.build(), "GRAPH-07") == []
    # Given admin in Tools, the sandbox controls its every principal: the path opens.
    b.trust("Sandbox", "Tools", "iam-admin", role_name="ToolsIam", **WORKLOAD_ROLE,
            principal_role_name="Runner")  # fmt: skip
    found = run_rule(b.build(), "GRAPH-07")
    assert [f.severity for f in found] == [Severity.HIGH]
    assert "'Tools' (role 'ToolsIam', iam-admin) -> 'Prod'" in found[0].message


def test_outsiders_and_privileged_targets_are_critical() -> None:
    b = Builder()
    b.account("Staging", environment="non-production")
    b.account("Shared", "central-it")
    b.account("Security", "security-tooling")
    b.account("Prod", environment="production")
    b.outside_principal("Vendor", aws_account_id="444455556666")
    b.outside_principal("Logs", kind="service", service_principal="logs.amazonaws.com")
    b.trust("Staging", "Shared", "custom", role_name="StagingTools",
            managed_policy_arns=["arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"],
            principal_role_name="Runner", **WORKLOAD_ROLE)  # fmt: skip
    b.trust("Shared", "Security", "iam-admin", role_name="SecIam",
            principal_role_name="StagingTools", **WORKLOAD_ROLE)  # fmt: skip
    b.trust("Vendor", "Shared", "service-admin", role_name="VendorBuild", services=["codebuild"],
            external_id="vendor-0001", principal_role_name="Runner", **WORKLOAD_ROLE)  # fmt: skip
    b.trust("Shared", "Prod", "administrator", role_name="Release",
            principal_role_name="VendorBuild", **WORKLOAD_ROLE)  # fmt: skip
    b.trust("Logs", "Prod", "administrator", role_name="LogsRole", source_account_condition=True,
            principal_type="workload")  # fmt: skip
    found = {f.message.split(" can ")[0]: f for f in run_rule(b.build(), "GRAPH-07")}
    assert set(found) == {"account 'Staging'", "external account 'Vendor'"}
    assert found["account 'Staging'"].severity == Severity.CRITICAL
    assert "security-tooling account 'Security'" in found["account 'Staging'"].message
    assert found["external account 'Vendor'"].severity == Severity.CRITICAL
    assert "production account 'Prod'" in found["external account 'Vendor'"].message


def test_scoped_trusts_are_followed_into_every_account() -> None:
    b = Builder()
    b.ou("Prod")
    b.account("Sandbox", "sandbox", environment="sandbox")
    b.account("P1", parent="Prod", environment="production")
    b.account("P2", parent="Prod", environment="production")
    b.trust("Sandbox", "Prod", "administrator", role_name="Oops", principal_role_name="Dev",
            principal_scope="role")  # fmt: skip
    found = run_rule(b.build(), "GRAPH-07")
    # One finding for the start: its worst target, with a count of the others.
    assert [f.severity for f in found] == [Severity.HIGH]
    assert found[0].message.endswith("; and 1 other production or privileged account(s)")
    assert "production account 'P1'" in found[0].message
    assert {b.id("Sandbox"), b.id("Prod")} <= set(found[0].subjects)


def test_outsider_holding_admin_in_identity_is_reported_by_graph_08() -> None:
    b = Builder()
    b.account("Identity", "identity")
    b.account("Security", "security-tooling")
    b.account("Prod", environment="production")
    b.account("Network", "network")
    b.outside_principal("Vendor", aws_account_id="444455556666")
    b.idp("GitHub", "oidc")
    vendor = b.trust("Vendor", "Identity", "administrator", role_name="VendorAdmin",
                     external_id="vendor-0001")  # fmt: skip
    workload = b.trust("Prod", "Security", "iam-admin", role_name="ProdSec")
    network = b.trust("Network", "Identity", "administrator", role_name="NetAdmin")
    ci = b.federation("GitHub", "Security", protocol="oidc", principal_type="workload",
                      permission_sets=["AdministratorAccess"])  # fmt: skip
    found = {f.subjects[0]: f for f in run_rule(b.build(), "GRAPH-08")}
    assert {rel: f.severity for rel, f in found.items()} == {
        vendor: Severity.HIGH,
        workload: Severity.HIGH,
        network: Severity.HIGH,
        ci: Severity.HIGH,
    }
    assert found[vendor].message == (
        "external account 'Vendor' holds administrator in identity account 'Identity' "
        "(role 'VendorAdmin')"
    )
    assert found[ci].message == (
        "CI jobs of identity provider 'GitHub' get administrator in security-tooling account "
        "'Security' (permission sets AdministratorAccess)"
    )
    assert found[ci].evidence[0].endswith("permission sets weighed as administrator")


def test_graph_08_weighs_a_second_identity_provider_like_a_trust() -> None:
    b = Builder()
    b.account("Identity", "identity")
    b.account("Security", "security-tooling")
    b.idp("Contractor Okta", "saml", home_account="Security")
    rel = b.federation("Contractor Okta", "Security", permission_sets=["AdministratorAccess"])
    [finding] = run_rule(b.build(), "GRAPH-08")
    assert finding.severity == Severity.HIGH
    assert finding.subjects == (rel, b.id("Contractor Okta"), b.id("Security"))
    assert finding.message.startswith(
        "people signing in through identity provider 'Contractor Okta' (not IAM Identity "
        "Center nor a provider of the identity account) get administrator"
    )
    # The same provider kept in the identity account is the workforce sign-in.
    good = Builder()
    good.account("Identity", "identity")
    good.account("Security", "security-tooling")
    good.idp("Okta", "saml", home_account="Identity")
    good.federation("Okta", "Security", permission_sets=["AdministratorAccess"])
    assert messages(good.build(), "GRAPH-08") == []


def test_graph_08_spares_the_accounts_own_administrators() -> None:
    b = Builder()
    b.account("Identity", "identity")
    b.account("Security", "security-tooling")
    b.idp("Identity Center", "identity-center", home_account="Management")
    b.federation("Identity Center", "Security", protocol="identity-center",
                 permission_sets=["AdministratorAccess", "ReadOnlyAccess"])  # fmt: skip
    b.federation("Identity Center", "Identity", protocol="identity-center",
                 permission_sets=["AdministratorAccess"])  # fmt: skip
    b.trust("Identity", "Security", "administrator", role_name="SecAdmin",
            principal_scope="role", principal_role_name="Admins")  # fmt: skip
    b.trust("Management", "Identity", "administrator", role_name="BreakGlass")
    b.trust("Security", "Identity", "security-audit", role_name="Audit")
    assert messages(b.build(), "GRAPH-08") == []


def test_graph_08_reports_workloads_run_in_security_tooling() -> None:
    b = Builder()
    b.account("Security", "security-tooling", runs_workloads=True)
    b.account("Identity", "identity", "sandbox")
    assert messages(b.build(), "GRAPH-05") == []  # one rule per flaw: GRAPH-08's
    found = run_rule(b.build(), "GRAPH-08")
    assert sorted(f.message for f in found) == [
        "identity account 'Identity' also has other duties: sandbox",
        "security-tooling account 'Security' also has other duties: runs workloads",
    ]
    assert {f.severity for f in found} == {Severity.HIGH}
    hybrid = Builder()
    hybrid.account("SecurityIdentity", "security-tooling", "identity")  # whitepaper hybrid
    assert messages(hybrid.build(), "GRAPH-08") == []


def _parked_hop(park: bool) -> Any:
    k = Kit()
    k.trust("Developer Sandbox", "Payments Staging", "administrator", role_name="Borrow")
    k.trust("Payments Staging", "Payments Production", "administrator", role_name="Release")
    if park:
        k.update("Payments Staging", state="suspended", parent="Suspended")
    return k.build()


def test_a_parked_account_is_no_hop() -> None:
    # Near miss first: the staging account active, the sandbox goes through it.
    design = _parked_hop(park=False)
    found = run_rule(design, "GRAPH-07")
    [finding] = [f for f in found if f.subjects[0] == design_id(design, "Developer Sandbox")]
    assert finding.severity == Severity.HIGH
    assert "'Payments Staging' (role 'Borrow', administrator)" in finding.message
    # Closed and parked under the deny-all Suspended OU it can assume nothing.
    assert messages(_parked_hop(park=True), "GRAPH-07") == []


def test_a_parked_account_is_no_start() -> None:
    k = Kit()
    k.trust("Payments Staging", "Payments Production", "administrator", role_name="Release")
    assert [f.severity for f in run_rule(k.build(), "GRAPH-07")] == [Severity.HIGH]
    k.update("Payments Staging", state="suspended", parent="Suspended")
    assert messages(k.build(), "GRAPH-07") == []


def _custom_hop(policy: str, prod_level: str) -> Any:
    k = Kit()
    k.trust("Developer Sandbox", "Retail Development", "custom", role_name="DevOps",
            managed_policy_arns=[f"arn:aws:iam::aws:policy/{policy}"])  # fmt: skip
    k.trust("Retail Development", "Retail Production", prod_level, role_name="Deploy")
    return k.build()


def test_a_custom_role_hands_over_the_account_as_in_graph_01() -> None:
    design = _custom_hop("PowerUserAccess", "administrator")
    found = {f.subjects[0]: f for f in run_rule(design, "GRAPH-07")}
    sandbox = found[design_id(design, "Developer Sandbox")]
    assert sandbox.severity == Severity.HIGH
    assert sandbox.message == (
        "account 'Developer Sandbox' can take administrator control of production account "
        "'Retail Production' in 2 role hop(s): 'Developer Sandbox' -> 'Retail Development' "
        "(role 'DevOps', custom) -> 'Retail Production' (role 'Deploy', administrator)"
    )
    assert len(sandbox.evidence) == 2
    # Near miss: production grants the development account read-only access only.
    near = _custom_hop("PowerUserAccess", "read-only")
    assert messages(near, "GRAPH-07") == []


def design_id(design: Any, name: str) -> str:
    return next(a.id for a in design.accounts if a.name == name)


def test_one_finding_per_start_names_the_worst_target_and_counts_the_rest() -> None:
    k = Kit()
    k.trust("Developer Sandbox", "Shared Services", "service-admin", role_name="Pipeline",
            services=["codepipeline"])  # fmt: skip
    for target in ("Retail Production", "Payments Production", "Security Tooling"):
        k.trust("Shared Services", target, "administrator", role_name="Deploy",
                principal_scope="role", principal_role_name="Pipeline")  # fmt: skip
    [finding] = run_rule(k.build(), "GRAPH-07")
    assert finding.severity == Severity.CRITICAL  # the worst: security tooling
    assert "security-tooling account 'Security Tooling'" in finding.message
    assert finding.message.endswith("; and 2 other production or privileged account(s)")
    assert len(finding.evidence) == 2
    assert "assumed as role 'Pipeline'" in finding.evidence[1]
