"""An AWS::S3::Bucket of an update-stacks template read back as a log bucket: one whose bucket
policy lets a log service write (CloudTrail, AWS Config, VPC flow logs), deployed to one account.
What CloudFormation cannot say of it (MFA Delete) is a gap; any other bucket is not a log bucket
and stays a gap of the template.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from designer.engines.orgformation import ENGINE
from designer.engines.report import ConversionReport
from designer.engines.yamlio import Tag
from designer.live.policy import principals
from designer.model.governance import LogBucket, ObjectLock
from designer.model.ids import stable_id

LOG_SERVICES = {"cloudtrail.amazonaws.com", "config.amazonaws.com", "delivery.logs.amazonaws.com"}


def _statements(document: Any) -> list[dict[str, Any]]:
    found = document.get("Statement", []) if isinstance(document, dict) else []
    return [s for s in (found if isinstance(found, list) else [found]) if isinstance(s, dict)]


def bucket_policy(resources: dict[str, Any], bucket: str) -> dict[str, Any] | None:
    """The policy document an AWS::S3::BucketPolicy of the template gives `bucket`."""
    for resource in resources.values():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::S3::BucketPolicy":
            continue
        properties = resource.get("Properties") or {}
        target = properties.get("Bucket")
        if isinstance(target, Tag) and target.name == "Ref" and target.value == bucket:
            document = properties.get("PolicyDocument")
            return document if isinstance(document, dict) else None
    return None


def is_log_bucket(policy: dict[str, Any] | None) -> bool:
    return any(
        set(principals(s).get("Service", [])) & LOG_SERVICES
        for s in _statements(policy)
        if s.get("Effect") == "Allow"
    )


def _kms_key(properties: dict[str, Any], aliases: dict[str, str]) -> str | None:
    rules = (properties.get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration")
    for rule in rules if isinstance(rules, list) else []:
        default = rule.get("ServerSideEncryptionByDefault") if isinstance(rule, dict) else None
        if not isinstance(default, dict) or default.get("SSEAlgorithm") != "aws:kms":
            continue
        key = default.get("KMSMasterKeyID")
        if isinstance(key, Tag):  # !GetAtt LogKey.Arn / !Ref LogKey: the alias the stack makes
            name = key.value[0] if isinstance(key.value, list) else str(key.value).split(".")[0]
            return aliases.get(str(name), "alias/aws/s3")
        return str(key) if key else "alias/aws/s3"
    return None


def _aliases(resources: dict[str, Any]) -> dict[str, str]:
    """Key logical id -> the alias an AWS::KMS::Alias of the template gives it."""
    found: dict[str, str] = {}
    for resource in resources.values():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::KMS::Alias":
            properties = resource.get("Properties") or {}
            target, alias = properties.get("TargetKeyId"), properties.get("AliasName")
            if isinstance(target, Tag) and isinstance(alias, str):
                found[str(target.value).split(".")[0]] = alias
    return found


def _object_lock(properties: dict[str, Any]) -> ObjectLock | None:
    rule = (properties.get("ObjectLockConfiguration") or {}).get("Rule") or {}
    retention = rule.get("DefaultRetention") if isinstance(rule, dict) else None
    if not isinstance(retention, dict) or "Days" not in retention:
        return None
    return ObjectLock(
        mode=str(retention.get("Mode", "GOVERNANCE")), retention_days=int(retention["Days"])
    )


def read_bucket(
    resources: dict[str, Any],
    name: str,
    account: str,
    report: ConversionReport,
    here: str,
) -> LogBucket | None:
    """The log bucket `name` deploys to `account`, or None (a gap says why)."""
    resource = resources[name]
    properties = resource.get("Properties") or {}
    bucket_name = properties.get("BucketName")
    policy = bucket_policy(resources, name)
    if not is_log_bucket(policy) or not isinstance(bucket_name, str):
        report.gap(here, "AWS::S3::Bucket: not a log bucket with a fixed name, not modelled")
        return None
    report.gap(here, f"log bucket {bucket_name}: MFA Delete is not in CloudFormation, read as off")
    try:
        return _bucket(resources, properties, policy, bucket_name, account)
    except (ValidationError, ValueError, TypeError):
        report.gap(here, f"log bucket {bucket_name}: not one the design can hold")
        return None


def _bucket(
    resources: dict[str, Any],
    properties: dict[str, Any],
    policy: dict[str, Any] | None,
    bucket_name: str,
    account: str,
) -> LogBucket:
    versioning = (properties.get("VersioningConfiguration") or {}).get("Status") == "Enabled"
    return LogBucket(
        id=stable_id(ENGINE, "bucket", bucket_name),
        name=bucket_name,
        account=account,
        versioning=versioning or properties.get("ObjectLockEnabled") is True,
        object_lock=_object_lock(properties),
        kms_key=_kms_key(properties, _aliases(resources)),
        access_logging="LoggingConfiguration" in properties,
        organization_restricted_writes="aws:SourceOrgID" in json.dumps(policy, default=str),
    )
