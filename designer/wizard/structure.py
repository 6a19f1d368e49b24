"""The steps that turn answers into structure; each records the decision it took and why."""

from __future__ import annotations

from designer.artefacts import guardrails
from designer.artefacts.policy_set import log_protection, log_resources
from designer.model import (
    Account,
    Design,
    IdentityProvider,
    LogBucket,
    ObjectLock,
    OrganizationalUnit,
    OutsidePrincipal,
    ServiceControlPolicy,
)
from designer.model.answers import PERMISSION_SET_ROOM, IdentitySource, Published, SecurityTeam
from designer.model.building import Role
from designer.model.vocabulary import (
    SENSITIVITY_ORDER,
    AccessLevel,
    AccountFunction,
    DataSensitivity,
    Environment,
    IdentityProviderKind,
    LogType,
    ObjectLockMode,
    PrincipalType,
    ResourceType,
)
from designer.wizard import whitepaper as wp
from designer.wizard.builder import Builder, ascii_letters, pascal, slug

F = AccountFunction
NON_PROD = (Environment.NON_PRODUCTION, Environment.DEVELOPMENT)
ENVIRONMENT_NAMES: dict[Environment, str] = {
    Environment.PRODUCTION: "Production",
    Environment.NON_PRODUCTION: "Staging",
    Environment.DEVELOPMENT: "Development",
    Environment.SANDBOX: "Sandbox",
}
PLATFORM = "Cloud Platform"
SHARED = "Shared"  # the business unit of workload accounts all units share
INFOSEC = "Information Security"
CENTRAL_IT = "Central IT"
# Security services the security-tooling account always administers (rule ORG-09) and those
# a security-baselines programme adds.
CORE_SECURITY_SERVICES = (
    "access-analyzer.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
)
BASELINE_SERVICES = (
    "detective.amazonaws.com",
    "inspector2.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
)
AUDIT_ROLES = (
    Role(
        "SecurityAudit",
        AccessLevel.SECURITY_AUDIT,
        "SecurityAnalyst",
        "Security Tooling assesses the security configuration of {target} (SecurityAudit).",
        require_mfa=False,  # people sign in with MFA; a role session cannot
    ),
    Role(
        "SecurityReadOnly",
        AccessLevel.READ_ONLY,
        "SecurityAnalyst",
        "Security analysts investigate findings in {target} with read-only access.",
        require_mfa=False,  # people sign in with MFA; a role session cannot
    ),
)


class Landing:
    """The OUs and accounts every design has, found by role rather than by name."""

    def __init__(self, b: Builder) -> None:
        self.b = b
        self.security: OrganizationalUnit
        self.infrastructure: OrganizationalUnit | None = None
        self.workloads: OrganizationalUnit
        self.environment_ous: dict[Environment, OrganizationalUnit] = {}
        self.unit_ous: dict[tuple[Environment, str], OrganizationalUnit] = {}
        self.management: Account
        self.log_archive: Account
        self.tooling: Account
        self.identity: Account | None = None
        self.shared_services: Account | None = None
        self.workload_accounts: list[Account] = []

    def infrastructure_ou(self) -> OrganizationalUnit:
        if self.infrastructure is None:
            self.infrastructure = self.b.add_ou(
                "Infrastructure", "Shared infrastructure: identity, publishing, shared services."
            )
        return self.infrastructure


# -- organization, management account, guardrails -----------------------------------------------
def add_management(b: Builder, land: Landing) -> None:
    land.management = b.add_account(
        "Management",
        F.MANAGEMENT,
        "Consolidated billing and AWS Organizations administration only: no workloads, no "
        "IAM users for other teams, no log storage and no security tooling. One IAM user "
        "exists for break-glass access, its credentials in a safe.",
        parent=None,
        owner=PLATFORM,
        business_unit=PLATFORM,
        sensitivity=DataSensitivity.CONFIDENTIAL,
        iam_users=1,
    )
    b.organization = b.organization.model_copy(update={"management_account": land.management.id})
    b.decide(
        "Management account",
        "The management account pays the bills and runs AWS Organizations, nothing else.",
        "It cannot be restricted by service control policies, so anything placed in it is out "
        "of reach of the guardrails; security duties go to separate accounts.",
        [wp.cite(wp.S_HYBRID, wp.Q_BILLING), wp.AWS_MANAGEMENT],
        [land.management],
    )


def add_guardrails(b: Builder) -> dict[str, ServiceControlPolicy]:
    regions = b.answers.regions
    rails = [
        guardrails.full_aws_access(),
        guardrails.organization_guardrails(),
        guardrails.protect_security_services(),
        guardrails.deny_root_user(),
        guardrails.region_restriction(regions),
    ]
    made = [b.add_scp(r.name, r.description, r.document, r.aws_managed) for r in rails]
    b.organization = b.organization.model_copy(update={"root_scps": [p.id for p in made]})
    b.decide(
        "Guardrails from the usage policy",
        f"Every account is kept in the organization, its CloudTrail, AWS Config and security "
        f"services cannot be stopped, its root user cannot act, and regional services run only "
        f"in {', '.join(regions)}.",
        "The usage policy states the minimal baseline; service control policies at the root "
        "enforce it for every account, present and future, and the accounts' own "
        "administrators cannot lift them.",
        [wp.cite(wp.S_GENERAL, wp.Q_USAGE_POLICY), wp.AWS_SCP_EXAMPLES],
        made,
    )
    return {p.name: p for p in made}


# -- security OU: log archive, security tooling, backup -------------------------------------------
def add_security_ou(b: Builder, land: Landing) -> None:
    a = b.answers
    infosec_owner = INFOSEC if a.security_team != SecurityTeam.CENTRAL_IT else CENTRAL_IT
    land.security = b.add_ou("Security", "Log Archive and Security Tooling; security team only.")
    land.log_archive = b.add_account(
        "Log Archive",
        F.LOG_ARCHIVE,
        "Immutable store of the organization's CloudTrail and AWS Config logs; no workloads "
        "and no human write access.",
        parent=land.security,
        owner=infosec_owner,
        business_unit=infosec_owner,
    )
    land.tooling = b.add_account(
        "Security Tooling",
        F.SECURITY_TOOLING,
        "Audit account: delegated administrator of the security services, with security-audit "
        "and read-only access to every account.",
        parent=land.security,
        owner=infosec_owner,
        business_unit=infosec_owner,
    )
    who = {
        SecurityTeam.INFORMATION_SECURITY: "the Information Security team owns it",
        SecurityTeam.CENTRAL_IT: "Central IT owns it, as it runs security",
        SecurityTeam.BOTH: "the Information Security team owns it; Central IT runs shared "
        "services from the Infrastructure OU",
    }[a.security_team]
    b.decide(
        "Security account structure",
        f"A Security OU holds a Log Archive and a Security Tooling account; {who}.",
        "Audit data and security administration live apart from the workloads they watch, so "
        "a compromised workload account can neither erase its traces nor switch off detection.",
        [
            wp.cite(wp.S_GENERAL, wp.Q_SECURITY_STRUCTURE),
            wp.cite(wp.S_INFOSEC, wp.Q_INFOSEC),
            wp.AWS_SRA,
        ],
        [land.security, land.log_archive, land.tooling],
    )
    for role in AUDIT_ROLES:
        b.trust(land.tooling, b.organization, role, "every account")
        # StackSets never deploy to the management account: its roles are a stack of their own.
        b.trust(land.tooling, land.management, role, land.management.name)
    baselines = a.security_baselines
    b.delegate(
        land.management,
        land.tooling,
        [*CORE_SECURITY_SERVICES, *(BASELINE_SERVICES if baselines else ())],
        "GuardDuty, Security Hub, AWS Config, IAM Access Analyzer and CloudTrail"
        + (", and StackSets, Inspector and Detective for the security baselines," if baselines
           else "")
        + " are administered from Security Tooling, not from the management account.",
    )  # fmt: skip
    if a.recovery_audit_isolation:
        backup = b.add_account(
            "Backup",
            F.BACKUP,
            "Apart from the workloads, to receive AWS Backup cross-account copies of their "
            "recovery points, so a compromised account cannot destroy its own backups (the "
            "vault, its Vault Lock and the backup policy are set up in AWS Backup; this design "
            "does not model them).",
            parent=land.security,
            owner=infosec_owner,
            business_unit=infosec_owner,
        )
        b.decide(
            "Recovery and audit data",
            "A Backup account in the Security OU is where workload backups are copied (AWS "
            "Backup cross-account copy; its vault and Vault Lock are configured in AWS Backup, "
            "outside this design), and CloudTrail logs are kept under S3 Object Lock in "
            f"compliance mode for {a.log_retention_days} days.",
            "You require strong isolation of recovery and auditing data: neither can be deleted "
            "from the accounts that produce it, nor, in compliance mode, by anyone before the "
            "retention ends.",
            [wp.cite(wp.S_MULTIPLE, wp.Q_RECOVERY_WHY), wp.AWS_BACKUP, wp.AWS_OBJECT_LOCK],
            [backup],
        )


# -- logging -----------------------------------------------------------------------------------
def _bucket(b: Builder, kind: str, owner: Account, lock: ObjectLock | None) -> LogBucket:
    prefix = slug(ascii_letters(b.answers.organization_name))[:30].strip("-") or "org"
    bucket = LogBucket(
        id=b.sid("bucket", kind),
        name=f"{prefix}-{kind}-logs-{b.seed[:8]}",
        account=owner.id,
        versioning=True,
        mfa_delete=True,
        object_lock=lock,
        kms_key=f"alias/{kind}-logs",
        access_logging=True,
        organization_restricted_writes=True,
    )
    b.log_buckets.append(bucket)
    return bucket


def add_logging(b: Builder, land: Landing) -> None:
    a = b.answers
    mode = ObjectLockMode.COMPLIANCE if a.recovery_audit_isolation else ObjectLockMode.GOVERNANCE
    trail = _bucket(
        b,
        "cloudtrail",
        land.log_archive,
        ObjectLock(mode=mode, retention_days=a.log_retention_days),
    )
    config = _bucket(b, "config", land.log_archive, None)  # Config cannot write to Object Lock
    b.deliver_logs(
        b.organization,
        trail,
        [LogType.CLOUDTRAIL],
        "The organization trail (multi-Region, log file validation) records API activity of "
        "every account into the Object Lock bucket of Log Archive.",
    )
    b.deliver_logs(
        b.organization,
        config,
        [LogType.CONFIG],
        "AWS Config recorders in every account deliver to the Config bucket of Log Archive.",
    )
    b.decide(
        "Organization trail and log retention",
        f"One organization trail and AWS Config in every account deliver to Log Archive; "
        f"CloudTrail logs are kept {a.log_retention_days} days under Object Lock ({mode}).",
        "The regulatory retention you gave sets the Object Lock period and the usage policy's "
        "minimum; the trail is created once for the organization, so no account can opt out.",
        [
            wp.cite(wp.S_MULTIPLE, wp.Q_RECOVERY_WHY)
            if a.recovery_audit_isolation
            else wp.cite(wp.S_LOGGING, wp.Q_LOGGING_PROTECT),
            wp.AWS_ORG_TRAIL,
            wp.AWS_OBJECT_LOCK,
        ],
        [trail, config],
    )
    if a.central_logging:
        b.deliver_logs(
            land.workloads,
            config,
            [LogType.VPC_FLOW_LOGS],
            "VPC flow logs of every workload account are kept centrally for analysis and "
            "investigations.",
        )
        b.decide(
            "Central log analysis",
            "Workload accounts also deliver VPC flow logs to the Log Archive bucket that takes "
            "AWS Config, where Security Tooling analysts read them through the SecurityReadOnly "
            "role. S3 server access and load balancer logs must be written in their own account "
            "and Region: the usage policy asks for them there, replicated to Log Archive.",
            "You want to centrally store, secure, analyze and report on log data: one place, "
            "protected from the accounts that produce it, readable by the security team only.",
            [wp.cite(wp.S_SECURITY, wp.Q_CENTRAL_LOGGING), wp.cite(wp.S_LOGGING, wp.Q_LOGGING)],
            [land.log_archive],
        )


def protect_log_archive(b: Builder, land: Landing) -> None:
    """An SCP on the Security OU: its log buckets and keys cannot be changed but by the
    privileged automation roles."""
    draft = Design(
        id=b.sid("design", "draft"),
        name="draft",
        organization=b.organization,
        organizational_units=list(b.ous),
        accounts=list(b.accounts),
        log_buckets=list(b.log_buckets),
    )
    found = log_resources(draft)
    document = guardrails.policy(
        *log_protection([r.bucket_arn for r in found], [r.key_arn for r in found])
    )
    scp = b.add_scp(
        "ProtectLogArchive",
        "Nobody but the privileged automation roles can delete or reconfigure the log buckets "
        "or disable, re-policy or schedule the deletion of their KMS keys.",
        document,
        aws_managed=False,
    )
    land.security = land.security.model_copy(update={"scps": [*land.security.scps, scp.id]})
    b.ous = [land.security if u.id == land.security.id else u for u in b.ous]
    b.decide(
        "Log protection",
        "An SCP on the Security OU keeps everyone but the privileged automation roles from "
        "deleting or reconfiguring the log buckets and their KMS keys.",
        "Protection that the Log Archive account's own administrators could switch off would "
        "not isolate audit data from them.",
        [wp.cite(wp.S_LOGGING, wp.Q_LOGGING_PROTECT), wp.AWS_SRA],
        [scp],
    )


# -- security baselines --------------------------------------------------------------------------
def add_baselines(b: Builder, land: Landing) -> None:
    """The delegation itself is made with the security structure's (one per account)."""
    if not b.answers.security_baselines:
        return
    b.decide(
        "Security baselines and compliance monitoring",
        "Security Tooling is delegated administrator of StackSets, Inspector and Detective, on "
        "top of GuardDuty, Security Hub, AWS Config, Access Analyzer and CloudTrail.",
        "You want the security and compliance team to apply baselines and monitor compliance "
        "across accounts: it deploys them itself, without the management account.",
        [
            wp.cite(wp.S_SECURITY, wp.Q_BASELINES),
            wp.cite(wp.S_INFOSEC, wp.Q_INFOSEC),
            wp.AWS_DELEGATED_ADMIN,
        ],
        [land.tooling],
    )


# -- workloads -----------------------------------------------------------------------------------
def _group(b: Builder, env: Environment) -> tuple[str, str]:
    if env == Environment.PRODUCTION:
        return "Prod", "Production workloads."
    ceiling = b.answers.data_sensitivity[env]
    if env == Environment.SANDBOX:
        return "Sandbox", f"Experiments, apart from the workloads; data up to {ceiling}."
    lower = [b.answers.data_sensitivity[e] for e in b.answers.environments if e in NON_PROD]
    highest = max(lower, key=SENSITIVITY_ORDER.index)
    return "Non-prod", f"Development and staging workloads; data up to {highest} (masked copies)."


def add_workload_ous(b: Builder, land: Landing) -> None:
    a = b.answers
    land.workloads = b.add_ou("Workloads", "Business workloads.")
    for env in a.environments:
        if not a.blast_radius_isolation:
            land.environment_ous[env] = land.workloads
            continue
        name, text = _group(b, env)
        existing = next((u for u in land.environment_ous.values() if u.name == name), None)
        if existing is None:
            parent = None if env == Environment.SANDBOX else land.workloads
            existing = b.add_ou(name, text, parent=parent)
        land.environment_ous[env] = existing
    if a.limited_visibility:
        for env in a.environments:
            for unit in a.business_units:
                home = land.environment_ous[env]
                key = (env, unit)
                found = next(
                    (
                        o
                        for (e, u), o in land.unit_ous.items()
                        if u == unit and land.environment_ous[e] is home
                    ),
                    None,
                )
                land.unit_ous[key] = found or b.add_ou(
                    unit, f"{unit}: visible only to {unit}'s own administrators.", parent=home
                )


def add_workload_accounts(b: Builder, land: Landing) -> None:
    a = b.answers
    units = a.business_units if a.separate_units else [SHARED]
    for env in a.environments:
        for unit in units:
            parent = land.unit_ous.get((env, unit), land.environment_ous[env])
            function = F.SANDBOX if env == Environment.SANDBOX else F.WORKLOAD
            label = ENVIRONMENT_NAMES[env]
            whose = unit if a.separate_units else f"the business units ({_some(a.business_units)})"
            land.workload_accounts.append(
                b.add_account(
                    f"{unit} {label}" if a.separate_units else f"Workloads {label}",
                    function,
                    f"{label} workloads of {whose}.",
                    parent=parent,
                    owner=unit if a.separate_units else PLATFORM,
                    business_unit=unit,
                    environment=env,
                    sensitivity=a.data_sensitivity[env],
                )
            )
    _decide_workloads(b, land)


def _some(names: list[str], shown: int = 5) -> str:
    """Names for a sentence: all of a few, the first few and a count of many."""
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def _decide_workloads(b: Builder, land: Landing) -> None:
    a = b.answers
    envs = ", ".join(ENVIRONMENT_NAMES[e] for e in a.environments)
    if a.separate_units:
        b.decide(
            "Administrative isolation",
            f"Each business unit ({len(a.business_units)}) has its own account per environment "
            f"({envs}).",
            "Independent administrative groups get control of their own accounts only.",
            [wp.cite(wp.S_MULTIPLE, wp.Q_ADMIN_ISOLATION_WHY), wp.AWS_OUS],
            [land.workloads, *land.workload_accounts],
        )
    else:
        b.decide(
            "Shared workload accounts",
            f"Business units share one workload account per environment ({envs}).",
            "No administrative isolation or limited visibility was asked for, so the structure "
            "starts small; answering again adds accounts per business unit.",
            [wp.cite(wp.S_GENERAL, wp.Q_OVER_ENGINEER)],
            [land.workloads, *land.workload_accounts],
        )
    env_ous = list(
        {u.id: u for u in land.environment_ous.values() if u is not land.workloads}.values()
    )
    if a.blast_radius_isolation:
        b.decide(
            "Blast radius",
            f"Environments sit in OUs of their own ({_names(env_ous)}), each with the data "
            "ceiling and required guardrails of its own usage-policy requirement.",
            "A breach, a mistake or a policy change in one environment stays in its OU.",
            [wp.cite(wp.S_MULTIPLE, wp.Q_BLAST_RADIUS_WHY), wp.AWS_OUS],
            env_ous,
        )
    if a.limited_visibility:
        b.decide(
            "Limited visibility",
            "Each business unit has an OU in each environment, and its administrators' role "
            "reaches only that OU.",
            "Workloads cannot be seen by other business units unless access is granted.",
            [wp.cite(wp.S_MULTIPLE, wp.Q_VISIBILITY_WHY)],
            list(land.unit_ous.values()),
        )


def add_procedural_ous(b: Builder) -> None:
    """Suspended and Policy Staging: where a closing account or a changed SCP can do no harm."""
    if not b.answers.blast_radius_isolation:
        return
    rail = guardrails.deny_all_suspended()
    scp = b.add_scp(rail.name, rail.description, rail.document, rail.aws_managed)
    suspended = b.add_ou("Suspended", "Accounts waiting to be closed.", scps=[scp])
    staging = b.add_ou(
        "Policy Staging", "New and changed SCPs are tried here before they reach workloads."
    )
    tester = b.add_account(
        "Policy Staging Test",
        F.SANDBOX,
        "Receives new and changed SCPs before they are attached to the workload OUs; no "
        "company data.",
        parent=staging,
        owner=PLATFORM,
        business_unit=PLATFORM,
        environment=Environment.TEST,
        sensitivity=DataSensitivity.PUBLIC,
    )
    b.decide(
        "Procedural OUs",
        "A Suspended OU denies everything to accounts being closed; a Policy Staging OU takes "
        "new and changed SCPs before the workload OUs do.",
        "Account suspensions and policy mistakes are blast-radius events too.",
        [wp.cite(wp.S_MULTIPLE, wp.Q_BLAST_RADIUS_WHY), wp.AWS_OUS],
        [suspended, staging, tester, scp],
    )


# -- identity ------------------------------------------------------------------------------------
IDENTITY_SOURCES: dict[IdentitySource, str] = {
    IdentitySource.SAML: "the corporate SAML 2.0 identity provider as identity source (users "
    "and groups provisioned with SCIM)",
    IdentitySource.ACTIVE_DIRECTORY: "the on-premises Active Directory as identity source, "
    "through an AD Connector",
    IdentitySource.IDENTITY_CENTER: "its own directory, already in use",
    IdentitySource.NONE: "its own directory (no identity source exists yet)",
}


def _identity_center(b: Builder, home: Account) -> IdentityProvider:
    """IAM Identity Center, where people sign in whatever the source of their identities: one
    place that enforces MFA and hands out roles, instead of one SAML provider per account."""
    source = b.answers.identity_source
    return b.add_provider(
        IdentityProvider(
            id=b.sid("idp", "identity-center"),
            name="IAM Identity Center",
            kind=IdentityProviderKind.IDENTITY_CENTER,
            home_account=home.id,
            description=f"Organization instance with {IDENTITY_SOURCES[source]}.",
        )
    )


def _admin_targets(land: Landing) -> list[tuple[str, OrganizationalUnit]]:
    """(role prefix, OU) pairs, each OU once: per business unit OU when visibility is limited,
    else the Workloads OU and a top-level Sandbox OU."""
    if land.unit_ous:
        pairs = [(unit, ou) for (_env, unit), ou in land.unit_ous.items()]
    else:
        tops = [ou for ou in land.environment_ous.values() if ou.parent is None]
        pairs = [("Workload", land.workloads)] + [("Workload", ou) for ou in tops]
    return list({ou.id: (prefix, ou) for prefix, ou in pairs}.values())


def add_identity(b: Builder, land: Landing) -> None:
    a = b.answers
    if a.central_identities:
        _central_identity(b, land)
    else:
        _direct_identity(b, land)


def _central_identity(b: Builder, land: Landing) -> None:
    a = b.answers
    land.identity = b.add_account(
        "Identity",
        F.IDENTITY,
        "Identity account: people sign in here and assume roles in the other accounts. No "
        "IAM users.",
        parent=land.infrastructure_ou(),
        owner=CENTRAL_IT if a.security_team != SecurityTeam.INFORMATION_SECURITY else PLATFORM,
        business_unit=PLATFORM,
    )
    idp = _identity_center(b, land.identity)
    seen: dict[str, Role] = {}
    for prefix, ou in _admin_targets(land):
        role = Role(
            f"{pascal(prefix)}Admin",
            AccessLevel.ADMINISTRATOR,
            f"{pascal(prefix)}Administrator",
            f"{prefix} administrators signed in to the Identity account operate {{target}}.",
            require_mfa=False,  # people sign in with MFA; a role session cannot
        )
        seen.setdefault(role.name, role)
        b.trust(land.identity, ou, role, f"every account of {ou.name}")
    hub_roles = sorted({r.principal_role for r in seen.values() if r.principal_role})
    b.federate(
        idp, land.identity, "Workforce users sign in once and land in the hub roles.", hub_roles
    )
    b.federate(
        idp,
        land.tooling,
        "Security analysts sign in and land in the role from which they assume the audit "
        "roles of every account.",
        ["SecurityAnalyst"],
    )
    b.delegate(
        land.management,
        land.identity,
        ["sso.amazonaws.com"],
        "IAM Identity Center is administered from the Identity account.",
    )
    b.decide(
        "Identity account",
        f"People sign in through {idp.name} to an Identity account and reach every other "
        "account through roles; no account but this one is a sign-in point.",
        "You want to manage identities in one account and federate access to the others.",
        [
            wp.cite(wp.S_SECURITY, wp.Q_CENTRAL_IDENTITIES),
            wp.cite(wp.S_IDENTITY, wp.Q_IDENTITY),
            wp.cite(wp.S_IDENTITY, wp.Q_IDENTITY_FEDERATION),
            wp.AWS_IDENTITY_CENTER,
        ],
        [land.infrastructure_ou(), land.identity, idp],
    )


def _direct_identity(b: Builder, land: Landing) -> None:
    center = _identity_center(b, land.management)
    b.federate(
        center,
        land.tooling,
        "Security analysts sign in and land in the role from which they assume the audit roles.",
        ["SecurityAnalyst"],
    )
    for account in land.workload_accounts:
        b.federate(
            center,
            account,
            f"Administrators of {account.business_unit} receive a permission set in "
            f"{account.name}.",
            permission_sets=[f"{pascal(account.owner)[:PERMISSION_SET_ROOM]}Admin"],
        )
    b.decide(
        "No identity account",
        "IAM Identity Center, in the management account, assigns permission sets in each "
        "account directly.",
        "Managing identities in one account was not asked for, so no identity account is "
        "created; answering yes later adds one without changing the other accounts.",
        [wp.cite(wp.S_GENERAL, wp.Q_OVER_ENGINEER), wp.AWS_IDENTITY_CENTER],
        [center],
    )


# -- publishing, shared services, third parties ---------------------------------------------------
PUBLISHED_SHARES: dict[Published, tuple[ResourceType, str, str]] = {
    Published.AMIS: (ResourceType.AMI, "golden-amis", "Approved, hardened AMIs"),
    Published.SNAPSHOTS: (ResourceType.EBS_SNAPSHOT, "approved-volumes", "Approved EBS snapshots"),
    Published.PORTFOLIOS: (
        ResourceType.SERVICE_CATALOG_PORTFOLIO,
        "approved-products",
        "Service Catalog portfolios of approved products",
    ),
    Published.TEMPLATES: (
        ResourceType.CLOUDFORMATION_TEMPLATE,
        "account-baseline.yaml",
        "Approved CloudFormation templates",
    ),
}


PUBLISHED_WORDS = {
    Published.AMIS: "AMIs",
    Published.SNAPSHOTS: "EBS snapshots",
    Published.PORTFOLIOS: "Service Catalog portfolios",
    Published.TEMPLATES: "CloudFormation templates",
}


def _published_words(published: list[Published]) -> str:
    if not published:
        return "approved AMIs (nothing else was chosen)"
    return _names_of([PUBLISHED_WORDS[p] for p in published])


def _names_of(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _names(units: list[OrganizationalUnit]) -> str:
    return _names_of([u.name for u in units])


def add_publishing(b: Builder, land: Landing) -> None:
    a = b.answers
    if not a.central_publishing:
        return
    publisher = b.add_account(
        "Publishing",
        F.PUBLISHING,
        "Builds and publishes the approved images, templates and portfolios to the workload "
        "accounts.",
        parent=land.infrastructure_ou(),
        owner=CENTRAL_IT if a.security_team != SecurityTeam.INFORMATION_SECURITY else PLATFORM,
        business_unit=PLATFORM,
    )
    for kind in a.published or [Published.AMIS]:
        resource, name, what = PUBLISHED_SHARES[kind]
        if resource == ResourceType.EBS_SNAPSHOT:  # EC2 shares snapshots with account ids only
            for account in land.workload_accounts:
                if account.environment != Environment.SANDBOX:  # as the OU shares: no sandbox
                    b.share(publisher, account, resource, [name], f"{what} for {account.name}.")
        else:
            b.share(
                publisher, land.workloads, resource, [name], f"{what} for every workload account."
            )
    if Published.PORTFOLIOS in a.published:
        b.delegate(
            land.management,
            publisher,
            ["servicecatalog.amazonaws.com"],
            "Publishing shares portfolios with OUs through AWS Organizations.",
        )
    b.decide(
        "Publishing account",
        f"A Publishing account shares {_published_words(a.published)} with the Workloads OU"
        + (
            " (EBS snapshots, which EC2 shares with account ids only, with each workload account)."
            if Published.SNAPSHOTS in a.published
            else "."
        ),
        "You want to centrally manage approved images and products: built once, shared to "
        "every workload account, including accounts created later.",
        [
            wp.cite(wp.S_SECURITY, wp.Q_CENTRAL_PUBLISHING),
            wp.cite(wp.S_PUBLISHING, wp.Q_PUBLISHING_SHARE),
            wp.AWS_AMI_SHARING,
            wp.AWS_PORTFOLIO_SHARING,
        ],
        [land.infrastructure_ou(), publisher],
    )


def add_shared_services(b: Builder, land: Landing) -> None:
    a = b.answers
    if a.security_team == SecurityTeam.INFORMATION_SECURITY:
        return
    land.shared_services = b.add_account(
        "Shared Services",
        F.CENTRAL_IT,
        "Central IT services: DNS resolution, directory, configuration management and CI/CD.",
        parent=land.infrastructure_ou(),
        owner=CENTRAL_IT,
        business_unit=CENTRAL_IT,
    )
    b.decide(
        "Central IT account",
        "Central IT runs a Shared Services account in the Infrastructure OU, apart from the "
        "Security OU's audit duties.",
        "Central IT provides shared services; keeping them out of the security accounts keeps "
        "each account's duties single.",
        [wp.cite(wp.S_CENTRAL_IT, wp.Q_CENTRAL_IT), wp.cite(wp.S_HYBRID, wp.Q_HYBRID)],
        [land.infrastructure_ou(), land.shared_services],
    )


def add_third_parties(b: Builder, land: Landing) -> None:
    a = b.answers
    for party in a.third_parties:
        outsider = OutsidePrincipal(
            id=b.sid("outside", party.name.casefold()),
            name=party.name,
            aws_account_id=party.aws_account_id,
            owner=party.name,
            description=party.reason,
        )
        b.outside_principals.append(outsider)
        role = Role(
            f"{pascal(party.name)[:40]}ReadOnly",
            AccessLevel.READ_ONLY,
            party.role_name or f"{pascal(party.name)[:40]}Integration",
            f"{party.name} reads {{target}} (read-only) from one role of its account; the "
            "external id prevents a confused deputy.",
            external_id=party.external_id
            or f"{slug(party.name)[:40]}-{b.sid('external-id', party.name)[:8]}",
            principal_type=PrincipalType.WORKLOAD,
            organization_scoped=False,
            require_mfa=False,  # people sign in with MFA; a role session cannot
        )
        b.trust(outsider, land.workloads, role, "every workload account")
        b.decide(
            f"Third party: {party.name}",
            f"{party.name} gets read-only access to the workload accounts through a role that "
            "only one role of its account may assume, with an external id.",
            party.reason or "A third party needs access; it gets the least level asked for.",
            [wp.AWS_EXTERNAL_ID],
            [outsider],
        )
