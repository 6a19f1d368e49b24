"""`account-designer validate` and `rules`: formats, exit codes, SARIF structure."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from designer.cli import main
from designer.model import Waiver, save_design
from designer.rules import all_rules
from tests.helpers.factories import ROOT, TEMPLATES
from tests.rules.builder import Builder

LANDING_ZONE = TEMPLATES / "reference-landing-zone.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def flawed(tmp_path: Path) -> Path:
    """No security-tooling account (high), a relationship without purpose (low), a waiver."""
    b = Builder()
    b.account("Logs", "log-archive")
    b.bucket("org-trail", "Logs")
    b.logs("org", "Logs", "cloudtrail", bucket="org-trail")
    b.account("Prod", owner="")
    b.trust("Management", "Prod", purpose="")
    b.design.waivers.append(
        Waiver(
            rule_id="SEED-INV",
            subject=b.id("Prod"),
            justification="pilot",
            author="lead",
            date=dt.date(2026, 11, 27),
        )
    )
    path = tmp_path / "flawed.json"
    save_design(b.build(), path)
    return path


def test_text_groups_by_severity_with_counts(
    capsys: pytest.CaptureFixture[str], flawed: Path
) -> None:
    code, out, _ = run(capsys, "validate", str(flawed))
    assert code == 1  # a high finding and the default --fail-on high
    first = out.splitlines()[0]
    assert first.startswith(f"{flawed}: 0 critical, ")
    assert "1 waived" in first
    assert "\nHIGH (" in out
    assert "SEED-SECSTRUCT" in out
    assert "SEED-DOC" in out
    assert "[waived by lead on 2026-11-27: pilot]" in out


@pytest.mark.parametrize(("level", "code"), [("critical", 0), ("high", 1), ("info", 1)])
def test_fail_on_sets_the_exit_code(
    capsys: pytest.CaptureFixture[str], flawed: Path, level: str, code: int
) -> None:
    assert run(capsys, "validate", str(flawed), "--fail-on", level)[0] == code


def test_json_shape(capsys: pytest.CaptureFixture[str], flawed: Path) -> None:
    _, out, _ = run(capsys, "validate", str(flawed), "--format", "json")
    data = json.loads(out)
    assert set(data) == {"file", "summary", "findings", "waived", "stale_waivers"}
    assert set(data["summary"]) == {
        "critical",
        "high",
        "medium",
        "low",
        "info",
        "waived",
        "stale_waivers",
    }
    finding = data["findings"][0]
    assert set(finding) == {"rule_id", "severity", "title", "message", "subjects"}
    assert data["waived"][0]["waiver"]["justification"] == "pilot"
    assert sum(data["summary"][s] for s in ("critical", "high", "medium", "low", "info")) == len(
        data["findings"]
    )


def test_sarif_is_2_1_0_with_rules_results_and_suppressions(
    capsys: pytest.CaptureFixture[str], flawed: Path
) -> None:
    _, out, _ = run(capsys, "validate", str(flawed), "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "account-designer"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == [r.id for r in all_rules()]
    lines = flawed.read_text(encoding="utf-8").splitlines()
    for result in run_["results"]:
        assert result["level"] in {"error", "warning", "note"}
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == flawed.as_posix()
        line = lines[location["region"]["startLine"] - 1]
        subjects = [loc["fullyQualifiedName"] for loc in result["locations"][0]["logicalLocations"]]
        if subjects:
            assert any(s in line for s in subjects)  # points at the entity's "id" line
    suppressed = [r for r in run_["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["SEED-INV"]
    assert suppressed[0]["suppressions"][0]["justification"].startswith("pilot")


def test_rules_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert len(out.splitlines()) == len(all_rules())
    _, out, _ = run(capsys, "rules", "--format", "json")
    assert [r["id"] for r in json.loads(out)] == [r.id for r in all_rules()]


def test_docs_rule_list_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "rules", "--format", "markdown")
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == out
    assert "docs/rules.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_validate_bad_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(bad))
    assert code == 2
    assert err.count("\n") == 1


def test_landing_zone_passes_the_default_gate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(LANDING_ZONE))
    assert code == 0, out
