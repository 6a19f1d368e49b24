"""The command line as scripts and users call it: output, files and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from designer.cli import main
from designer.model import load_design
from tests.helpers.factories import ROOT, TEMPLATES, small_data, write_json
from tests.model.test_bad_input import CASES, FILE_CASES

LANDING_ZONE = TEMPLATES / "reference-landing-zone.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_templates_lists_all_six(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "templates")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names == sorted(
        [
            "central-it",
            "identity",
            "information-security",
            "logging",
            "publishing",
            "reference-landing-zone",
        ]
    )
    assert "accounts" in out


def test_new_writes_a_loadable_design(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "mine.json"
    code, out, _ = run(capsys, "new", "--template", "logging", "-o", str(out_file))
    assert code == 0
    assert "wrote" in out
    design = load_design(out_file)
    template = load_design(TEMPLATES / "logging.json")
    assert design.accounts == template.accounts
    assert design.id != template.id  # a design of its own


def test_new_refuses_to_overwrite_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "mine.json"
    out_file.write_text("keep me", encoding="utf-8")
    code, _, err = run(capsys, "new", "--template", "logging", "-o", str(out_file))
    assert code == 2
    assert "already exists; add --force" in err
    assert out_file.read_text(encoding="utf-8") == "keep me"
    code, _, _ = run(capsys, "new", "--template", "logging", "-o", str(out_file), "--force")
    assert code == 0
    assert (tmp_path / "mine.json.bak").read_text(encoding="utf-8") == "keep me"


def test_unknown_template_names_the_known_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "new", "--template", "nope", "-o", str(tmp_path / "x.json"))
    assert code == 2
    assert "no template called 'nope'" in err
    assert "reference-landing-zone" in err


def test_inventory_table_csv_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    design = load_design(LANDING_ZONE)
    code, table, _ = run(capsys, "inventory", str(LANDING_ZONE))
    assert code == 0
    assert table.splitlines()[0].split()[:2] == ["Name", "Account"]
    assert len(table.splitlines()) == len(design.accounts) + 2
    code, text, _ = run(capsys, "inventory", str(LANDING_ZONE), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(design.accounts)
    by_id = {r["account_id"]: r for r in rows}
    for account in design.accounts:
        row = by_id[account.aws_account_id or "(planned)"]
        assert row["name"] == account.name
        assert row["email"] == (account.email or "")
    assert {r["ou_path"] for r in rows} >= {"Root", "Root/Security", "Root/Workloads/Prod"}
    code, markdown, _ = run(capsys, "inventory", str(LANDING_ZONE), "--format", "markdown")
    assert markdown.startswith("| Name | Account id | OU path |")
    assert len(markdown.splitlines()) == len(design.accounts) + 2


def test_inventory_escapes_user_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small_data()
    data["accounts"][2]["name"] = "Prod | <script>alert(1)</script>\nx"
    data["accounts"][2]["owner"] = '=HYPERLINK("http://evil")'
    file = write_json(tmp_path / "d.json", data)
    _, markdown, _ = run(capsys, "inventory", str(file), "--format", "markdown")
    line = next(row for row in markdown.splitlines() if "Prod" in row)
    assert "<script>" not in line
    assert "Prod \\| &lt;script&gt;" in line
    assert line.count(" | ") == 7  # the user's pipe did not add a column
    _, text, _ = run(capsys, "inventory", str(file), "--format", "csv")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["name"].startswith("Prod"))
    assert row["owner"].startswith("'=")


def test_schema_is_json_schema_of_the_design(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["title"] == "Design"
    assert "format_version" in schema["required"] or "format_version" in schema["properties"]
    assert set(schema["$defs"]) >= {"Account", "TrustRelationship", "LogBucket"}


def test_screenshot_of_the_window(tmp_path: Path) -> None:
    out = tmp_path / "window.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "designer",
            str(LANDING_ZONE),
            "--screenshot",
            str(out),
            "--view",
            "logging",
            "--size",
            "1200x800",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "ACCOUNT_DESIGNER_STATE": str(tmp_path)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(out.read_bytes()[16:20]), int.from_bytes(out.read_bytes()[20:24])
    assert (width, height) == (1200, 800)


def test_screenshot_of_a_bad_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "designer", str(bad), "--screenshot", str(tmp_path / "x.png")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"account-designer: {bad}: not valid JSON")
    assert result.stderr.count("\n") == 1


def test_no_display_is_explained(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code, _, err = run(capsys, str(LANDING_ZONE))
    assert code == 2
    assert "no display to open the window on" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["inventory", "missing.json"], "missing.json: cannot read"),
        (["inventory"], "the following arguments are required: FILE"),
        (["inventory", "x.json", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["frobnicate", "extra"], "neither a command"),
        (["x.json", "--size", "big"], "expected WIDTHxHEIGHT"),
        (["x.json", "--view", "nope"], "invalid choice: 'nope'"),
        (["new", "--template", "logging"], "new needs -o FILE"),
        (["new", "-o", "x.json"], "exactly one of --template NAME, --answers FILE"),
        (["new", "--template", "logging", "--print-questions"], "exactly one of"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert words in err
    assert err.count("\n") == 1


def test_corrupt_file_exits_2_without_traceback(tmp_path: Path) -> None:
    data = small_data()
    data["accounts"][1]["aws_account_id"] = "12"
    file = write_json(tmp_path / "bad.json", data)
    result = subprocess.run(
        [sys.executable, "-m", "designer", "inventory", str(file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"account-designer: {file}: $.accounts[1].aws_account_id: "
        "an AWS account id is exactly 12 digits (got '12')\n"
    )


def test_console_script_and_module_agree() -> None:
    script = Path(sys.executable).parent / "account-designer"
    by_script = subprocess.run(
        [str(script), "templates"], capture_output=True, text=True, check=True
    )
    by_module = subprocess.run(
        [sys.executable, "-m", "designer", "templates"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert by_script.stdout == by_module.stdout
    assert "reference-landing-zone" in by_script.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_every_invalid_design_exits_2_naming_the_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    mutate, path, words = CASES[case]
    data = small_data()
    mutate(data)
    file = write_json(tmp_path / "bad.json", data)
    for argv in (["inventory", str(file)], ["validate", str(file)]):
        code, out, err = run(capsys, *argv)
        assert code == 2
        assert out == ""
        assert err.startswith(f"account-designer: {file}: ")
        assert path in err
        assert words in err
        assert err.count("\n") == 1


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_every_unreadable_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    content, words = FILE_CASES[case]
    file = tmp_path / "design.json"
    file.write_bytes(content or b"")
    code, _, err = run(capsys, "inventory", str(file))
    assert code == 2
    assert words in err
    assert err.count("\n") == 1


def test_mistyped_command_is_not_taken_for_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "templtes")
    assert code == 2
    assert (
        "'templtes' is neither a command (check-live, convert, diff, export, grow, history, "
        "import, inventory, new, rehearse, rules, schema, templates, validate)" in err
    )


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["new", "--template", "identity", "-o", "", "--force"], "-o needs the name of a file"),
        (["new", "--template", "identity", "-o", "."], "-o needs the name of a file"),
        (["a" * 5000], "File name too long"),
        (["new", "--template", "identity", "-o", "/tmp/" + "a" * 300], "File name too long"),
    ],
)
def test_paths_the_system_refuses_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert words in err
    assert err.count("\n") == 1


def test_an_export_aws_would_refuse_names_the_design_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = small_data()
    actions = [f"s3:DeleteBucketNumber{n:04d}" for n in range(300)]
    statement = {"Effect": "Deny", "Action": actions, "Resource": "*"}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    data["service_control_policies"] = [
        {"id": "5c900000-0000-4000-8000-000000000001", "name": "Huge", "document": document}
    ]
    path = write_json(tmp_path / "huge.json", data)
    code, _, err = run(
        capsys, "export", str(path), "-o", str(tmp_path / "out"), "--format", "policies"
    )
    assert code == 2
    assert err.startswith(f"account-designer: {path}: not exported: SCP 'Huge' is ")
    assert err.count("\n") == 1


def test_a_file_the_disk_will_not_take_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import exporters.base

    def full(path: Path, *_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(exporters.base, "write_atomic", full)
    template = TEMPLATES / "identity.json"
    code, _, err = run(capsys, "export", str(template), "-o", str(tmp_path / "out"))
    assert code == 2
    assert err.startswith(f"account-designer: {template}: not exported: {tmp_path / 'out'}/")
    assert err.rstrip().endswith(": not written: No space left on device")
    assert err.count("\n") == 1
