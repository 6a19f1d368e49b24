"""check-live against moto's HTTP server: a plan, an import kept as the baseline, changes made in
the organization, and a second check that names each change once, in the right class."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError

from designer.cli import main
from designer.live.drift import CLASSES
from designer.live.history import history_dir, kept
from designer.model import Account, Design, load_design, new_id, save_design
from designer.model.fileformat import dumps_design, parse_design
from designer.model.templates import new_design_from_template
from tests.live.conftest import LiveOrg
from tests.live.drift_org import drift_org, plant_changes  # noqa: F401

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "check-live"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def re_id(design: Design) -> Design:
    """The design with every id replaced, as a plan drawn by hand would have its own ids."""
    text = dumps_design(design)
    for old in dict.fromkeys(re.findall(r'"id": "([^"]+)"', text)):
        text = text.replace(f'"{old}"', f'"{new_id()}"')
    return parse_design(text)


def drifted_plan(seed: Design) -> Design:
    """The organization as imported, but planned with an account never created (Payments),
    without the Legacy role, and with MFA on the SecurityAudit role (the live one has none)."""
    workloads = next(u for u in seed.organizational_units if u.name == "Workloads")
    prod = next(a for a in seed.accounts if a.name == "Prod")
    payments = Account(
        name="Payments",
        email="aws+payments@example.com",
        functions=list(prod.functions),
        parent=workloads.id,
    )
    relationships = [
        r.model_copy(update={"require_mfa": True}) if _role(r) == "SecurityAudit" else r
        for r in seed.relationships
        if _role(r) != "Legacy"
    ]
    assert len(relationships) == len(seed.relationships) - 1
    return re_id(
        seed.model_copy(
            update={"accounts": [*seed.accounts, payments], "relationships": relationships}
        )
    )


def _role(rel: Any) -> str | None:
    return rel.role_name if rel.kind == "trust" else None


@dataclass
class Scenario:
    url: str
    folder: Path
    plan: Path  # the imported organization itself, re-id'd
    drifted: Path  # the plan that differs from it
    runs: dict[str, tuple[int, str, str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def scenario(
    drift_org: LiveOrg,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Scenario:
    """Every check-live run of the story, in order; the tests read their results."""
    mp = pytest.MonkeyPatch()
    mp.setenv("AWS_ACCESS_KEY_ID", "testing")
    mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    mp.delenv("AWS_PROFILE", raising=False)
    folder = tmp_path_factory.mktemp("check-live")
    url = drift_org.url
    seed = folder / "seed.json"
    assert main(["import", "-o", str(seed), "--endpoint-url", url, "--workers", "4"]) == 0
    s = Scenario(url, folder, folder / "plan.json", folder / "drifted.json")
    save_design(re_id(load_design(seed)), s.plan)
    save_design(drifted_plan(load_design(seed)), s.drifted)
    capsys = _Capture()

    def check(name: str, plan: Path, *extra: str) -> None:
        out = str(folder / f"{name}.import.json")
        argv = ["check-live", str(plan), "-o", out, "--endpoint-url", url, "--workers", "4"]
        with capsys:
            code = main([*argv, *extra])
        s.runs[name] = (code, capsys.out, capsys.err)

    check("equal-first", s.plan, "--fail-on", "none")
    check("equal-again", s.plan, "--fail-on", "none", "--format", "json")
    worst = max(SEVERITIES.index(f["severity"]) for f in _findings(s.runs["equal-again"]))
    check("gate-worst", s.plan, "--fail-on", SEVERITIES[worst], "--no-history", "--format", "json")
    if worst + 1 < len(SEVERITIES):
        check("gate-above", s.plan, "--fail-on", SEVERITIES[worst + 1], "--no-history")
    check("baseline", s.drifted, "--fail-on", "none", "--format", "json")
    plant_changes(drift_org)
    check("json", s.drifted, "--fail-on", "none", "--format", "json")
    baseline = kept(history_dir(s.drifted))[0].path
    check("text", s.drifted, "--fail-on", "none", "--baseline", str(baseline), "--no-history")
    check("sarif", s.drifted, "--format", "sarif", "--baseline", str(baseline), "--no-history")
    check("markdown", s.drifted, "--format", "markdown", "--baseline", str(baseline))
    mp.undo()
    return s


SEVERITIES = ["info", "low", "medium", "high", "critical"]


def _findings(result: tuple[int, str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(result[1])["findings"]["findings"]
    return found


class _Capture:
    """stdout and stderr of one main() call (the module fixture cannot use capsys)."""

    def __init__(self) -> None:
        self.out = self.err = ""

    def __enter__(self) -> None:
        self._out, self._err = io.StringIO(), io.StringIO()
        self._redirects = redirect_stdout(self._out), redirect_stderr(self._err)
        for redirect in self._redirects:
            redirect.__enter__()

    def __exit__(self, *exc: Any) -> None:
        for redirect in reversed(self._redirects):
            redirect.__exit__(*exc)
        self.out, self.err = self._out.getvalue(), self._err.getvalue()


# What was planted, how each is named, and where it belongs (class, since the baseline, standing).
PLANTED: dict[str, tuple[Callable[[str], bool], str, str | None, str]] = {
    "Payments, planned, never created": (
        lambda s: s.startswith("account Payments"),
        "planned-not-deployed",
        None,
        "planned-not-deployed",
    ),
    "Legacy, live, never planned": (
        lambda s: s.startswith("trust ") and s.endswith("role Legacy"),
        "deployed-not-planned",
        None,
        "deployed-not-planned",
    ),
    "SecurityAudit without the planned MFA": (
        lambda s: s.startswith("trust ") and s.endswith("role SecurityAudit"),
        "differs-from-plan",
        None,
        "differs-from-plan",
    ),
    "WorkloadGuard edited": (
        lambda s: s == "SCP WorkloadGuard",
        "changed-since-baseline",
        "changed",
        "differs-from-plan",
    ),
    "Breakglass added": (
        lambda s: s.startswith("trust Dev -> Prod") and s.endswith("role Breakglass"),
        "changed-since-baseline",
        "appeared",
        "deployed-not-planned",
    ),
    "Auditor deleted": (
        lambda s: s.startswith("trust Security Tooling -> Log Archive") and s.endswith("Auditor"),
        "changed-since-baseline",
        "disappeared",
        "planned-not-deployed",
    ),
    "Retired deleted": (
        lambda s: s == "OU Root/Retired",
        "changed-since-baseline",
        "disappeared",
        "planned-not-deployed",
    ),
    "Dev moved to Sandbox": (
        lambda s: s.startswith("account Dev ("),
        "changed-since-baseline",
        "changed",
        "differs-from-plan",
    ),
}


def test_a_bad_planned_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"format_version": 1, "accounts": [', encoding="utf-8")
    out = tmp_path / "live.json"
    code, stdout, err = run(capsys, "check-live", str(bad), "-o", str(out))
    assert code == 2
    assert err.startswith("account-designer: ")
    assert str(bad) in err
    assert err.count("\n") == 1
    assert stdout == ""
    assert not out.exists()
    assert not history_dir(bad).exists()
    good = tmp_path / "good.json"
    save_design(new_design_from_template("logging"), good)
    code, _, err = run(capsys, "check-live", str(good), "-o", str(good))
    assert code == 2
    assert "would replace" in err
    code, _, err = run(capsys, "check-live", str(bad), "-o", str(out), "--fail-on", "severe")
    assert code == 2
    assert "--fail-on" in err
    assert err.count("\n") == 1


def test_the_plan_equal_to_the_live_organization_exits_0(scenario: Scenario) -> None:
    code, out, err = scenario.runs["equal-first"]
    assert code == 0, out + err
    assert "no baseline" in out.splitlines()[0]
    code, out, err = scenario.runs["equal-again"]  # the first import is now its baseline
    assert code == 0, out + err
    report = json.loads(out)
    assert report["baseline"] == kept(history_dir(scenario.plan))[0].path.as_posix()
    assert report["entries"] == []
    assert report["counts"]["agreed"] > 10  # accounts, OUs, SCPs, roles: all matched


def _named(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        what: [e for e in entries if matches(e["subject"])]
        for what, (matches, *_) in PLANTED.items()
    }


def test_each_planted_change_is_named_once_in_its_class(scenario: Scenario) -> None:
    code, out, err = scenario.runs["baseline"]  # before the changes: two of three ways
    assert code == 1, err
    before = json.loads(out)
    assert before["baseline"] is None
    assert {e["class"] for e in before["entries"]} == {
        "planned-not-deployed",
        "deployed-not-planned",
        "differs-from-plan",
    }
    code, out, err = scenario.runs["json"]
    assert code == 1, err
    report = json.loads(out)
    assert report["baseline"] == kept(history_dir(scenario.drifted))[0].path.as_posix()
    found = _named(report["entries"])
    for what, (_, cls, since, standing) in PLANTED.items():
        assert len(found[what]) == 1, (what, found[what])
        entry = found[what][0]
        assert (entry["class"], entry["since_baseline"], entry["standing"]) == (
            cls,
            since,
            standing,
        ), what
    others = [e for e in report["entries"] if not any(e in hits for hits in found.values())]
    # the plan's organization-wide role lands in Payments too: not deployed with it
    assert [(e["class"], e["kind"]) for e in others] == [("planned-not-deployed", "trust")]
    assert "-> Payments role OrganizationAccountAccessRole" in others[0]["subject"]
    counts = report["counts"]
    assert counts["changed-since-baseline"] == 5
    assert counts["planned-not-deployed"] == 2
    assert counts["deployed-not-planned"] == 1
    # no longer agreed: Dev, WorkloadGuard, SecurityAudit, Auditor, Retired, the role not in
    # Payments, and Legacy, which the plan does not have (Payments was never deployed)
    agreed = json.loads(scenario.runs["equal-again"][1])["counts"]["agreed"]
    assert counts["agreed"] == agreed - 7
    [moved] = found["Dev moved to Sandbox"]
    assert {"field": "OU", "from": "Root/Workloads", "to": "Root/Sandbox"} in moved["changes"]
    [mfa] = found["SecurityAudit without the planned MFA"]
    assert mfa["changes"] == [{"field": "require MFA", "from": True, "to": False}]


def test_the_text_report_names_each_change_once_on_its_class_line(scenario: Scenario) -> None:
    code, out, err = scenario.runs["text"]
    assert code == 1, err
    lines = out.splitlines()
    assert "changed-since-baseline" in lines[0]
    assert "baseline " in lines[0]
    for what, (matches, cls, since, _) in PLANTED.items():
        hits = [
            line
            for line in lines
            if line.split("  ", 1)[0] in CLASSES
            and matches(line.split("  ", 1)[1].lstrip().split(": ", 1)[0])
        ]
        assert len(hits) == 1, (what, hits)
        assert hits[0].startswith(cls)
        if since:
            assert f": {since}" in hits[0]
    # the edited SCP as a unified diff from the baseline, a line of it a line
    diff = [line.strip() for line in lines if line.startswith(" " * 24)]
    assert diff[:2] == ["--- baseline", "+++ live"]
    assert '+        "ec2:CreateVpc"' in diff


PLANTED_CLASSES = {cls for _, cls, _, _ in PLANTED.values()}


def test_findings_at_or_above_fail_on_exit_1(scenario: Scenario) -> None:
    findings = _findings(scenario.runs["equal-again"])
    assert findings, "the live organization has findings to gate on"
    report = json.loads(scenario.runs["equal-again"][1])
    assert report["findings"]["fail_on"] is None
    assert report["findings"]["failing"] == 0
    code, out, err = scenario.runs["gate-worst"]
    assert code == 1, err
    gated = json.loads(out)
    assert gated["entries"] == []  # nothing differs: the findings decided
    assert gated["findings"]["failing"] > 0
    if "gate-above" in scenario.runs:
        assert scenario.runs["gate-above"][0] == 0


def _url(scenario: Scenario) -> str:
    return scenario.url


def test_sarif_is_2_1_0_and_points_into_the_plan(scenario: Scenario) -> None:
    code, out, err = scenario.runs["sarif"]
    assert code == 1, err
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    [run_] = sarif["runs"]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    plan = scenario.drifted.as_posix()
    plan_lines = scenario.drifted.read_text(encoding="utf-8").splitlines()
    drift = [r for r in run_["results"] if r["ruleId"].startswith("DRIFT-")]
    assert sorted(r["ruleId"] for r in drift) == sorted(
        ["DRIFT-PLANNED-NOT-DEPLOYED"]
        + ["DRIFT-" + cls.upper() for _, cls, _, _ in PLANTED.values()]
    )
    for result in run_["results"]:
        assert result["level"] in {"error", "warning", "note"}
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
        [location] = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        line = location["physicalLocation"]["region"]["startLine"]
        subjects = [loc["fullyQualifiedName"] for loc in location["logicalLocations"]]
        if uri == plan:  # the planned side exists: at its "id" line
            assert any(f'"id": "{s}"' in plan_lines[line - 1] for s in subjects)
    by_rule = {r["ruleId"]: r for r in drift}
    assert (
        by_rule["DRIFT-PLANNED-NOT-DEPLOYED"]["locations"][0]["physicalLocation"][
            "artifactLocation"
        ]["uri"]
        == plan
    )
    unplanned = by_rule["DRIFT-DEPLOYED-NOT-PLANNED"]["locations"][0]["physicalLocation"]
    assert (
        unplanned["artifactLocation"]["uri"] == (scenario.folder / "sarif.import.json").as_posix()
    )
    assert by_rule["DRIFT-CHANGED-SINCE-BASELINE"]["level"] == "error"
    located = [r for r in run_["results"] if not r["ruleId"].startswith("DRIFT-")]
    assert any(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == plan for r in located
    ), "findings about planned things point into the plan"


def test_history_lists_kept_imports_with_change_counts(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "history", str(scenario.drifted), "--format", "json")
    assert code == 0, err
    imports = json.loads(out)["imports"]
    # baseline, json, markdown (text and sarif ran with --no-history)
    assert len(imports) == 3
    assert [i["taken"] for i in imports] == sorted(i["taken"] for i in imports)
    assert imports[0]["since_previous"] is None
    assert imports[1]["since_previous"] == {"appeared": 1, "disappeared": 2, "changed": 2}
    assert imports[2]["since_previous"] == {"appeared": 0, "disappeared": 0, "changed": 0}
    assert {i["accounts"] for i in imports} == {5}
    assert {i["gaps"] for i in imports} == {0}
    damaged = history_dir(scenario.drifted) / "20000101T000000Z.json"
    damaged.write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "history", str(history_dir(scenario.drifted)))
    damaged.unlink()
    assert code == 0
    assert err.count("\n") == 1
    assert "skipped" in err
    assert damaged.name in err
    lines = out.splitlines()
    assert len(lines) == 3
    assert "first kept" in lines[0]
    assert "1 appeared, 2 disappeared, 2 changed" in lines[1]


def test_the_markdown_report_has_every_class(scenario: Scenario) -> None:
    code, out, err = scenario.runs["markdown"]
    assert code == 1, err
    for cls in PLANTED_CLASSES:
        assert f"| {cls} |" in out


# -- the documented jobs, run as written --------------------------------------------------------
def _script_env(scenario: Scenario, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PYTEST_ADDOPTS"
    }
    return {
        **env,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "AWS_ENDPOINT_URL": _url(scenario),  # where the documented command reaches "AWS"
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MEMBER_ROLE": "OrganizationAccountAccessRole",  # the role the moto organization has
        **extra,
    }


def test_the_github_workflow_step_runs_and_uploads_valid_sarif(
    scenario: Scenario, tmp_path: Path
) -> None:
    workflow = yaml.safe_load((DOCS / "check-live.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["check-live"]
    steps = {s.get("id") or s.get("name"): s for s in job["steps"]}
    uses = " ".join(s.get("uses", "") for s in job["steps"])
    for action in (
        "aws-actions/configure-aws-credentials",
        "github/codeql-action/upload-sarif",
        "actions/cache",
    ):
        assert action in uses
    assert workflow["permissions"]["id-token"] == "write"
    running = [s for s in job["steps"] if "account-designer " in s.get("run", "")]
    assert running == [steps["check"]]  # the step run below is the only one that checks
    env = workflow["env"]
    assert history_dir(env["PLAN"]).as_posix() == env["HISTORY"]  # the cache keeps the history
    work = tmp_path / "repo"
    plan = work / env["PLAN"]
    plan.parent.mkdir(parents=True)
    plan.write_bytes(scenario.drifted.read_bytes())
    output = tmp_path / "github-output"
    done = subprocess.run(
        ["bash", "-e", "-c", steps["check"]["run"]],
        cwd=work,
        env=_script_env(
            scenario,
            **{k: str(v) for k, v in env.items() if k != "MEMBER_ROLE"},
            GITHUB_OUTPUT=str(output),
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr  # the step passes for 0, 1 and 3
    assert output.read_text().strip() == "code=1"  # the drift planted
    sarif = json.loads((work / "check-live.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"]
    assert len(kept(work / env["HISTORY"])) == 1
    failing = steps["Fail on drift, findings or gaps"]
    assert failing["if"] == "steps.check.outputs.code != '0'"


def test_the_cron_script_runs_and_reports_by_exit_code(scenario: Scenario, tmp_path: Path) -> None:
    text = (DOCS / "cron.md").read_text(encoding="utf-8")
    script = re.search(r"```sh\n(.*?)```", text, re.S)
    assert script is not None
    crontab = re.search(r"```\n(MAILTO=.*?)```", text, re.S)
    assert crontab is not None
    assert "check-live.sh" in crontab.group(1)
    env = _script_env(scenario, PLAN=str(scenario.drifted), OUT=str(tmp_path / "out"))
    done = subprocess.run(
        ["sh", "-c", script.group(1)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("check-live: drift or findings")
    assert "| changed-since-baseline |" in (tmp_path / "out" / "report.md").read_text()
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    done = subprocess.run(
        ["sh", "-c", script.group(1)],
        env={**env, "PLAN": str(bad)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2
    assert done.stdout.startswith("check-live: could not run:")
    assert done.stdout.count("\n") == 2  # the heading and the one-line reason


def _refusing_session(account: str) -> type[boto3.Session]:
    """boto3.Session as the command makes it, but AssumeRole into `account` is refused (moto
    does not evaluate trust policies); every other call goes to the server."""

    class Refusing(boto3.Session):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.events.register("before-parameter-build.sts.AssumeRole", self._refuse)

        @staticmethod
        def _refuse(params: dict[str, Any], **_: Any) -> None:
            if f"::{account}:" in params.get("RoleArn", ""):
                error = {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}
                raise ClientError(error, "AssumeRole")

    return Refusing


def test_only_gaps_exit_3_and_the_unread_account_is_not_called_missing(
    scenario: Scenario,
    drift_org: LiveOrg,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = scenario.folder / "json.import.json"  # the organization as it is now
    plan = scenario.folder / "now-plan.json"
    save_design(re_id(load_design(now)), plan)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(boto3, "Session", _refusing_session(drift_org.accounts["Prod"]))
    argv = ["check-live", str(plan), "-o", str(scenario.folder / "locked.json")]
    argv += ["--baseline", str(now), "--endpoint-url", scenario.url, "--fail-on", "none"]
    code, out, err = run(capsys, *argv, "--format", "json")
    report = json.loads(out)
    assert report["entries"] == [], report["entries"]  # Prod's roles: not read, not missing
    assert any(g["account"] == drift_org.accounts["Prod"] for g in report["gaps"])
    assert report["not_compared"], "what could not be read is named"
    assert code == 3, err


def test_ctrl_c_exits_130_and_keeps_nothing(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from designer import cli

    def interrupting() -> Callable[[int, int], None]:
        def show(done: int, total: int) -> None:
            if done >= 2:
                raise KeyboardInterrupt

        return show

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(cli, "_progress_bar", interrupting)
    before = kept(history_dir(scenario.plan))
    out = scenario.folder / "interrupted.json"
    argv = ["check-live", str(scenario.plan), "-o", str(out), "--endpoint-url", scenario.url]
    code, stdout, err = run(capsys, *argv, "--workers", "1")
    assert code == 130
    assert err.strip().endswith("interrupted")
    assert stdout == ""
    assert not out.exists()
    assert kept(history_dir(scenario.plan)) == before


def test_history_keeps_two_imports_of_one_second_apart_in_order(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from designer.live.history import keep

    design = new_design_from_template("logging")
    folder = history_dir(tmp_path / "plan.json")
    assert folder == tmp_path / "plan.imports"
    assert kept(folder) == []
    second = datetime(2026, 12, 4, 6, 0, 0, 500, tzinfo=UTC)
    first = keep(folder, design, {"gaps": []}, now=second)
    again = keep(folder, design, {"gaps": [{"account": None}]}, now=second)
    (folder / "notes.txt").write_text("not an import", encoding="utf-8")
    assert first.path != again.path  # never overwritten
    assert [k.path for k in kept(folder)] == [first.path, again.path]
    report = kept(folder)[1].report
    assert report is not None
    assert json.loads(report.read_text(encoding="utf-8")) == {"gaps": [{"account": None}]}
    assert load_design(again.path) == design
    assert first.taken == second.replace(microsecond=0)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []  # no temp


def _one_per_account(design: Design, role: str) -> Design:
    """`design` with the trust `role`, scoped to an OU, found as an import finds it when it does
    not fold: one role in each account of the OU."""
    from designer.core.scope import Scopes

    scopes = Scopes(design)
    relationships: list[Any] = []
    for rel in design.relationships:
        if rel.kind == "trust" and rel.role_name == role:
            relationships += [c.model_copy(update={"id": new_id()}) for c in scopes.expand(rel)]
        else:
            relationships.append(rel)
    return design.model_copy(update={"relationships": relationships})


@pytest.mark.parametrize("folded", [False, True], ids=["one-per-account", "folded"])
def test_a_role_gone_from_one_account_of_a_scoped_plan_is_named_once(folded: bool) -> None:
    """The baseline holds the role once per account, or once scoped to the OU (an import folds
    a role found in every account of an OU); then one account loses it."""
    from designer.live.drift import three_way

    plan = new_design_from_template("identity")
    [scoped] = [r for r in plan.relationships if _role(r) == "SecurityReadOnly"]
    baseline = re_id(plan if folded else _one_per_account(plan, "SecurityReadOnly"))
    found = _one_per_account(baseline, "SecurityReadOnly")
    copies = [r for r in found.relationships if _role(r) == "SecurityReadOnly"]
    assert len(copies) == 3
    gone = copies[1]
    kept_roles = [r for r in found.relationships if r.id != gone.id]
    live = found.model_copy(update={"relationships": kept_roles})
    assert three_way(plan, baseline).entries == []  # the scoped plan equals its copies
    report = three_way(plan, live, baseline)
    lacking = next(a.name for a in live.accounts if a.id == gone.target)
    [entry] = report.entries
    assert (entry.cls, entry.since_baseline, entry.standing) == (
        "changed-since-baseline",
        "disappeared",
        "planned-not-deployed",
    )
    assert entry.planned_id == scoped.id
    assert f"-> {lacking} role SecurityReadOnly" in entry.subject
    assert report.marks() == {scoped.id: "changed-since-baseline"}
    assert report.counts()["agreed"] == three_way(plan, baseline).agreed - 1
