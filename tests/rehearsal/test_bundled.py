"""Every bundled template and a 200-account design, exported and rehearsed on moto."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_design
from designer.model.design import Design
from designer.model.templates import new_design_from_template
from designer.rehearsal.context import FAILED, MANUAL, NOT_SIMULATED
from designer.rehearsal.plan import load_plan
from designer.rehearsal.report import Rehearsal, format_report
from designer.rehearsal.run import rehearse
from tests.rehearsal.conftest import export, quick_emulator

pytestmark = pytest.mark.live

TEMPLATES = sorted(p.stem for p in Path("resources/templates").glob("*.json"))
_done: dict[str, tuple[Design, Path, Rehearsal]] = {}


@pytest.fixture
def rehearsed(
    request: pytest.FixtureRequest, moto_url: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Design, Path, Rehearsal]:
    """The template's rehearsal, made once per test session."""
    name = request.param
    if name not in _done:
        design = new_design_from_template(name)
        folder = export(design, tmp_path_factory.mktemp(name))
        with quick_emulator(moto_url) as url:
            _done[name] = (design, folder, rehearse(folder, url, design))
    return _done[name]


@pytest.mark.parametrize("rehearsed", TEMPLATES, indirect=True)
def test_every_step_is_performed_or_accounted_for(
    rehearsed: tuple[Design, Path, Rehearsal],
) -> None:
    design, folder, result = rehearsed
    plan = load_plan(folder)
    assert [o.step.id for o in result.outcomes] == [s.id for s in plan.steps]
    manual = [o.step.id for o in result.outcomes if o.status == MANUAL]
    assert manual == [s.id for s in plan.steps if s.manual]
    for outcome in result.outcomes:
        if outcome.status in (FAILED, NOT_SIMULATED):
            assert outcome.detail or outcome.not_simulated, outcome.step.label
    assert result.comparison is not None
    assert result.comparison.accounts_read == len(design.accounts)
    structure = [
        e.subject
        for e in result.comparison.unexplained
        if e.kind in ("ou", "account", "scp", "organization") and e.status == "missing"
    ]
    assert structure == []  # every OU, account and SCP of the design was deployed
    assert f"{len(result.outcomes)} steps" in format_report(result)


@pytest.mark.parametrize("rehearsed", TEMPLATES, indirect=True)
def test_the_plan_deploys_as_written(rehearsed: tuple[Design, Path, Rehearsal]) -> None:
    _, _, result = rehearsed
    assert result.passed, format_report(result)


@pytest.mark.slow
def test_a_200_account_design(moto_url: str, tmp_path: Path) -> None:
    design = synthetic_design(200)
    folder = export(design, tmp_path / "export")
    with quick_emulator(moto_url) as url:
        result = rehearse(folder, url, design)
    created = [o for o in result.outcomes if o.step.kind == "account" and o.status != FAILED]
    assert len(created) == 199  # every account but the management account
    assert result.comparison is not None
    assert result.comparison.accounts_read == 200
    unexplained = result.comparison.unexplained
    missing = [e.subject for e in unexplained if e.status == "missing" and e.kind == "trust"]
    assert missing == []  # every scoped trust reached every account of its scope
    assert result.passed, format_report(result)
    print(f"\n200 accounts: steps {result.steps_seconds:.1f} s, in all {result.seconds:.1f} s")
