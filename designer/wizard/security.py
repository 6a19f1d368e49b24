"""The security account structure: the Security OU (Log Archive, Security Tooling, Backup),
the organization trail and AWS Config, log protection, security baselines."""

from __future__ import annotations

from designer.artefacts import guardrails
from designer.artefacts.policy_set import log_protection, log_resources
from designer.model import (
    Account,
    Design,
    LogBucket,
    ObjectLock,
)
from designer.model.answers import SecurityTeam
from designer.model.building import Role
from designer.model.vocabulary import (
    AccessLevel,
    LogType,
    ObjectLockMode,
)
from designer.wizard import whitepaper as wp
from designer.wizard.builder import Builder, ascii_letters, slug
from designer.wizard.structure import (
    CENTRAL_IT,
    INFOSEC,
    F,
    Landing,
)

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
