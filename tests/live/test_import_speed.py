"""The fast import keeps its answers exact: the same design whatever the number of workers or
the throttling, one client per account and service, throttling counted, Cancel obeyed at the
next request (running calls are not waited for), and a denied organization read is a gap.

Everything goes over HTTP through tests/helpers/aws_proxy.py in front of moto's server: the
proxy throttles, injects AWS's own error answers, holds requests and logs what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

import boto3
import pytest

from designer.live.aws import Connection
from designer.live.importer import ImportCancelled, ImportReport, import_organization
from designer.model import Design
from designer.model.fileformat import dumps_design
from designer.model.vocabulary import Unread
from tests.helpers.aws_proxy import AwsProxy
from tests.live.conftest import LiveOrg

pytestmark = pytest.mark.live

WORKERS = 4
# as botocore names them in its events
SCAN_SERVICES = ("iam", "cloudtrail", "config-service", "s3", "ec2", "ram", "service-catalog")


def imported(
    org: LiveOrg, url: str, workers: int = WORKERS, session: boto3.Session | None = None, **kw: Any
) -> tuple[Design, ImportReport]:
    return import_organization(
        Connection(endpoint_url=url, workers=workers), session=session or org.session(), **kw
    )


def counting_clients(session: boto3.Session) -> Counter[str]:
    """How many clients of each service the session makes (botocore announces each)."""
    made: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        made[event_name.split(".")[-1]] += 1

    session.events.register("creating-client-class", count)
    return made


@pytest.fixture(scope="module")
def calm(live_org: LiveOrg) -> tuple[Design, ImportReport, Counter[str]]:
    """One import with one worker, straight to moto: the reference."""
    session = live_org.session()
    made = counting_clients(session)
    design, report = imported(live_org, live_org.url, workers=1, session=session)
    return design, report, made


def test_eight_workers_give_the_same_design_bytes_as_one(
    live_org: LiveOrg, calm: tuple[Design, ImportReport, Counter[str]]
) -> None:
    design, report = imported(live_org, live_org.url, workers=8)
    assert report.scanned == calm[1].scanned
    assert dumps_design(design) == dumps_design(calm[0])


def test_each_account_has_one_client_per_service_and_sts_one(
    calm: tuple[Design, ImportReport, Counter[str]],
) -> None:
    _, report, made = calm
    assert report.scanned > 5
    assert made["organizations"] == 1
    assert made["sts"] == 1  # not one per assumed role
    for service in SCAN_SERVICES:  # s3 too, though the log buckets are read after the scans
        assert made[service] == report.scanned, service


def test_throttling_is_counted_retried_and_changes_nothing(
    live_org: LiveOrg, calm: tuple[Design, ImportReport, Counter[str]]
) -> None:
    with AwsProxy(live_org.url, throttle_every=3) as proxy:
        design, report = imported(live_org, proxy.url)
    assert proxy.throttled > 20
    assert report.throttled == proxy.throttled  # every throttling answer received is counted
    assert report.requests == len(proxy.log)  # every request sent, retries included
    assert report.retries == report.requests - report.api_calls
    assert report.gaps == calm[1].gaps
    assert dumps_design(design) == dumps_design(calm[0])
    figures = report.as_json()
    assert (figures["throttled_requests"], figures["retries"], figures["requests_sent"]) == (
        report.throttled,
        report.retries,
        report.requests,
    )


def cancel_at(
    proxy: AwsProxy, operation: str, nth: int, stop: threading.Event, hold: threading.Event | None
) -> dict[str, Any]:
    """Set `stop` when the nth `operation` reaches the proxy (with `hold`, keep that request
    waiting until `hold` is set). The answer: where the log stood then, and whether the
    request is still held."""
    seen: dict[str, Any] = {"count": 0, "at": None, "holding": False}
    lock = threading.Lock()

    def on_request(received: str) -> None:
        with lock:
            if received != operation or seen["at"] is not None:
                return
            seen["count"] += 1
            if seen["count"] < nth:
                return
            seen["at"] = len(proxy.log)  # this request included
            stop.set()
        if hold is not None:
            seen["holding"] = True
            hold.wait(20)
            seen["holding"] = False

    proxy.on_request = on_request
    return seen


def test_cancel_in_the_organization_phase_stops_at_the_next_request(live_org: LiveOrg) -> None:
    stop = threading.Event()
    with AwsProxy(live_org.url) as proxy:
        seen = cancel_at(proxy, "organizations:ListTagsForResource", 3, stop, None)
        with pytest.raises(ImportCancelled):
            imported(live_org, proxy.url, cancel=stop)
        time.sleep(0.5)  # a worker that kept going would send meanwhile
    after = proxy.log[seen["at"] :]
    assert len(after) < WORKERS, after  # only requests already on their way
    assert not [op for op in proxy.log if op.startswith("sts:")]  # no account scan began


def test_cancel_during_scans_does_not_wait_for_running_calls(live_org: LiveOrg) -> None:
    stop, hold = threading.Event(), threading.Event()
    with AwsProxy(live_org.url) as proxy:
        seen = cancel_at(proxy, "sts:AssumeRole", 3, stop, hold)
        try:
            with pytest.raises(ImportCancelled):
                imported(live_org, proxy.url, cancel=stop)
            still_held = seen["holding"]  # the scan waiting on that AssumeRole still runs
        finally:
            hold.set()
        time.sleep(0.5)
    assert still_held
    after = proxy.log[seen["at"] :]
    assert len(after) < WORKERS, after


def test_denied_delegated_administrators_and_tags_are_gaps_not_absent(
    live_org: LiveOrg, calm: tuple[Design, ImportReport, Counter[str]]
) -> None:
    denied = {
        "organizations:ListDelegatedAdministrators": "AccessDeniedException",
        "organizations:ListTagsForResource": "AccessDeniedException",
    }
    with AwsProxy(live_org.url, fail=denied) as proxy:
        design, report = imported(live_org, proxy.url)
    organization_gaps = [(g.what, g.reason) for g in report.gaps if g.account is None]
    assert (
        "delegated administrators",
        "organizations:ListDelegatedAdministrators: AccessDeniedException: "
        "injected by the test proxy: organizations:ListDelegatedAdministrators",
    ) in organization_gaps
    assert design.organization.unread == [Unread.DELEGATED_ADMINISTRATORS]
    assert calm[0].organization.unread == []  # read, it is known: GuardDuty is delegated
    tag_gaps = {g.account for g in report.gaps if g.what == "tags"}
    assert tag_gaps == set(live_org.accounts.values())
    for account in design.accounts:
        assert Unread.TAGS in account.unread, account.name
    assert all(Unread.TAGS not in a.unread for a in calm[0].accounts)


def test_a_policy_whose_content_is_not_json_is_a_gap_not_a_crash(
    live_org: LiveOrg, calm: tuple[Design, ImportReport, Counter[str]]
) -> None:
    def garble(operation: str, body: bytes) -> bytes:
        if operation != "organizations:DescribePolicy":
            return body
        answer = json.loads(body)
        if answer["Policy"]["PolicySummary"]["Name"] == "DenyAllSuspended":
            answer["Policy"]["Content"] = '{"Version": "2012-10-17", "Statement": ['
        return json.dumps(answer).encode()

    with AwsProxy(live_org.url, edit=garble) as proxy:
        design, report = imported(live_org, proxy.url)
    policy = live_org.policies["DenyAllSuspended"]
    [gap] = [g for g in report.gaps if g.account is None]
    assert (gap.what, gap.reason.split(":")[0]) == (
        f"policy DenyAllSuspended ({policy})",
        "its content is not JSON",
    )
    read = {p.name for p in design.service_control_policies}
    assert read == {p.name for p in calm[0].service_control_policies} - {"DenyAllSuspended"}
