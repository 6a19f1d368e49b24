"""The edges a picture draws: a node related the same way to all or most accounts of an OU is one
edge to the OU; ends inside a collapsed OU join on its card; no relationship is lost."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from benchmarks.synthetic import sid, synthetic_design
from designer.drawing.aggregate import LEAST, drawn_edges
from designer.drawing.collapse import fit_collapse, visibility
from designer.model import Design, LogDeliveryRelationship
from designer.model.templates import list_templates, load_template

WORKLOADS = sid("ou", "Workloads")
MANAGEMENT = sid("account", "management")
NETWORK = sid("account", "network")


def _without(design: Design, *rel_ids: str) -> Design:
    gone = set(rel_ids)
    return design.model_copy(
        update={"relationships": [r for r in design.relationships if r.id not in gone]}
    )


def _billing(design: Design, account: Any) -> str:
    return sid("rel", "bill", account.id)


def _edges(design: Design, collapsed: set[str] | None = None, group: bool = True) -> list[Any]:
    return drawn_edges(design, visibility(design, collapsed or set()), group)


def _by_kind(edges: list[Any], kind: str) -> list[Any]:
    return [e for e in edges if e.kind == kind]


def test_billing_of_every_account_is_one_edge_to_the_organization() -> None:
    design = synthetic_design(205)
    (billing,) = _by_kind(_edges(design), "billing")
    assert (billing.source, billing.target) == (MANAGEMENT, design.organization.id)
    assert billing.accounts == 204
    assert len(billing.members) == 204
    assert billing.excepted == ()  # the management account does not bill itself
    assert billing.label == "204 accounts"


def test_most_accounts_of_an_ou_is_one_edge_listing_the_ones_left_out() -> None:
    design = synthetic_design(205)
    left_out = design.accounts[7]
    (billing,) = _by_kind(_edges(_without(design, _billing(design, left_out))), "billing")
    assert billing.target == design.organization.id
    assert billing.excepted == (left_out.id,)
    assert billing.accounts == 203


def test_a_fan_covering_less_than_most_of_an_ou_stays_separate_edges() -> None:
    design = synthetic_design(205)
    workloads = [a for a in design.accounts if a.parent and a.id != MANAGEMENT][4:]
    dropped = [_billing(design, a) for a in workloads[: len(workloads) // 2]]
    billing = _by_kind(_edges(_without(design, *dropped)), "billing")
    grouped = [e for e in billing if e.grouped]
    # no OU with half its accounts billed gets an edge; the separate ones are all there
    assert sum(len(e.members) for e in billing) == 204 - len(dropped)
    assert all(e.target != design.organization.id for e in grouped)


def test_a_small_fan_stays_as_it_is() -> None:
    design = synthetic_design(LEAST - 1 + 1)  # management and LEAST - 1 billed accounts
    assert all(not e.grouped for e in _by_kind(_edges(design), "billing"))


def test_a_fan_to_exactly_one_ou_goes_to_that_ou_not_the_organization_less_a_few() -> None:
    design = synthetic_design(2000, scoped=False)
    (admin,) = [e for e in _by_kind(_edges(design), "trust") if "WorkloadAdmin" in e.label]
    assert admin.target == WORKLOADS
    assert admin.accounts == 1995
    assert admin.excepted == ()


def test_shares_to_every_business_unit_are_one_edge_to_their_parent() -> None:
    design = synthetic_design(2000)
    (shares,) = _by_kind(_edges(design), "resource-share")
    assert (shares.source, shares.target) == (NETWORK, WORKLOADS)
    assert len(shares.members) == 20
    assert shares.accounts == 1995


def test_without_grouping_every_relationship_is_its_own_edge() -> None:
    design = synthetic_design(205)
    edges = _edges(design, group=False)
    assert len(edges) == len(design.relationships)
    assert all(e.members == (e.id,) for e in edges)


def test_ends_inside_a_collapsed_ou_join_on_its_card() -> None:
    design = synthetic_design(205, scoped=False)
    bu = sid("ou", "bu", 3)
    edges = _edges(design, {bu}, group=False)
    into = [e for e in edges if e.target == bu]
    assert Counter(e.kind for e in into) == {"billing": 1, "trust": 2, "resource-share": 1}
    billing = next(e for e in into if e.kind == "billing")
    assert billing.accounts == 10
    assert billing.label == "10 accounts"
    audit = next(e for e in into if e.kind == "trust" and "SecurityAudit" in e.label)
    assert audit.label.endswith("· 10 accounts")


def test_the_count_of_a_scoped_end_inside_a_collapsed_ou_is_its_accounts() -> None:
    design = synthetic_design(205)
    (shares,) = [e for e in _edges(design, {WORKLOADS}) if e.kind == "resource-share"]
    assert shares.target == WORKLOADS
    assert shares.accounts == 200


@pytest.mark.parametrize("group", [True, False])
@pytest.mark.parametrize(
    "name", [*(i.name for i in list_templates()), "synthetic-205", "synthetic-2000-unscoped"]
)
def test_every_relationship_is_drawn_once(name: str, group: bool) -> None:
    if name.startswith("synthetic"):
        design = synthetic_design(int(name.split("-")[1]), scoped="unscoped" not in name)
    else:
        design = load_template(name)
    for collapsed in (set(), fit_collapse(design, budget=12), fit_collapse(design)):
        shown = visibility(design, collapsed)
        edges = drawn_edges(design, shown, group)
        drawn = Counter(m for e in edges for m in e.members)
        assert max(drawn.values(), default=1) == 1, "a relationship drawn twice"
        inside = {
            r.id
            for r in design.relationships
            if shown.shown(r.source) == shown.shown(r.target) != r.source
            or shown.shown(r.source) == shown.shown(r.target) != r.target
        }
        everything = {r.id for r in design.relationships}
        # one inside a card may still be part of a fan to an OU around the card
        assert everything - inside <= drawn.keys() <= everything
        assert len({e.id for e in edges}) == len(edges), "two edges with one id"
        for edge in edges:  # ends are drawn: nothing hidden
            assert edge.source not in shown.hidden
            assert edge.target not in shown.hidden


def test_many_accounts_delivering_to_one_archive_are_one_edge_from_their_ou() -> None:
    design = synthetic_design(205)
    archive = sid("account", "log-archive")
    workloads = [a for a in design.accounts if a.parent and "workload" in a.name]
    deliveries = [
        LogDeliveryRelationship(
            id=sid("rel", "vpc-logs", a.id),
            source=a.id,
            target=archive,
            log_types=["vpc-flow-logs"],
        )
        for a in workloads
    ]
    design = design.model_copy(update={"relationships": [*design.relationships, *deliveries]})
    (flows,) = [e for e in _edges(design) if "vpc-flow-logs" in e.label]
    assert (flows.source, flows.target) == (WORKLOADS, archive)  # many sources, one target
    assert flows.grouped_end == "source"
    assert flows.accounts == len(workloads)
    assert len(flows.members) == len(workloads)
