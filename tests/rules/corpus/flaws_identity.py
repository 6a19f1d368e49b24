"""Blind corpus: the identity account structure, cross-account trust, sessions and outsiders.

Written from the whitepaper's Identity Account Structure ('manage all users in a single account
... IAM cross-account roles') and the IAM User Guide (confused deputy, MFA condition keys, role
chaining, quotas), before reading the rules.
"""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import Flaw, Kit

WP_IDENTITY = "Whitepaper, Identity Account Structure: users managed in a single account"
DEPUTY = "IAM User Guide, 'The confused deputy problem' (third parties and sts:ExternalId)"
SERVICE_DEPUTY = "IAM User Guide, 'Cross-service confused deputy prevention' (aws:SourceAccount)"
PRINCIPAL = "IAM User Guide, 'AWS JSON policy elements: Principal' (account root vs role ARN)"
MFA = "IAM User Guide, 'Configuring MFA-protected API access' (aws:MultiFactorAuthPresent)"
ORG_ID = "IAM User Guide, 'AWS global condition context keys': aws:PrincipalOrgID"
SESSION = (
    "IAM User Guide, 'Use IAM roles' / 'Role chaining' (a chained session lasts at most one "
    "hour) and 'Update the maximum session duration for a role'"
)
ROOT = "IAM User Guide, 'Root user best practices' (MFA on the root user); Control Tower root MFA"
THIRD = "IAM User Guide, 'Access to AWS accounts owned by third parties' (least privilege)"
OIDC = (
    "IAM User Guide, 'Configuring a role for GitHub OIDC identity provider' (condition on "
    "token.actions.githubusercontent.com:sub)"
)
QUOTA = "IAM User Guide, 'IAM and AWS STS quotas' (managed policies per role)"
AUDIT = "Whitepaper, Information Security Account: security audit through cross-account roles"


def _role_trust(k: Kit, src: str, dst: str, level: str, role: str, **fields: object) -> None:
    fields.setdefault("principal_scope", "role")
    if fields["principal_scope"] == "role":
        fields.setdefault("principal_role_name", "WorkloadAdministrator")
    fields.setdefault("organization_scoped", True)
    k.trust(src, dst, level, role_name=role, **fields)


def _vendor(k: Kit, name: str = "Acme Analytics") -> str:
    return k.outside(name, aws_account_id="210987654321", owner=f"{name} Inc.")


# -- third parties -----------------------------------------------------------------------------
def _vendor_without_external_id() -> Design:
    k = Kit()
    _vendor(k)
    _role_trust(k, "Acme Analytics", "Payments Production", "read-only", "AcmeCostReader",
           principal_role_name="AcmeIngest", organization_scoped=False,
           principal_type="workload")  # fmt: skip
    return k.build()


def _monitoring_external_id_dropped() -> Design:
    k = Kit()
    k.update("MonitoringVendorReadOnly", external_id=None)
    return k.build()


def _trust_anyone() -> Design:
    k = Kit()
    k.outside("Anyone", kind="anyone")
    _role_trust(k, "Anyone", "Retail Production", "read-only", "PublicDiagnostics",
           principal_scope="account-root", organization_scoped=False,
           principal_type="workload")  # fmt: skip
    return k.build()


def _service_role_without_source_account() -> Design:
    k = Kit()
    k.outside("AWS Backup service", kind="service", service_principal="backup.amazonaws.com")
    _role_trust(k, "AWS Backup service", "Payments Production", "service-admin",
                "BackupServiceRole", services=["backup"], principal_scope="account-root",
                organization_scoped=False, principal_type="workload")  # fmt: skip
    return k.build()


def _vendor_administrator() -> Design:
    k = Kit()
    _vendor(k, "Acme Consulting")
    _role_trust(k, "Acme Consulting", "Payments Production", "administrator", "AcmeOpsAdmin",
           principal_role_name="AcmeEngineer", external_id="acme-2291", organization_scoped=False,
           principal_type="workload")  # fmt: skip
    return k.build()


def _vendor_iam_admin_in_nonprod() -> Design:
    k = Kit()
    _vendor(k, "Identity Vendor")
    _role_trust(k, "Identity Vendor", "Retail Development", "iam-admin", "VendorIamSync",
           principal_role_name="VendorSync", external_id="iv-8812", organization_scoped=False,
           principal_type="workload")  # fmt: skip
    return k.build()


def _vendor_writes_production() -> Design:
    k = Kit()
    _vendor(k, "Data Loader Co")
    _role_trust(k, "Data Loader Co", "Retail Production", "service-admin", "VendorDataLoad",
           services=["s3", "dynamodb"], principal_role_name="Loader", external_id="dl-55",
           organization_scoped=False, principal_type="workload")  # fmt: skip
    return k.build()


def _vendor_custom_admin_policy() -> Design:
    k = Kit()
    _vendor(k, "Cost Optimiser")
    _role_trust(k, "Cost Optimiser", "Retail Production", "custom", "CostOptimiserRole",
           managed_policy_arns=["arn:aws:iam::aws:policy/AdministratorAccess"],
           principal_role_name="Optimiser", external_id="co-77", organization_scoped=False,
           principal_type="workload")  # fmt: skip
    return k.build()


def _partner_org_admin_in_production() -> Design:
    k = Kit()
    k.outside("Parent Group", kind="partner-organization", organization_id="o-parent9999")
    _role_trust(
        k,
        "Parent Group",
        "Retail Production",
        "administrator",
        "GroupItAdmin",
        principal_role_name="GroupIt",
        external_id="pg-1",
        organization_scoped=False,
    )
    return k.build()


# -- principals, MFA, condition keys -----------------------------------------------------------
def _trust_whole_identity_account() -> Design:
    k = Kit()
    _role_trust(k, "Identity", "Shared Services", "service-admin", "SharedServicesOps",
           services=["route53resolver"], principal_scope="account-root",
           require_mfa=True)  # fmt: skip
    return k.build()


def _iam_users_assume_admin_without_mfa() -> Design:
    k = Kit()
    k.update("Identity", iam_user_count=40)
    _role_trust(k, "Identity", "Retail Production", "administrator", "RetailOpsUsers",
           principal_scope="account-root")  # fmt: skip
    return k.build()


def _iam_users_dba_without_mfa() -> Design:
    k = Kit()
    k.update("Identity", iam_user_count=12)
    _role_trust(k, "Identity", "Payments Production", "service-admin", "DbaAccess",
           services=["rds"], principal_scope="account-root")  # fmt: skip
    return k.build()


def _trust_without_org_condition() -> Design:
    k = Kit()
    _role_trust(k, "Shared Services", "Network", "service-admin", "DnsAutomation",
           services=["route53"], principal_role_name="DnsPipeline", organization_scoped=False,
           principal_type="workload")  # fmt: skip
    return k.build()


def _mfa_required_of_chained_role() -> Design:
    k = Kit()
    k.update("WorkloadAdmin", require_mfa=True)
    return k.build()


def _mfa_required_of_pipeline() -> Design:
    k = Kit()
    _role_trust(k, "Shared Services", "Retail Production", "service-admin", "RetailPipelineDeploy",
           services=["cloudformation"], principal_role_name="CodeBuildRunner", require_mfa=True,
           principal_type="workload")  # fmt: skip
    return k.build()


def _principal_role_never_created() -> Design:
    k = Kit()
    _role_trust(k, "Identity", "Payments Production", "read-only", "DataTeamReader",
           principal_role_name="DataTeamRole")  # fmt: skip
    return k.build()


# -- sessions ------------------------------------------------------------------------------------
def _admin_session_twelve_hours() -> Design:
    k = Kit()
    _role_trust(k, "Identity", "Payments Production", "administrator", "BreakFixAdmin",
           max_session_duration=43200)  # fmt: skip
    return k.build()


def _iam_admin_session_eight_hours() -> Design:
    k = Kit()
    _role_trust(k, "Identity", "Retail Production", "iam-admin", "AccessManager",
           max_session_duration=28800)  # fmt: skip
    return k.build()


def _chained_session_longer_than_hour() -> Design:
    k = Kit()
    k.update("WorkloadAdmin", max_session_duration=14400)
    return k.build()


def _pipeline_admin_session_twelve_hours() -> Design:
    k = Kit()
    _role_trust(k, "Shared Services", "Payments Production", "administrator", "NightlyRebuild",
           principal_role_name="RebuildRunner", max_session_duration=43200,
           principal_type="workload")  # fmt: skip
    return k.build()


def _audit_session_chained_twelve_hours() -> Design:
    k = Kit()
    k.update("SecurityReadOnly", max_session_duration=43200)
    return k.build()


# -- federation ----------------------------------------------------------------------------------
def _saml_into_workload_account() -> Design:
    k = Kit()
    k.idp("Retail Okta", kind="saml", home_account="Retail Production",
          metadata_url="https://retail.okta.example/metadata")  # fmt: skip
    k.federation("Retail Okta", "Retail Production", mapped_roles=["RetailEngineer"])
    return k.build()


def _human_oidc_into_shared_services() -> Design:
    k = Kit()
    k.idp("Google Workspace", kind="oidc", home_account="Shared Services",
          metadata_url="https://accounts.google.com")  # fmt: skip
    k.federation("Google Workspace", "Shared Services", mapped_roles=["PlatformEngineer"])
    return k.build()


def _ci_oidc_admin() -> Design:
    k = Kit()
    k.account("Deployment", "deployment", parent="Infrastructure")
    k.idp("GitHub Actions", kind="oidc", home_account="Deployment",
          metadata_url="https://token.actions.githubusercontent.com")  # fmt: skip
    k.federation("GitHub Actions", "Deployment", principal_type="workload",
                 oidc_subjects=["repo:example/infra:ref:refs/heads/main"])  # fmt: skip
    _role_trust(k, "GitHub Actions", "Deployment", "administrator", "GitHubDeployAdmin",
           principal_scope="account-root", organization_scoped=False, principal_type="workload",
           oidc_subjects=["repo:example/infra:ref:refs/heads/main"])  # fmt: skip
    return k.build()


def _ci_oidc_into_management() -> Design:
    k = Kit()
    k.idp("GitLab CI", kind="oidc", home_account="Management",
          metadata_url="https://gitlab.example.com")  # fmt: skip
    k.federation(
        "GitLab CI",
        "Management",
        mapped_roles=["OrgPipeline"],
        principal_type="workload",
        oidc_subjects=["project_path:platform/org:ref:main"],
    )
    return k.build()


def _oidc_trust_without_subjects() -> Design:
    k = Kit()
    k.idp("GitHub Actions", kind="oidc", home_account="Shared Services",
          metadata_url="https://token.actions.githubusercontent.com")  # fmt: skip
    _role_trust(k, "GitHub Actions", "Shared Services", "service-admin", "GitHubPublish",
           services=["ecr"], principal_scope="account-root", organization_scoped=False,
           principal_type="workload")  # fmt: skip
    return k.build()


# -- root users and IAM users --------------------------------------------------------------------
def _root_mfa_off(name: str) -> Design:
    k = Kit()
    k.update(name, root_mfa=False)
    return k.build()


def _root_mfa_off_payments() -> Design:
    return _root_mfa_off("Payments Production")


def _root_mfa_off_management() -> Design:
    return _root_mfa_off("Management")


def _root_mfa_off_log_archive() -> Design:
    return _root_mfa_off("Log Archive")


def _iam_users(name: str, count: int) -> Design:
    k = Kit()
    k.update(name, iam_user_count=count)
    return k.build()


def _iam_users_in_retail_production() -> Design:
    return _iam_users("Retail Production", 5)


def _iam_users_in_log_archive() -> Design:
    return _iam_users("Log Archive", 2)


def _ci_iam_user_in_shared_services() -> Design:
    return _iam_users("Shared Services", 1)


# -- audit roles and quotas ----------------------------------------------------------------------
def _audit_role_trusts_shared_services() -> Design:
    k = Kit()
    _role_trust(k, "Shared Services", "Payments Production", "security-audit", "ComplianceScanner",
           principal_role_name="ScannerRunner", principal_type="workload")  # fmt: skip
    return k.build()


def _too_many_managed_policies() -> Design:
    k = Kit()
    arns = [f"arn:aws:iam::488248542944:policy/payments-ops-{n:02d}" for n in range(25)]
    _role_trust(k, "Identity", "Payments Production", "custom", "PaymentsOpsKitchenSink",
           managed_policy_arns=arns)  # fmt: skip
    return k.build()


def _f(name: str, source: str, build: object, rule: str, subject: str, severity: Severity) -> Flaw:
    return Flaw(name, source, build, rule, subject, severity)  # type: ignore[arg-type]


C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW
FLAWS: list[Flaw] = [
    _f("vendor reads production without an external id", DEPUTY,
       _vendor_without_external_id, "IAM-02", "AcmeCostReader", H),
    _f("monitoring vendor's external id removed", DEPUTY,
       _monitoring_external_id_dropped, "IAM-02", "MonitoringVendorReadOnly", H),
    _f("a production role trusts anyone", PRINCIPAL, _trust_anyone, "IAM-01",
       "PublicDiagnostics", C),
    _f("AWS Backup service role without aws:SourceAccount", SERVICE_DEPUTY,
       _service_role_without_source_account, "IAM-03", "BackupServiceRole", H),
    _f("consultancy holds administrator in Payments Production", THIRD,
       _vendor_administrator, "IAM-15", "AcmeOpsAdmin", H),
    _f("identity vendor holds IAM admin in development", THIRD,
       _vendor_iam_admin_in_nonprod, "IAM-15", "VendorIamSync", H),
    _f("data loader vendor writes to production", THIRD,
       _vendor_writes_production, "IAM-15", "VendorDataLoad", H),
    _f("cost vendor's custom role carries AdministratorAccess", THIRD,
       _vendor_custom_admin_policy, "IAM-15", "CostOptimiserRole", H),
    _f("parent group's organization is admin in Retail Production", THIRD,
       _partner_org_admin_in_production, "IAM-15", "GroupItAdmin", H),
    _f("trust names the whole identity account", PRINCIPAL,
       _trust_whole_identity_account, "IAM-04", "SharedServicesOps", M),
    _f("IAM users assume production admin without MFA", MFA,
       _iam_users_assume_admin_without_mfa, "IAM-05", "RetailOpsUsers", H),
    _f("IAM users assume the DBA role without MFA", MFA,
       _iam_users_dba_without_mfa, "IAM-05", "DbaAccess", H),
    _f("in-organization trust without aws:PrincipalOrgID", ORG_ID,
       _trust_without_org_condition, "IAM-06", "DnsAutomation", M),
    _f("MFA required of a role reached from a federated session", MFA,
       _mfa_required_of_chained_role, "IAM-13", "WorkloadAdmin", H),
    _f("MFA required of a pipeline role", MFA,
       _mfa_required_of_pipeline, "IAM-14", "RetailPipelineDeploy", M),
    _f("trust names a principal role nothing creates", PRINCIPAL,
       _principal_role_never_created, "DEP-02", "DataTeamReader", H),
    _f("production admin sessions last twelve hours", SESSION,
       _admin_session_twelve_hours, "IAM-07", "BreakFixAdmin", M),
    _f("IAM admin sessions last eight hours", SESSION,
       _iam_admin_session_eight_hours, "IAM-07", "AccessManager", M),
    _f("chained admin role states a four-hour session", SESSION,
       _chained_session_longer_than_hour, "IAM-07", "WorkloadAdmin", L),
    _f("pipeline admin sessions last twelve hours", SESSION,
       _pipeline_admin_session_twelve_hours, "IAM-07", "NightlyRebuild", M),
    _f("chained security read-only role states twelve hours", SESSION,
       _audit_session_chained_twelve_hours, "IAM-07", "SecurityReadOnly", L),
    _f("SAML provider lands people in a workload account", WP_IDENTITY,
       _saml_into_workload_account, "IAM-09", "Retail Okta", H),
    _f("people federate with OIDC into shared services", WP_IDENTITY,
       _human_oidc_into_shared_services, "IAM-09", "Google Workspace", H),
    _f("CI jobs federated by OIDC get AdministratorAccess", OIDC,
       _ci_oidc_admin, "IAM-17", "GitHubDeployAdmin", H),
    _f("CI jobs federated by OIDC into the management account", OIDC,
       _ci_oidc_into_management, "IAM-17", "GitLab CI", H),
    _f("OIDC-trusted role admits every token subject", OIDC,
       _oidc_trust_without_subjects, "IAM-18", "GitHubPublish", H),
    _f("Payments Production root user without MFA", ROOT,
       _root_mfa_off_payments, "IAM-10", "Payments Production", C),
    _f("management root user without MFA", ROOT,
       _root_mfa_off_management, "IAM-10", "Management", C),
    _f("log archive root user without MFA", ROOT,
       _root_mfa_off_log_archive, "IAM-10", "Log Archive", C),
    _f("IAM users in Retail Production", WP_IDENTITY,
       _iam_users_in_retail_production, "IAM-11", "Retail Production", H),
    _f("IAM users in the log archive", WP_IDENTITY,
       _iam_users_in_log_archive, "IAM-11", "Log Archive", H),
    _f("a CI IAM user with keys in shared services", WP_IDENTITY,
       _ci_iam_user_in_shared_services, "IAM-11", "Shared Services", H),
    _f("security-audit role trusted by shared services", AUDIT,
       _audit_role_trusts_shared_services, "IAM-08", "ComplianceScanner", H),
    _f("custom role lists 25 managed policies", QUOTA,
       _too_many_managed_policies, "IAM-20", "PaymentsOpsKitchenSink", H),
]  # fmt: skip
