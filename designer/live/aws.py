"""Read-only boto3 clients for the import: one guarded session, calls counted and paced.

Credentials come from boto3's standard chain (profile, SSO, environment) for the management
account and from sts:AssumeRole for members; they live only in memory, never in a file or log.
Each (account, service, region) gets one client for the whole import, and every client shares
the import's traffic control (designer.live.limiter): the rate limiter of its service, the
retry policy, the counts and the stop event.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from designer.live.guard import guard
from designer.live.limiter import ImportCancelled, Traffic

ORGANIZATIONS_REGION = "us-east-1"  # Organizations has one endpoint
CONNECT_TIMEOUT = 10.0  # seconds to open a connection
READ_TIMEOUT = 30.0  # seconds of silence in one answer before the request fails (and is retried)
REASON_LENGTH = 240
POLL = 0.2  # seconds between two looks at the stop event while waiting for workers

T = TypeVar("T")
R = TypeVar("R")

# What botocore and the readers raise on an answer that is not AWS's (an HTML page, bytes
# that are not UTF-8, a field missing): a gap or one line, never a traceback.
UNEXPECTED: tuple[type[Exception], ...] = (
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ValueError,
)

__all__ = [
    "UNEXPECTED",
    "Access",
    "CallCounter",
    "Connection",
    "ImportCancelled",
    "Sessions",
    "failure",
    "pages",
    "unexpected",
]


@dataclass(frozen=True)
class Connection:
    """Where and how the import talks to AWS.

    `connect_timeout` and `read_timeout` (seconds) bound every request; an endpoint that
    drips an answer a byte at a time escapes the read timeout, which only the import's
    overall deadline (import_organization's `deadline`) ends. Tests set small values.
    """

    profile: str | None = None
    region: str = ORGANIZATIONS_REGION
    endpoint_url: str | None = None
    workers: int = 8
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT


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
    """The management session and the clients of every account read, each made once."""

    def __init__(
        self,
        connection: Connection,
        session: boto3.Session | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.connection = connection
        self.stop = stop or threading.Event()
        self.counter = CallCounter()
        self.traffic = Traffic(self.stop)
        # botocore makes one attempt: Traffic decides on retries, with one limiter per service
        # for all workers (botocore's adaptive mode limits each client on its own).
        self.config = Config(
            retries={"mode": "standard", "total_max_attempts": 1},
            max_pool_connections=max(10, connection.workers * 2),
            connect_timeout=connection.connect_timeout,
            read_timeout=connection.read_timeout,
        )
        self.management = guard(
            session or boto3.Session(profile_name=connection.profile, region_name=connection.region)
        )
        self._clients: dict[tuple[str | None, str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, access: Access | None, service: str, region: str | None = None) -> Any:
        """The client of `service` in `access`'s account (the management account if None).

        Every client comes from the one session: its loaded service models are shared and so
        is the read-only guard. Made once per account, service and region, under a lock
        (boto3 sessions are not safe to make clients from concurrently).
        """
        region = region or self.connection.region
        key = (access.account_id if access is not None else None, service, region)
        with self._lock:
            made = self._clients.get(key)
            if made is None:
                made = self._clients[key] = self._make(access, service, region)
        return made

    def forget(self, access: Access | None, keep: Iterable[str] = ()) -> None:
        """Drop the clients made for `access`'s account, but those of the services in `keep`:
        a client holds ~0.4 MB, and 200 scanned accounts' clients kept to the end of the
        import would hold ~700 MB. The management account's clients serve the whole import."""
        if access is None:
            return
        with self._lock:
            for key in [k for k in self._clients if k[0] == access.account_id]:
                if key[1] not in keep:
                    del self._clients[key]

    def _make(self, access: Access | None, service: str, region: str) -> Any:
        credentials = access.credentials if access is not None else {}
        client = self.management.client(
            service,
            region_name=region,
            endpoint_url=self.connection.endpoint_url,
            config=self.config,
            **credentials,
        )
        self.traffic.watch(client.meta.events)  # a cancelled call is neither sent nor counted
        client.meta.events.register("before-call", self.counter)
        return client

    def assume(self, account_id: str, role_name: str, partition: str = "aws") -> Access:
        """Credentials inside `account_id` through `role_name` (raises botocore's ClientError)."""
        answer = self.client(None, "sts").assume_role(
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

    def each(self, work: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`work` on every item, on the import's workers; results in the items' order.

        The first failure (or Ctrl+C) ends it without waiting for calls still running: they
        stop at their next request once the stop event is set.
        """
        todo = list(items)
        if len(todo) <= 1 or self.connection.workers <= 1:
            return [work(item) for item in todo]
        pool = ThreadPoolExecutor(max_workers=min(self.connection.workers, len(todo)))
        try:
            futures = [pool.submit(work, item) for item in todo]
            while True:
                done, running = wait(futures, timeout=POLL, return_when=FIRST_EXCEPTION)
                for future in futures:  # the first failure in the items' order
                    error = future.exception() if future in done else None
                    if error is not None:
                        raise error
                if not running:
                    return [f.result() for f in futures]
                if self.stop.is_set():
                    raise ImportCancelled
        except KeyboardInterrupt:
            self.stop.set()
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def failure(service: str, exc: ClientError | BotoCoreError) -> str:
    """ "organizations:ListTagsForResource: AccessDeniedException: ...", on one line."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "Error"), error.get("Message", "")
        text = f"{service}:{exc.operation_name}: {code}: {message}"
    else:
        text = f"{service}: {exc}"
    text = " ".join(text.split())
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def unexpected(service: str, exc: Exception) -> str:
    """ "organizations: unexpected answer (KeyError: 'Id')", on one line."""
    text = " ".join(f"{service}: unexpected answer ({type(exc).__name__}: {exc})".split())
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item of a paginated list call."""
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items += page.get(key, [])
    return items
