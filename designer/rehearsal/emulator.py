"""boto3 clients on the emulator: dummy keys, one assumed-role session per member account.

The keys are the emulator's placeholders, held in memory only; nothing is written anywhere.
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    HTTPClientError,
)
from botocore.exceptions import ConnectionError as TransportError

from designer.rehearsal.errors import RehearsalError

REGION = "us-east-1"
ACCESS_ROLE = "OrganizationAccountAccessRole"
DUMMY_KEYS = {"aws_access_key_id": "rehearsal", "aws_secret_access_key": "rehearsal"}
# No proxy, whatever HTTP(S)_PROXY says: botocore reads them from the environment whenever a
# client's proxies are None, and the rehearsal's writes must reach the loopback emulator only.
NO_PROXIES: dict[str, str] = {}
FATAL_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
    }
)


class Emulator:
    """Clients for the management account and, through ACCESS_ROLE, for member accounts."""

    def __init__(self, url: str, region: str = REGION) -> None:
        self.url = url
        self.region = region
        self.session = loopback_session(region)
        self.config = Config(
            retries={"mode": "standard", "max_attempts": 2},
            connect_timeout=5,
            read_timeout=60,
            proxies=NO_PROXIES,
        )
        self.management_id = ""
        self._credentials: dict[str, dict[str, str]] = {}
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, account_id: str | None = None) -> Any:
        """A client acting in `account_id` (the management account when None or its id)."""
        account = account_id or self.management_id
        cached = self._clients.get((account, service))
        if cached is not None:
            return cached
        credentials = {} if account == self.management_id else self._assume(account)
        made = self.session.client(
            service, endpoint_url=self.url, config=self.config, **credentials
        )
        self._clients[(account, service)] = made
        return made

    def _assume(self, account_id: str) -> dict[str, str]:
        if account_id not in self._credentials:
            answer = self.client("sts").assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/{ACCESS_ROLE}",
                RoleSessionName="account-designer-rehearsal",
            )["Credentials"]
            self._credentials[account_id] = {
                "aws_access_key_id": answer["AccessKeyId"],
                "aws_secret_access_key": answer["SecretAccessKey"],
                "aws_session_token": answer["SessionToken"],
            }
        return self._credentials[account_id]

    def connect(self) -> str:
        """The management account's id; RehearsalError when the emulator cannot be reached."""
        try:
            self.management_id = self.client("sts").get_caller_identity()["Account"]
        except (ClientError, BotoCoreError) as exc:
            raise RehearsalError(f"cannot use the emulator at {self.url}: {reason(exc)}") from None
        self._clients.clear()
        return self.management_id


def loopback_session(region: str = REGION) -> boto3.Session:
    """A session with the dummy keys whose every client bypasses proxies: its default client
    config (merged under any config a client is given, the import's included) has proxies={}."""
    core = botocore.session.get_session()
    core.set_default_client_config(Config(proxies=NO_PROXIES))
    return boto3.Session(region_name=region, botocore_session=core, **DUMMY_KEYS)


def reason(exc: Exception) -> str:
    """One line for an AWS error."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "error")
        return f"{code}: {error.get('Message', '')}".strip().rstrip(":")
    if isinstance(exc, EndpointConnectionError):
        return "connection refused (is the emulator running?)"
    return " ".join(str(exc).split()) or type(exc).__name__


def fatal(exc: Exception, url: str) -> RehearsalError | None:
    """The error that stops the whole rehearsal (unreachable, refused, throttled), if it is one."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in FATAL_CODES:
            return RehearsalError(f"the emulator at {url} answered {reason(exc)}")
        return None
    if isinstance(exc, (TransportError, HTTPClientError)):
        return RehearsalError(f"cannot use the emulator at {url}: {reason(exc)}")
    return None
