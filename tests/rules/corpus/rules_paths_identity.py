"""Role-level attack paths (GRAPH-07), privileged accounts (GRAPH-08), session length (IAM-07),
outsiders weighed by level (IAM-15), and the false alarms on workload trusts (IAM-05, IAM-09,
IAM-13, IAM-14): one caught flaw and one near miss per rule, written from the rules.

Every design starts from the reference landing zone (Kit()) and changes one thing."""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import Flaw, Kit, Legitimate, NearMiss

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
CHAINING = "AWS IAM User Guide, 'Roles terms and concepts': role chaining"


# -- GRAPH-07: role-level attack paths ---------------------------------------------------------
def _sandbox_pipeline(prod_source: str) -> Kit:
    """The sandbox may deploy to development through 'DevDeployRole' (service admin); production
    trusts a role named 'DevDeployRole' of `prod_source` with administrator."""
    k = Kit()
    k.account("Deployment", "deployment", parent="Infrastructure")
    k.trust(
        "Developer Sandbox",
        "Retail Development",
        "service-admin",
        role_name="DevDeployRole",
        services=["cloudformation"],
        principal_scope="role",
        principal_role_name="SandboxDeployer",
        principal_type="workload",
        organization_scoped=True,
    )
    k.trust(
        "Deployment",
        "Retail Development",
        "service-admin",
        role_name="DevDeployRole",
        services=["cloudformation"],
        principal_scope="role",
        principal_role_name="PipelineRunner",
        principal_type="workload",
        organization_scoped=True,
    )
    k.trust(
        prod_source,
        "Retail Production",
        "administrator",
        role_name="ProdDeployRole",
        principal_scope="role",
        principal_role_name="DevDeployRole",
        principal_type="workload",
        organization_scoped=True,
    )
    return k


def sandbox_pipeline_reaches_production() -> Design:
    return _sandbox_pipeline("Retail Development").build()


def sandbox_pipeline_other_role() -> Design:
    # Production trusts the deployment account's pipeline role: the sandbox holds a role of the
    # same name, but in development, which production does not trust.
    k = _sandbox_pipeline("Deployment")
    k.update("ProdDeployRole", principal_role_name="PipelineRunner")
    return k.build()


def staging_reaches_security_tooling() -> Design:
    k = Kit()
    k.trust(
        "Payments Staging",
        "Shared Services",
        "custom",
        role_name="StagingTools",
        managed_policy_arns=["arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"],
        principal_scope="role",
        principal_role_name="StagingRunner",
        principal_type="workload",
        organization_scoped=True,
    )
    k.trust(
        "Shared Services",
        "Security Tooling",
        "iam-admin",
        role_name="ToolingIamAdmin",
        principal_scope="role",
        principal_role_name="StagingTools",
        principal_type="workload",
        organization_scoped=True,
    )
    return k.build()


def vendor_reaches_production() -> Design:
    k = Kit()
    k.outside("Build Vendor", aws_account_id="444455556666")
    k.trust(
        "Build Vendor",
        "Shared Services",
        "service-admin",
        role_name="VendorBuild",
        services=["codebuild"],
        external_id="build-vendor-19f2",
        principal_type="workload",
        principal_scope="role",
        principal_role_name="VendorRunner",
    )
    k.trust(
        "Shared Services",
        "Payments Production",
        "administrator",
        role_name="PaymentsRelease",
        principal_scope="role",
        principal_role_name="VendorBuild",
        principal_type="workload",
        organization_scoped=True,
    )
    return k.build()


# -- GRAPH-08: security-tooling and identity accounts -----------------------------------------
def workload_admin_in_identity() -> Design:
    k = Kit()
    k.trust(
        "Retail Production",
        "Identity",
        "administrator",
        role_name="RetailIdentityAdmin",
        principal_scope="role",
        principal_role_name="WorkloadAdmin",
        organization_scoped=True,
    )
    return k.build()


def workloads_in_security_tooling() -> Design:
    return Kit().update("Security Tooling", runs_workloads=True).build()


def identity_admin_in_security_tooling() -> Design:
    # The identity account's administrators run security tooling: its intended administrators.
    k = Kit()
    k.trust(
        "Identity",
        "Security Tooling",
        "administrator",
        role_name="SecurityToolingAdmin",
        principal_scope="role",
        principal_role_name="WorkloadAdministrator",
        organization_scoped=True,
    )
    return k.build()


def admin_permission_set_in_security_tooling() -> Design:
    k = Kit()
    federation = k.find_relationship("federation:IAM Identity Center->Security Tooling")
    assert federation is not None
    k.doc.update(federation.id, permission_sets=["AdministratorAccess", "ReadOnlyAccess"])
    return k.build()


# -- IAM-07: session length ---------------------------------------------------------------------
def long_admin_session() -> Design:
    k = Kit()
    k.update("Identity", iam_user_count=2)
    k.trust(
        "Identity",
        "Network",
        "administrator",
        role_name="NetworkBreakGlass",
        require_mfa=True,
        organization_scoped=True,
        max_session_duration=43200,
    )
    return k.build()


def long_read_only_session() -> Design:
    k = Kit()
    k.update("Identity", iam_user_count=2)
    k.trust(
        "Identity",
        "Network",
        "read-only",
        role_name="NetworkReader",
        require_mfa=True,
        organization_scoped=True,
        max_session_duration=43200,
    )
    return k.build()


def chained_long_session() -> Design:
    # WorkloadAdministrator is an Identity Center landing role: the session that assumes the
    # workload role is chained and capped at one hour, whatever the role says.
    return Kit().update("WorkloadAdmin", max_session_duration=28800).build()


# -- IAM-15: outsiders weighed by level --------------------------------------------------------
def vendor_admin_in_development() -> Design:
    k = Kit()
    k.outside("Migration Partner", aws_account_id="777788889999")
    k.trust(
        "Migration Partner",
        "Retail Development",
        "administrator",
        role_name="MigrationAdmin",
        external_id="migration-7a1c",
        principal_type="workload",
        principal_scope="role",
        principal_role_name="MigrationRunner",
    )
    return k.build()


def vendor_write_in_development() -> Design:
    k = Kit()
    k.outside("Migration Partner", aws_account_id="777788889999")
    k.trust(
        "Migration Partner",
        "Retail Development",
        "service-admin",
        role_name="MigrationWrite",
        services=["dms"],
        external_id="migration-7a1c",
        principal_type="workload",
        principal_scope="role",
        principal_role_name="MigrationRunner",
    )
    return k.build()


def vendor_read_in_development() -> Design:
    k = Kit()
    k.outside("Migration Partner", aws_account_id="777788889999")
    k.trust(
        "Migration Partner",
        "Retail Development",
        "read-only",
        role_name="MigrationRead",
        external_id="migration-7a1c",
        principal_type="workload",
        principal_scope="role",
        principal_role_name="MigrationRunner",
    )
    return k.build()


def vendor_writes_security_tooling() -> Design:
    # A managed-security vendor may change GuardDuty in the security-tooling account.
    k = Kit()
    k.outside("Managed Security Vendor", aws_account_id="777788880000")
    k.trust(
        "Managed Security Vendor",
        "Security Tooling",
        "service-admin",
        role_name="MsspOperations",
        services=["guardduty"],
        external_id="mssp-3f9e",
        principal_type="workload",
        principal_scope="role",
        principal_role_name="MsspRunner",
    )
    return k.build()


# -- GRAPH-07: custom roles pivot, parked accounts do not --------------------------------------
def _power_user_hop(prod_level: str) -> Kit:
    """The sandbox holds a PowerUserAccess custom role in development (it can act as the
    account's principals, as GRAPH-01 counts it); production trusts development's root."""
    k = Kit()
    k.trust(
        "Developer Sandbox",
        "Retail Development",
        "custom",
        role_name="DevOps",
        managed_policy_arns=["arn:aws:iam::aws:policy/PowerUserAccess"],
    )
    k.trust("Retail Development", "Retail Production", prod_level, role_name="Deploy")
    return k


def sandbox_power_user_to_production_admin() -> Design:
    return _power_user_hop("administrator").build()


def sandbox_power_user_production_read() -> Design:
    return _power_user_hop("read-only").build()


def parked_account_on_the_way() -> Design:
    # A closed staging account, parked under the deny-all Suspended OU, kept its old trusts.
    k = Kit()
    k.trust("Developer Sandbox", "Payments Staging", "administrator", role_name="Borrow")
    k.trust("Payments Staging", "Payments Production", "administrator", role_name="Release")
    return k.update("Payments Staging", state="suspended", parent="Suspended").build()


def parked_account_kept_its_release_trust() -> Design:
    # Closed and parked, the staging account's release pipeline trust into production remains.
    k = Kit()
    k.trust(
        "Payments Staging",
        "Payments Production",
        "administrator",
        role_name="Release",
        principal_type="workload",
        principal_scope="role",
        principal_role_name="StagingPipeline",
    )
    return k.update("Payments Staging", state="suspended", parent="Suspended").build()


# -- false alarms on workload federation and workload trusts ---------------------------------
def ci_oidc_into_deployment_account() -> Design:
    k = Kit()
    k.account("Deployment", "deployment", parent="Infrastructure")
    k.idp(
        "GitHub Actions",
        kind="oidc",
        home_account="Deployment",
        metadata_url="https://token.actions.githubusercontent.com",
    )
    k.federation(
        "GitHub Actions",
        "Deployment",
        mapped_roles=["GitHubDeployer"],
        principal_type="workload",
        oidc_subjects=["repo:example/retail:ref:refs/heads/main"],
    )
    k.trust(
        "Deployment",
        "Retail Production",
        "service-admin",
        role_name="RetailDeploy",
        services=["cloudformation"],
        principal_scope="role",
        principal_role_name="GitHubDeployer",
        principal_type="workload",
        organization_scoped=True,
    )
    return k.build()


def ci_oidc_provider_drawn_first() -> Design:
    # The CI provider is drawn in the deployment account before its roles are.
    k = Kit()
    k.account("Deployment", "deployment", parent="Infrastructure")
    k.idp("GitHub Actions", kind="oidc", home_account="Deployment")
    return k.build()


def pipeline_role_without_mfa() -> Design:
    k = Kit()
    k.account("Deployment", "deployment", parent="Infrastructure")
    k.trust(
        "Deployment",
        "Payments Production",
        "service-admin",
        role_name="PaymentsPipeline",
        services=["cloudformation", "ecs"],
        principal_scope="role",
        principal_role_name="PipelineRunner",
        principal_type="workload",
        organization_scoped=True,
    )
    k.trust(
        "Deployment",
        "Payments Staging",
        "service-admin",
        role_name="StagingPipeline",
        services=["cloudformation"],
        principal_scope="role",
        principal_role_name="PipelineRunner",
        principal_type="workload",
        organization_scoped=True,
    )
    return k.build()


FLAWS = [
    Flaw(
        "sandbox-pipeline-role-to-production-admin",
        f"{WHITEPAPER}, When to Create Multiple Accounts: 'isolation to minimize blast radius'",
        sandbox_pipeline_reaches_production,
        "GRAPH-07",
        "ProdDeployRole",
        Severity.HIGH,
    ),
    Flaw(
        "staging-through-shared-services-to-security-tooling",
        f"{WHITEPAPER}, Information Security Account",
        staging_reaches_security_tooling,
        "GRAPH-07",
        "ToolingIamAdmin",
        Severity.CRITICAL,
    ),
    Flaw(
        "vendor-build-role-to-production-admin",
        "AWS IAM User Guide, 'Access to AWS accounts owned by third parties'",
        vendor_reaches_production,
        "GRAPH-07",
        "Build Vendor",
        Severity.CRITICAL,
    ),
    Flaw(
        "production-workload-admin-in-identity",
        f"{WHITEPAPER}, Identity Account Structure",
        workload_admin_in_identity,
        "GRAPH-08",
        "RetailIdentityAdmin",
        Severity.HIGH,
    ),
    Flaw(
        "workloads-in-security-tooling",
        f"{WHITEPAPER}, Information Security Account",
        workloads_in_security_tooling,
        "GRAPH-08",
        "Security Tooling",
        Severity.HIGH,
    ),
    Flaw(
        "twelve-hour-admin-session",
        "AWS IAM User Guide, 'Update the maximum session duration for a role'",
        long_admin_session,
        "IAM-07",
        "NetworkBreakGlass",
        Severity.MEDIUM,
    ),
    Flaw(
        "chained-session-longer-than-an-hour",
        CHAINING,
        chained_long_session,
        "IAM-07",
        "WorkloadAdmin",
        Severity.LOW,
    ),
    Flaw(
        "migration-partner-admin-in-development",
        "AWS IAM User Guide, 'Access to AWS accounts owned by third parties'",
        vendor_admin_in_development,
        "IAM-15",
        "MigrationAdmin",
        Severity.HIGH,
    ),
    Flaw(
        "migration-partner-writes-development",
        "AWS IAM User Guide, 'Access to AWS accounts owned by third parties'",
        vendor_write_in_development,
        "IAM-15",
        "MigrationWrite",
        Severity.MEDIUM,
    ),
    Flaw(
        "managed-security-vendor-writes-security-tooling",
        "AWS Prescriptive Guidance, 'AWS Security Reference Architecture': Security Tooling",
        vendor_writes_security_tooling,
        "IAM-15",
        "MsspOperations",
        Severity.HIGH,
    ),
    Flaw(
        "sandbox-power-user-role-to-production-admin",
        f"{WHITEPAPER}, When to Create Multiple Accounts: 'isolation to minimize blast radius'",
        sandbox_power_user_to_production_admin,
        "GRAPH-07",
        "Developer Sandbox",
        Severity.HIGH,
    ),
]

LEGITIMATE = [
    Legitimate(
        "ci-oidc-federated-into-deployment-account",
        "GitHub Actions jobs federate (OIDC, workload) into the deployment account, whose "
        "pipeline role deploys production; people still sign in through the identity account.",
        ci_oidc_into_deployment_account,
    ),
    Legitimate(
        "pipeline-roles-without-mfa",
        "A deployment account's pipeline (workload trusts) assumes deployment roles in "
        "production and staging; a pipeline cannot present MFA.",
        pipeline_role_without_mfa,
    ),
    Legitimate(
        "identity-administers-security-tooling",
        "The identity account's workload administrators also administer security tooling: "
        "the whitepaper's intended administrators of the account.",
        identity_admin_in_security_tooling,
    ),
    Legitimate(
        "closed-account-parked-with-old-trusts",
        "A closed staging account parked under the deny-all Suspended OU still has its "
        "release pipeline trust into production drawn: it can assume nothing.",
        parked_account_kept_its_release_trust,
    ),
]

NEAR_MISSES = [
    NearMiss("GRAPH-07", "production-trusts-a-role-the-sandbox-cannot-assume",
             sandbox_pipeline_other_role),
    NearMiss("GRAPH-07", "closed-account-parked-on-the-way", parked_account_on_the_way),
    NearMiss("GRAPH-07", "closed-account-kept-its-release-trust",
             parked_account_kept_its_release_trust),
    NearMiss("GRAPH-07", "sandbox-power-user-production-read", sandbox_power_user_production_read,
             "Developer Sandbox"),
    NearMiss("GRAPH-08", "identity-admins-in-security-tooling", identity_admin_in_security_tooling),
    NearMiss("GRAPH-08", "admin-permission-set-in-security-tooling",
             admin_permission_set_in_security_tooling),
    NearMiss("IAM-07", "twelve-hour-read-only-session", long_read_only_session),
    NearMiss("IAM-15", "migration-partner-reads-development", vendor_read_in_development,
             "Migration Partner"),
    NearMiss("IAM-09", "ci-oidc-into-deployment-account", ci_oidc_into_deployment_account),
    NearMiss("IAM-09", "ci-oidc-provider-drawn-first", ci_oidc_provider_drawn_first),
    NearMiss("IAM-05", "pipeline-roles-without-mfa", pipeline_role_without_mfa),
    NearMiss("IAM-13", "pipeline-roles-without-mfa", pipeline_role_without_mfa),
    NearMiss("IAM-14", "pipeline-roles-without-mfa", pipeline_role_without_mfa),
]  # fmt: skip
