"""Every per-kind table of the exporters covers every relationship kind of
designer.model.kinds.SPECS: a new kind fails here until each exporter says what it makes of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.artefacts.scoping import DEPLOYED_AS, SCOPED_MEANING
from designer.drawing.views import KIND_STYLES, VIEWS
from designer.model.catalog import EntityKind
from designer.model.kinds import SCOPES, SPECS
from exporters.base import export_design
from exporters.summary import _count_label
from tests.rules.builder import Builder

KINDS = sorted(SPECS)


def test_every_kind_says_what_the_exports_make_of_it() -> None:
    assert set(DEPLOYED_AS) == set(SPECS)
    assert all(DEPLOYED_AS[k].strip() for k in SPECS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_scoped_end_has_its_meaning(kind: str) -> None:
    """What an OU or the organization at an end means, exactly where the kind allows one."""
    assert set(SCOPED_MEANING[kind]) == {"source", "target"}
    spec = SPECS[kind]
    for end, allowed in (("source", spec.sources), ("target", spec.targets)):
        scoped = bool(SCOPES & allowed)
        assert bool(SCOPED_MEANING[kind][end]) == scoped, (kind, end)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_drawn_in_some_view_with_a_legend_entry(kind: str) -> None:
    assert kind in KIND_STYLES
    assert kind in VIEWS["all"]
    assert any(kind in kinds for view, kinds in VIEWS.items() if view != "all")
    assert _count_label(2, kind).startswith("2 × ")  # noqa: RUF001 (the multiplication sign)


def test_tables_hold_no_kind_that_does_not_exist() -> None:
    for table in (DEPLOYED_AS, SCOPED_MEANING, KIND_STYLES):
        assert set(table) <= set(SPECS)
    assert EntityKind.OU in SCOPES


def test_a_design_with_every_kind_exports_in_every_format(tmp_path: Path) -> None:
    """One relationship of each kind (scoped where the kind allows it) through every exporter."""
    b = Builder(organization_id="o-exampleorg1")
    b.ou("Workloads")
    b.account("Tooling", "security-tooling", aws_account_id="111111111111")
    b.account("Logs", "log-archive", aws_account_id="222222222222")
    b.account("App", parent="Workloads", aws_account_id="333333333333")
    b.idp("Okta", "saml")
    b.bucket("every-kind-logs", "Logs")
    made = {
        b.trust("Tooling", "Workloads", role_name="Audit"),
        b.federation("Okta", "Tooling", mapped_roles=["Admin"]),
        b.logs("Workloads", "Logs", "cloudtrail", bucket="every-kind-logs"),
        b.share("Tooling", "Workloads", "ami"),
        b.delegate("Tooling", "securityhub.amazonaws.com"),
        b.bill("App"),
    }
    design = b.build()
    assert {r.kind for r in design.relationships} == set(SPECS)
    files = export_design(design, tmp_path, ["policies", "cloudformation", "plan", "drawio"])
    plan = (tmp_path / "plan/deployment-plan.json").read_text()
    drawio = (tmp_path / "diagrams/test.drawio").read_text()
    assert len(files) > 10
    for rel in design.relationships:
        assert f"edge-{rel.id}" in drawio, rel.kind
        if rel.kind != "billing":  # billing follows from membership: no step of its own
            assert rel.id in plan, rel.kind
    assert made == {r.id for r in design.relationships}
