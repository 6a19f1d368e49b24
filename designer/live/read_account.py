"""What one member account holds that the design cares about, read through an assumed role.

Each group of facts (IAM, the root user, CloudTrail, Config, buckets, shares; for a bucket each
protection) is read on its own: a denied or failing read becomes a gap naming the account, the
resource and the operation, and marks that fact unread (unknown), while the other groups are
still read. Only the error codes S3 documents for "this setting is not configured" mean "not
set" (NOT_SET); any other error is a gap, never "off".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import BotoCoreError, ClientError

from designer.live.aws import UNEXPECTED, Access, Sessions, failure, pages, unexpected
from designer.live.read import Gap
from designer.live.read_shares import Share, read_shares
from designer.model.vocabulary import Unread

# The codes S3 answers when a bucket setting was never configured (S3 API Reference, error
# responses of each operation). GetBucketVersioning and GetBucketLogging answer "not set" with
# an empty result, never an error.
NOT_SET = {
    "GetObjectLockConfiguration": frozenset({"ObjectLockConfigurationNotFoundError"}),
    "GetBucketEncryption": frozenset({"ServerSideEncryptionConfigurationNotFoundError"}),
    "GetBucketPolicy": frozenset({"NoSuchBucketPolicy"}),
}


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
    users: int = 0  # meaningful only when Unread.ROOT_USER is not in unread
    root_mfa: bool = False  # likewise
    trails: list[Trail] = field(default_factory=list)
    config_buckets: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    unread: set[Unread] = field(default_factory=set)


@dataclass
class Bucket:
    name: str
    versioning: bool = False
    mfa_delete: bool = False
    lock_mode: str | None = None
    lock_days: int | None = None
    kms_key: str | None = None
    access_logging: bool = False
    organization_only: bool = False
    gaps: list[Gap] = field(default_factory=list)
    unread: set[Unread] = field(default_factory=set)


class Facts:
    """Where a group of facts goes when its read fails: a gap and the fact marked unread."""

    def __init__(self, account: str | None, what: str) -> None:
        self.account, self.what = account, what
        self.gaps: list[Gap] = []
        self.unread: set[Unread] = set()

    @contextmanager
    def reading(self, fact: Unread, service: str) -> Iterator[None]:
        """Run the block; a botocore error in it marks `fact` unread (cancellation, a refused
        write and Ctrl+C are not botocore errors: they go on up)."""
        try:
            yield
        except (ClientError, BotoCoreError) as exc:
            self.gaps.append(Gap(self.account, self.what, failure(service, exc)))
            self.unread.add(fact)
        except UNEXPECTED as exc:  # an answer that is not AWS's: this fact only is unknown
            self.gaps.append(Gap(self.account, self.what, unexpected(service, exc)))
            self.unread.add(fact)


def scan_account(sessions: Sessions, access: Access | None, account_id: str) -> AccountScan:
    scan = AccountScan(account_id)
    facts = Facts(account_id, "account")
    iam = sessions.client(access, "iam")
    with facts.reading(Unread.IAM, "iam"):
        scan.roles, scan.providers = _roles(iam), _providers(iam)
    with facts.reading(Unread.ROOT_USER, "iam"):
        summary = iam.get_account_summary()["SummaryMap"]
        scan.users, scan.root_mfa = summary.get("Users", 0), bool(summary.get("AccountMFAEnabled"))
    with facts.reading(Unread.CLOUDTRAIL, "cloudtrail"):
        scan.trails = _trails(sessions.client(access, "cloudtrail"))
    with facts.reading(Unread.CONFIG, "config"):
        channels = sessions.client(access, "config").describe_delivery_channels()
        scan.config_buckets = [
            c["s3BucketName"] for c in channels.get("DeliveryChannels", []) if c.get("s3BucketName")
        ]
    with facts.reading(Unread.BUCKETS, "s3"):
        listed = sessions.client(access, "s3").list_buckets().get("Buckets", [])
        scan.buckets = [b["Name"] for b in listed]
    scan.shares = read_shares(sessions, access, facts)
    scan.gaps, scan.unread = facts.gaps, facts.unread
    return scan


def _roles(iam: Any) -> list[Role]:
    details = pages(iam, "get_account_authorization_details", "RoleDetailList", Filter=["Role"])
    return [_role(r) for r in details]


def _providers(iam: Any) -> list[Provider]:
    found = [
        Provider(p["Arn"], "saml", p["Arn"].split("/")[-1])
        for p in iam.list_saml_providers().get("SAMLProviderList", [])
    ]
    found += [
        Provider(p["Arn"], "oidc", p["Arn"].split("/", 1)[-1])
        for p in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", [])
    ]
    return found


def _trails(cloudtrail: Any) -> list[Trail]:
    return [
        Trail(
            trail["Name"],
            trail["S3BucketName"],
            bool(trail.get("IsOrganizationTrail")),
            bool(trail.get("IsMultiRegionTrail")),
            bool(trail.get("LogFileValidationEnabled")),
        )
        for trail in cloudtrail.describe_trails(includeShadowTrails=False).get("trailList", [])
        if trail.get("S3BucketName")
    ]


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


def read_bucket(
    sessions: Sessions, access: Access | None, name: str, account: str | None = None
) -> Bucket:
    """How a log bucket is protected, read in the account that owns it (`account`, or the
    account of `access`): each protection a failed read leaves unknown is unread."""
    s3 = sessions.client(access, "s3")
    bucket = Bucket(name)
    owner = account or (access.account_id if access is not None else None)
    facts = Facts(owner, f"bucket {name}")
    with facts.reading(Unread.VERSIONING, "s3"):
        versioning = s3.get_bucket_versioning(Bucket=name)
        bucket.versioning = versioning.get("Status") == "Enabled"
        bucket.mfa_delete = versioning.get("MFADelete") == "Enabled"
    with facts.reading(Unread.OBJECT_LOCK, "s3"):
        bucket.lock_mode, bucket.lock_days = _object_lock(
            _setting(s3.get_object_lock_configuration, name)
        )
    with facts.reading(Unread.ENCRYPTION, "s3"):
        bucket.kms_key = _kms_key(_setting(s3.get_bucket_encryption, name))
    with facts.reading(Unread.ACCESS_LOGGING, "s3"):
        bucket.access_logging = bool(s3.get_bucket_logging(Bucket=name).get("LoggingEnabled"))
    with facts.reading(Unread.BUCKET_POLICY, "s3"):
        text = _setting(s3.get_bucket_policy, name).get("Policy")
        document = json.dumps(json.loads(text) if text else {})
        bucket.organization_only = any(
            key in document for key in ("aws:PrincipalOrgID", "aws:SourceOrgID")
        )
    bucket.gaps, bucket.unread = facts.gaps, facts.unread
    return bucket


def _setting(call: Callable[..., dict[str, Any]], name: str) -> dict[str, Any]:
    """A bucket setting; {} when S3 answers with its documented "not configured" code. Any
    other error (access denied, throttled to the end, no such bucket) goes on up."""
    try:
        return call(Bucket=name)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in NOT_SET.get(exc.operation_name, frozenset()):
            return {}
        raise


def _object_lock(answer: dict[str, Any]) -> tuple[str | None, int | None]:
    rule = answer.get("ObjectLockConfiguration", {}).get("Rule", {}).get("DefaultRetention", {})
    if not rule.get("Mode"):
        return None, None
    days = rule.get("Days") or 365 * int(rule.get("Years", 1))
    return str(rule["Mode"]), int(days)


def _kms_key(answer: dict[str, Any]) -> str | None:
    for rule in answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", []):
        default = rule.get("ApplyServerSideEncryptionByDefault", {})
        if default.get("SSEAlgorithm", "").startswith("aws:kms"):
            return str(default.get("KMSMasterKeyID") or "aws/s3")
    return None
