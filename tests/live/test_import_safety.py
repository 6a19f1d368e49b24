"""The import only reads, survives throttling and access denied, and sees what changed live."""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from designer.live.aws import Connection
from designer.live.diff import CHANGED, diff_designs
from designer.live.guard import WriteRefused, read_only_session
from designer.live.importer import ImportCancelled, import_organization
from tests.live.conftest import KEYS, LiveOrg
from tests.live.test_import import deny_assume_role

pytestmark = pytest.mark.live


def test_a_write_is_refused_before_it_is_sent(live_org: LiveOrg) -> None:
    client = read_only_session(region_name="us-east-1", **KEYS).client(
        "organizations", endpoint_url=live_org.url
    )
    before = client.list_roots()["Roots"][0]["Id"]  # reads pass
    with pytest.raises(WriteRefused, match="organizations:CreateOrganizationalUnit"):
        client.create_organizational_unit(ParentId=before, Name="Sneaky")
    units = live_org.client("organizations").list_organizational_units_for_parent(ParentId=before)
    assert "Sneaky" not in [u["Name"] for u in units["OrganizationalUnits"]]
    sts = read_only_session(region_name="us-east-1", **KEYS).client(
        "sts", endpoint_url=live_org.url
    )
    with pytest.raises(WriteRefused, match="sts:GetSessionToken"):
        sts.get_session_token()


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def _throttling(request: Any) -> tuple[int, str]:
    """The throttling answer in the request's own protocol (JSON, query or S3's REST XML)."""
    target = request.headers.get("X-Amz-Target")
    kind = request.headers.get("Content-Type") or b""
    if target or b"json" in (kind if isinstance(kind, bytes) else kind.encode()):  # JSON, REST-JSON
        return 400, json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})
    body = request.body or b""
    if b"Action=" in (body if isinstance(body, bytes) else str(body).encode()):
        return 400, (
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            "<Message>Rate exceeded</Message></Error></ErrorResponse>"
        )
    return 503, "<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>"


def throttle_every_third_call(session: boto3.Session) -> list[str]:
    """Answer one request in three with the service's throttling error: botocore retries."""
    counter = itertools.count()
    lock = threading.Lock()
    throttled: list[str] = []

    def send(request: Any, **_: Any) -> AWSResponse | None:
        with lock:
            if next(counter) % 3:
                return None
            throttled.append(request.url)
        status, body = _throttling(request)
        return AWSResponse(request.url, status, {}, _Raw(body.encode()))

    session.events.register("before-send", send)
    return throttled


def test_throttling_and_access_denied_still_give_the_whole_organization(
    live_org: LiveOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore's real retry logic runs; only its waiting is skipped to keep the test short.
    calm, _ = import_organization(Connection(endpoint_url=live_org.url), session=live_org.session())
    session = live_org.session()
    throttled = throttle_every_third_call(session)
    deny_assume_role(session, live_org.accounts["Locked Workload"])
    design, report = import_organization(Connection(endpoint_url=live_org.url), session=session)
    assert len(throttled) > 20
    gaps = {(g.account, g.what) for g in report.gaps}
    assert gaps == {
        (live_org.accounts["Locked Workload"], "assume role OrganizationAccountAccessRole"),
        (live_org.accounts["Closed Project"], "account"),
    }
    assert report.throttled == len(throttled)
    diff = diff_designs(calm, design)
    assert diff.entries == []  # what could not be read is never "missing"
    assert diff.unread
    assert all("Locked Workload" in e.reason for e in diff.unread), diff.unread


def test_a_change_in_the_live_organization_is_exactly_what_diff_reports(live_org: LiveOrg) -> None:
    before, _ = import_organization(
        Connection(endpoint_url=live_org.url), session=live_org.session()
    )
    iam = live_org.client("iam", "Payments Production")
    tooling = f"arn:aws:iam::{live_org.accounts['Security Tooling']}:root"
    no_mfa = {"Effect": "Allow", "Principal": {"AWS": tooling}, "Action": "sts:AssumeRole"}
    iam.update_assume_role_policy(
        RoleName="SecurityAudit",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [no_mfa]}),
    )
    after, _ = import_organization(
        Connection(endpoint_url=live_org.url), session=live_org.session()
    )
    [entry] = diff_designs(before, after).entries
    assert entry.status == CHANGED
    assert entry.subject == "trust Security Tooling -> Payments Production role SecurityAudit"
    assert [(c.field, c.planned, c.live) for c in entry.changes] == [("require MFA", True, False)]


def test_cancel_stops_the_import(live_org: LiveOrg) -> None:
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 2:
            stop.set()

    with pytest.raises(ImportCancelled):
        import_organization(
            Connection(endpoint_url=live_org.url, workers=1),
            progress=progress,
            cancel=stop,
            session=live_org.session(),
        )
    assert max(seen) < len(live_org.accounts)
