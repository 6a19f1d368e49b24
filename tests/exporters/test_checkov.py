"""checkov's CloudFormation checks on every bundled design's templates: each failing check is
either fixed or explained, per check id, in that export's cloudformation/notes.md."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from designer.model.templates import load_template
from exporters.base import export_design
from tests.helpers.factories import ROOT, TEMPLATES

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


def _failed_checks(folder: Path) -> list[tuple[str, str, str]]:
    """(check id, template path relative to `folder`, resource) of every failing check."""
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}  # otherwise it calls a remote service first
    run = subprocess.run(
        [str(CHECKOV), "-d", str(folder), "--framework", "cloudformation", "--skip-download",
         "--compact", "--quiet", "-o", "json"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    reports = json.loads(run.stdout) if run.stdout.strip() else []
    reports = reports if isinstance(reports, list) else [reports]
    assert reports, f"checkov gave no report: {run.stderr[-500:]}"
    found = []
    for report in reports:
        assert report["summary"]["parsing_errors"] == 0, report["summary"]
        for check in report["results"]["failed_checks"]:
            found.append((check["check_id"], check["file_path"].lstrip("/"), check["resource"]))
    return found


def test_every_failing_checkov_check_is_explained_in_the_notes(tmp_path: Path) -> None:
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make setup` (tools/bootstrap.sh installs it)")
    names = sorted(p.stem for p in TEMPLATES.glob("*.json"))
    for name in names:
        export_design(load_template(name), tmp_path / name, ["cloudformation"])
    failed = _failed_checks(tmp_path)
    unexplained = []
    for check_id, path, resource in failed:
        design, _, template = path.partition("/")
        notes = (tmp_path / design / "cloudformation" / "notes.md").read_text(encoding="utf-8")
        logical = resource.split(".")[-1]
        wanted = f"{check_id} in `{template}`"
        lines = [line for line in notes.splitlines() if wanted in line and logical in line]
        if not lines:
            unexplained.append(f"{check_id} {path} {resource}")
    assert not unexplained, "\n".join(unexplained)
