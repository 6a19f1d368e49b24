"""`account-designer rehearse`: loopback only, one line and exit 2 for bad input, never a
traceback."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from designer.cli import main
from designer.live.aws import Connection, Sessions
from designer.model import save_design
from designer.model.templates import new_design_from_template
from designer.rehearsal import emulator as emulator_module
from designer.rehearsal.endpoint import loopback_endpoint
from designer.rehearsal.errors import RehearsalError
from tests.rehearsal.test_checks import IN_ORDER, small_export


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["rehearse", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://organizations.us-east-1.amazonaws.com",
        "http://10.0.0.5:5000",
        "http://localhost.example.com:5000",
        "http://127.0.0.1.nip.io:5000",
        "ftp://127.0.0.1:5000",
        "127.0.0.1:5000",
        "http://localhost:5000",  # the resolver, not the URL, decides where a name goes
        "http://LOCALHOST",
        "http://[::ffff:10.0.0.5]:5000",
    ],
)
def test_anything_but_loopback_is_refused(url: str) -> None:
    with pytest.raises(RehearsalError, match=r"loopback|not an http"):
        loopback_endpoint(url)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:5000", "http://127.8.9.10:80", "http://[::1]:5000", "https://127.0.0.1"],
)
def test_loopback_is_accepted(url: str) -> None:
    assert loopback_endpoint(url) == url


def test_the_command_refuses_a_real_endpoint_before_any_call(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = tmp_path / "design.json"
    save_design(new_design_from_template("logging"), design)
    small_export(tmp_path / "export", IN_ORDER)

    def no_client(*_: Any, **__: Any) -> None:
        raise AssertionError("a client was made")

    monkeypatch.setattr(emulator_module.boto3, "Session", no_client)
    url = "https://organizations.us-east-1.amazonaws.com"
    code, out, err = run(
        capsys, str(tmp_path / "export"), "--endpoint-url", url, "--design", str(design)
    )
    assert code == 2
    assert out == ""
    assert "is not on loopback" in one_line(err)


def _design(tmp_path: Path) -> str:
    path = tmp_path / "design.json"
    save_design(new_design_from_template("logging"), path)
    return str(path)


def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = "http://127.0.0.1:9"
    code, _, err = run(
        capsys, str(tmp_path / "none"), "--endpoint-url", url, "--design", _design(tmp_path)
    )
    assert code == 2
    assert "is not a folder" in one_line(err)
    corrupt = tmp_path / "corrupt"
    (corrupt / "plan").mkdir(parents=True)
    (corrupt / "plan/deployment-plan.json").write_text('{"steps": [')
    code, _, err = run(capsys, str(corrupt), "--endpoint-url", url, "--design", _design(tmp_path))
    assert code == 2
    assert "deployment-plan.json is not valid JSON" in one_line(err)
    small_export(tmp_path / "export", IN_ORDER)
    code, _, err = run(capsys, str(tmp_path / "export"), "--endpoint-url", url)
    assert code == 2
    assert "carries no design" in one_line(err)


def test_an_emulator_that_is_down_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with socket.socket() as taken:  # a port nobody listens on
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
    small_export(tmp_path / "export", IN_ORDER)
    url = f"http://127.0.0.1:{port}"
    code, out, err = run(
        capsys, str(tmp_path / "export"), "--endpoint-url", url, "--design", _design(tmp_path)
    )
    assert code == 2
    assert out == ""
    assert f"cannot use the emulator at {url}" in one_line(err)


@pytest.mark.live
@pytest.mark.parametrize(
    ("operation", "code", "said"),
    [
        ("sts.GetCallerIdentity", "AccessDenied", "AccessDenied"),
        ("organizations.CreateOrganization", "ThrottlingException", "ThrottlingException"),
        ("organizations.CreateAccount", "TooManyRequestsException", "TooManyRequestsException"),
    ],
)
def test_refused_or_throttled_calls_are_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    emulator: str,
    operation: str,
    code: str,
    said: str,
) -> None:
    made = emulator_module.Emulator.__init__

    def refusing(self: emulator_module.Emulator, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)

        def refuse(**_: Any) -> None:
            error = {"Error": {"Code": code, "Message": "no"}}
            raise ClientError(error, operation.split(".")[1])  # type: ignore[arg-type]

        self.session.events.register(f"before-call.{operation}", refuse)

    monkeypatch.setattr(emulator_module.Emulator, "__init__", refusing)
    small_export(tmp_path / "export", IN_ORDER)
    exit_code, out, err = run(
        capsys, str(tmp_path / "export"), "--endpoint-url", emulator, "--design", _design(tmp_path)
    )
    assert exit_code == 2
    assert out == ""
    assert said in one_line(err)


@pytest.mark.live
def test_json_report_of_a_small_plan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, emulator: str
) -> None:
    """A plan that is not the design's: it runs, but the diff is not empty (exit 1)."""
    small_export(tmp_path / "export", IN_ORDER)
    code, out, _ = run(
        capsys,
        str(tmp_path / "export"),
        "--endpoint-url",
        emulator,
        "--design",
        _design(tmp_path),
        "--format",
        "json",
    )
    report = json.loads(out)
    assert code == 1
    assert report["passed"] is False
    assert report["counts"] == {
        "run": 8,
        "substituted": 0,
        "manual": 1,
        "not simulated": 0,
        "failed": 0,
    }
    assert report["check_failures"] == []
    assert report["comparison"]["differences"]


def _free_port() -> int:
    with socket.socket() as taken:  # a port nobody listens on: a proxy that refuses at once
        taken.bind(("127.0.0.1", 0))
        return int(taken.getsockname()[1])


@pytest.fixture
def proxied(monkeypatch: pytest.MonkeyPatch) -> str:
    """HTTP(S)_PROXY set to a proxy nobody runs, and nothing exempt from it."""
    proxy = f"http://127.0.0.1:{_free_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    return proxy


def test_no_client_of_the_rehearsal_uses_a_proxy(proxied: str) -> None:
    """Neither the rehearsal's clients nor the import's (made on the rehearsal's session)."""
    url = "http://127.0.0.1:9"
    made = emulator_module.Emulator(url)
    clients = [made.client("organizations"), made.client("cloudformation")]
    sessions = Sessions(Connection(None, made.region, url), emulator_module.loopback_session())
    clients.append(sessions.client(None, "iam"))
    for client in clients:
        assert client.meta.config.proxies == {}
        http = client._endpoint.http_session  # what the requests go through
        assert http._proxy_config.proxy_url_for(url) is None


@pytest.mark.live
def test_a_rehearsal_with_proxies_in_the_environment_stays_on_loopback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, emulator: str, proxied: str
) -> None:
    """Every write and the import's reads reach the emulator, none the proxy (which would
    refuse them: the rehearsal would stop at its first call)."""
    small_export(tmp_path / "export", IN_ORDER)
    code, out, err = run(
        capsys,
        str(tmp_path / "export"),
        "--endpoint-url",
        emulator,
        "--design",
        _design(tmp_path),
        "--format",
        "json",
    )
    assert code == 1, err
    report = json.loads(out)
    assert report["counts"]["run"] == 8
    assert report["comparison"]["accounts_read"] == 2
