"""The importer can only read: every AWS call passes this check before botocore sends it.

A before-call handler on the session refuses any operation that is not a List*, Describe* or
Get* call (for STS: only AssumeRole and GetCallerIdentity). It runs before the request is
signed or sent, so a bug in the importer can never change a customer's organization.
"""

from __future__ import annotations

from typing import Any

import boto3

READ_PREFIXES = ("List", "Describe", "Get")
STS_ALLOWED = frozenset({"AssumeRole", "GetCallerIdentity"})


class WriteRefused(Exception):
    """An operation that could change something was about to be sent."""


def is_read_only(service: str, operation: str) -> bool:
    if service == "sts":
        return operation in STS_ALLOWED
    return operation.startswith(READ_PREFIXES)


def _refuse_writes(model: Any, **_: Any) -> None:
    service = model.service_model.endpoint_prefix
    if not is_read_only(service, model.name):
        raise WriteRefused(f"refused {service}:{model.name}: the import only reads")


def guard(session: boto3.Session) -> boto3.Session:
    """`session`, with every client it makes (now or later) refusing writes."""
    session.events.register("before-call", _refuse_writes, unique_id="account-designer-read-only")
    return session


def read_only_session(**kwargs: Any) -> boto3.Session:
    """A boto3 session (profile, region, credentials as boto3 takes them) that only reads."""
    return guard(boto3.Session(**kwargs))
