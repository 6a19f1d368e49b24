"""The one-pass blast radius agrees with a search from each start, on random trust graphs."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.blast_radius import (
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

LEVELS = ["read-only", "security-audit", "iam-admin", "administrator"]


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
        nodes, hops = summary.example.path, summary.example.relationships
        assert nodes[0] == start
        assert nodes[-1] == summary.example.account != start
        for (a, b), rel_id in zip(itertools.pairwise(nodes), hops, strict=True):
            assert (rels[rel_id].source, rels[rel_id].target) == (a, b)
        assert access_level(rels[hops[-1]]) == summary.example.level


@settings(max_examples=100, deadline=None)
@given(trust_graphs())
def test_controllers_are_exactly_the_nodes_that_take_control(design: Design) -> None:
    of = controllers(design)
    pivots = {"iam-admin", "administrator", "federated"}
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
