"""Designs from the wizard deploy as written: the richest and the barest answers, exported and
rehearsed on moto, imported back and compared."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.model import new_id
from designer.model.answers import Answers
from designer.rehearsal.report import format_report
from designer.rehearsal.run import rehearse
from designer.wizard.build import build_design
from tests.rehearsal.conftest import export, quick_emulator
from tests.wizard.answer_space import QUESTIONS

pytestmark = pytest.mark.live

ENVIRONMENTS = {"production": "restricted", "non-production": "confidential",
                "development": "internal", "sandbox": "public"}  # fmt: skip
RICHEST = Answers.model_validate(
    {
        "business_units": ["Retail", "Payments"],
        "limited_visibility": True,
        "central_publishing": True,
        "published": ["amis", "snapshots", "portfolios", "templates"],
        "security_team": "both",
        "environments": list(ENVIRONMENTS),
        "data_sensitivity": ENVIRONMENTS,
        "regions": ["eu-west-1", "eu-central-1"],
        "third_parties": [{"name": "Example Auditors", "aws_account_id": "111122223333"}],
    }
)
BAREST = Answers.model_validate({q: False for q in QUESTIONS} | {"identity_source": "saml"})


@pytest.mark.parametrize("answers", [RICHEST, BAREST], ids=["richest", "barest"])
def test_the_wizard_design_deploys_as_written(
    answers: Answers, moto_url: str, tmp_path: Path
) -> None:
    design = build_design(answers, new_id())
    folder = export(design, tmp_path / "export")
    with quick_emulator(moto_url) as url:
        result = rehearse(folder, url, design)
    assert result.comparison is not None
    assert result.comparison.accounts_read == len(design.accounts)
    missing = [
        e.subject
        for e in result.comparison.unexplained
        if e.kind in ("ou", "account", "scp", "organization", "trust") and e.status == "missing"
    ]
    assert missing == []
    assert result.passed, format_report(result)
