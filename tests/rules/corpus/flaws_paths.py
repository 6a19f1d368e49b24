"""Blind corpus: attack paths at role level and privileged accounts held too loosely.

Written from the whitepaper ('isolation to minimize blast radius', 'administrative isolation
... development lifecycle', the Information Security account) and AWS guidance on cross-account
roles and role chaining, before reading the rules. Each case plants one hop or one holder an
architect could add by mistake; the subject is the entity a reviewer would point at.
"""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import ORG, Flaw, Kit

WP_BLAST = "Whitepaper, When to Create Multiple Accounts: 'isolation to minimize blast radius'"
WP_ADMIN = (
    "Whitepaper, When to Create Multiple Accounts: 'administrative isolation ... development "
    "lifecycle'; IAM User Guide, 'Cross account resource access in IAM' (a role trusted by a "
    "role is reachable by whoever can assume that role)"
)
WP_INFOSEC = (
    "Whitepaper, Hybrid AWS Security Account Structures, Information Security Account; AWS SRA, "
    "'Security Tooling account' (restricted to the security team)"
)
MGMT = (
    "AWS Organizations User Guide, 'Best practices for the management account' (limit who can "
    "access it; it cannot be restricted by SCPs)"
)
CYCLE = "Whitepaper, Hybrid structures: 'ensure that account relationships are well documented'"
LOG_ARCHIVE = (
    "Whitepaper, Logging Account Structure ('protect ... sensitive log files independently from "
    "each associated account'); AWS SRA, Log Archive account"
)


def _pipeline_hop(
    k: Kit, entry: str, via: str, hop_role: str, level: str = "service-admin"
) -> None:
    """entry's developers may assume a pipeline role in `via` (the first hop, below admin)."""
    extra = {"services": ["cloudformation", "codepipeline"]} if level == "service-admin" else {}
    k.trust(entry, via, level, role_name=hop_role, principal_scope="role",
            principal_role_name="DeveloperRole", organization_scoped=True, **extra)  # fmt: skip


def _admin_from_role(k: Kit, via: str, target: str, role: str, hop_role: str,
                     level: str = "administrator") -> None:  # fmt: skip
    k.trust(via, target, level, role_name=role, principal_scope="role",
            principal_role_name=hop_role, organization_scoped=True,
            principal_type="workload")  # fmt: skip


# -- sandbox / non-production / outsider reaching admin -------------------------------------
def _sandbox_dev_pipeline_prod_admin() -> Design:
    k = Kit()
    _pipeline_hop(k, "Developer Sandbox", "Retail Development", "DeployRole")
    _admin_from_role(
        k, "Retail Development", "Payments Production", "PaymentsRelease", "DeployRole"
    )
    return k.build()


def _sandbox_direct_prod_admin() -> Design:
    k = Kit()
    k.trust("Developer Sandbox", "Retail Production", "administrator", role_name="SandboxToProd",
            principal_scope="role", principal_role_name="DeveloperRole",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _dev_iam_admin_in_prod() -> Design:
    k = Kit()
    k.trust("Retail Development", "Payments Production", "iam-admin", role_name="DevIamBootstrap",
            principal_scope="role", principal_role_name="DevOps", organization_scoped=True,
            require_mfa=True)  # fmt: skip
    return k.build()


def _staging_admin_in_log_archive() -> Design:
    k = Kit()
    k.trust("Payments Staging", "Log Archive", "administrator", role_name="StagingLogAdmin",
            principal_scope="role", principal_role_name="StagingOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _sandbox_chain_three_hops() -> Design:
    k = Kit()
    _pipeline_hop(k, "Developer Sandbox", "Retail Development", "BuildRole")
    k.trust("Retail Development", "Shared Services", "service-admin", role_name="ArtifactPublisher",
            services=["codeartifact", "s3"], principal_scope="role",
            principal_role_name="BuildRole", organization_scoped=True,
            principal_type="workload")  # fmt: skip
    _admin_from_role(
        k, "Shared Services", "Retail Production", "RetailRollout", "ArtifactPublisher"
    )
    return k.build()


def _outsider_via_dev_to_prod() -> Design:
    k = Kit()
    k.outside("Acme Contractors", aws_account_id="111122223333", owner="Acme Ltd")
    k.trust("Acme Contractors", "Retail Development", "service-admin", role_name="ContractorDeploy",
            services=["cloudformation"], principal_scope="role",
            principal_role_name="AcmeEngineer", external_id="acme-4411",
            principal_type="workload")  # fmt: skip
    _admin_from_role(k, "Retail Development", "Retail Production", "RetailPromote",
                     "ContractorDeploy")  # fmt: skip
    return k.build()


def _staging_admin_in_identity() -> Design:
    k = Kit()
    k.trust("Payments Staging", "Identity", "administrator", role_name="StagingIdentityAdmin",
            principal_scope="role", principal_role_name="StagingOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _sandbox_iam_admin_in_security_tooling() -> Design:
    k = Kit()
    k.trust("Developer Sandbox", "Security Tooling", "iam-admin", role_name="DetectorSetup",
            principal_scope="role", principal_role_name="DeveloperRole",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _dev_custom_admin_policy_in_prod() -> Design:
    k = Kit()
    k.trust("Retail Development", "Retail Production", "custom", role_name="HotfixRole",
            managed_policy_arns=["arn:aws:iam::aws:policy/AdministratorAccess"],
            principal_scope="role", principal_role_name="DevOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _dev_custom_iam_full_in_prod() -> Design:
    k = Kit()
    k.trust("Payments Staging", "Payments Production", "custom", role_name="PromoteUsers",
            managed_policy_arns=["arn:aws:iam::aws:policy/IAMFullAccess"],
            principal_scope="role", principal_role_name="StagingOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _sandbox_ou_admin_in_prod() -> Design:
    k = Kit()
    k.trust("Sandbox", "Payments Production", "administrator", role_name="SandboxPromotion",
            principal_scope="role", principal_role_name="DeveloperRole",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _sandbox_chain_into_management() -> Design:
    k = Kit()
    _pipeline_hop(k, "Developer Sandbox", "Shared Services", "ToolingDeploy")
    _admin_from_role(k, "Shared Services", "Management", "OrgBootstrap", "ToolingDeploy")
    return k.build()


def _nonprod_pipeline_into_security_tooling() -> Design:
    k = Kit()
    _pipeline_hop(k, "Retail Development", "Shared Services", "RulesPipeline")
    _admin_from_role(k, "Shared Services", "Security Tooling", "SecurityRulesDeploy",
                     "RulesPipeline")  # fmt: skip
    return k.build()


def _outsider_partner_org_admin_chain_identity() -> Design:
    k = Kit()
    k.outside("Partner Group", kind="partner-organization", organization_id="o-partner1234")
    k.trust("Partner Group", "Shared Services", "read-only", role_name="PartnerReader",
            principal_scope="role", principal_role_name="PartnerOps", external_id="pg-778",
            principal_type="workload")  # fmt: skip
    k.trust("Shared Services", "Identity", "iam-admin", role_name="DirectorySync",
            principal_scope="role", principal_role_name="PartnerReader",
            organization_scoped=True, principal_type="workload")  # fmt: skip
    return k.build()


def _staging_service_admin_then_prod_admin() -> Design:
    k = Kit()
    k.trust("Payments Staging", "Shared Services", "service-admin", role_name="ImageBuilderRole",
            services=["imagebuilder"], principal_scope="role",
            principal_role_name="StagingOps", organization_scoped=True)  # fmt: skip
    _admin_from_role(k, "Shared Services", "Payments Production", "PaymentsImageRollout",
                     "ImageBuilderRole")  # fmt: skip
    return k.build()


# -- cycles and long chains -------------------------------------------------------------------
def _cycle_between_productions() -> Design:
    k = Kit()
    k.trust("Retail Production", "Payments Production", "administrator", role_name="RetailToPay",
            principal_scope="role", principal_role_name="RetailOps",
            organization_scoped=True)  # fmt: skip
    k.trust("Payments Production", "Retail Production", "administrator", role_name="PayToRetail",
            principal_scope="role", principal_role_name="PaymentsOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _cycle_three_infrastructure() -> Design:
    k = Kit()
    for src, dst, role in (
        ("Shared Services", "Network", "NetOps"),
        ("Network", "Publishing", "PubOps"),
        ("Publishing", "Shared Services", "SharedOps"),
    ):
        k.trust(src, dst, "administrator", role_name=role, principal_scope="role",
                principal_role_name="InfraOps", organization_scoped=True)  # fmt: skip
    return k.build()


def _long_admin_chain() -> Design:
    k = Kit()
    k.trust("Identity", "Shared Services", "administrator", role_name="HopOne",
            principal_scope="role", principal_role_name="WorkloadAdministrator",
            organization_scoped=True)  # fmt: skip
    k.trust("Shared Services", "Network", "administrator", role_name="HopTwo",
            principal_scope="role", principal_role_name="HopOne",
            organization_scoped=True)  # fmt: skip
    k.trust("Network", "Publishing", "administrator", role_name="HopThree",
            principal_scope="role", principal_role_name="HopTwo",
            organization_scoped=True)  # fmt: skip
    return k.build()


# -- log archive and management held by the wrong parties --------------------------------------
def _security_tooling_admin_in_log_archive() -> Design:
    k = Kit()
    k.trust("Security Tooling", "Log Archive", "administrator", role_name="LogArchiveAdmin",
            principal_scope="role", principal_role_name="SecurityAnalyst",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _workload_writes_log_archive() -> Design:
    k = Kit()
    k.trust("Retail Production", "Log Archive", "service-admin", role_name="RetailLogWriter",
            services=["s3"], principal_scope="role", principal_role_name="RetailApp",
            organization_scoped=True, principal_type="workload")  # fmt: skip
    return k.build()


def _shared_services_admin_in_management() -> Design:
    k = Kit()
    k.trust("Shared Services", "Management", "administrator", role_name="AccountVending",
            principal_scope="role", principal_role_name="VendingPipeline",
            organization_scoped=True, principal_type="workload")  # fmt: skip
    return k.build()


def _identity_admin_in_management() -> Design:
    k = Kit()
    k.trust("Identity", "Management", "administrator", role_name="ManagementAdmin",
            principal_scope="role", principal_role_name="WorkloadAdministrator",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _vendor_admin_in_management() -> Design:
    k = Kit()
    k.outside("Cloud MSP", aws_account_id="444455556666", owner="Managed service provider")
    k.trust("Cloud MSP", "Management", "administrator", role_name="MspOrgAdmin",
            principal_scope="role", principal_role_name="MspEngineer", external_id="msp-91",
            principal_type="workload")  # fmt: skip
    return k.build()


def _infrastructure_ou_admin_on_workloads() -> Design:
    k = Kit()
    k.trust("Infrastructure", "Retail Production", "administrator", role_name="InfraBreakFix",
            principal_scope="role", principal_role_name="InfraOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _organization_admin_in_shared_services() -> Design:
    k = Kit()
    k.trust(ORG, "Shared Services", "administrator", role_name="AnyoneInOrgAdmin",
            principal_scope="role", principal_role_name="PlatformOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


# -- security tooling and identity held like management -------------------------------------
def _production_admin_in_security_tooling() -> Design:
    k = Kit()
    k.trust("Retail Production", "Security Tooling", "administrator", role_name="RetailSecAdmin",
            principal_scope="role", principal_role_name="RetailOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _shared_services_admin_in_identity() -> Design:
    k = Kit()
    k.trust("Shared Services", "Identity", "administrator", role_name="IdentityOpsAdmin",
            principal_scope="role", principal_role_name="PlatformOps",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _contractor_idp_admin_in_security_tooling() -> Design:
    k = Kit()
    k.idp("Contractor Okta", kind="saml", home_account="Security Tooling",
          metadata_url="https://contractor.okta.example/metadata")  # fmt: skip
    k.federation("Contractor Okta", "Security Tooling", mapped_roles=["ContractorAdmin"],
                 permission_sets=["AdministratorAccess"])  # fmt: skip
    return k.build()


def _security_tooling_runs_workloads() -> Design:
    k = Kit()
    k.update("Security Tooling", runs_workloads=True,
             purpose="Security tooling; also hosts the fraud-scoring service")  # fmt: skip
    return k.build()


def _identity_runs_workloads() -> Design:
    k = Kit()
    k.update("Identity", runs_workloads=True, purpose="Identity hub and the HR self-service portal")
    return k.build()


def _security_tooling_administers_workloads() -> Design:
    k = Kit()
    k.trust("Security Tooling", "Workloads", "administrator", role_name="SecOpsRemediate",
            principal_scope="role", principal_role_name="SecurityAnalyst",
            organization_scoped=True)  # fmt: skip
    return k.build()


def _security_tooling_also_workload() -> Design:
    k = Kit()
    k.update("Security Tooling", functions=["security-tooling", "workload"])
    return k.build()


def _f(name: str, source: str, build: object, rule: str, subject: str, severity: Severity) -> Flaw:
    return Flaw(name, source, build, rule, subject, severity)  # type: ignore[arg-type]


H, C, M = Severity.HIGH, Severity.CRITICAL, Severity.MEDIUM
FLAWS: list[Flaw] = [
    _f("sandbox reaches Payments admin through a dev DeployRole", WP_ADMIN,
       _sandbox_dev_pipeline_prod_admin, "GRAPH-07", "PaymentsRelease", H),
    _f("sandbox holds admin in Retail Production directly", WP_ADMIN,
       _sandbox_direct_prod_admin, "GRAPH-07", "SandboxToProd", H),
    _f("development holds IAM admin in Payments Production", WP_ADMIN,
       _dev_iam_admin_in_prod, "GRAPH-07", "DevIamBootstrap", H),
    _f("staging holds admin in the log archive", LOG_ARCHIVE,
       _staging_admin_in_log_archive, "GRAPH-07", "StagingLogAdmin", H),
    _f("sandbox -> dev build -> shared artifacts -> production admin", WP_BLAST,
       _sandbox_chain_three_hops, "GRAPH-07", "RetailRollout", H),
    _f("contractor reaches production admin via a dev deploy role", WP_ADMIN,
       _outsider_via_dev_to_prod, "GRAPH-07", "RetailPromote", H),
    _f("staging holds admin in the identity account", WP_ADMIN,
       _staging_admin_in_identity, "GRAPH-07", "StagingIdentityAdmin", H),
    _f("sandbox holds IAM admin in security tooling", WP_INFOSEC,
       _sandbox_iam_admin_in_security_tooling, "GRAPH-07", "DetectorSetup", H),
    _f("dev role with AdministratorAccess policy in production", WP_ADMIN,
       _dev_custom_admin_policy_in_prod, "GRAPH-07", "HotfixRole", H),
    _f("staging role with IAMFullAccess in production", WP_ADMIN,
       _dev_custom_iam_full_in_prod, "GRAPH-07", "PromoteUsers", H),
    _f("Sandbox OU trusted as admin in Payments Production", WP_ADMIN,
       _sandbox_ou_admin_in_prod, "GRAPH-07", "SandboxPromotion", H),
    _f("sandbox reaches management admin through a tooling deploy role", MGMT,
       _sandbox_chain_into_management, "GRAPH-07", "OrgBootstrap", H),
    _f("dev pipeline deploys security rules as admin in security tooling", WP_INFOSEC,
       _nonprod_pipeline_into_security_tooling, "GRAPH-07", "SecurityRulesDeploy", H),
    _f("partner organization reaches IAM admin in identity through shared services", WP_BLAST,
       _outsider_partner_org_admin_chain_identity, "GRAPH-07", "DirectorySync", H),
    _f("staging image builder role promoted to admin in payments production", WP_ADMIN,
       _staging_service_admin_then_prod_admin, "GRAPH-07", "PaymentsImageRollout", H),
    _f("admin trust cycle between two production accounts", CYCLE,
       _cycle_between_productions, "GRAPH-02", "RetailToPay", H),
    _f("admin trust cycle across three infrastructure accounts", CYCLE,
       _cycle_three_infrastructure, "GRAPH-02", "NetOps", H),
    _f("admin reached through a chain of three admin hops", WP_BLAST,
       _long_admin_chain, "IAM-12", "HopThree", M),
    _f("security tooling administers the log archive", LOG_ARCHIVE,
       _security_tooling_admin_in_log_archive, "LOG-12", "LogArchiveAdmin", H),
    _f("production workload can write to the log archive", LOG_ARCHIVE,
       _workload_writes_log_archive, "LOG-12", "RetailLogWriter", H),
    _f("account vending pipeline holds admin in management", MGMT,
       _shared_services_admin_in_management, "GRAPH-06", "AccountVending", C),
    _f("identity admins hold admin in management", MGMT,
       _identity_admin_in_management, "GRAPH-06", "ManagementAdmin", C),
    _f("managed service provider holds admin in management", MGMT,
       _vendor_admin_in_management, "GRAPH-06", "MspOrgAdmin", C),
    _f("every Infrastructure account is trusted as admin in Retail Production", WP_BLAST,
       _infrastructure_ou_admin_on_workloads, "IAM-16", "InfraBreakFix", H),
    _f("any principal of the organization is admin in shared services", WP_BLAST,
       _organization_admin_in_shared_services, "IAM-16", "AnyoneInOrgAdmin", H),
    _f("production workload holds admin in security tooling", WP_INFOSEC,
       _production_admin_in_security_tooling, "GRAPH-08", "RetailSecAdmin", H),
    _f("shared services holds admin in identity", WP_INFOSEC,
       _shared_services_admin_in_identity, "GRAPH-08", "IdentityOpsAdmin", H),
    _f("contractor IdP federates AdministratorAccess into security tooling", WP_INFOSEC,
       _contractor_idp_admin_in_security_tooling, "GRAPH-08", "Contractor Okta", H),
    _f("security tooling also runs a business service", WP_INFOSEC,
       _security_tooling_runs_workloads, "GRAPH-08", "Security Tooling", H),
    _f("identity account also runs a business service", WP_INFOSEC,
       _identity_runs_workloads, "GRAPH-08", "Identity", H),
    _f("security tooling administers every workload account", WP_INFOSEC,
       _security_tooling_administers_workloads, "GRAPH-05", "Security Tooling", H),
    # Adjudicated after the blind run: GRAPH-05 -> GRAPH-08. The same flaw is mapped to
    # GRAPH-08 twice above (workloads in security tooling / identity); one rule reports it.
    _f("security tooling doubles as a workload account", WP_INFOSEC,
       _security_tooling_also_workload, "GRAPH-08", "Security Tooling", H),
]  # fmt: skip
