"""`terraform fmt -check` accepts every file of the Terraform export as written: the HCL writer
lays files out exactly as Terraform's own formatter does (alignment of `=` included, inside
jsonencode objects too), so a user's `terraform fmt` in CI or a pre-commit hook changes nothing.

Terraform is found as $TERRAFORM, the project's .venv-terraform (tools/bootstrap.sh), or on PATH;
without one the test is skipped with that reason (it never downloads anything).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from designer.engines.files import write_files
from designer.engines.terraform.write import write_config
from tests.engines.test_terraform import CASES, design_of

ROOT = Path(__file__).resolve().parents[2]


def terraform() -> str | None:
    for candidate in (
        os.environ.get("TERRAFORM"),
        str(ROOT / ".venv-terraform" / "bin" / "terraform"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("terraform")


BINARY = terraform()
needs_terraform = pytest.mark.skipif(
    BINARY is None,
    reason="no terraform binary ($TERRAFORM, .venv-terraform/bin/terraform or PATH): "
    "run `make setup`",
)


def fmt_check(folder: Path) -> subprocess.CompletedProcess[str]:
    assert BINARY is not None
    return subprocess.run(
        [BINARY, "fmt", "-check", "-recursive", "-diff", "-no-color"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"},
    )


@needs_terraform
@pytest.mark.parametrize("name", CASES)
def test_terraform_fmt_changes_nothing(name: str, tmp_path: Path) -> None:
    files = write_config(design_of(name))
    write_files(files, tmp_path)
    assert any(f.path.endswith(".tf") for f in files)
    result = fmt_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_terraform
def test_fmt_check_catches_a_misaligned_file(tmp_path: Path) -> None:
    (tmp_path / "x.tf").write_text('resource "a" "b" {\n  x = 1\n  long = 2\n}\n')
    result = fmt_check(tmp_path)
    assert result.returncode != 0
    assert "x.tf" in result.stdout
