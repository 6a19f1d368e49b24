"""The import against endpoints that misbehave and arguments that are wrong: every case ends
within seconds with exit 2 and one line on stderr, or with a gap in the report; never a
traceback, never a hang.

Hostile endpoints are tests.helpers.hostile_http servers on 127.0.0.1; answers AWS could give
but rarely does (no root, an account without Id, repeating OU children) are moto's answers
rewritten by a proxy.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from designer.cli import main
from designer.live.aws import Connection
from designer.live.importer import ImportCancelled, import_organization
from designer.model import DesignError, load_design, save_design
from designer.model.templates import new_design_from_template
from tests.helpers.aws_proxy import AwsProxy
from tests.helpers.hostile_http import HostileServer, rewriting_proxy
from tests.live.conftest import LiveOrg

BEHAVIOURS = ("hang", "drip", "garbage", "html", "empty", "huge")
TIMEOUT = 3  # seconds: --timeout of every hostile run
SLACK = 4  # seconds the command may take beyond it (the grace, a slow shared machine)


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, float]:
    """Exit code, stderr and seconds taken of one command."""
    capsys.readouterr()
    started = time.monotonic()
    code = main(list(argv))
    return code, capsys.readouterr().err, time.monotonic() - started


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("account-designer: ")
    return lines[0]


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_a_hostile_endpoint_gives_one_line_and_exit_2_within_the_timeout(
    behaviour: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "live.json"
    with HostileServer(behaviour) as server:
        code, err, took = _run(
            capsys, "import", "-o", str(out), "--endpoint-url", server.url,
            "--timeout", str(TIMEOUT),
        )  # fmt: skip
    assert code == 2
    line = _one_line(err)
    assert took < TIMEOUT + SLACK
    if behaviour in ("hang", "drip"):  # only the deadline ends these
        assert "deadline (3 s) passed before the organization was read" in line
    else:
        assert "cannot read the organization" in line
    assert not out.exists()


def test_check_live_against_a_hanging_endpoint_stops_at_its_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    save_design(new_design_from_template("logging"), plan)
    with HostileServer("hang") as server:
        code, err, took = _run(
            capsys, "check-live", str(plan), "-o", str(tmp_path / "live.json"),
            "--endpoint-url", server.url, "--timeout", "2",
        )  # fmt: skip
    assert code == 2
    assert "deadline (2 s) passed" in _one_line(err)
    assert took < 2 + SLACK


def test_a_hanging_endpoint_fails_after_a_few_read_timeouts_without_a_deadline() -> None:
    """Timeouts are retried, but not ten times: a call to a silent endpoint is bounded."""
    with HostileServer("hang") as server:
        connection = Connection(endpoint_url=server.url, read_timeout=0.5, workers=1)
        started = time.monotonic()
        with pytest.raises(DesignError, match="cannot read the organization: Read timeout"):
            import_organization(connection)
        assert time.monotonic() - started < 4  # 3 attempts of 0.5 s and their backoff


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--profile", "no-such-profile"], "cannot read the organization: The config profile"),
        (["--endpoint-url", "not a url"], "--endpoint-url needs an http:// or https:// URL"),
        (["--endpoint-url", "http://127.0.0.1:port"], "--endpoint-url needs"),
        (["--timeout", "0"], "argument --timeout: needs a positive number of seconds"),
        (["--timeout", "soon"], "argument --timeout: needs a positive number of seconds"),
        (["--timeout", "nan"], "argument --timeout: needs a positive number of seconds"),
    ],
)
def test_a_bad_argument_gives_one_line_and_exit_2(
    argv: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, _ = _run(capsys, "import", "-o", str(tmp_path / "live.json"), *argv)
    assert code == 2
    assert says in _one_line(err)


def _import_through(
    live_org: LiveOrg, edits: Mapping[str, Callable[[Any], Any]], tmp_path: Path, capsys: Any
) -> tuple[int, str, float, Path]:
    out = tmp_path / "live.json"
    with rewriting_proxy(live_org.url, edits) as proxy:
        code, err, took = _run(
            capsys, "import", "-o", str(out), "--endpoint-url", proxy.url, "--timeout", "60"
        )
    return code, err, took, out


def test_repeating_ou_children_are_read_once(
    live_org: LiveOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every OU lists the Security OU among its children again: a walk without a visited
    set would never end."""
    security = live_org.units["Root/Security"]

    def loop(answer: dict[str, Any]) -> dict[str, Any]:
        units = answer["OrganizationalUnits"]
        if all(u["Id"] != security for u in units):
            units.append({"Id": security, "Name": "Security", "Arn": "arn:aws:x"})
        return answer

    edits = {"organizations:ListOrganizationalUnitsForParent": loop}
    code, _, took, out = _import_through(live_org, edits, tmp_path, capsys)
    assert code == 0
    assert took < 60
    names = sorted(ou.name for ou in load_design(out).organizational_units)
    assert names.count("Security") == 1
    assert len(names) == len(live_org.units) - 1  # the root is the organization itself


def test_an_organization_without_root_gives_one_line(
    live_org: LiveOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edits: dict[str, Callable[[Any], Any]] = {"organizations:ListRoots": lambda _: {"Roots": []}}
    code, err, _, out = _import_through(live_org, edits, tmp_path, capsys)
    assert code == 2
    assert _one_line(err).endswith(
        "cannot read the organization: ListRoots: the organization has no root"
    )
    assert not out.exists()


def test_an_account_listed_without_id_is_a_gap(
    live_org: LiveOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox = live_org.accounts["Developer Sandbox"]

    def drop_id(answer: dict[str, Any]) -> dict[str, Any]:
        for account in answer["Accounts"]:
            if account["Id"] == sandbox:
                del account["Id"]
        return answer

    edits = {"organizations:ListAccountsForParent": drop_id}
    code, err, _, out = _import_through(live_org, edits, tmp_path, capsys)
    assert code == 0
    assert "Traceback" not in err
    assert f"gap: organization: account under {live_org.units['Root/Sandbox']}: listed " \
        "without an Id: not read" in err  # fmt: skip
    ids = {a.aws_account_id for a in load_design(out).accounts}
    assert sandbox not in ids
    assert live_org.accounts["Identity"] in ids


def test_a_policy_without_json_content_is_a_gap(
    live_org: LiveOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def not_json(answer: dict[str, Any]) -> dict[str, Any]:
        answer["Policy"]["Content"] = "<html>not a policy</html>"
        return answer

    code, err, _, _ = _import_through(
        live_org, {"organizations:DescribePolicy": not_json}, tmp_path, capsys
    )
    assert code == 0
    assert "Traceback" not in err
    assert re.search(r"gap: organization: policy .*: its content is not JSON", err)


def test_an_account_answering_garbage_is_a_gap_for_that_fact(
    live_org: LiveOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CloudTrail's trails answered with bytes that are not UTF-8, in every account."""

    def garbage(operation: str, body: bytes) -> bytes:
        return bytes(range(128, 256)) if operation == "cloudtrail:DescribeTrails" else body

    out = tmp_path / "live.json"
    with AwsProxy(live_org.url, edit=garbage) as proxy:
        code, err, _ = _run(capsys, "import", "-o", str(out), "--endpoint-url", proxy.url)
    assert code == 0
    assert "Traceback" not in err
    report = json.loads(out.with_name("live.import-report.json").read_text())
    summary = [g for g in report["gaps"] if "unexpected answer" in g["reason"]]
    assert all(g["reason"].startswith("cloudtrail: unexpected answer") for g in summary)
    # the accounts were read all the same, only their trails are unknown
    assert report["accounts_read"] >= len(summary) >= 2


def test_the_deadline_during_the_scan_says_how_many_accounts_were_read(
    live_org: LiveOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = threading.Event()

    def stall(operation: str) -> None:
        if operation == "sts:AssumeRole":
            release.wait(10)  # every member account's role: only the management one is read

    out = tmp_path / "live.json"
    with AwsProxy(live_org.url, on_request=stall) as proxy:
        code, err, took = _run(
            capsys, "import", "-o", str(out), "--endpoint-url", proxy.url, "--timeout", "4"
        )
        release.set()
    assert code == 2
    accounts = len(live_org.accounts)
    assert re.search(
        rf"deadline \(4 s\) passed: 1 of {accounts} accounts read; nothing written$", _one_line(err)
    )
    assert took < 4 + SLACK
    assert not out.exists()


def test_cancel_is_honoured_in_the_organization_walk(live_org: LiveOrg) -> None:
    cancel = threading.Event()
    calls: list[str] = []

    def cancel_in_walk(operation: str) -> None:
        calls.append(operation)
        if operation == "organizations:ListOrganizationalUnitsForParent":
            cancel.set()

    with AwsProxy(live_org.url, on_request=cancel_in_walk) as proxy, pytest.raises(ImportCancelled):
        import_organization(
            Connection(endpoint_url=proxy.url, workers=1),
            cancel=cancel,
            session=live_org.session(),
        )
    assert calls[-1] == "organizations:ListOrganizationalUnitsForParent"  # none after Cancel


@pytest.mark.parametrize("behaviour", ["hang", "drip"])
def test_cancel_returns_at_once_while_a_call_is_blocked(behaviour: str) -> None:
    """The GUI's Cancel (no deadline): the import returns within a second or two even when a
    call is stuck on an endpoint that never finishes its answer."""
    cancel = threading.Event()
    with HostileServer(behaviour) as server:
        threading.Timer(1.0, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(ImportCancelled):
            import_organization(Connection(endpoint_url=server.url), cancel=cancel)
        assert time.monotonic() - started < 4
