"""The importer can only read: every AWS call passes this check before botocore sends it.

A before-call handler on the session refuses any (service, operation) pair that is not on an
explicit allow-list of the reads the importer makes. A name prefix is not enough: documented Get*
operations mint credentials (sts GetSessionToken, cognito-identity GetId, ecr
GetAuthorizationToken) or change state. The handler runs before the request is signed or sent,
so a bug in the importer can never change a customer's organization or obtain new credentials.
tests/live/test_guard_allowlist.py proves each entry is a read in botocore's service models.
"""

from __future__ import annotations

from typing import Any

import boto3

# Keyed by the client's service name (as in boto3.client(...)) and the API operation name.
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("sts", "AssumeRole"),  # into each member account; the only credentials it obtains
        ("sts", "GetCallerIdentity"),
        ("organizations", "DescribeOrganization"),
        ("organizations", "ListRoots"),
        ("organizations", "ListOrganizationalUnitsForParent"),
        ("organizations", "ListAccountsForParent"),
        ("organizations", "ListTagsForResource"),
        ("organizations", "ListPolicies"),
        ("organizations", "DescribePolicy"),
        ("organizations", "ListTargetsForPolicy"),
        ("organizations", "ListDelegatedAdministrators"),
        ("organizations", "ListDelegatedServicesForAccount"),
        ("iam", "GetAccountSummary"),
        ("iam", "GetAccountAuthorizationDetails"),
        ("iam", "ListSAMLProviders"),
        ("iam", "ListOpenIDConnectProviders"),
        ("cloudtrail", "DescribeTrails"),
        ("config", "DescribeDeliveryChannels"),
        ("s3", "ListBuckets"),
        ("s3", "GetBucketVersioning"),
        ("s3", "GetObjectLockConfiguration"),
        ("s3", "GetBucketEncryption"),
        ("s3", "GetBucketLogging"),
        ("s3", "GetBucketPolicy"),
        ("ec2", "DescribeImages"),
        ("ec2", "DescribeImageAttribute"),
        ("ec2", "DescribeSnapshots"),
        ("ec2", "DescribeSnapshotAttribute"),
        ("ram", "GetResourceShares"),
        ("ram", "GetResourceShareAssociations"),
        ("servicecatalog", "ListPortfolios"),
        ("servicecatalog", "DescribePortfolioShares"),
    }
)


class WriteRefused(Exception):
    """An operation that could change something was about to be sent."""


def is_read_only(service: str, operation: str) -> bool:
    """Whether the import may send `operation` of `service`: only the reads it needs."""
    return (service, operation) in ALLOWED


def _refuse_writes(model: Any, **_: Any) -> None:
    service = model.service_model.service_name
    if not is_read_only(service, model.name):
        raise WriteRefused(f"refused {service}:{model.name}: the import only reads")


def guard(session: boto3.Session) -> boto3.Session:
    """`session`, with every client it makes (now or later) refusing all but the allowed reads."""
    session.events.register("before-call", _refuse_writes, unique_id="account-designer-read-only")
    return session


def read_only_session(**kwargs: Any) -> boto3.Session:
    """A boto3 session (profile, region, credentials as boto3 takes them) that only reads."""
    return guard(boto3.Session(**kwargs))
