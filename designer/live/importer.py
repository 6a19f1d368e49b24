"""Import a live AWS Organization into a design, read-only, with a report of what was read.

The organization comes from the management account; member accounts are read concurrently
through an assumed role. An account that cannot be read (access denied, suspended, an API
error) becomes a gap in the report, never a failed import.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from designer.live.aws import UNEXPECTED, Access, Connection, Sessions, unexpected
from designer.live.build import Gap, Inference, Read, build_design
from designer.live.defaults import DEFAULT_ROLE
from designer.live.guard import WriteRefused
from designer.live.limiter import ImportCancelled
from designer.live.read import BadAnswer, OrgAccount, read_organization
from designer.live.read_account import AccountScan, read_bucket, scan_account
from designer.model.design import Design
from designer.model.errors import DesignError

# Seconds the import may go on reading once its deadline has passed (a call under way is not
# interrupted: it ends at its read timeout, or never on an endpoint that drips bytes).
GRACE = 1.0
POLL = 0.1  # seconds between two looks at Cancel while the import runs
Progress = Callable[[int, int], None]

__all__ = [
    "DEFAULT_ROLE",
    "ImportCancelled",
    "ImportReport",
    "ImportTimedOut",
    "import_organization",
]


class ImportTimedOut(DesignError):
    """The import's deadline passed: it stopped like a cancel."""


@dataclass
class _Tally:
    """How far an import got, for the line a passed deadline gives."""

    accounts: int | None = None  # None: the organization is not read yet
    read: int = 0


@dataclass
class ImportReport:
    organization_id: str = ""
    accounts: int = 0
    scanned: int = 0
    duration: float = 0.0
    api_calls: int = 0  # operations called
    requests: int = 0  # HTTP requests sent, retries included
    throttled: int = 0  # throttling answers received
    retries: int = 0
    calls_by_operation: dict[str, int] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    inferences: list[Inference] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "organization_id": self.organization_id,
            "accounts": self.accounts,
            "accounts_read": self.scanned,
            "duration_seconds": round(self.duration, 2),
            "api_calls": self.api_calls,
            "api_calls_per_account": round(self.api_calls / max(self.accounts, 1), 1),
            "requests_sent": self.requests,
            "throttled_requests": self.throttled,
            "retries": self.retries,
            "calls_by_operation": dict(sorted(self.calls_by_operation.items())),
            "gaps": [{"account": g.account, "what": g.what, "reason": g.reason} for g in self.gaps],
            "inferences": [
                {"account": i.account, "function": i.function, "evidence": i.evidence}
                for i in self.inferences
            ],
        }


def import_organization(
    connection: Connection,
    role_name: str = DEFAULT_ROLE,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    session: boto3.Session | None = None,
    deadline: float | None = None,
) -> tuple[Design, ImportReport]:
    """The organization as a design, and the report; DesignError when nothing can be read.

    `deadline` (seconds) bounds the whole import: when it passes the import stops as on
    Cancel and ImportTimedOut says how many accounts were read.
    """
    cancel = cancel or threading.Event()
    tally = _Tally()
    return _within(
        deadline,
        cancel,
        tally,
        lambda: _import(connection, role_name, progress, cancel, session, tally),
    )


def _within(
    deadline: float | None,
    cancel: threading.Event,
    tally: _Tally,
    work: Callable[[], tuple[Design, ImportReport]],
) -> tuple[Design, ImportReport]:
    """`work` on its own thread, left behind when Cancel or the deadline does not stop it
    within GRACE: a call blocked on a socket (an endpoint that drips bytes) cannot be
    interrupted, only abandoned (the thread is a daemon and stops at its next request)."""
    outcome: list[tuple[Design, ImportReport] | BaseException] = []
    finished = threading.Event()

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)
        finally:
            finished.set()

    threading.Thread(target=run, name="import", daemon=True).start()
    ends = math.inf if deadline is None else time.monotonic() + deadline
    timed_out = False
    try:
        while not finished.wait(min(POLL, max(0.0, ends - time.monotonic()))):
            if cancel.is_set() or time.monotonic() >= ends:
                timed_out = not cancel.is_set()
                cancel.set()  # the import stops at its next request
                finished.wait(GRACE)
                break
    except KeyboardInterrupt:
        cancel.set()
        raise ImportCancelled from None
    if timed_out and (not outcome or isinstance(outcome[0], BaseException)):
        raise ImportTimedOut(_timed_out(deadline or 0.0, tally))
    if not outcome:
        raise ImportCancelled
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _timed_out(deadline: float, tally: _Tally) -> str:
    if tally.accounts is None:
        return f"the import's deadline ({deadline:g} s) passed before the organization was read"
    return (
        f"the import's deadline ({deadline:g} s) passed: {tally.read} of {tally.accounts} "
        "accounts read; nothing written"
    )


def _import(
    connection: Connection,
    role_name: str,
    progress: Progress | None,
    cancel: threading.Event,
    session: boto3.Session | None,
    tally: _Tally,
) -> tuple[Design, ImportReport]:
    started = time.perf_counter()
    try:
        sessions = Sessions(connection, session, cancel)
        organization = read_organization(sessions)
    except (ClientError, BotoCoreError, WriteRefused, BadAnswer) as exc:
        raise DesignError(f"cannot read the organization: {_reason(exc)}") from None
    except UNEXPECTED as exc:  # an endpoint that is not AWS, or a profile or URL boto3 refuses
        raise DesignError(
            f"cannot read the organization: {unexpected('organizations', exc)}"
        ) from None
    except KeyboardInterrupt:
        cancel.set()
        raise ImportCancelled from None
    read = Read(organization)
    read.gaps += organization.gaps
    report = ImportReport(organization.id, len(organization.accounts))
    tally.accounts = len(organization.accounts)
    scanner = _Scanner(sessions, read, role_name, cancel, tally)
    scanner.scan_all(progress)
    scanner.read_buckets()
    try:
        design = build_design(read, f"Live organization {organization.id}")
    except ValidationError as exc:  # a value AWS allows but the design cannot hold
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise DesignError(
            f"the organization read cannot be shown: {where}: {error['msg']}"
        ) from None
    report.scanned = len(read.scans)
    report.gaps = sorted(read.gaps, key=lambda g: (g.account or "", g.what, g.reason))
    report.inferences = list(read.inferences)
    report.duration = time.perf_counter() - started
    report.api_calls = sessions.counter.total
    report.calls_by_operation = dict(sessions.counter.by_operation)
    traffic = sessions.traffic
    report.requests, report.throttled, report.retries = (
        traffic.requests,
        traffic.throttled,
        traffic.retries,
    )
    return design, report


def _reason(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "Error"), error.get("Message", "")
        text = f"{exc.operation_name}: {code}: {message}"
    else:
        text = str(exc)
    text = " ".join(text.split())
    return text if len(text) <= 240 else text[:239] + "…"


class _Scanner:
    def __init__(
        self,
        sessions: Sessions,
        read: Read,
        role_name: str,
        cancel: threading.Event,
        tally: _Tally,
    ) -> None:
        self.sessions, self.read, self.role_name, self.cancel = sessions, read, role_name, cancel
        self.tally = tally
        self.access: dict[str, Access | None] = {}

    def scan_all(self, progress: Progress | None) -> None:
        accounts = self.read.organization.accounts
        todo = []
        for account in accounts:
            if account.state == "ACTIVE":
                todo.append(account)
            else:
                self.gap(account.id, "account", f"not read: the account is {account.state}")
        done = len(accounts) - len(todo)
        if progress:
            progress(done, len(accounts))
        # Not `with`: leaving it would join the scans still running; once cancel is set they
        # stop at their next request on their own.
        pool = ThreadPoolExecutor(max_workers=max(1, self.sessions.connection.workers))
        try:
            pending: set[Future[tuple[str, AccountScan | None, Access | None]]] = {
                pool.submit(self.scan_one, a) for a in todo
            }
            while pending:
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in finished:
                    self.keep(*future.result())
                    done += 1
                    if progress:
                        progress(done, len(accounts))
                if self.cancel.is_set():
                    raise ImportCancelled
        except (ImportCancelled, KeyboardInterrupt):
            self.cancel.set()
            raise ImportCancelled from None
        except BaseException:
            self.cancel.set()  # the import failed: the other scans stop at their next call
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        scans = self.read.scans  # in the organization's order, whatever finished first
        self.read.scans = {a.id: scans[a.id] for a in accounts if a.id in scans}

    def scan_one(self, account: OrgAccount) -> tuple[str, AccountScan | None, Access | None]:
        if self.cancel.is_set():
            return account.id, None, None
        try:
            access: Access | None = None  # the management account: no role into itself
            if account.id != self.read.organization.management_id:
                access = self.sessions.assume(account.id, self.role_name)
        except (ClientError, BotoCoreError) as exc:
            self.gap(account.id, f"assume role {self.role_name}", _reason(exc))
            return account.id, None, None
        except UNEXPECTED as exc:
            self.gap(account.id, f"assume role {self.role_name}", unexpected("sts", exc))
            return account.id, None, None
        try:
            scan = scan_account(self.sessions, access, account.id)
        except (ClientError, BotoCoreError, WriteRefused) as exc:
            self.gap(account.id, "account", _reason(exc))
            return account.id, None, None
        except UNEXPECTED as exc:
            self.gap(account.id, "account", unexpected("account", exc))
            return account.id, None, None
        finally:  # only an owner of buckets may be asked for a log bucket's protections
            self.sessions.forget(access, keep=("s3",))
        if not scan.buckets:
            self.sessions.forget(access)
        return account.id, scan, access

    def keep(self, account_id: str, scan: AccountScan | None, access: Access | None) -> None:
        if scan is not None:
            self.tally.read += 1
            self.read.scans[account_id] = scan
            self.read.gaps += scan.gaps
            self.access[account_id] = access
            for bucket in scan.buckets:
                self.read.bucket_owner[bucket] = account_id

    def read_buckets(self) -> None:
        """Protections of every bucket a trail or Config delivers to, read in its owner."""
        wanted: dict[str, str] = {}
        for account_id, scan in sorted(self.read.scans.items()):
            for trail in scan.trails:
                wanted.setdefault(trail.bucket, f"trail {trail.name} of {account_id}")
            for bucket in scan.config_buckets:
                wanted.setdefault(bucket, f"Config delivery of {account_id}")
        for name, user in sorted(wanted.items()):
            if self.cancel.is_set():
                raise ImportCancelled
            owner = self.read.bucket_owner.get(name)
            if owner is None:
                self.gap(None, f"bucket {name}", f"used by {user}, owned by no account read")
                continue
            protections = read_bucket(self.sessions, self.access[owner], name, owner)
            self.read.buckets[name] = protections
            self.read.gaps += protections.gaps

    def gap(self, account: str | None, what: str, reason: str) -> None:
        self.read.gaps.append(Gap(account, what, reason))
