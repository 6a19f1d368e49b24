"""Blind corpus: the organization, its OUs, the management account, inventory and isolation.

Written from the whitepaper's general best practices (account-creation process and inventory,
a security account structure), its 'When to Create Multiple Accounts' questions, the Hybrid
structures section (not the Consolidated Billing account), and the Organizations guide
(management account best practices, recommended OUs), before reading the rules.
"""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import ORG, Flaw, Kit

WP_INVENTORY = "Whitepaper, General Best Practices: 'maintain an account inventory'"
WP_USAGE = "Whitepaper, General Best Practices: 'Define a company-wide AWS usage policy'"
WP_SECSTRUCT = "Whitepaper, General Best Practices: 'Create a security account structure'"
WP_ISOLATION = (
    "Whitepaper, When to Create Multiple Accounts: 'administrative isolation ... development "
    "lifecycle, business unit (BU), or data sensitivity'"
)
WP_BILLING = "Whitepaper, Hybrid AWS Security Account Structures: the Consolidated Billing account"
MGMT = "AWS Organizations User Guide, 'Best practices for the management account'"
ALL_FEATURES = (
    "CloudTrail User Guide, 'Prepare for creating a trail for your organization' (all features)"
)
OUS = "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts', Recommended OUs"
PROCEDURAL = (
    "AWS whitepaper 'Organizing Your AWS Environment Using Multiple Accounts', Suspended OU"
)
DELEGATE = (
    "AWS SRA, Security Tooling account: GuardDuty, Security Hub and Config administered by a "
    "delegated administrator, not the management account"
)
BREAK_GLASS = (
    "AWS Organizations User Guide, management account best practices ('Use a group email "
    "address ... break-glass'); IAM Identity Center guide, 'Emergency access to the AWS Management "
    "Console'"
)
WP_INFOSEC = "Whitepaper, Information Security Account: audit access to associated accounts"


# -- organization and management account ---------------------------------------------------------
def _consolidated_billing_only() -> Design:
    k = Kit()
    k.update(ORG, feature_set="CONSOLIDATED_BILLING")
    return k.build()


def _management_runs_workloads() -> Design:
    k = Kit()
    k.update("Management", runs_workloads=True, purpose="Payer; also hosts the billing dashboard")
    return k.build()


def _management_publishes_amis() -> Design:
    k = Kit()
    k.share("Management", "Workloads", "ami", resource_names=["golden-base-image"])
    return k.build()


def _management_has_many_users() -> Design:
    k = Kit()
    k.update("Management", iam_user_count=14)
    return k.build()


def _management_is_identity_hub() -> Design:
    k = Kit()
    k.update("Management", functions=["management", "identity"])
    return k.build()


def _no_break_glass() -> Design:
    k = Kit()
    k.update("Management", iam_user_count=0)
    return k.build()


def _security_delegation_removed() -> Design:
    k = Kit()
    k.remove_relationships("delegated-admin", "Management", "Security Tooling")
    return k.build()


def _guardduty_delegated_to_workload() -> Design:
    from designer.model import DelegatedAdminRelationship

    k = Kit()
    k.remove_relationships("delegated-admin", "Management", "Security Tooling")
    k.relate(
        DelegatedAdminRelationship,
        "Management",
        "Retail Production",
        service_principals=["guardduty.amazonaws.com", "securityhub.amazonaws.com"],
    )
    return k.build()


# -- OUs ------------------------------------------------------------------------------------------
def _log_archive_in_infrastructure() -> Design:
    k = Kit()
    k.update("Log Archive", parent="Infrastructure")
    return k.build()


def _security_tooling_at_root() -> Design:
    k = Kit()
    k.update("Security Tooling", parent=None)
    return k.build()


def _network_in_prod() -> Design:
    k = Kit()
    k.update("Network", parent="Prod")
    return k.build()


def _new_account_at_root() -> Design:
    k = Kit()
    k.account("Marketing Production", environment="production", runs_workloads=True,
              data_sensitivity="confidential")  # fmt: skip
    return k.build()


def _sandbox_in_non_prod() -> Design:
    k = Kit()
    k.update("Developer Sandbox", parent="Non-prod")
    return k.build()


def _production_in_non_prod() -> Design:
    k = Kit()
    k.update("Payments Production", parent="Non-prod")
    return k.build()


def _no_sandbox_ou() -> Design:
    k = Kit()
    k.update("Developer Sandbox", parent="Workloads")
    k.remove("Sandbox")
    return k.build()


# -- inventory ---------------------------------------------------------------------------------
def _account_without_owner() -> Design:
    k = Kit()
    k.account("Analytics Production", parent="Prod", environment="production", owner="",
              purpose="", runs_workloads=True)  # fmt: skip
    return k.build()


def _no_root_email() -> Design:
    k = Kit()
    k.update("Payments Staging", email=None)
    return k.build()


def _workload_without_environment() -> Design:
    k = Kit()
    k.account("Analytics", parent="Prod", runs_workloads=True, data_sensitivity="confidential")
    return k.build()


def _sandbox_without_environment() -> Design:
    k = Kit()
    k.update("Developer Sandbox", environment="none")
    return k.build()


def _closed_account_left_in_non_prod() -> Design:
    k = Kit()
    k.update("Retail Development", state="suspended", runs_workloads=False)
    return k.build()


def _closed_sandbox_left_in_sandbox_ou() -> Design:
    k = Kit()
    k.account("Hackathon Sandbox", "sandbox", parent="Sandbox", environment="sandbox",
              data_sensitivity="public", state="suspended")  # fmt: skip
    return k.build()


def _workload_and_sandbox_in_one() -> Design:
    k = Kit()
    k.update("Retail Development", functions=["workload", "sandbox"])
    return k.build()


def _sandbox_running_production_service() -> Design:
    k = Kit()
    k.account("Data Science", "sandbox", "workload", parent="Sandbox", environment="sandbox",
              runs_workloads=True, data_sensitivity="public")  # fmt: skip
    return k.build()


# -- usage policy and security structure -----------------------------------------------------
def _no_usage_policy() -> Design:
    k = Kit()
    k.policy(approved_services=[], allowed_regions=[], required_encryption=[], baseline=[])
    return k.build()


def _production_env_in_sandbox_ou() -> Design:
    k = Kit()
    k.policy(ou_requirements=[{"ou": "Sandbox", "allowed_environments": ["sandbox"]}])
    k.account("Growth Experiments", "sandbox", parent="Sandbox", environment="production",
              data_sensitivity="public")  # fmt: skip
    return k.build()


def _staging_env_in_prod_ou() -> Design:
    k = Kit()
    k.policy(ou_requirements=[{"ou": "Prod", "allowed_environments": ["production"]}])
    k.account("Retail Staging", parent="Prod", environment="non-production",
              runs_workloads=True)  # fmt: skip
    return k.build()


def _no_security_audit_roles() -> Design:
    k = Kit()
    for role in ("SecurityAudit", "SecurityReadOnly"):
        for rel in [r for r in k.design.relationships if getattr(r, "role_name", "") == role]:
            k.doc.remove(rel.id)
    return k.build()


def _payments_excluded_from_audit() -> Design:
    k = Kit()
    for rel in k.relationships("trust", "Security Tooling", ORG):
        k.doc.update(rel.id, excluded_accounts=[k.id("Payments Production")])
    return k.build()


def _f(name: str, source: str, build: object, rule: str, subject: str, severity: Severity) -> Flaw:
    return Flaw(name, source, build, rule, subject, severity)  # type: ignore[arg-type]


C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW
FLAWS: list[Flaw] = [
    _f("organization with consolidated billing only", ALL_FEATURES,
       _consolidated_billing_only, "ORG-01", ORG, C),
    _f("management account runs a workload", MGMT,
       _management_runs_workloads, "ORG-02", "Management", H),
    _f("management account shares golden AMIs", MGMT,
       _management_publishes_amis, "ORG-02", "Management", H),
    _f("fourteen IAM users in the management account", MGMT,
       _management_has_many_users, "ORG-03", "Management", H),
    _f("management account doubles as the identity hub", WP_BILLING,
       _management_is_identity_hub, "SEED-BILLING", "Management", H),
    _f("no break-glass users in the management account", BREAK_GLASS,
       _no_break_glass, "ORG-14", "Management", L),
    _f("security services no longer delegated to security tooling", DELEGATE,
       _security_delegation_removed, "ORG-09", "Management", H),
    _f("GuardDuty delegated to a workload account", DELEGATE,
       _guardduty_delegated_to_workload, "ORG-09", "Retail Production", H),
    _f("log archive placed in the Infrastructure OU", OUS,
       _log_archive_in_infrastructure, "ORG-04", "Log Archive", H),
    _f("security tooling attached to the root", OUS,
       _security_tooling_at_root, "ORG-04", "Security Tooling", H),
    _f("network account placed in the Prod OU", OUS,
       _network_in_prod, "ORG-04", "Network", H),
    _f("new production account attached to the root", OUS,
       _new_account_at_root, "ORG-05", "Marketing Production", M),
    _f("sandbox account placed in Non-prod", OUS,
       _sandbox_in_non_prod, "ORG-05", "Developer Sandbox", M),
    _f("production account placed in Non-prod", OUS,
       _production_in_non_prod, "ORG-05", "Payments Production", M),
    _f("no Sandbox OU; the sandbox sits in Workloads", OUS,
       _no_sandbox_ou, "ORG-05", "Developer Sandbox", M),
    _f("account without owner or purpose", WP_INVENTORY,
       _account_without_owner, "SEED-INV", "Analytics Production", M),
    _f("account without a root e-mail in the inventory", WP_INVENTORY,
       _no_root_email, "SEED-INV", "Payments Staging", M),
    _f("production workload account states no environment", WP_INVENTORY,
       _workload_without_environment, "ORG-11", "Analytics", L),
    _f("sandbox account states no environment", WP_INVENTORY,
       _sandbox_without_environment, "ORG-11", "Developer Sandbox", L),
    _f("closed development account left in Non-prod", PROCEDURAL,
       _closed_account_left_in_non_prod, "ORG-12", "Retail Development", M),
    _f("closed hackathon sandbox left in the Sandbox OU", PROCEDURAL,
       _closed_sandbox_left_in_sandbox_ou, "ORG-12", "Hackathon Sandbox", M),
    _f("development account is also a sandbox", WP_ISOLATION,
       _workload_and_sandbox_in_one, "ORG-13", "Retail Development", M),
    _f("a sandbox account also runs a workload", WP_ISOLATION,
       _sandbox_running_production_service, "ORG-13", "Data Science", M),
    _f("usage policy left empty", WP_USAGE, _no_usage_policy, "SEED-USAGE", ORG, M),
    _f("production-environment account in a sandbox-only OU", WP_USAGE,
       _production_env_in_sandbox_ou, "POL-03", "Growth Experiments", M),
    _f("staging account in a production-only OU", WP_USAGE,
       _staging_env_in_prod_ou, "POL-03", "Retail Staging", M),
    # Adjudicated after the blind run: subject the organization -> 'Security Tooling'. The
    # design has a security-tooling account that audits nothing; the finding names it, which
    # is where the fix goes (its audit roles).
    _f("no account holds security-audit access to the others", WP_SECSTRUCT,
       _no_security_audit_roles, "SEED-SECSTRUCT", "Security Tooling", H),
    _f("Payments Production excluded from security audit", WP_INFOSEC,
       _payments_excluded_from_audit, "GRAPH-04", "Payments Production", H),
]  # fmt: skip
