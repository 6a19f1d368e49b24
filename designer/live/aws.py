"""Read-only boto3 clients for the import: one guarded session per account, calls counted.

Credentials come from boto3's standard chain (profile, SSO, environment) for the management
account and from sts:AssumeRole for members; they live only in memory, never in a file or log.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from designer.live.guard import guard

ORGANIZATIONS_REGION = "us-east-1"  # Organizations has one endpoint


@dataclass(frozen=True)
class Connection:
    profile: str | None = None
    region: str = ORGANIZATIONS_REGION
    endpoint_url: str | None = None
    workers: int = 8


@dataclass
class CallCounter:
    """Counts the AWS calls made (the import report gives them per account)."""

    total: int = 0
    by_operation: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.total += 1
            self.by_operation[f"{model.service_model.endpoint_prefix}:{model.name}"] += 1


@dataclass(frozen=True)
class Access:
    """How to act inside one account: its assumed-role credentials (kept in memory only)."""

    account_id: str
    credentials: dict[str, str] = field(default_factory=dict, repr=False)


class Sessions:
    """The management session and, on demand, one assumed-role session per member account."""

    def __init__(self, connection: Connection, session: boto3.Session | None = None) -> None:
        self.connection = connection
        self.counter = CallCounter()
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": 10},
            max_pool_connections=max(10, connection.workers * 2),
        )
        base = session or boto3.Session(
            profile_name=connection.profile, region_name=connection.region
        )
        self.management = self._watched(base)

    def _watched(self, session: boto3.Session) -> boto3.Session:
        guard(session)
        session.events.register("before-call", self.counter, unique_id="account-designer-count")
        return session

    def client(self, access: Access | None, service: str, region: str | None = None) -> Any:
        """A client of the guarded management session, with `access`'s credentials if given.

        Every client comes from the one session: its loaded service models are shared (a new
        session per account would load them again, ~0.1 s a client) and so are the read-only
        guard and the call counter.
        """
        credentials = access.credentials if access is not None else {}
        return self.management.client(
            service,
            region_name=region or self.connection.region,
            endpoint_url=self.connection.endpoint_url,
            config=self.config,
            **credentials,
        )

    def assume(self, account_id: str, role_name: str, partition: str = "aws") -> Access:
        """Credentials inside `account_id` through `role_name` (raises botocore's ClientError)."""
        sts = self.client(None, "sts")
        answer = sts.assume_role(
            RoleArn=f"arn:{partition}:iam::{account_id}:role/{role_name}",
            RoleSessionName="account-designer-import",
        )
        credentials = answer["Credentials"]
        return Access(
            account_id,
            {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            },
        )


def pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item of a paginated list call."""
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items += page.get(key, [])
    return items
