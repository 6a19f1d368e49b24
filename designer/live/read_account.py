"""What one member account holds that the design cares about, read through an assumed role."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from designer.live.aws import Access, Sessions, pages
from designer.live.read_shares import Share, read_shares


@dataclass
class Role:
    name: str
    path: str
    trust: dict[str, Any]
    managed: list[str]  # attached managed policy ARNs
    inline: list[dict[str, Any]]


@dataclass
class Trail:
    name: str
    bucket: str
    organization: bool
    multi_region: bool
    validation: bool


@dataclass
class Provider:
    arn: str
    kind: str  # saml or oidc
    name: str


@dataclass
class AccountScan:
    account_id: str
    roles: list[Role] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    users: int = 0
    root_mfa: bool = False
    trails: list[Trail] = field(default_factory=list)
    config_buckets: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)


@dataclass
class Bucket:
    name: str
    versioning: bool
    mfa_delete: bool
    lock_mode: str | None
    lock_days: int | None
    kms_key: str | None
    access_logging: bool
    organization_only: bool


def scan_account(sessions: Sessions, access: Access | None, account_id: str) -> AccountScan:
    scan = AccountScan(account_id)
    iam = sessions.client(access, "iam")
    details = pages(iam, "get_account_authorization_details", "RoleDetailList", Filter=["Role"])
    scan.roles = [_role(r) for r in details]
    for provider in iam.list_saml_providers().get("SAMLProviderList", []):
        scan.providers.append(Provider(provider["Arn"], "saml", provider["Arn"].split("/")[-1]))
    for provider in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", []):
        scan.providers.append(Provider(provider["Arn"], "oidc", provider["Arn"].split("/", 1)[-1]))
    summary = iam.get_account_summary()["SummaryMap"]
    scan.users, scan.root_mfa = summary.get("Users", 0), bool(summary.get("AccountMFAEnabled"))
    cloudtrail = sessions.client(access, "cloudtrail")
    for trail in cloudtrail.describe_trails(includeShadowTrails=False).get("trailList", []):
        if trail.get("S3BucketName"):
            scan.trails.append(
                Trail(
                    trail["Name"],
                    trail["S3BucketName"],
                    bool(trail.get("IsOrganizationTrail")),
                    bool(trail.get("IsMultiRegionTrail")),
                    bool(trail.get("LogFileValidationEnabled")),
                )
            )
    config = sessions.client(access, "config")
    for channel in config.describe_delivery_channels().get("DeliveryChannels", []):
        if channel.get("s3BucketName"):
            scan.config_buckets.append(channel["s3BucketName"])
    s3 = sessions.client(access, "s3")
    scan.buckets = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    scan.shares = read_shares(sessions, access, account_id)
    return scan


def _role(detail: dict[str, Any]) -> Role:
    trust = detail.get("AssumeRolePolicyDocument") or {}
    if isinstance(trust, str):  # URL-encoded JSON in some responses
        trust = json.loads(unquote(trust))
    inline = []
    for policy in detail.get("RolePolicyList", []):
        document = policy.get("PolicyDocument") or {}
        inline.append(json.loads(unquote(document)) if isinstance(document, str) else document)
    managed = [p["PolicyArn"] for p in detail.get("AttachedManagedPolicies", [])]
    return Role(detail["RoleName"], detail.get("Path", "/"), trust, managed, inline)


def read_bucket(sessions: Sessions, access: Access | None, name: str) -> Bucket:
    """How a log bucket is protected, read in the account that owns it."""
    s3 = sessions.client(access, "s3")
    versioning = s3.get_bucket_versioning(Bucket=name)
    mode, days = _object_lock(s3, name)
    return Bucket(
        name,
        versioning.get("Status") == "Enabled",
        versioning.get("MFADelete") == "Enabled",
        mode,
        days,
        _kms_key(s3, name),
        bool(_optional(s3.get_bucket_logging, name).get("LoggingEnabled")),
        "aws:PrincipalOrgID" in json.dumps(_policy(s3, name)),
    )


def _optional(call: Any, name: str) -> dict[str, Any]:
    """A bucket setting that S3 reports as an error when it is not set."""
    try:
        answer: dict[str, Any] = call(Bucket=name)
    except ClientError:
        return {}
    return answer


def _object_lock(s3: Any, name: str) -> tuple[str | None, int | None]:
    rule = (
        _optional(s3.get_object_lock_configuration, name)
        .get("ObjectLockConfiguration", {})
        .get("Rule", {})
        .get("DefaultRetention", {})
    )
    if not rule.get("Mode"):
        return None, None
    days = rule.get("Days") or 365 * int(rule.get("Years", 1))
    return str(rule["Mode"]), int(days)


def _kms_key(s3: Any, name: str) -> str | None:
    rules = (
        _optional(s3.get_bucket_encryption, name)
        .get("ServerSideEncryptionConfiguration", {})
        .get("Rules", [])
    )
    for rule in rules:
        default = rule.get("ApplyServerSideEncryptionByDefault", {})
        if default.get("SSEAlgorithm", "").startswith("aws:kms"):
            return str(default.get("KMSMasterKeyID") or "aws/s3")
    return None


def _policy(s3: Any, name: str) -> dict[str, Any]:
    text = _optional(s3.get_bucket_policy, name).get("Policy")
    return json.loads(text) if text else {}
