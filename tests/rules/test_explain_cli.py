"""`account-designer validate FILE --explain RULE`, and the evidence in the JSON and SARIF
reports: how a rule concluded (a path's hops, the policy read), not only the conclusion."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

import designer.cli
from designer.cli import main
from designer.model import save_design
from designer.rules import Finding, Report, Severity, all_rules
from tests.helpers.factories import TEMPLATES
from tests.rules.corpus.kit import Kit

LANDING_ZONE = TEMPLATES / "reference-landing-zone.json"
HOPS = (
    "'Developer Sandbox' -> 'Retail Development': role 'DeployRole' (service-admin)",
    "'Retail Development' -> 'Retail Production': role 'WorkloadAdmin' (administrator)",
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def with_path(monkeypatch: pytest.MonkeyPatch) -> Finding:
    """Validation answers one finding with evidence and one without (a rule's own findings
    change as the catalogue grows; the report formats are what is tested here)."""
    rule = next(r for r in all_rules() if r.id == "IAM-15")
    kit = Kit()
    finding = Finding(
        rule.id,
        Severity.HIGH,
        rule.title,
        "'Developer Sandbox' reaches administrator in 'Retail Production'",
        (kit.id("Developer Sandbox"), kit.id("Retail Production")),
        HOPS,
    )
    plain = Finding("LOG-08", Severity.LOW, "t", "a finding with no evidence", ())

    def fake(_design: Any, _graph: Any = None) -> Report:
        return Report([finding, plain], [], [])

    monkeypatch.setattr(designer.cli, "validate", fake)
    return finding


def test_explain_prints_the_rule_then_each_finding(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run(capsys, "validate", str(LANDING_ZONE), "--explain", "LOG-08")
    assert not err
    rule = next(r for r in all_rules() if r.id == "LOG-08")
    lines = out.splitlines()
    assert lines[0] == f"LOG-08  {rule.title}"
    assert lines[1] == "Severity: low; category: logging; structure: logging"
    assert out.index("Why: ") < out.index("Fix: ") < out.index("References:")
    for ref in rule.references:
        assert f"  - {ref}" in lines
    assert "2 findings of LOG-08 in this design:" in lines
    bucket = "log bucket 'example-org-logs-cloudtrail-153715744375'"
    assert f"  LOW      MFA Delete on {bucket} cannot be deployed by CloudFormation: " in out
    assert f"    Involves: {bucket}" in lines


def test_explain_shows_the_evidence_indented_and_the_subjects_named(
    capsys: pytest.CaptureFixture[str], with_path: Finding
) -> None:
    code, out, _ = run(capsys, "validate", str(LANDING_ZONE), "--explain", "iam-15")
    assert code == 1  # validate's exit code: a high finding remains
    lines = out.splitlines()
    at = lines.index(f"  HIGH     {with_path.message}")
    assert lines[at + 1 : at + 5] == [
        "    Involves: account 'Developer Sandbox', account 'Retail Production'",
        "    Evidence:",
        f"      {HOPS[0]}",
        f"      {HOPS[1]}",
    ]
    assert "a finding with no evidence" not in out  # another rule's


def test_explain_a_rule_without_findings(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "validate", str(LANDING_ZONE), "--explain", "IAM-01")
    assert out.splitlines()[-1] == "no findings of IAM-01 in this design"


def test_the_exit_code_answers_for_the_rule_explained(
    capsys: pytest.CaptureFixture[str], with_path: Finding
) -> None:
    # The design has a high IAM-15 finding; explaining another rule with none exits 0.
    assert run(capsys, "validate", str(LANDING_ZONE), "--explain", "IAM-01")[0] == 0
    assert run(capsys, "validate", str(LANDING_ZONE), "--explain", "IAM-15")[0] == 1
    low = ["--fail-on", "low"]
    assert run(capsys, "validate", str(LANDING_ZONE), "--explain", "LOG-08", *low)[0] == 1


def test_explain_shows_that_the_rule_could_not_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = next(r for r in all_rules() if r.id == "IAM-01")

    def broken(_ctx: Any) -> Any:
        raise KeyError("no such account")

    from designer.rules.engine import REGISTRY

    monkeypatch.setitem(REGISTRY, "IAM-01", dataclasses.replace(rule, check=broken))
    code, out, _ = run(capsys, "validate", str(LANDING_ZONE), "--explain", "IAM-01")
    assert "rule IAM-01 could not run: KeyError: 'no such account'" in out
    assert code == 1  # a rule that could not run is a high finding


def test_explain_an_unknown_rule_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "validate", str(LANDING_ZONE), "--explain", "NOPE-99")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "'NOPE-99'" in err


def test_explain_refuses_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "validate", str(LANDING_ZONE), "--explain", "LOG-08", "--format", "sarif"
    )
    assert code == 2
    assert out == ""
    assert "sarif" in err


def test_explain_as_json(capsys: pytest.CaptureFixture[str], with_path: Finding) -> None:
    _, out, _ = run(
        capsys, "validate", str(LANDING_ZONE), "--explain", "IAM-15", "--format", "json"
    )
    data = json.loads(out)
    assert data["rule"]["id"] == "IAM-15"
    assert set(data["rule"]) >= {"title", "severity", "structure", "rationale", "remediation"}
    assert [f["evidence"] for f in data["findings"]] == [list(HOPS)]
    assert data["waived"] == []
    assert data["outside_scope"] == []


@pytest.fixture
def identity_only(tmp_path: Path) -> Path:
    """The landing zone said to cover only the organization and identity structures."""
    path = tmp_path / "identity-only.json"
    save_design(Kit().covers("organization", "identity").build(), path)
    return path


def test_explain_a_rule_outside_the_scope_and_the_scope_notes(
    capsys: pytest.CaptureFixture[str], identity_only: Path
) -> None:
    _, out, _ = run(capsys, "validate", str(identity_only), "--explain", "LOG-08")
    assert "2 findings outside this design's scope, not counted:" in out
    assert "of LOG-08 in this design" not in out
    _, out, _ = run(capsys, "validate", str(identity_only), "--explain", "SCOPE")
    assert out.startswith("SCOPE  Outside this design's scope\n")
    assert "    Evidence:\n      LOG-08 (low): MFA Delete on log bucket" in out


def test_json_carries_the_evidence_of_findings_that_have_some(
    capsys: pytest.CaptureFixture[str], with_path: Finding
) -> None:
    _, out, _ = run(capsys, "validate", str(LANDING_ZONE), "--format", "json")
    first, second = json.loads(out)["findings"]
    assert first["evidence"] == list(HOPS)
    assert "evidence" not in second  # as before: a finding without evidence is unchanged


def test_sarif_puts_the_evidence_in_the_message_and_properties(
    capsys: pytest.CaptureFixture[str], with_path: Finding
) -> None:
    _, out, _ = run(capsys, "validate", str(LANDING_ZONE), "--format", "sarif")
    first, second = json.loads(out)["runs"][0]["results"]
    assert first["properties"]["evidence"] == list(HOPS)
    markdown = first["message"]["markdown"]
    assert markdown.startswith("'Developer Sandbox' reaches administrator")
    assert "Evidence:" in markdown
    assert "\\-&gt; 'Retail Development'" not in markdown
    assert markdown.count("\n- ") == len(HOPS)
    assert first["message"]["text"] == with_path.message
    assert "properties" not in second
    assert "markdown" not in second["message"]


def test_rules_json_and_markdown_name_each_rules_structure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "rules", "--format", "json")
    structures = {r["id"]: r["structure"] for r in json.loads(out)}
    assert structures["LOG-08"] == "logging"
    assert structures["DEP-01"] is None  # any design
    _, out, _ = run(capsys, "rules", "--format", "markdown")
    assert "| id | severity | category | structure | title |" in out
    assert "structure: logging" in out
