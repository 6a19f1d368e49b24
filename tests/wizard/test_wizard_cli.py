"""The wizard on the command line: print the questions, answer them in a file, get a design;
answer again and grow it. Bad answers files fail in one line naming the answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.cli import main
from designer.model import Account, load_design, save_design
from designer.model.vocabulary import AccountFunction, DataSensitivity, Environment
from designer.rules import validate
from tests.wizard.test_answer_space import serious_findings


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def printed_questions(capsys: pytest.CaptureFixture[str], folder: Path) -> Path:
    code, out, _ = run(capsys, "new", "--print-questions")
    assert code == 0
    path = folder / "answers.yaml"
    path.write_text(out, encoding="utf-8")
    return path


def test_the_printed_questions_are_a_ready_answers_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = printed_questions(capsys, tmp_path)
    text = answers.read_text(encoding="utf-8")
    assert "# Does the business require isolation to minimize blast radius?" in text
    assert "\nblast_radius_isolation: true\n" in text
    out = tmp_path / "design.json"
    code, printed, _ = run(capsys, "new", "--answers", str(answers), "-o", str(out))
    assert code == 0
    assert "decisions" in printed
    design = load_design(out)
    assert design.answers is not None
    assert design.decisions
    assert serious_findings(design) == []


def test_answering_again_grows_the_design_in_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = printed_questions(capsys, tmp_path)
    out = tmp_path / "design.json"
    assert run(capsys, "new", "--answers", str(answers), "-o", str(out))[0] == 0
    text = answers.read_text(encoding="utf-8")
    answers.write_text(text.replace("  - Engineering\n", "  - Engineering\n  - Retail\n"))
    code, printed, _ = run(capsys, "grow", str(out), "--answers", str(answers), "--dry-run")
    assert code == 0
    assert "add account Retail Production" in printed
    assert "Retail Production" not in {a.name for a in load_design(out).accounts}
    code, printed, _ = run(capsys, "grow", str(out), "--answers", str(answers))
    assert code == 0
    assert "previous version kept" in printed
    grown = load_design(out)
    assert {"Retail Production", "Engineering Production"} <= {a.name for a in grown.accounts}
    assert (tmp_path / "design.json.bak").exists()
    assert run(capsys, "grow", str(out), "--answers", str(answers))[1].endswith(
        "nothing to change\n"
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("regions: [mars-1]", "answers.yaml: $.regions[0]"),
        ("business_units: []", "$.business_units"),
        ("frobnicate: true", "$.frobnicate"),
        ("blast_radius_isolation: maybe", "$.blast_radius_isolation"),
        (
            "environments: [production, development]\ndata_sensitivity: {production: restricted, "
            "development: restricted}",
            "restricted data stays in production",
        ),
        ("business_units: [R&D, R D]", "business units named twice: R D, R&D"),
        ("business_units: [Ventes Île]", "$.business_units[0]: use letters A-Z"),
        ("third_parties: [{name: A B}, {name: AB}]", "third parties named twice"),
        ("email_domain: " + "x" * 40 + ".com", "$.email_domain"),
        ("log_retention_days: 0", "$.log_retention_days"),
        ("a: [1\n", "answers.yaml: line"),
        ("a: 1\na: 2\n", "answers.yaml"),
        ("- just\n- a list\n", "a mapping of question: answer"),
    ],
)
def test_a_bad_answers_file_fails_in_one_line_naming_the_answer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, words: str
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "new", "--answers", str(answers), "-o", str(tmp_path / "d.json"))
    assert code == 2
    assert words in err
    assert err.count("\n") == 1
    assert not (tmp_path / "d.json").exists()


def test_a_template_design_cannot_be_grown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    design = tmp_path / "lz.json"
    assert run(capsys, "new", "--template", "logging", "-o", str(design))[0] == 0
    answers = printed_questions(capsys, tmp_path)
    code, _, err = run(capsys, "grow", str(design), "--answers", str(answers))
    assert code == 2
    assert "not made by the new-design wizard" in err


def test_the_wizard_design_survives_a_save_and_load_unchanged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = printed_questions(capsys, tmp_path)
    out = tmp_path / "design.json"
    run(capsys, "new", "--answers", str(answers), "-o", str(out))
    design = load_design(out)
    assert validate(design).findings == validate(load_design(out)).findings
    code, _, _ = run(capsys, "validate", str(out), "--fail-on", "high")
    assert code == 0


def test_grow_names_the_high_findings_it_would_bring(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(
        "environments: [production, non-production, development]\n"
        "data_sensitivity: {production: confidential, non-production: confidential, "
        "development: internal}\n",
        encoding="utf-8",
    )
    second.write_text("environments: [production, development]\n", encoding="utf-8")
    out = tmp_path / "design.json"
    assert run(capsys, "new", "--answers", str(first), "-o", str(out))[0] == 0
    design = load_design(out)
    nonprod = next(u for u in design.organizational_units if u.name == "Non-prod")
    perf = Account(
        name="Payments Perf Test",
        functions=[AccountFunction.WORKLOAD],
        environment=Environment.NON_PRODUCTION,
        data_sensitivity=DataSensitivity.CONFIDENTIAL,
        parent=nonprod.id,
        root_mfa=True,
    )
    design.accounts.append(perf)  # drawn by hand, as the usage policy allowed
    save_design(design, out)
    code, printed, _ = run(capsys, "grow", str(out), "--answers", str(second), "--dry-run")
    assert code == 0
    assert "new finding: HIGH POL-04" in printed
    assert "Payments Perf Test" in printed
