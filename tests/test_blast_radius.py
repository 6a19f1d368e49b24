"""The one-pass blast radius agrees with a search from each start, on random trust graphs."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.analysis.radius import (
    ACCESS_RANK,
    access_level,
    blast_radius,
    controllers,
    long_chains,
    radius_summaries,
)
from designer.model import (
    Account,
    Design,
    FederationRelationship,
    IdentityProvider,
    Organization,
    TrustRelationship,
    stable_id,
)

LEVELS = ["read-only", "security-audit", "service-admin", "custom", "iam-admin", "administrator"]
EXTRA = {
    "service-admin": {"services": ["ec2"]},
    "custom": {"managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
}


@st.composite
def trust_graphs(draw: st.DrawFn) -> Design:
    count = draw(st.integers(2, 9))
    accounts = [
        Account(id=stable_id("bt", str(i)), name=f"A{i}", functions=["workload"])
        for i in range(count)
    ]
    idp = IdentityProvider(id=stable_id("bt", "idp"), name="IdP", kind="saml")
    edges = draw(
        st.lists(
            st.tuples(
                st.integers(0, count - 1), st.integers(0, count - 1), st.sampled_from(LEVELS)
            ),
            max_size=20,
        )
    )
    rels: list[object] = [
        TrustRelationship(
            id=stable_id("bt", "t", str(n)),
            source=accounts[s].id,
            target=accounts[t].id,
            role_name=f"R{n}",
            access_level=level,
            **EXTRA.get(level, {}),
        )
        for n, (s, t, level) in enumerate(edges)
        if s != t
    ]
    if draw(st.booleans()):
        rels.append(
            FederationRelationship(
                id=stable_id("bt", "f"), source=idp.id, target=accounts[0].id, protocol="saml"
            )
        )
    return Design.model_validate(
        {
            "name": "t",
            "organization": Organization(name="o"),
            "accounts": accounts,
            "identity_providers": [idp],
            "relationships": rels,
        }
    )


@settings(max_examples=150, deadline=None)
@given(trust_graphs())
def test_summaries_match_per_start_search(design: Design) -> None:
    rels = {r.id: r for r in design.relationships}
    for start, summary in radius_summaries(design).items():
        full = blast_radius(design, start)
        assert summary.accounts == len(full.reached)
        best = max(ACCESS_RANK[r.level] for r in full.reached.values())
        assert ACCESS_RANK[summary.example.level] == best
        route = summary.example.route
        assert route.nodes[0] == start
        assert route.nodes[-1] == summary.example.account != start
        joined = [p for i, p in enumerate(itertools.pairwise(route.nodes)) if i not in route.gaps]
        for (a, b), rel_id in zip(joined, route.relationships, strict=True):
            assert (rels[rel_id].source, rels[rel_id].target) == (a, b)
        assert access_level(rels[route.relationships[-1]]) == summary.example.level


@settings(max_examples=100, deadline=None)
@given(trust_graphs())
def test_controllers_are_exactly_the_nodes_that_take_control(design: Design) -> None:
    of = controllers(design)
    pivots = {"iam-admin", "administrator", "federated", "custom"}
    for account in design.accounts:
        expected = {
            start
            for start in {r.source for r in design.relationships}
            if start != account.id
            and account.id in blast_radius(design, start).reached
            and blast_radius(design, start).reached[account.id].level in pivots
        }
        assert set(of(account.id)) == expected


def test_long_chains_report_the_final_edge_with_its_chain() -> None:
    ids = [stable_id("chain", str(i)) for i in range(5)]
    accounts = [Account(id=i, name=f"C{n}", functions=["workload"]) for n, i in enumerate(ids)]
    rels = [
        TrustRelationship(
            id=stable_id("chain", "t", str(n)),
            source=ids[n],
            target=ids[n + 1],
            role_name="R",
            access_level="administrator",
        )
        for n in range(4)
    ]
    design = Design(
        name="c", organization=Organization(name="o"), accounts=accounts, relationships=rels
    )
    chains = long_chains(design, ACCESS_RANK["iam-admin"])
    assert [c.relationship for c in chains] == [rels[2].id, rels[3].id]
    assert chains[-1].route.nodes == tuple(ids)
    assert chains[-1].hops == 4


def test_custom_access_lets_an_attacker_go_on_whatever_the_edge_order() -> None:
    ids = [stable_id("order", n) for n in "ABC"]
    accounts = [
        Account(id=i, name=n, functions=["workload"]) for i, n in zip(ids, "ABC", strict=True)
    ]
    arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
    first = TrustRelationship(
        id=stable_id("order", "1"),
        source=ids[0],
        target=ids[1],
        role_name="Ops",
        access_level="service-admin",
        services=["ec2"],
    )
    second = TrustRelationship(
        id=stable_id("order", "2"),
        source=ids[0],
        target=ids[1],
        role_name="Custom",
        access_level="custom",
        managed_policy_arns=arns,
    )
    onward = TrustRelationship(
        id=stable_id("order", "3"),
        source=ids[1],
        target=ids[2],
        role_name="Admin",
        access_level="administrator",
    )
    for order in ([first, second, onward], [second, first, onward]):
        design = Design(
            name="o", organization=Organization(name="o"), accounts=accounts, relationships=order
        )
        assert set(blast_radius(design, ids[0]).reached) == {ids[1], ids[2]}
