"""LOG-* rules: the organization trail, Config delivery, log coverage and the log buckets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from designer import analysis
from designer.artefacts.policy_documents import kms_arn, size
from designer.artefacts.policy_set import (
    MAX_BUCKET_POLICY,
    MAX_KEY_POLICY,
    BucketPolicies,
    LogKey,
    log_policies,
)
from designer.model.vocabulary import (
    AccessLevel,
    LogRequirement,
    LogType,
    ObjectLockMode,
    Unread,
)
from designer.model.vocabulary import AccountFunction as F
from designer.rules.context import RuleContext, names_list
from designer.rules.engine import Category, Hit, Severity, rule
from designer.rules.unread import known, unknown_logs

if TYPE_CHECKING:
    from designer.model.governance import LogBucket
    from designer.model.nodes import Account

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
CLOUDTRAIL_GUIDE = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide"
CONFIG_GUIDE = "https://docs.aws.amazon.com/config/latest/developerguide"
S3_GUIDE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide"
CONTROL_TOWER = "https://docs.aws.amazon.com/controltower/latest/controlreference"
ORG_TRAIL = (
    "AWS CloudTrail User Guide, 'Creating a trail for an organization' "
    f"({CLOUDTRAIL_GUIDE}/creating-trail-organization.html)"
)
CONFIG_BUCKET = (
    "AWS Config Developer Guide, 'Permissions for the Amazon S3 Bucket' "
    f"({CONFIG_GUIDE}/s3-bucket-policy.html)"
)
SRA = (
    "AWS Security Reference Architecture, Log Archive account "
    "(https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/"
    "log-archive.html)"
)
AUDIT_TYPES = (LogType.CLOUDTRAIL, LogType.CONFIG)
ADMIN_REACH = analysis.ACCESS_RANK[AccessLevel.SERVICE_ADMIN]
SHOWN = 5  # controllers named (and highlighted) per finding; the rest are counted


def _delivery(ctx: RuleContext, rel: Any) -> str:
    """ "('Prod' -> 'Log Archive')": how messages name a log delivery."""
    return f"({ctx.name(rel.source)} -> {ctx.name(rel.target)})"


def _archives(ctx: RuleContext) -> set[str]:
    return {a.id for a in ctx.with_function(F.LOG_ARCHIVE)}


def _deliveries_of(ctx: RuleContext, log_type: LogType) -> Iterator[Any]:
    for rel in ctx.relationships("log-delivery"):
        if log_type in rel.log_types:
            yield rel


def _buckets_receiving(ctx: RuleContext, log_type: LogType | None = None) -> Iterator[LogBucket]:
    """Buckets with at least one delivery (of `log_type`), in design order."""
    for bucket in ctx.design.log_buckets:
        rels = ctx.deliveries_into_bucket.get(bucket.id, [])
        if any(log_type is None or log_type in r.log_types for r in rels):
            yield bucket


def _sources(rels: list[Any]) -> list[str]:
    return list(dict.fromkeys(r.source for r in rels))


def _memo(ctx: RuleContext, key: str) -> dict[Any, Any]:
    """A per-validation cache kept on the context (one dict per key), so lookups stay linear."""
    store: dict[str, dict[Any, Any]] = ctx.__dict__.setdefault("_log_rule_memo", {})
    return store.setdefault(key, {})


def log_setting(ctx: RuleContext, parent: str | None) -> LogRequirement | None:
    """The usage policy's log delivery for accounts under `parent`: the nearest OU that sets
    one decides (an exempt OU inside a required one is the exception it was made for)."""
    found = _memo(ctx, "log_setting")
    if parent not in found:
        settings = _memo(ctx, "log_setting_by_ou")
        if not settings:  # OU id -> its own setting, read once from the policy
            needs = ctx.design.usage_policy.ou_requirements
            settings.update((n.ou, n.log_delivery) for n in needs if n.log_delivery)
            settings[""] = None  # marks the map built, even when no OU sets log delivery
        setting = None
        for unit in ctx.ou_chain(parent):
            setting = settings.get(unit.id, setting)
        found[parent] = setting
    result: LogRequirement | None = found[parent]
    return result


def log_exempt(ctx: RuleContext, account: Account) -> bool:
    """Per-account log-coverage rules leave the account out: closed, or in an exempt OU."""
    return log_setting(ctx, account.parent) == LogRequirement.EXEMPT or ctx.parked(account)


def _left_to_usage_policy(ctx: RuleContext, account: Account) -> bool:
    """LOG-05 leaves the account out: exempt or closed, or under an OU whose log delivery the
    usage policy requires (POL-02 reports that gap, naming the policy: one gap, one finding)."""
    return log_exempt(ctx, account) or log_setting(ctx, account.parent) == LogRequirement.REQUIRED


@rule(
    "LOG-01",
    "A multi-Region organization trail with log-file validation lands in the log archive",
    Severity.CRITICAL,
    Category.LOGGING,
    rationale="An organization trail records every account, including accounts created later, "
    "and member accounts cannot stop or change it. It must record every Region and produce "
    "digest files that prove the logs were not altered, and it belongs in the log-archive "
    "account, apart from the workloads it records. In the design it is a CloudTrail delivery "
    "from the organization itself; the management account (or the CloudTrail delegated "
    "administrator) creates it. It always covers every account: CloudTrail offers no way to "
    "leave accounts out, so a delivery from the organization with excluded accounts is not an "
    "organization trail (it is exported as account trails): the organization then still has "
    "none (critical), and the exclusions are reported too (medium). This rule weighs the "
    "trail itself; whether its bucket is in the log archive is LOG-02's finding, as for every "
    "CloudTrail delivery.",
    remediation="Add a CloudTrail log delivery from the organization to a bucket of the "
    "log-archive account, multi-Region and with log-file validation, excluding no account.",
    references=[
        ORG_TRAIL,
        "AWS CloudTrail User Guide, 'Validating CloudTrail log file integrity' "
        f"({CLOUDTRAIL_GUIDE}/cloudtrail-log-file-validation-intro.html)",
        "AWS CloudTrail User Guide, 'Organization delegated administrator' "
        f"({CLOUDTRAIL_GUIDE}/cloudtrail-delegated-administrator.html)",
        f"AWS Control Tower control AWS-GR_CLOUDTRAIL_ENABLED ({CONTROL_TOWER}/"
        "mandatory-controls.html)",
        "Prowler cloudtrail_multi_region_enabled",
        "Prowler cloudtrail_log_file_validation_enabled",
    ],
)
def organization_trail(ctx: RuleContext) -> Iterator[Hit]:
    if not ctx.accounts:
        return
    org = ctx.design.organization
    drawn = [r for r in _deliveries_of(ctx, LogType.CLOUDTRAIL) if r.source == org.id]
    trails = [r for r in drawn if not r.excluded_accounts]
    for rel in drawn:
        if rel.excluded_accounts:  # exported as account trails by a StackSet, not an org trail
            yield Hit(
                f"CloudTrail delivery {_delivery(ctx, rel)} excludes "
                f"{names_list(ctx, rel.excluded_accounts)}, but an organization trail records "
                "every account: it is deployed as account trails, which do not reach the "
                "management account and which each account's administrators can stop",
                (rel.id, *rel.excluded_accounts),
                Severity.MEDIUM,
            )
    if not trails:
        if _trails_read(ctx):
            yield Hit(f"organization {org.name!r} has no organization trail", (org.id,))
        return
    for rel in trails:
        what = f"organization trail {_delivery(ctx, rel)}"
        gaps = [
            gap
            for gap, present in (
                ("is not multi-Region", rel.multi_region),
                ("has no log-file validation", rel.log_file_validation),
            )
            if not present
        ]
        if gaps:  # one finding per trail: one waiver, one decision
            yield Hit(f"{what} {' and '.join(gaps)}", (rel.id,))
    # Where the trail lands is LOG-02's finding, made for every CloudTrail delivery alike.


def _trails_read(ctx: RuleContext) -> bool:
    """The management account's trails were read: an import finds the organization trail
    among them, so without them "no organization trail" would be a guess."""
    management = ctx.management
    return management is None or known(management, Unread.CLOUDTRAIL)


@rule(
    "LOG-02",
    "Every CloudTrail delivery names its bucket in a log-archive account",
    Severity.CRITICAL,
    Category.LOGGING,
    rationale="The exporter generates the documented CloudTrail bucket policy (GetBucketAcl, "
    "PutObject under AWSLogs/<account or organization id>/ with bucket-owner-full-control, "
    "scoped by aws:SourceArn to the trail) only for a named bucket. Without it CloudTrail "
    "cannot write. A bucket outside the log-archive account (the organization trail's above "
    "all) is administered by that account's people, who can change its policy, lifecycle and "
    "retention and so erase the record of what they and everyone else did: the whitepaper "
    "keeps logs in a dedicated account that the accounts it records cannot alter. LOG-01 weighs "
    "the organization trail itself (Regions, validation, exclusions); this rule weighs where "
    "each delivery lands.",
    remediation="Set the destination bucket of the CloudTrail delivery to a bucket owned by the "
    "log-archive account.",
    references=[
        ORG_TRAIL,
        "AWS CloudTrail User Guide, 'Amazon S3 bucket policy for CloudTrail' "
        f"({CLOUDTRAIL_GUIDE}/create-s3-bucket-policy-for-cloudtrail.html)",
        f"{WHITEPAPER}, Logging Account Structure",
        SRA,
    ],
)
def cloudtrail_bucket(ctx: RuleContext) -> Iterator[Hit]:
    archives = _archives(ctx)
    for rel in _deliveries_of(ctx, LogType.CLOUDTRAIL):
        bucket = ctx.buckets.get(rel.bucket or "")
        owner = bucket.account if bucket is not None else rel.target
        outside = owner not in archives
        if bucket is None or outside:
            yield _misplaced_trail(ctx, rel, bucket, owner, outside)


def _misplaced_trail(
    ctx: RuleContext, rel: Any, bucket: LogBucket | None, owner: str, outside: bool
) -> Hit:
    """One finding per delivery: a missing bucket and a wrong account are one fix."""
    org_trail = rel.source == ctx.design.organization.id
    kind = "organization trail" if org_trail else "CloudTrail delivery"
    what = f"{kind} {_delivery(ctx, rel)}"
    account = ctx.accounts.get(owner)
    functions = ", ".join(map(str, account.functions)) if account else ""
    evidence = [f"{ctx.label(rel.id)}: log types {', '.join(map(str, rel.log_types))}"]
    if bucket is None:
        message = f"{what} names no destination bucket"
        evidence.append("destination bucket: none")
        if outside:
            message += f", and {ctx.name(owner)} is not a log-archive account either"
    else:
        message = (
            f"{what} stores its logs in bucket {bucket.name!r} of {ctx.name(owner)}, which is "
            "not a log-archive account: that account's administrators can alter or delete them"
        )
        evidence.append(f"bucket {bucket.name!r}: owned by {ctx.name(owner)}")
    if outside:
        evidence.append(f"{ctx.name(owner)}: functions {functions or 'none'}, not log-archive")
    subjects = (rel.id, *((bucket.id,) if bucket else ()), *((owner,) if outside else ()))
    return Hit(message, subjects, evidence=tuple(evidence))


@rule(
    "LOG-03",
    "Every Config delivery names its bucket",
    Severity.HIGH,
    Category.LOGGING,
    rationale="AWS Config writes to another account's bucket only when the bucket policy grants "
    "config.amazonaws.com GetBucketAcl, ListBucket and PutObject under "
    "AWSLogs/<source account>/Config/, one set per source account (aws:SourceAccount). The "
    "exporter can generate those statements only for a named bucket.",
    remediation="Set the destination bucket of the Config delivery.",
    references=[CONFIG_BUCKET],
)
def config_bucket(ctx: RuleContext) -> Iterator[Hit]:
    for rel in _deliveries_of(ctx, LogType.CONFIG):
        if rel.bucket is None:
            yield Hit(
                f"Config delivery {_delivery(ctx, rel)} names no destination bucket", (rel.id,)
            )


@rule(
    "LOG-04",
    "AWS Config does not deliver into an Object-Lock bucket",
    Severity.HIGH,
    Category.LOGGING,
    rationale="AWS Config does not support a delivery channel to a bucket with S3 Object Lock "
    "(default retention): the delivery fails. The WORM bucket of the organization trail and "
    "the Config bucket must be separate buckets.",
    remediation="Deliver Config data to a separate bucket in the log-archive account, without "
    "Object Lock (protect it with versioning and MFA Delete instead).",
    references=[
        "AWS CloudFormation, AWS::Config::DeliveryChannel: 'AWS Config does not support the "
        "delivery channel to an Amazon S3 bucket where object lock is enabled' "
        "(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "aws-resource-config-deliverychannel.html)",
        CONFIG_BUCKET,
    ],
)
def config_not_object_lock(ctx: RuleContext) -> Iterator[Hit]:
    for bucket in _buckets_receiving(ctx, LogType.CONFIG):
        if bucket.object_lock is None:
            continue
        rels = [r for r in ctx.deliveries_into_bucket[bucket.id] if LogType.CONFIG in r.log_types]
        who = (
            "the organization"
            if any(ctx.organization_wide(r) for r in rels)
            else names_list(ctx, _sources(rels))
        )
        yield Hit(
            f"Config data of {who} goes to Object-Lock bucket {bucket.name!r}, where AWS Config "
            "cannot deliver",
            (bucket.id, *(r.id for r in rels)),
        )


@rule(
    "LOG-05",
    "Every account's CloudTrail and Config data reach the log archive",
    Severity.HIGH,
    Category.LOGGING,
    rationale="An account whose API activity or configuration history is not in the log "
    "archive is invisible to investigation and audit; the whitepaper's logging structure "
    "sends every account's CloudTrail and Config data to the parent logging account. Not "
    "reported: accounts under an OU the usage policy exempts from log delivery, accounts under "
    "an OU whose log delivery it requires (POL-02 reports them, naming the policy), and closed "
    "accounts (suspended and parked under a deny-all SCP or in the Suspended OU), which can "
    "do nothing and so log nothing.",
    remediation="Deliver CloudTrail and Config of the listed accounts to the log-archive "
    "account, preferably with organization-wide deliveries (organization trail, Config "
    "through a StackSet) so that new accounts are covered too.",
    references=[
        f"{WHITEPAPER}, Logging Account Structure",
        f"AWS Control Tower controls AWS-GR_CLOUDTRAIL_ENABLED and AWS-GR_CONFIG_ENABLED "
        f"({CONTROL_TOWER}/mandatory-controls.html)",
        "Prowler config_recorder_all_regions_enabled",
    ],
)
def log_coverage(ctx: RuleContext) -> Iterator[Hit]:
    archives = _archives(ctx)
    everywhere = {
        t
        for r in ctx.relationships("log-delivery")
        if ctx.organization_wide(r) and r.target in archives
        for t in r.log_types
    }
    if everywhere.issuperset(AUDIT_TYPES):
        return  # organization-wide deliveries cover every account: skip the per-account pass
    missing = ctx.log_coverage.missing
    groups: dict[tuple[LogType, ...], list[str]] = {}
    for account in ctx.design.accounts:
        if account.id in missing and not _left_to_usage_policy(ctx, account):
            unknown = unknown_logs(account)  # delivery from it unknown: not judged
            key = tuple(t for t in AUDIT_TYPES if t in missing[account.id] and t not in unknown)
            if key:
                groups.setdefault(key, []).append(account.id)
    if not groups:
        return
    label = {LogType.CLOUDTRAIL: "CloudTrail", LogType.CONFIG: "Config"}
    parts = [
        f"{' and '.join(label[t] for t in types)} of {names_list(ctx, ids)}"
        for types, ids in sorted(groups.items(), key=lambda item: (-len(item[0]), item[0]))
    ]
    ids = [i for _types, group in groups.items() for i in group]
    if archives:
        message = f"no log-archive account receives {'; '.join(parts)}"
    else:
        message = f"the design has no log-archive account to receive {'; '.join(parts)}"
    yield Hit(message, tuple(ids))


@rule(
    "LOG-06",
    "Network accounts send VPC flow logs to the log archive",
    Severity.MEDIUM,
    Category.LOGGING,
    rationale="VPC flow logs of the shared network are the record of who talked to what; kept "
    "only in the network account, they can be altered by its administrators.",
    remediation="Add a vpc-flow-logs delivery from the network account to a bucket of the "
    "log-archive account.",
    references=[
        "Amazon VPC User Guide, 'Publish flow logs to Amazon S3' "
        "(https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html)",
        "Prowler vpc_flow_logs_enabled",
    ],
)
def network_flow_logs(ctx: RuleContext) -> Iterator[Hit]:
    archives = _archives(ctx)
    into_archive = [r for r in _deliveries_of(ctx, LogType.VPC_FLOW_LOGS) if r.target in archives]
    if any(ctx.organization_wide(r) for r in into_archive):
        return
    for account in ctx.with_function(F.NETWORK):
        if log_exempt(ctx, account):
            continue
        if not any(ctx.covers(r, "source", account.id) for r in into_archive):
            yield Hit(
                f"network account {account.name!r} sends no VPC flow logs to a log-archive account",
                (account.id,),
            )


@rule(
    "LOG-07",
    "Log buckets keep versions and record access",
    Severity.HIGH,
    Category.LOGGING,
    rationale="Without versioning an overwrite or delete of a log object is final; without "
    "server access logging nobody can tell who read or deleted logs. Buckets that only "
    "receive S3 access logs are not asked to log themselves (the log of a log bucket would "
    "need yet another bucket, as in Control Tower's access-log bucket).",
    remediation="Enable versioning and server access logging (to a separate access-log "
    "bucket) on the log bucket; the exporter also adds the aws:SecureTransport deny and the "
    "four Block Public Access settings.",
    references=[
        f"AWS Control Tower, log archive and access-log buckets ({CONTROL_TOWER}/"
        "mandatory-controls.html)",
        "checkov CKV_AWS_21 (S3 versioning), CKV_AWS_18 (S3 access logging)",
        "Prowler s3_bucket_object_versioning",
        "Prowler s3_bucket_server_access_logging_enabled",
    ],
)
def bucket_versioning_and_logging(ctx: RuleContext) -> Iterator[Hit]:
    for bucket in _buckets_receiving(ctx):
        if not bucket.versioning and known(bucket, Unread.VERSIONING):
            yield Hit(f"log bucket {bucket.name!r} has no versioning", (bucket.id,))
        rels = ctx.deliveries_into_bucket[bucket.id]
        only_access_logs = all(set(r.log_types) == {LogType.S3_ACCESS_LOGS} for r in rels)
        logging_read = known(bucket, Unread.ACCESS_LOGGING)
        if not bucket.access_logging and not only_access_logs and logging_read:
            yield Hit(
                f"log bucket {bucket.name!r} has no server access logging",
                (bucket.id,),
                Severity.MEDIUM,
            )


@rule(
    "LOG-08",
    "MFA Delete is a manual step for the root user",
    Severity.LOW,
    Category.LOGGING,
    rationale="MFA Delete can only be enabled by the bucket owner's root user, with an MFA "
    "device, through the S3 API or CLI: there is no CloudFormation property, so the export "
    "cannot deploy it and it becomes a runbook step. The setting itself is good practice, so "
    "this is advisory (low), not a flaw. MFA Delete also cannot be combined with lifecycle "
    "rules on the bucket.",
    remediation="Keep the runbook step from the deployment plan: as the root user of the "
    "owning account, run put-bucket-versioning with MFADelete=Enabled and the root MFA "
    "device; or rely on S3 Object Lock instead.",
    references=[
        "Amazon S3 User Guide, 'Configuring MFA delete' "
        f"({S3_GUIDE}/MultiFactorAuthenticationDelete.html)",
        "CIS AWS Foundations Benchmark 2.1.2 'Ensure MFA Delete is enabled on S3 buckets'",
        "Prowler s3_bucket_no_mfa_delete",
    ],
)
def mfa_delete_manual(ctx: RuleContext) -> Iterator[Hit]:
    for bucket in ctx.design.log_buckets:
        if bucket.mfa_delete:
            yield Hit(
                f"MFA Delete on log bucket {bucket.name!r} cannot be deployed by CloudFormation: "
                f"the root user of {ctx.name(bucket.account)} must enable it",
                (bucket.id,),
            )


S3_RETENTION_MODES = (
    "Amazon S3 User Guide, 'How S3 Object Lock works', Retention modes "
    f"({S3_GUIDE}/object-lock-overview.html#object-lock-retention-modes)"
)


@rule(
    "LOG-09",
    "CloudTrail buckets use Object Lock in COMPLIANCE mode",
    Severity.MEDIUM,
    Category.LOGGING,
    rationale="S3 Object Lock with a default retention keeps every log object write-once for "
    "the retention period. In COMPLIANCE mode nobody, not even the root user, can delete a "
    "locked version or shorten its retention. GOVERNANCE mode is meant for testing retention "
    "settings: any principal granted s3:BypassGovernanceRetention (which an administrator of "
    "the log-archive account can grant itself) deletes locked versions or lifts their "
    "retention. Against the threat the whitepaper names, an attacker with administrative "
    "access erasing their tracks, it protects little more than no lock, so both are reported "
    "at the rule's severity.",
    remediation="Create the CloudTrail bucket with ObjectLockEnabled and a default retention in "
    "COMPLIANCE mode (Object Lock must be enabled when the bucket is created; a bucket's "
    "default retention mode can be changed later, and applies to objects written after it).",
    references=[
        S3_RETENTION_MODES,
        f"Amazon S3 User Guide, 'Locking objects with Object Lock' ({S3_GUIDE}/object-lock.html)",
        f"{WHITEPAPER}, Logging Account Structure",
        "Prowler s3_bucket_object_lock",
    ],
)
def cloudtrail_object_lock(ctx: RuleContext) -> Iterator[Hit]:
    for bucket in _buckets_receiving(ctx, LogType.CLOUDTRAIL):
        lock = bucket.object_lock
        if lock is None and not known(bucket, Unread.OBJECT_LOCK):
            continue  # not read: unknown, not unlocked
        if lock is None:
            yield Hit(
                f"CloudTrail bucket {bucket.name!r} has no Object Lock",
                (bucket.id,),
                evidence=(f"bucket {bucket.name!r}: object_lock none",),
            )
        elif lock.mode == ObjectLockMode.GOVERNANCE:
            yield Hit(
                f"CloudTrail bucket {bucket.name!r} uses Object Lock in GOVERNANCE mode: anyone "
                "granted s3:BypassGovernanceRetention, such as an administrator of "
                f"{ctx.name(bucket.account)}, can delete the locked logs",
                (bucket.id,),
                evidence=(
                    f"bucket {bucket.name!r}: object_lock GOVERNANCE {lock.retention_days} days",
                ),
            )


@rule(
    "LOG-10",
    "Log protection does not rely on Glacier Vault Lock",
    Severity.HIGH,
    Category.LOGGING,
    rationale="The standalone Amazon Glacier vault service (and its Vault Lock) no longer "
    "accepts new customers; a vault lock is also irreversible once completed (CompleteVaultLock "
    "within 24 hours of InitiateVaultLock). S3 Object Lock with the S3 Glacier storage "
    "classes gives the same write-once protection in a bucket.",
    remediation="Use S3 Object Lock (COMPLIANCE mode) on the bucket with a lifecycle transition "
    "to an S3 Glacier storage class, instead of a Glacier vault.",
    references=[
        "Amazon Glacier API Reference, 'Initiate Vault Lock (POST lock-policy)' "
        "(https://docs.aws.amazon.com/amazonglacier/latest/dev/api-InitiateVaultLock.html)",
        f"{WHITEPAPER}, Logging Account Structure",
    ],
)
def glacier_vault_lock(ctx: RuleContext) -> Iterator[Hit]:
    for bucket in ctx.design.log_buckets:
        if bucket.glacier_vault_lock:
            yield Hit(
                f"log bucket {bucket.name!r} relies on Glacier Vault Lock, a service that no "
                "longer accepts new customers",
                (bucket.id,),
            )


@rule(
    "LOG-11",
    "Shared log buckets accept writes only from the organization",
    Severity.MEDIUM,
    Category.LOGGING,
    rationale="A bucket that receives logs from several accounts grants write access to "
    "service principals; without an organization condition (aws:SourceOrgID / "
    "aws:PrincipalOrgID) a resource outside the organization could write into the archive.",
    remediation="Restrict the bucket's write statements to the organization "
    "(organization_restricted_writes).",
    references=[
        f"AWS Control Tower, audit bucket policy ({CONTROL_TOWER}/mandatory-controls.html)",
        "IAM User Guide, global condition key aws:SourceOrgID "
        "(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)",
    ],
)
def organization_restricted_writes(ctx: RuleContext) -> Iterator[Hit]:
    for bucket in _buckets_receiving(ctx):
        if bucket.organization_restricted_writes or not known(bucket, Unread.BUCKET_POLICY):
            continue
        rels = ctx.deliveries_into_bucket[bucket.id]
        if any(ctx.organization_wide(r) for r in rels):
            who = "organization-wide logs"
        else:  # an OU's delivery counts every account it covers
            sources = {a for r in rels for a in ctx.scopes.accounts_at(r, "source")}
            if len(sources) <= 1:
                continue
            who = f"logs from {len(sources)} accounts"
        yield Hit(
            f"log bucket {bucket.name!r} takes {who} without an organization condition on writes",
            (bucket.id, bucket.account),
        )


@rule(
    "LOG-12",
    "Nobody holds more than audit access in the log archive",
    Severity.HIGH,
    Category.LOGGING,
    rationale="The log archive must stay immutable: only log delivery writes into it, and other "
    "accounts get at most security-audit access. A service-admin, IAM-admin, administrator or "
    "custom role in it, directly or at the end of a chain of roles, lets that account erase "
    "the evidence of what it did. The management account's built-in organization access is "
    "not reported here (the management-account rules cover it).",
    remediation="Replace the role with a read-only or security-audit role, or remove the chain "
    "of roles that leads into the log-archive account.",
    references=[SRA, f"{WHITEPAPER}, Logging Account Structure"],
)
def log_archive_separation(ctx: RuleContext) -> Iterator[Hit]:
    archives = _archives(ctx)
    management = ctx.design.organization.management_account
    for kind in ("trust", "federation"):
        for rel in ctx.relationships(kind):
            if rel.target in archives:
                yield from _way_into_archive(ctx, rel, management)


def _way_into_archive(ctx: RuleContext, rel: Any, management: str | None) -> Iterator[Hit]:
    level = analysis.access_level(rel)
    if rel.kind == "trust" and analysis.ACCESS_RANK[level] < ADMIN_REACH:
        return
    starts = ctx.controllers(rel.source, limit=SHOWN)
    who = names_list(ctx, starts, total=ctx.controllers.count(rel.source))
    archive = ctx.name(rel.target)
    if rel.source == management:  # its own access is the management-account rules' business
        if starts:
            yield Hit(
                f"{who} can reach log-archive account {archive} with "
                f"{level} access through the management account ({ctx.label(rel.id)})",
                (rel.id, rel.target, *starts),
            )
        return
    if rel.kind == "federation":
        roles = [*rel.mapped_roles, *rel.permission_sets]
        mapped = f" as {', '.join(map(repr, roles))}" if roles else ""
        who_in = "lets CI jobs into" if rel.principal_type == "workload" else "signs users in to"
        message = (
            f"{ctx.label(rel.source)} {who_in} log-archive account {archive}{mapped}, "
            "which may let them change or delete logs"
        )
    else:
        message = f"{ctx.label(rel.id)} grants {level} access in a log-archive account"
    if starts:
        message += f", also reachable from {who} through {ctx.name(rel.source)}"
    severity = Severity.MEDIUM if rel.kind == "federation" else None
    yield Hit(message, (rel.id, rel.target, *starts), severity)


S3_POLICY_SIZE = (
    "Amazon S3 User Guide, 'Bucket policies for Amazon S3' (a bucket policy is at most 20 KB) "
    f"({S3_GUIDE}/bucket-policies.html)"
)
KMS_QUOTAS = (
    "AWS KMS Developer Guide, 'Resource quotas': key policy document size 32 KB "
    "(https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html)"
)


@rule(
    "LOG-13",
    "Every log bucket policy fits S3's 20 KB limit",
    Severity.HIGH,
    Category.LOGGING,
    rationale="S3 refuses a bucket policy over 20 KB (20,480 bytes), so the log-archive stack "
    "fails and no log arrives. The export writes one statement set per source account for "
    "account trails and VPC flow logs (their service principals name each account's trail or "
    "log source), so many accounts delivering them into one bucket outgrow the limit; AWS "
    "Config is admitted once for the organization and does not. The size is measured on the "
    "bucket policy the exports write.",
    remediation="Deliver CloudTrail through the organization trail instead of account trails, "
    "or split the sources over several buckets.",
    references=[S3_POLICY_SIZE, ORG_TRAIL],
)
def bucket_policy_size(ctx: RuleContext) -> Iterator[Hit]:
    for found in _log_policies(ctx)[0]:
        over = size(found.bucket_policy)
        if over > MAX_BUCKET_POLICY:
            yield Hit(
                f"the bucket policy of log bucket {found.bucket.name!r} is {over:,} bytes, "
                f"over S3's limit of {MAX_BUCKET_POLICY:,}",
                (found.bucket.id, found.bucket.account),
            )


@rule(
    "LOG-14",
    "Every log key policy fits KMS's 32 KB limit",
    Severity.HIGH,
    Category.LOGGING,
    rationale="AWS KMS refuses a key policy over 32 KB (32,768 bytes), so the key is not "
    "created and the buckets it encrypts cannot be. The key policy names every account trail "
    "and every account delivering VPC flow logs into the buckets of that key, so it grows with "
    "them. The size is measured on the key policy the exports write. The quota cannot be "
    "raised.",
    remediation="Deliver CloudTrail through the organization trail instead of account trails, "
    "or give the buckets of many sources keys of their own.",
    references=[KMS_QUOTAS],
)
def key_policy_size(ctx: RuleContext) -> Iterator[Hit]:
    for key in _log_policies(ctx)[1]:
        over = size(key.policy)
        if over > MAX_KEY_POLICY:
            name = key.alias or key.arn or "the log key"
            buckets = ", ".join(repr(b.name) for b in key.buckets)
            yield Hit(
                f"the key policy of {name} (log buckets {buckets}) is {over:,} bytes, over "
                f"KMS's limit of {MAX_KEY_POLICY:,}",
                (*(b.id for b in key.buckets), key.account),
            )


def _log_policies(ctx: RuleContext) -> tuple[list[BucketPolicies], list[LogKey]]:
    """The documents the exports write (one source of truth)."""
    return log_policies(ctx.design)


S3_OBJECT_LOCK = (
    f"Amazon S3 User Guide, 'Locking objects with Object Lock' ({S3_GUIDE}/object-lock.html)"
)
CLOUDTRAIL_KMS = (
    "AWS CloudTrail User Guide, 'Encrypting CloudTrail log files, digest files, and event data "
    f"stores with AWS KMS keys (SSE-KMS)' ({CLOUDTRAIL_GUIDE}/encrypting-cloudtrail-log-files-"
    "with-aws-kms.html)"
)
CLOUDTRAIL_KEY_POLICY = (
    "AWS CloudTrail User Guide, 'Configure AWS KMS key policies for CloudTrail' "
    f"({CLOUDTRAIL_GUIDE}/create-kms-key-policy-for-cloudtrail.html)"
)
KMS_KEY_POLICIES = (
    "AWS KMS Developer Guide, 'Key policies in AWS KMS' "
    "(https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html)"
)
S3_KMS = (
    "Amazon S3 User Guide, 'Using server-side encryption with AWS KMS keys (SSE-KMS)' "
    f"({S3_GUIDE}/UsingKMSEncryption.html)"
)
USAGE_POLICY = f"{WHITEPAPER}, 'Define a company-wide AWS usage policy'"
KEY_KEEPERS = (F.LOG_ARCHIVE, F.SECURITY_TOOLING)


@rule(
    "LOG-15",
    "Log buckets use SSE-KMS when the usage policy requires it",
    Severity.HIGH,
    Category.LOGGING,
    rationale="When the usage policy asks for logs encrypted with AWS KMS, a log bucket without "
    "a customer-managed key keeps them under S3-managed keys (SSE-S3): anyone who can read the "
    "bucket reads the logs, and there is no key policy to separate who may decrypt them from "
    "who may administer the bucket, nor a key-usage record in CloudTrail.",
    remediation="Give the log bucket a customer-managed KMS key (kms_key) in the log-archive "
    "account, with a key policy that lets the log services encrypt and only the readers of the "
    "logs decrypt.",
    references=[USAGE_POLICY, CLOUDTRAIL_KMS, S3_KMS, f"{WHITEPAPER}, Logging Account Structure"],
)
def log_buckets_kms(ctx: RuleContext) -> Iterator[Hit]:
    if not ctx.design.usage_policy.logs_encrypted_with_kms:
        return
    for bucket in ctx.design.log_buckets:
        if not bucket.kms_key and known(bucket, Unread.ENCRYPTION):
            yield Hit(
                f"log bucket {bucket.name!r} has no KMS key, but the usage policy requires logs "
                "encrypted with AWS KMS",
                (bucket.id,),
                evidence=(
                    "usage policy: logs_encrypted_with_kms = true",
                    f"bucket {bucket.name!r}: no kms_key (S3-managed encryption)",
                ),
            )


@rule(
    "LOG-16",
    "Log encryption keys are owned by the log archive or security account",
    Severity.HIGH,
    Category.LOGGING,
    rationale="Whoever owns the KMS key of a log bucket controls whether the logs can be read: "
    "the key owner can disable the key, schedule its deletion or change its key policy, and "
    "every log object encrypted with it becomes unreadable, which erases the evidence as surely "
    "as deleting it. The key must therefore belong to the bucket's own account or to the "
    "log-archive or security-tooling account, never to a workload account or an account "
    "outside the organization (high). A key of the management account, where AWS Control "
    "Tower creates its log key, is noted (low). A key given as an alias (alias/name) or key id "
    "is the bucket's own account's; a key or alias ARN names its owner. A number that no "
    "account of the design records is called outside the organization only when every account "
    "records its id; otherwise it may be a member whose id is missing, and the finding says the "
    "design does not know it (still high: it is not the log archive's or security tooling's "
    "when those record theirs).",
    remediation="Create the log key in the log-archive (or security-tooling) account and name "
    "it by alias or by an ARN of that account.",
    references=[
        KMS_KEY_POLICIES,
        CLOUDTRAIL_KEY_POLICY,
        "AWS Control Tower User Guide, 'KMS key guidance' "
        "(https://docs.aws.amazon.com/controltower/latest/userguide/kms-guidance.html)",
        SRA,
        f"{WHITEPAPER}, Logging Account Structure",
    ],
)
def log_key_owner(ctx: RuleContext) -> Iterator[Hit]:
    keepers = [a for f in KEY_KEEPERS for a in ctx.with_function(f)]
    for bucket in ctx.design.log_buckets:
        arn = kms_arn(bucket.kms_key)
        if arn is not None:
            yield from _foreign_key(ctx, bucket, arn.account, keepers)


def _all_numbers_known(ctx: RuleContext) -> bool:
    """Every account of the design records its AWS account id: a number none of them has is
    then outside the organization (once per run)."""
    memo = _memo(ctx, "all_numbers_known")
    if "known" not in memo:
        memo["known"] = all(a.aws_account_id for a in ctx.design.accounts)
    known: bool = memo["known"]
    return known


def _foreign_key(
    ctx: RuleContext, bucket: LogBucket, number: str, keepers: list[Account]
) -> Iterator[Hit]:
    holder = ctx.accounts.get(bucket.account)
    allowed = [a for a in (holder, *keepers) if a is not None]
    if any(a.aws_account_id == number for a in allowed):
        return
    owner = ctx.by_account_number.get(number)
    evidence = (
        f"bucket {bucket.name!r} (account {ctx.name(bucket.account)}): kms_key {bucket.kms_key}",
        f"key owner: account {number}"
        + (f" = {owner.name!r} ({', '.join(map(str, owner.functions))})" if owner else ""),
    )
    if owner is not None and owner.id == ctx.design.organization.management_account:
        yield Hit(  # AWS Control Tower keeps its log key there: a choice to note, not a flaw
            f"the KMS key of log bucket {bucket.name!r} belongs to the management account "
            f"{owner.name!r} (as AWS Control Tower sets it up): its key administrators can make "
            "the logs unreadable",
            (bucket.id, owner.id),
            Severity.LOW,
            evidence=evidence,
        )
    elif owner is not None:
        yield Hit(
            f"the KMS key of log bucket {bucket.name!r} belongs to {owner.name!r}, which can "
            "disable it and make the logs unreadable",
            (bucket.id, owner.id),
            evidence=evidence,
        )
    elif all(a.aws_account_id for a in allowed):  # not a keeper's: foreign either way
        whose = (
            f"account {number}, outside the organization,"
            if _all_numbers_known(ctx)
            else f"an account the design does not know ({number}),"
        )
        yield Hit(
            f"the KMS key of log bucket {bucket.name!r} belongs to {whose} which can disable it "
            "and make the logs unreadable",
            (bucket.id,),
            evidence=evidence,
        )
    else:  # an account id not recorded may be this one: ask for it rather than guess
        yield Hit(
            f"the KMS key of log bucket {bucket.name!r} belongs to account {number}, which no "
            "account of the design records: record the AWS account ids to confirm it is the "
            "log archive's",
            (bucket.id,),
            Severity.LOW,
            evidence=evidence,
        )


@rule(
    "LOG-17",
    "CloudTrail log retention meets the usage policy's minimum",
    Severity.HIGH,
    Category.LOGGING,
    rationale="A usage policy that sets a minimum log retention expects the CloudTrail record "
    "to survive that long whatever happens to the accounts it records. Only S3 Object Lock "
    "with a default retention of at least that many days guarantees it: without Object Lock, "
    "or with a shorter retention, logs can be deleted before the minimum.",
    remediation="Enable Object Lock on the CloudTrail bucket (at creation) with a default "
    "retention (COMPLIANCE mode) of at least the usage policy's minimum days.",
    references=[USAGE_POLICY, S3_OBJECT_LOCK, f"{WHITEPAPER}, Logging Account Structure"],
)
def cloudtrail_retention(ctx: RuleContext) -> Iterator[Hit]:
    minimum = ctx.design.usage_policy.min_log_retention_days
    if minimum is None:
        return
    for bucket in _buckets_receiving(ctx, LogType.CLOUDTRAIL):
        lock = bucket.object_lock
        if lock is not None and lock.retention_days >= minimum:
            continue
        if not known(bucket, Unread.OBJECT_LOCK):
            continue
        held = "no Object Lock" if lock is None else f"{lock.mode} {lock.retention_days} days"
        yield Hit(
            f"CloudTrail bucket {bucket.name!r} keeps logs locked for "
            f"{'no set time' if lock is None else f'{lock.retention_days} days'}, less than the "
            f"usage policy's minimum of {minimum} days",
            (bucket.id,),
            evidence=(
                f"bucket {bucket.name!r}: {held}",
                f"usage policy: min_log_retention_days = {minimum}",
            ),
        )
