"""global-config.yaml (Regions, logging) and security-config.yaml (the delegated security
services). LZA's schemas require keys the design has no opinion on (Control Tower, Session
Manager, the password policy...): each gets the value that turns nothing on in a fresh
organization (NEUTRAL_*; the reader reports any other value it reads), and the file's opening
comments say so. Optional keys the design cannot say are left out."""

from __future__ import annotations

import copy
from typing import Any

from designer.artefacts.policy_set import bucket_lifecycle
from designer.artefacts.protections import ORGANIZATION_ACCESS_ROLE
from designer.engines.files import ConfigFile
from designer.engines.lza import AUDIT, GLOBAL_FILE, LOG_ARCHIVE, SECURITY_FILE
from designer.engines.lza.write import Context
from designer.engines.yamlio import dump_yaml
from designer.model.relationships import DelegatedAdminRelationship, LogDeliveryRelationship
from designer.model.vocabulary import AccountFunction, LogType

# LZA only ever raises a log group's retention to this: the longest (ten years) deletes nothing
# sooner than before.
CLOUDWATCH_RETENTION_DAYS = 3653
# Delegated administration LZA's centralSecurityServices turns on: service principal -> key.
SECURITY_SERVICES: dict[str, str] = {
    "guardduty.amazonaws.com": "guardduty",
    "securityhub.amazonaws.com": "securityHub",
    "macie.amazonaws.com": "macie",
    "detective.amazonaws.com": "detective",
}
ACCESS_ANALYZER = "access-analyzer.amazonaws.com"
CONFIG = "config.amazonaws.com"
IDENTITY_CENTER = "sso.amazonaws.com"
# iamPasswordPolicy is required and LZA sets it in every account whatever is written: no value
# changes nothing. The design has no password policy, so these are the defaults LZA's own
# schema documents (IIamPasswordPolicyConfig), not a choice of the design.
PASSWORD_POLICY: dict[str, Any] = {
    "allowUsersToChangePassword": True,
    "hardExpiry": True,
    "requireUppercaseCharacters": True,
    "requireLowercaseCharacters": True,
    "requireSymbols": True,
    "requireNumbers": True,
    "minimumPasswordLength": 14,
    "passwordReusePrevention": 24,
    "maxPasswordAge": 90,
}
# The required keys the design says nothing about, as written (see the module's docstring).
NEUTRAL_GLOBAL: dict[str, Any] = {
    "managementAccountAccessRole": ORGANIZATION_ACCESS_ROLE,
    "cloudwatchLogRetentionInDays": CLOUDWATCH_RETENTION_DAYS,
    "controlTower": {"enable": False},
    "logging": {
        "sessionManager": {"sendToCloudWatchLogs": False, "sendToS3": False},
        # An organization trail of the design: management events, nothing more turned on.
        "cloudtrail": {
            "organizationTrailSettings": {
                "globalServiceEvents": True,
                "managementEvents": True,
                "s3DataEvents": False,
                "lambdaDataEvents": False,
                "sendToCloudWatchLogs": False,
                "apiErrorRateInsight": False,
                "apiCallRateInsight": False,
            }
        },
    },
}
NEUTRAL_SECURITY: dict[str, Any] = {
    "centralSecurityServices": {
        "ebsDefaultVolumeEncryption": {"enable": False},
        "s3PublicAccessBlock": {"enable": False},
        "macie": {"publishSensitiveDataFindings": False},
        "guardduty": {
            "s3Protection": {"enable": False},
            "exportConfiguration": {
                "enable": False,
                "destinationType": "S3",
                "exportFrequency": "FIFTEEN_MINUTES",
            },
        },
        "securityHub": {"standards": []},
        "ssmAutomation": {"documentSets": []},
    },
    "iamPasswordPolicy": PASSWORD_POLICY,
    "cloudWatch": {"metricSets": [], "alarmSets": []},
}


def organization_delivery(ctx: Context, log_type: LogType) -> LogDeliveryRelationship | None:
    """The organization-wide delivery of one log type (the organization trail, Config)."""
    return next(
        (
            r
            for r in ctx.design.relationships
            if r.kind == "log-delivery"
            and r.source == ctx.design.organization.id
            and not r.excluded_accounts
            and log_type in r.log_types
        ),
        None,
    )


def _cloudtrail(ctx: Context, comments: list[str]) -> dict[str, Any]:
    trail = organization_delivery(ctx, LogType.CLOUDTRAIL)
    if trail is None:
        comments.append("No organization-wide CloudTrail delivery in the design: trail off.")
        return {"enable": False, "organizationTrail": False}
    if not trail.log_file_validation:
        comments.append("LZA always validates trail log files; the design's trail does not.")
    fixed = NEUTRAL_GLOBAL["logging"]["cloudtrail"]["organizationTrailSettings"]
    settings = {"multiRegionTrail": trail.multi_region, **fixed}
    return {"enable": True, "organizationTrail": True, "organizationTrailSettings": settings}


def _lifecycle(ctx: Context, comments: list[str]) -> list[dict[str, Any]]:
    trail = organization_delivery(ctx, LogType.CLOUDTRAIL)
    bucket = next((b for b in ctx.design.log_buckets if trail and b.id == trail.bucket), None)
    if bucket is None:
        return []
    found = bucket_lifecycle(bucket)
    if found is None:
        comments.append(f"Log bucket {bucket.name} has MFA Delete: S3 allows it no lifecycle.")
        return []
    comments.append(
        f"The central log bucket's lifecycle is that of the design's log bucket {bucket.name}; "
        "LZA names its own buckets, and the design's bucket protections are not written."
    )
    glacier = [{"storageClass": "GLACIER", "transitionAfter": found.transition_days}]
    return [
        {
            "enabled": True,
            "id": "LogRetention",
            "abortIncompleteMultipartUpload": 7,
            "expiration": found.expiration_days,
            "transitions": glacier,
            "noncurrentVersionExpiration": found.expiration_days,
            "noncurrentVersionTransitions": glacier,
        }
    ]


def _logging(ctx: Context, comments: list[str]) -> dict[str, Any]:
    trail = organization_delivery(ctx, LogType.CLOUDTRAIL)
    account_id = trail.target if trail is not None else ctx.core_account(LOG_ARCHIVE)
    logging: dict[str, Any] = {}
    if account_id in ctx.naming.accounts:
        logging["account"] = ctx.account(account_id or "")
    else:
        comments.append("logging.account: the design has no log archive account.")
    logging["cloudtrail"] = _cloudtrail(ctx, comments)
    logging["sessionManager"] = dict(NEUTRAL_GLOBAL["logging"]["sessionManager"])
    rules = _lifecycle(ctx, comments)
    if rules:
        logging["centralLogBucket"] = {"lifecycleRules": rules}
    return logging


def global_file(ctx: Context) -> ConfigFile:
    comments = ["Landing Zone Accelerator global settings: Regions and logging."]
    regions = ctx.design.usage_policy.allowed_regions
    home = regions[0] if regions else None
    data: dict[str, Any] = {}
    if home is None:
        comments.append(
            "homeRegion and enabledRegions: the design's usage policy allows no Region; "
            "add them (e.g. homeRegion: us-east-1)."
        )
    else:
        data["homeRegion"] = home
        data["enabledRegions"] = list(regions)
    data["managementAccountAccessRole"] = NEUTRAL_GLOBAL["managementAccountAccessRole"]
    data["cloudwatchLogRetentionInDays"] = CLOUDWATCH_RETENTION_DAYS
    data["controlTower"] = dict(NEUTRAL_GLOBAL["controlTower"])
    comments.append(
        "Required by LZA's schema, not said by the design, so set to what turns nothing on in "
        "a fresh organization (review them; a converted configuration's own values are in "
        "its conversion report): managementAccountAccessRole OrganizationAccountAccessRole "
        "(the role Organizations creates), controlTower.enable false (no Control Tower set "
        f"up), cloudwatchLogRetentionInDays {CLOUDWATCH_RETENTION_DAYS} (LZA only raises "
        "shorter retentions: the longest deletes nothing sooner), sessionManager logging off. "
        "logging.centralizedLoggingRegion is left out: LZA then uses homeRegion."
    )
    data["logging"] = _logging(ctx, comments)
    others = [
        r
        for r in ctx.design.relationships
        if r.kind == "log-delivery"
        and (r.source != ctx.design.organization.id or r.excluded_accounts)
    ]
    if others:
        comments.append(
            f"Log deliveries of single accounts or OUs ({len(others)}: account trails, Config, "
            "flow logs) are not written: LZA configures them in global-config accountTrails, "
            "security-config awsConfig and network-config."
        )
    return ConfigFile(GLOBAL_FILE, dump_yaml(data, comments), "LZA global settings")


# -- security-config.yaml -----------------------------------------------------------------------
def _delegations(ctx: Context) -> list[DelegatedAdminRelationship]:
    return [r for r in ctx.design.relationships if r.kind == "delegated-admin"]


def _admin(ctx: Context, comments: list[str]) -> tuple[str | None, set[str]]:
    """The security services' delegated administrator and the services delegated to it."""
    chosen: str | None = None
    services: set[str] = set()
    for rel in _delegations(ctx):
        wanted = {s for s in rel.service_principals if s in (*SECURITY_SERVICES, ACCESS_ANALYZER)}
        if not wanted:
            continue
        if chosen is None:
            chosen = rel.target
        if rel.target == chosen:
            services |= wanted
        else:
            comments.append(
                "LZA has one delegated administrator for the security services: "
                f"{', '.join(sorted(wanted))} of another account are not written."
            )
    return chosen, services


def _security_tooling(ctx: Context) -> str | None:
    """The Audit account, or (a design whose log archive is also its security tooling account)
    that account: the reader gives the delegatedAdminAccount the security-tooling function when
    there is no Audit account."""
    found = ctx.core_account(AUDIT)
    if found is None:
        found = next(
            (a.id for a in ctx.design.accounts if AccountFunction.SECURITY_TOOLING in a.functions),
            None,
        )
    return found


def _unwritten_delegations(ctx: Context, comments: list[str]) -> None:
    known = {*SECURITY_SERVICES, ACCESS_ANALYZER, CONFIG, IDENTITY_CENTER}
    others = sorted({s for r in _delegations(ctx) for s in r.service_principals if s not in known})
    if others:
        comments.append(
            f"Delegated administration of {', '.join(others)} is not written: LZA's "
            "security-config has no key for it."
        )


def security_file(ctx: Context) -> ConfigFile:
    comments = ["Landing Zone Accelerator security services: the design's delegated admins."]
    admin, services = _admin(ctx, comments)
    central: dict[str, Any] = {}
    if admin is None:
        comments.append("No security service is delegated in the design: services off.")
        admin = _security_tooling(ctx)  # LZA's usual administrator, with nothing turned on
    if admin is not None:
        central["delegatedAdminAccount"] = ctx.account(admin)
    else:
        comments.append("delegatedAdminAccount: the design has no security tooling account.")
    neutral = copy.deepcopy(NEUTRAL_SECURITY["centralSecurityServices"])
    central["ebsDefaultVolumeEncryption"] = neutral["ebsDefaultVolumeEncryption"]
    central["s3PublicAccessBlock"] = neutral["s3PublicAccessBlock"]
    central["macie"] = {"enable": "macie.amazonaws.com" in services, **neutral["macie"]}
    central["guardduty"] = {"enable": "guardduty.amazonaws.com" in services, **neutral["guardduty"]}
    central["securityHub"] = {
        "enable": "securityhub.amazonaws.com" in services,
        **neutral["securityHub"],
    }
    if "detective.amazonaws.com" in services:
        central["detective"] = {"enable": True}
    central["ssmAutomation"] = neutral["ssmAutomation"]
    comments.append(
        "Required by LZA's schema, not said by the design, so set to what turns nothing on "
        "(review them; a converted configuration's own values are in its conversion report): "
        "EBS default encryption and S3 public access block not managed (false leaves each "
        "account's setting as it is), GuardDuty S3 protection and findings export, Macie "
        "publishing and Security Hub standards not turned on, no SSM documents, no CloudWatch "
        "metrics or alarms. iamPasswordPolicy has no such value (LZA always sets one): it holds "
        "the defaults LZA's schema documents, not a choice of the design."
    )
    _unwritten_delegations(ctx, comments)
    data: dict[str, Any] = {
        "centralSecurityServices": central,
        "accessAnalyzer": {"enable": ACCESS_ANALYZER in services},
        "iamPasswordPolicy": dict(NEUTRAL_SECURITY["iamPasswordPolicy"]),
        "awsConfig": _aws_config(ctx),
        "cloudWatch": copy.deepcopy(NEUTRAL_SECURITY["cloudWatch"]),
    }
    return ConfigFile(SECURITY_FILE, dump_yaml(data, comments), "LZA security services")


def _aws_config(ctx: Context) -> dict[str, Any]:
    recorder = organization_delivery(ctx, LogType.CONFIG) is not None
    config: dict[str, Any] = {"enableConfigurationRecorder": recorder}
    if recorder:
        config["enableDeliveryChannel"] = True
    admin = next((r.target for r in _delegations(ctx) if CONFIG in r.service_principals), None)
    if admin is not None:
        config["aggregation"] = {"enable": True, "delegatedAdminAccount": ctx.account(admin)}
    return config
