"""One specification per relationship kind: every per-kind table covers every kind (the spec's
own, the editor's forms, the exporters'), and what the specification promises (valid ends,
defaults) holds for a real design."""

from __future__ import annotations

import typing

import pytest

from designer.artefacts import scoping
from designer.core import edits
from designer.drawing import views
from designer.gui.panels import forms
from designer.model import Relationship, check_design
from designer.model.kinds import RELATIONSHIP_KINDS, SPECS, spec_of
from designer.model.templates import load_template


def union_kinds() -> set[str]:
    members = typing.get_args(typing.get_args(Relationship)[0])
    return {m.model_fields["kind"].default for m in members}


def test_the_specification_covers_the_model() -> None:
    assert set(SPECS) == union_kinds() == set(RELATIONSHIP_KINDS)
    for kind, spec in SPECS.items():
        assert spec.model.model_fields["kind"].default == kind


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("views.KIND_STYLES", views.KIND_STYLES),
        ("edits.KIND_TITLES", edits.KIND_TITLES),
        ("edits.RELATIONSHIP_CLASSES", edits.RELATIONSHIP_CLASSES),
        ("gui forms.RELATIONSHIP_FORMS", forms.RELATIONSHIP_FORMS),
        ("exporters scoping.DEPLOYED_AS", scoping.DEPLOYED_AS),
        ("exporters scoping.SCOPED_MEANING", scoping.SCOPED_MEANING),
    ],
)
def test_every_per_kind_table_covers_every_kind(name: str, table: dict[str, object]) -> None:
    assert set(table) == set(SPECS), name


def test_every_kind_has_a_view_of_its_own() -> None:
    for kind in SPECS:
        assert [v for v, kinds in views.VIEWS.items() if kind in kinds and v != "all"], kind
    assert views.VIEWS["all"] == frozenset(SPECS)


def test_an_unknown_kind_is_refused_not_turned_into_billing() -> None:
    design = load_template("reference-landing-zone")
    a, b = design.accounts[0].id, design.accounts[1].id
    with pytest.raises(KeyError, match="unknown relationship kind 'peering'"):
        edits.new_relationship(design, "peering", a, b)
    with pytest.raises(KeyError, match="known: trust, federation"):
        spec_of("peering")


def test_each_kind_offered_for_a_pair_is_valid_with_its_defaults() -> None:
    """For every pair of nodes of the reference design, each kind valid_kinds() offers can be
    added with its defaults and passes the integrity checks: the spec and the model agree."""
    design = load_template("reference-landing-zone")
    nodes = [
        design.organization.id,
        *(u.id for u in design.organizational_units[:3]),
        *(a.id for a in design.accounts[:6]),
        *(p.id for p in design.identity_providers),
        *(p.id for p in design.outside_principals),
    ]
    seen: set[str] = set()
    for source in nodes:
        for target in nodes:
            for kind in edits.valid_kinds(design, source, target):
                rel = edits.new_relationship(design, kind, source, target)
                design.relationships.append(rel)
                assert check_design(design) == [], (kind, source, target)
                design.relationships.pop()
                seen.add(kind)
    assert seen == set(SPECS)
