"""`account-designer convert`: what the user sees on the command line, whichever engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.cli import EXIT_BAD_INPUT, EXIT_OK, main
from designer.engines.files import write_files
from designer.engines.lza.write import write_config as write_lza
from designer.engines.orgformation.write import write_config as write_orgformation
from designer.model import load_design
from designer.model.templates import load_template


def test_an_lza_folder_converts_to_a_design_file_and_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = load_template("reference-landing-zone")
    write_files(write_lza(design), tmp_path / "lza")
    out = tmp_path / "converted.json"
    assert main(["convert", str(tmp_path / "lza"), "-o", str(out)]) == EXIT_OK
    converted = load_design(out)
    assert {a.name for a in converted.accounts} == {a.name for a in design.accounts}
    printed = capsys.readouterr().out
    assert f"{len(design.accounts)} accounts" in printed
    assert "from lza" in printed
    report = json.loads((tmp_path / "converted.conversion-report.json").read_text())
    assert report["engine"] == "lza"
    assert "accounts-config.yaml" in report["files"]


def test_an_org_formation_file_converts(tmp_path: Path) -> None:
    design = load_template("identity")
    write_files(write_orgformation(design), tmp_path / "of")
    out = tmp_path / "converted.json"
    assert main(["convert", str(tmp_path / "of" / "organization.yml"), "-o", str(out)]) == EXIT_OK
    assert len(load_design(out).accounts) == len(design.accounts)


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, never a traceback
    return err


def test_what_is_not_a_configuration_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.yaml").write_text("just: a file\n")
    out = str(tmp_path / "x.json")
    err = _error(capsys, ["convert", str(tmp_path / "notes.yaml"), "-o", out])
    assert "notes.yaml: not a configuration this tool reads" in err
    assert "Landing Zone Accelerator" in err
    assert "org-formation" in err
    err = _error(capsys, ["convert", str(tmp_path / "missing"), "-o", out])
    assert "missing: no such file or folder" in err
    assert not (tmp_path / "x.json").exists()


def test_an_existing_design_is_not_replaced_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(write_lza(load_template("logging")), tmp_path / "lza")
    out = tmp_path / "mine.json"
    out.write_text("precious")
    err = _error(capsys, ["convert", str(tmp_path / "lza"), "-o", str(out)])
    assert "already exists; add --force" in err
    assert out.read_text() == "precious"
    assert main(["convert", str(tmp_path / "lza"), "-o", str(out), "--force"]) == EXIT_OK


def test_a_malformed_file_is_one_line_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lza"
    write_files(write_lza(load_template("logging")), folder)
    (folder / "organization-config.yaml").write_text("organizationalUnits: [\n")
    err = _error(capsys, ["convert", str(folder), "-o", str(tmp_path / "x.json")])
    assert "organization-config.yaml: line" in err


def test_an_engine_export_says_what_the_format_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = str(tmp_path / "landing.json")
    assert main(["new", "--template", "reference-landing-zone", "-o", design]) == EXIT_OK
    formats = ["--format", "lza", "--format", "terraform"]
    assert main(["export", design, "-o", str(tmp_path / "x"), *formats]) == EXIT_OK
    lza, terraform = capsys.readouterr().err.splitlines()
    # The landing zone asks for MFA on its trusts and tags its accounts: LZA can say neither.
    assert "lza: the format cannot hold all of:" in lza
    assert "Trust conditions: MFA" in lza
    assert "Account tags" in lza
    assert "terraform: the format cannot hold all of:" in terraform
    assert "Account tags" not in terraform  # aws_organizations_account has tags
