"""One caught flaw and one near miss per existing identity rule (IAM-*), written from the rules.

Each design is the reference landing zone with one realistic edit. IAM-05, IAM-07, IAM-09,
IAM-13, IAM-14 and IAM-15 are left to their owners' modules.
"""

from __future__ import annotations

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import Flaw, Kit, NearMiss

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
PRINCIPAL_PAGE = "IAM User Guide, 'AWS JSON policy elements: Principal'"
CONFUSED_DEPUTY = "IAM User Guide, 'The confused deputy problem'"
CONDITION_KEYS = "IAM User Guide, 'AWS global condition context keys'"
OIDC_ROLE = "IAM User Guide, 'Create a role for OpenID Connect federation'"
QUOTAS = "IAM User Guide, 'IAM and AWS STS quotas'"
GITHUB_REPO = "repo:example-corp/retail-web:ref:refs/heads/main"
MONITORING_VENDOR = "Example Monitoring"


# -- IAM-01: a role anyone can assume ------------------------------------------------------------
def _public_status_role(party: str, kind: str, **trust: object) -> Design:
    """A status-page role in Retail Production trusted by a party outside the organization."""
    kit = Kit()
    kit.outside(
        party, kind=kind, **({"aws_account_id": "210987654321"} if kind != "anyone" else {})
    )
    kit.trust(
        party,
        "Retail Production",
        "read-only",
        role_name="StatusPageReader",
        principal_type="workload",
        **trust,
    )
    return kit.build()


def iam01_flaw() -> Design:
    return _public_status_role("Anyone on the internet", "anyone")


def iam01_near() -> Design:
    return _public_status_role(
        "Status Page Vendor",
        "external-account",
        external_id="example-corp-status-41c9",
        principal_scope="role",
        principal_role_name="StatusPageCollector",
    )


# -- IAM-02: a third party without an external id ------------------------------------------------
def _cost_tool(external_id: str | None) -> Design:
    kit = Kit()
    kit.outside("Acme Cost Optimizer", kind="external-account", aws_account_id="123456789012")
    kit.trust(
        "Acme Cost Optimizer",
        "Shared Services",
        "read-only",
        role_name="AcmeCostCollector",
        principal_type="workload",
        principal_scope="role",
        principal_role_name="AcmeCustomerIngest",
        external_id=external_id,
    )
    return kit.build()


# -- IAM-03: an AWS service role without aws:SourceAccount ---------------------------------------
def _backup_service(guarded: bool) -> Design:
    kit = Kit()
    kit.outside("AWS Backup", kind="service", service_principal="backup.amazonaws.com")
    kit.trust(
        "AWS Backup",
        "Payments Production",
        "service-admin",
        role_name="PaymentsBackupService",
        services=["backup"],
        principal_type="workload",
        source_account_condition=guarded,
    )
    return kit.build()


# -- IAM-04 / IAM-06: support access from the identity account -----------------------------------
def _retail_support(**trust: object) -> Design:
    kit = Kit()
    fields: dict[str, object] = {
        "role_name": "RetailSupport",
        "principal_scope": "role",
        "principal_role_name": "WorkloadAdministrator",
        "organization_scoped": True,
        **trust,
    }
    kit.trust("Identity", "Retail Production", "read-only", **fields)
    return kit.build()


# -- IAM-08: a security-audit role trusted by the wrong account ----------------------------------
def _central_it_audit(level: str, role: str) -> Design:
    kit = Kit()
    kit.trust(
        "Identity",
        "Workloads",
        level,
        role_name=role,
        principal_scope="role",
        principal_role_name="WorkloadAdministrator",
        organization_scoped=True,
    )
    return kit.build()


# -- IAM-12: admin at the end of a long chain ----------------------------------------------------
def _release_from_development(level: str, role: str) -> Design:
    """Retail Development's release pipeline reaches Retail Production."""
    kit = Kit()
    kit.trust(
        "Retail Development",
        "Retail Production",
        level,
        role_name=role,
        principal_scope="role",
        principal_role_name="WorkloadAdmin",
        organization_scoped=True,
    )
    return kit.build()


# -- IAM-16: a trust from an OU --------------------------------------------------------------
def _artifacts_from_workloads(level: str, role: str, **trust: object) -> Design:
    kit = Kit()
    kit.trust("Workloads", "Shared Services", level, role_name=role, **trust)
    return kit.build()


# -- IAM-17 / IAM-18 / IAM-19: GitHub Actions deploying into Retail Production -------------------
def _github_deploy(level: str, subjects: list[str], **trust: object) -> Design:
    kit = Kit()
    kit.idp("GitHub Actions", kind="oidc", home_account="Retail Production")
    kit.trust(
        "GitHub Actions",
        "Retail Production",
        level,
        role_name="GitHubDeploy",
        principal_type="workload",
        oidc_subjects=subjects,
        **trust,
    )
    return kit.build()


def _deploy_services() -> dict[str, object]:
    return {"services": ["cloudformation", "ecs", "ecr"]}


def _many_repositories(count: int) -> list[str]:
    """The subjects of `count` retail service repositories, main branch and production env."""
    return [
        f"repo:example-corp/retail-service-{n:02d}:{ref}"
        for n in range(1, count + 1)
        for ref in ("ref:refs/heads/main", "environment:production")
    ]


# -- IAM-20: a platform role with one customer managed policy per team ---------------------------
def _platform_operator(policies: int) -> Design:
    kit = Kit()
    teams = [
        "network",
        "dns",
        "patching",
        "backup",
        "monitoring",
        "tagging",
        "cost",
        "secrets",
        "certificates",
        "registry",
        "inventory",
        "quota",
    ]
    kit.trust(
        "Identity",
        "Retail Production",
        "custom",
        role_name="PlatformOperator",
        principal_scope="role",
        principal_role_name="WorkloadAdministrator",
        organization_scoped=True,
        managed_policy_arns=[
            f"arn:aws:iam::838015252859:policy/platform-{team}" for team in teams[:policies]
        ],
    )
    return kit.build()


def _network_users(account: str) -> Design:
    return Kit().update(account, iam_user_count=2).build()


def _new_account_root_mfa(enabled: bool) -> Design:
    kit = Kit()
    kit.account(
        "Retail Analytics",
        parent="Prod",
        environment="production",
        root_mfa=enabled,
        data_sensitivity="confidential",
    )
    return kit.build()


FLAWS = [
    Flaw(
        "IAM-01 status page role trusted by anyone",
        f"{PRINCIPAL_PAGE}: anonymous (public) principals",
        iam01_flaw,
        "IAM-01",
        "Anyone on the internet",
        Severity.CRITICAL,
    ),
    Flaw(
        "IAM-02 cost optimisation vendor without an external id",
        "IAM User Guide, 'Access to AWS accounts owned by third parties'",
        lambda: _cost_tool(None),
        "IAM-02",
        "AcmeCostCollector",
        Severity.HIGH,
    ),
    Flaw(
        "IAM-03 AWS Backup role without aws:SourceAccount",
        f"{CONFUSED_DEPUTY}: cross-service confused deputy prevention",
        lambda: _backup_service(False),
        "IAM-03",
        "PaymentsBackupService",
        Severity.HIGH,
    ),
    Flaw(
        "IAM-04 retail support role trusts the whole identity account",
        f"{PRINCIPAL_PAGE}: AWS account principals",
        lambda: _retail_support(principal_scope="account-root", principal_role_name=None),
        "IAM-04",
        "RetailSupport",
        Severity.MEDIUM,
    ),
    Flaw(
        "IAM-06 retail support role without aws:PrincipalOrgID",
        f"{CONDITION_KEYS}: aws:PrincipalOrgID",
        lambda: _retail_support(organization_scoped=False),
        "IAM-06",
        "RetailSupport",
        Severity.MEDIUM,
    ),
    Flaw(
        "IAM-08 identity account holds the security-audit role in workloads",
        f"{WHITEPAPER}, Information Security Account",
        lambda: _central_it_audit("security-audit", "WorkloadSecurityAudit"),
        "IAM-08",
        "WorkloadSecurityAudit",
        Severity.HIGH,
    ),
    Flaw(
        "IAM-10 staging account created without root MFA",
        "AWS Control Tower control AWS-GR_ROOT_ACCOUNT_MFA_ENABLED",
        lambda: Kit().update("Payments Staging", root_mfa=False).build(),
        "IAM-10",
        "Payments Staging",
        Severity.CRITICAL,
    ),
    Flaw(
        "IAM-11 network account keeps IAM users for its VPN appliances",
        f"{WHITEPAPER}, Identity Account Structure",
        lambda: _network_users("Network"),
        "IAM-11",
        "Network",
        Severity.HIGH,
    ),
    Flaw(
        "IAM-12 development pipeline holds admin in production, three hops from sign-in",
        f"{WHITEPAPER}, When to Create Multiple Accounts: isolation to minimize blast radius",
        lambda: _release_from_development("administrator", "RetailReleaseAdmin"),
        "IAM-12",
        "RetailReleaseAdmin",
        Severity.MEDIUM,
    ),
    Flaw(
        "IAM-16 every workload account may administer shared services",
        f"{CONDITION_KEYS}: aws:PrincipalOrgPaths",
        lambda: _artifacts_from_workloads("administrator", "ArtifactPublisherAdmin"),
        "IAM-16",
        "ArtifactPublisherAdmin",
        Severity.HIGH,
    ),
    Flaw(
        "IAM-17 GitHub Actions deploys production with AdministratorAccess",
        f"{OIDC_ROLE}; GitHub Docs, 'Configuring OpenID Connect in Amazon Web Services'",
        lambda: _github_deploy("administrator", [GITHUB_REPO]),
        "IAM-17",
        "GitHubDeploy",
        Severity.HIGH,
    ),
    Flaw(
        "IAM-18 GitHub Actions deploy role admits every repository",
        "GitHub Docs, 'About security hardening with OpenID Connect'",
        lambda: _github_deploy("service-admin", [], **_deploy_services()),
        "IAM-18",
        "GitHubDeploy",
        Severity.HIGH,
    ),
    Flaw(
        "IAM-19 one deploy role admits thirty retail repositories",
        f"{QUOTAS}: role trust policy length",
        lambda: _github_deploy("service-admin", _many_repositories(30), **_deploy_services()),
        "IAM-19",
        "GitHubDeploy",
        Severity.HIGH,
    ),
    Flaw(
        "IAM-20 platform operator role with a policy per platform team",
        f"{QUOTAS}: managed policies attached to an IAM role",
        lambda: _platform_operator(12),
        "IAM-20",
        "PlatformOperator",
        Severity.HIGH,
    ),
]

LEGITIMATE: list[object] = []

NEAR_MISSES = [
    NearMiss("IAM-01", "status page vendor named with an external id", iam01_near),
    NearMiss(
        "IAM-02",
        "cost optimisation vendor with an external id",
        lambda: _cost_tool("example-corp-acme-5d2e"),
    ),
    NearMiss("IAM-03", "AWS Backup role with aws:SourceAccount", lambda: _backup_service(True)),
    NearMiss(
        "IAM-04",
        "retail support role names the identity account's landing role",
        _retail_support,
        "RetailSupport",
    ),
    NearMiss(
        "IAM-06", "retail support role checks aws:PrincipalOrgID", _retail_support, "RetailSupport"
    ),
    NearMiss(
        "IAM-08",
        "identity account gets read-only, not security-audit, in workloads",
        lambda: _central_it_audit("read-only", "WorkloadReadOnly"),
    ),
    NearMiss(
        "IAM-10",
        "a new production account created with root MFA",
        lambda: _new_account_root_mfa(True),
    ),
    NearMiss(
        "IAM-11", "the identity account keeps two IAM users", lambda: _network_users("Identity")
    ),
    NearMiss(
        "IAM-12",
        "development pipeline only reads production",
        lambda: _release_from_development("read-only", "RetailReleaseReader"),
        "RetailReleaseReader",
    ),
    NearMiss(
        "IAM-16",
        "workload admins of every workload account may read shared-services artifacts",
        lambda: _artifacts_from_workloads(
            "read-only",
            "ArtifactReader",
            principal_scope="role",
            principal_role_name="WorkloadAdmin",
        ),
    ),
    NearMiss(
        "IAM-17",
        "GitHub Actions deploys production with CloudFormation and ECS only",
        lambda: _github_deploy("service-admin", [GITHUB_REPO], **_deploy_services()),
    ),
    NearMiss(
        "IAM-18",
        "GitHub Actions deploy role admits the main branch of one repository",
        lambda: _github_deploy("service-admin", [GITHUB_REPO], **_deploy_services()),
    ),
    NearMiss(
        "IAM-19",
        "one deploy role admits ten retail repositories",
        lambda: _github_deploy("service-admin", _many_repositories(5), **_deploy_services()),
    ),
    NearMiss(
        "IAM-20", "platform operator role with ten team policies", lambda: _platform_operator(10)
    ),
]
