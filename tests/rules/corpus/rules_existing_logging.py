"""One caught flaw and one near miss per existing logging rule (LOG-*), written from the rules.

Each design is the reference landing zone with one realistic edit. LOG-05 is left to its
owner's module.
"""

from __future__ import annotations

import copy

from designer.model import Design
from designer.rules import Severity
from tests.rules.corpus.kit import ORG, Flaw, Kit, NearMiss

WHITEPAPER = "AWS whitepaper 'AWS Multiple Account Security Strategy'"
ORG_TRAIL = "AWS CloudTrail User Guide, 'Creating a trail for an organization'"
S3_GUIDE = "Amazon S3 User Guide"
CLOUDTRAIL_BUCKET = "example-org-logs-cloudtrail-153715744375"
CONFIG_BUCKET = "example-org-logs-config-153715744375"
FLOW_BUCKET = "example-org-logs-vpcflow-153715744375"
ORG_TRAIL_SPEC = f"log-delivery:{ORG}->Log Archive"  # the first one is the CloudTrail delivery
LOCK_7_YEARS = {"mode": "COMPLIANCE", "retention_days": 2555}


def protected_bucket(kit: Kit, name: str, owner: str, **fields: object) -> None:
    """A new log bucket, added (as an architect would) to the buckets ProtectLogArchive guards."""
    kit.bucket(name, owner, **fields)
    policy = kit.get("ProtectLogArchive")
    document = copy.deepcopy(policy.document)
    document["Statement"][0]["Resource"].append(f"arn:${{AWS::Partition}}:s3:::{name}")
    kit.update("ProtectLogArchive", document=document)


def _trail_region(multi_region: bool) -> Design:
    return Kit().update(ORG_TRAIL_SPEC, multi_region=multi_region).build()


def _security_data_event_trail() -> Design:
    """Security Tooling adds a single-Region account trail for S3 data events."""
    kit = Kit()
    kit.logs(
        "Security Tooling",
        "Log Archive",
        "cloudtrail",
        bucket=CLOUDTRAIL_BUCKET,
        multi_region=False,
    )
    return kit.build()


def _payments_trail(owner: str, bucket: str) -> Design:
    """Payments Production keeps an extra account trail (for its PCI auditors)."""
    kit = Kit()
    if bucket != CLOUDTRAIL_BUCKET:
        protected_bucket(
            kit,
            bucket,
            owner,
            access_logging=True,
            object_lock={"mode": "COMPLIANCE", "retention_days": 365},
        )
    kit.logs("Payments Production", owner, "cloudtrail", bucket=bucket)
    return kit.build()


def _payments_config(bucket: str | None) -> Design:
    kit = Kit()
    kit.logs("Payments Production", "Log Archive", "config", bucket=bucket)
    return kit.build()


def _flow_logs_bucket(**bucket: object) -> Kit:
    """Network's flow logs moved to a bucket of their own in the log archive."""
    kit = Kit()
    fields: dict[str, object] = {
        "access_logging": True,
        "kms_key": "alias/flow-logs",
        "object_lock": {"mode": "COMPLIANCE", "retention_days": 365},
        **bucket,
    }
    protected_bucket(kit, FLOW_BUCKET, "Log Archive", **fields)
    kit.update("log-delivery:Network->Log Archive", bucket=FLOW_BUCKET)
    return kit


def _config_delivery_to(bucket: str) -> Design:
    """The organization's Config delivery (the second organization delivery) re-pointed."""
    kit = Kit()
    config = next(
        r for r in kit.relationships("log-delivery", ORG, "Log Archive") if "config" in r.log_types
    )
    kit.doc.update(config.id, bucket=kit.id(bucket))
    return kit.build()


def _flow_logs_into_trail_bucket() -> Design:
    return Kit().update("log-delivery:Network->Log Archive", bucket=CLOUDTRAIL_BUCKET).build()


def _access_log_bucket() -> Design:
    """A bucket that only receives the log buckets' S3 server access logs."""
    kit = Kit()
    protected_bucket(
        kit, "example-org-s3-access-logs-153715744375", "Log Archive", kms_key=None, mfa_delete=True
    )
    kit.logs(
        "Log Archive",
        "Log Archive",
        "s3-access-logs",
        bucket="example-org-s3-access-logs-153715744375",
    )
    return kit.build()


def _archive_role(level: str, role: str) -> Design:
    kit = Kit()
    kit.trust(
        "Identity",
        "Log Archive",
        level,
        role_name=role,
        principal_scope="role",
        principal_role_name="WorkloadAdministrator",
        organization_scoped=True,
    )
    return kit.build()


# -- LOG-13 / LOG-14: many account trails and flow logs into shared buckets ----------------------
def _feature_accounts(kit: Kit, count: int, team: str) -> list[str]:
    """`count` short-lived feature accounts of a team, in the Non-prod OU."""
    names = [f"{team} Feature {n:02d}" for n in range(1, count + 1)]
    for name in names:
        kit.account(name, parent="Non-prod", environment="development", data_sensitivity="internal")
    return names


def _account_trails(count: int) -> Design:
    """Each feature account keeps an account trail and flow logs in one bucket."""
    kit = Kit()
    bucket = "example-org-logs-feature-153715744375"
    protected_bucket(
        kit,
        bucket,
        "Log Archive",
        access_logging=True,
        kms_key="alias/feature-logs",
        object_lock={"mode": "COMPLIANCE", "retention_days": 365},
    )
    kit.update(bucket, organization_restricted_writes=True)
    for name in _feature_accounts(kit, count, "Retail"):
        kit.logs(name, "Log Archive", "cloudtrail", "vpc-flow-logs", bucket=bucket)
    return kit.build()


def _shared_trail_key(per_bucket: int) -> Design:
    """Four teams' account-trail buckets, each under the bucket policy limit, share one key."""
    kit = Kit()
    for team in ("Retail", "Payments", "Loyalty", "Catalog"):
        bucket = f"example-org-trails-{team.lower()}-153715744375"
        protected_bucket(
            kit,
            bucket,
            "Log Archive",
            access_logging=True,
            kms_key="alias/feature-trails",
            organization_restricted_writes=True,
            object_lock=LOCK_7_YEARS,
        )
        for account in _feature_accounts(kit, per_bucket, team):
            kit.logs(account, "Log Archive", "cloudtrail", bucket=bucket)
    return kit.build()


FLAWS = [
    Flaw(
        "LOG-01 organization trail records one Region only",
        f"{ORG_TRAIL}; Prowler cloudtrail_multi_region_enabled",
        lambda: _trail_region(False),
        "LOG-01",
        ORG_TRAIL_SPEC,
        Severity.CRITICAL,
    ),
    Flaw(
        "LOG-02 payments account trail kept in its own account",
        "AWS CloudTrail User Guide, 'Amazon S3 bucket policy for CloudTrail'",
        lambda: _payments_trail("Payments Production", "example-payments-prod-cloudtrail"),
        "LOG-02",
        "example-payments-prod-cloudtrail",
        Severity.CRITICAL,
    ),
    Flaw(
        "LOG-03 payments Config delivery without a bucket",
        "AWS Config Developer Guide, 'Permissions for the Amazon S3 Bucket'",
        lambda: _payments_config(None),
        "LOG-03",
        "log-delivery:Payments Production->Log Archive",
        Severity.HIGH,
    ),
    Flaw(
        "LOG-04 Config delivered into the Object-Lock trail bucket",
        "AWS CloudFormation, AWS::Config::DeliveryChannel (Object Lock not supported)",
        lambda: _config_delivery_to(CLOUDTRAIL_BUCKET),
        "LOG-04",
        CLOUDTRAIL_BUCKET,
        Severity.HIGH,
    ),
    Flaw(
        "LOG-06 network account keeps its flow logs to itself",
        "Amazon VPC User Guide, 'Publish flow logs to Amazon S3'",
        lambda: Kit().remove_relationships("log-delivery", "Network", "Log Archive").build(),
        "LOG-06",
        "Network",
        Severity.MEDIUM,
    ),
    Flaw(
        "LOG-07 Config bucket without versioning",
        "checkov CKV_AWS_21; Prowler s3_bucket_object_versioning",
        lambda: Kit().update(CONFIG_BUCKET, versioning=False, mfa_delete=False).build(),
        "LOG-07",
        CONFIG_BUCKET,
        Severity.HIGH,
    ),
    Flaw(
        "LOG-08 flow-log bucket asks for MFA Delete",
        f"{S3_GUIDE}, 'Configuring MFA delete'",
        lambda: _flow_logs_bucket(mfa_delete=True).build(),
        "LOG-08",
        FLOW_BUCKET,
        Severity.LOW,
    ),
    Flaw(
        "LOG-09 CloudTrail bucket created without Object Lock",
        f"{S3_GUIDE}, 'Locking objects with Object Lock'",
        lambda: Kit().update(CLOUDTRAIL_BUCKET, object_lock=None).build(),
        "LOG-09",
        CLOUDTRAIL_BUCKET,
        Severity.MEDIUM,
    ),
    Flaw(
        "LOG-10 CloudTrail archive protected by Glacier Vault Lock",
        "Amazon Glacier API Reference, 'Initiate Vault Lock'",
        lambda: Kit().update(CLOUDTRAIL_BUCKET, glacier_vault_lock=True).build(),
        "LOG-10",
        CLOUDTRAIL_BUCKET,
        Severity.HIGH,
    ),
    Flaw(
        "LOG-11 organization Config bucket open to writes from any account",
        "IAM User Guide, global condition key aws:SourceOrgID",
        lambda: Kit().update(CONFIG_BUCKET, organization_restricted_writes=False).build(),
        "LOG-11",
        CONFIG_BUCKET,
        Severity.MEDIUM,
    ),
    Flaw(
        "LOG-12 workload administrators get admin in the log archive",
        "AWS Security Reference Architecture, Log Archive account",
        lambda: _archive_role("administrator", "LogArchiveAdmin"),
        "LOG-12",
        "LogArchiveAdmin",
        Severity.HIGH,
    ),
    Flaw(
        "LOG-13 forty feature accounts' account trails in one bucket",
        f"{S3_GUIDE}, 'Bucket policies for Amazon S3' (20 KB)",
        lambda: _account_trails(40),
        "LOG-13",
        "example-org-logs-feature-153715744375",
        Severity.HIGH,
    ),
    Flaw(
        "LOG-14 four account-trail buckets share one key for eighty accounts",
        "AWS KMS Developer Guide, 'Resource quotas' (key policy 32 KB)",
        lambda: _shared_trail_key(20),
        "LOG-14",
        "example-org-trails-retail-153715744375",
        Severity.HIGH,
    ),
]

LEGITIMATE: list[object] = []

NEAR_MISSES = [
    NearMiss(
        "LOG-01",
        "a single-Region data-event trail beside the organization trail",
        _security_data_event_trail,
    ),
    NearMiss(
        "LOG-02",
        "payments account trail delivered to the log archive",
        lambda: _payments_trail("Log Archive", CLOUDTRAIL_BUCKET),
    ),
    NearMiss(
        "LOG-03",
        "payments Config delivery names the Config bucket",
        lambda: _payments_config(CONFIG_BUCKET),
    ),
    NearMiss(
        "LOG-04",
        "flow logs (not Config) in the Object-Lock trail bucket",
        _flow_logs_into_trail_bucket,
        CLOUDTRAIL_BUCKET,
    ),
    NearMiss(
        "LOG-06",
        "flow logs moved to their own bucket in the log archive",
        lambda: _flow_logs_bucket().build(),
        "Network",
    ),
    NearMiss(
        "LOG-07",
        "the access-log bucket does not log itself",
        _access_log_bucket,
        "example-org-s3-access-logs-153715744375",
    ),
    NearMiss(
        "LOG-08",
        "flow-log bucket relies on Object Lock, no MFA Delete",
        lambda: _flow_logs_bucket().build(),
        FLOW_BUCKET,
    ),
    NearMiss(
        "LOG-09",
        "flow-log bucket with MFA Delete, no Object Lock, takes no CloudTrail",
        lambda: _flow_logs_bucket(object_lock=None, mfa_delete=True).build(),
        FLOW_BUCKET,
    ),
    NearMiss(
        "LOG-10",
        "long-term flow-log archive with S3 Object Lock, no vault",
        lambda: _flow_logs_bucket(object_lock=LOCK_7_YEARS).build(),
    ),
    NearMiss(
        "LOG-11",
        "flow-log bucket of one account without an organization condition",
        lambda: _flow_logs_bucket(organization_restricted_writes=False).build(),
        FLOW_BUCKET,
    ),
    NearMiss(
        "LOG-12",
        "workload administrators only read the log archive",
        lambda: _archive_role("read-only", "LogArchiveReader"),
    ),
    NearMiss(
        "LOG-13",
        "ten feature accounts' account trails in one bucket",
        lambda: _account_trails(10),
    ),
    NearMiss(
        "LOG-14",
        "four account-trail buckets share one key for sixteen accounts",
        lambda: _shared_trail_key(4),
    ),
]
